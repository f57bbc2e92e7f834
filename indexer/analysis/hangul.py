"""Hangul as typed: syllables spelled as 2-set keystrokes, their initials (초성), and Latin keys read as Hangul.

A word typed midway (사회복ㅈ) is a prefix of its word's keystrokes, not of its
syllables; initials alone (ㅅㅎㅂㅈ) are a prefix of its initials; and a Korean
word typed with the keyboard left in Latin mode (tkghlqhrwl) is the same
keystrokes under the standard 2-set (두벌식) layout. Syllables are decomposed by
`hangul-jamo`; the keystroke and layout tables are keyboard facts.

>>> keystrokes("사회복ㅈ"), initials("사회복지"), keys_from_latin("tkghlqhrwl") == keystrokes("사회복지")
('ㅅㅏㅎㅗㅣㅂㅗㄱㅈ', 'ㅅㅎㅂㅈ', True)
"""

from __future__ import annotations

import re

from hangul_jamo import decompose

# A compound vowel or final consonant is typed as two keys on the 2-set layout.
_COMPOUND_KEYS = {
    "ㅘ": "ㅗㅏ", "ㅙ": "ㅗㅐ", "ㅚ": "ㅗㅣ", "ㅝ": "ㅜㅓ", "ㅞ": "ㅜㅔ", "ㅟ": "ㅜㅣ", "ㅢ": "ㅡㅣ",
    "ㄳ": "ㄱㅅ", "ㄵ": "ㄴㅈ", "ㄶ": "ㄴㅎ", "ㄺ": "ㄹㄱ", "ㄻ": "ㄹㅁ", "ㄼ": "ㄹㅂ", "ㄽ": "ㄹㅅ",
    "ㄾ": "ㄹㅌ", "ㄿ": "ㄹㅍ", "ㅀ": "ㄹㅎ", "ㅄ": "ㅂㅅ",
}  # fmt: skip
_SPLIT_COMPOUNDS = str.maketrans(_COMPOUND_KEYS)
# The 2-set (두벌식) layout: the jamo each Latin key types; shifted keys type the tense consonants and ㅒ, ㅖ.
_TWO_SET = dict(zip("qwertyuiopasdfghjklzxcvbnm", "ㅂㅈㄷㄱㅅㅛㅕㅑㅐㅔㅁㄴㅇㄹㅎㅗㅓㅏㅣㅋㅌㅊㅍㅠㅜㅡ", strict=True))
_TWO_SET_SHIFTED = dict(zip("QWERTOP", "ㅃㅉㄸㄲㅆㅒㅖ", strict=True))
_SYLLABLE = re.compile("[\uac00-\ud7a3]")
_CONSONANT_JAMO = re.compile("[\u3131-\u314e]+")
_HANGUL = re.compile("[\uac00-\ud7a3\u3131-\u318e]")
_LATIN_KEYS = re.compile("[A-Za-z]+")


def has_hangul(text: str) -> bool:
    """Whether `text` holds a Hangul syllable or a compatibility jamo."""
    return _HANGUL.search(text) is not None


def keystrokes(text: str) -> str:
    """The 2-set keys that type `text`: syllables and compound jamo taken apart, anything else kept."""
    return decompose(text).translate(_SPLIT_COMPOUNDS)


def initials(text: str) -> str:
    """The initial consonant (초성) of each syllable of `text`; other characters are left out."""
    return "".join(decompose(char)[0] for char in text if _SYLLABLE.match(char))


def is_initials(text: str) -> bool:
    """Whether `text` is consonant jamo only, as a reader typing initials (ㅅㅎㅂㅈ) writes it."""
    return _CONSONANT_JAMO.fullmatch(text) is not None


def keys_from_latin(text: str) -> str | None:
    """The jamo keys a run of Latin letters types on the 2-set layout, or None when `text` is not such a run."""
    if not _LATIN_KEYS.fullmatch(text):
        return None
    return "".join(_TWO_SET_SHIFTED.get(char) or _TWO_SET[char.lower()] for char in text)
