"""Name keys: words reduced to a consonant skeleton of their Latin transliteration, so names meet across scripts.

ICU transliterates any script to Latin (`Any-Latin; Latin-ASCII`): ওয়েলশ → oyelasa,
웨일스 → weilseu, Welsh → welsh. Scripts disagree on vowels (Bengali's inherent `a`,
Korean's epenthetic `eu`), on voicing and on l/r, so the key keeps only consonant
classes: all three become `ls`; 트럼프, ট্রাম্প and Trump all become `tlmp`. A key
says little alone (many words share one); weighted by its rarity, a set of them
points at the same story told in another script. Pure functions; no index.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable
from functools import lru_cache

import icu
from rapidfuzz.distance import Indel

from indexer.analysis import STEM, WORD, Token
from indexer.languages import dominant_script

# Shortest skeleton kept, in consonant classes: a single consonant matches nearly every word.
MIN_KEY_LENGTH = 2
# The marker that keeps name keys apart from other anchors in one vocabulary.
KEY_PREFIX = "~"
# Characters an article's script is judged on: its beginning tells (py-spy: whole articles cost 6% of a build).
SCRIPT_SAMPLE = 500
# Words whose keys are remembered: words repeat (Zipf), and ICU transliteration was a fifth of a build (py-spy).
NAME_KEY_CACHE = 1 << 16

# Consonants that scripts write differently for one sound, folded to one class (voicing, l/r, sibilants).
_CONSONANT_CLASSES = str.maketrans(
    {"g": "k", "c": "k", "q": "k", "x": "k", "d": "t", "b": "p", "f": "p", "v": "p", "z": "s", "j": "s", "r": "l"}
)
_NOT_LETTER = re.compile(r"[^a-z]")
_VOWEL_LIKE = re.compile(r"[aeiouyhw]")  # vowels, and the glides and h that scripts add or drop
_REPEATS = re.compile(r"(.)\1+")
_VOWELS = re.compile(r"[aeiouy]+")
_GLIDES = re.compile(r"[hw]")
# What ends a sentence, and what may open one before its first word.
_SENTENCE_ENDS = ".!?…:"
_OPENING = "\"'“‘«([ "


class _Transliterator:
    """One ICU transliterator per process; ICU's instances are not safe to share between threads."""

    def __init__(self):
        self._icu = icu.Transliterator.createInstance("Any-Latin; Latin-ASCII")
        self._lock = threading.Lock()

    def __call__(self, text: str) -> str:
        with self._lock:
            return self._icu.transliterate(text)


_to_latin = _Transliterator()
# Hangul syllables ending in ㅅ, each as the same syllable ending in ㄷ: a loanword's last t is written ㅅ (로봇,
# 인터넷), which ICU reads as s. The 28 finals cycle within each syllable block; ㅅ is the 19th, ㄷ the 7th.
_FINAL_S_AS_T = {code: code - 12 for code in range(0xAC00, 0xD7A4) if (code - 0xAC00) % 28 == 19}


@lru_cache(maxsize=NAME_KEY_CACHE)
def _latin_letters(word: str) -> str:
    """A word's Latin transliteration, lower-case letters only, Hangul read as its loanwords are spelled: a last
    ㅅ as t (로봇 lobod, robot), and ㅇ before ㄱ as the one ng it stands for (싱가포르 singapoleu, not
    sing-gapoleu). Remembered: a name is compared with many."""
    return _NOT_LETTER.sub("", _to_latin(word.translate(_FINAL_S_AS_T)).lower().replace("ng-g", "ng"))


@lru_cache(maxsize=NAME_KEY_CACHE)
def name_key(word: str) -> str:
    """Return the consonant skeleton of a word's Latin transliteration.

    >>> [name_key(w) for w in ("ওয়েলশ", "웨일스", "Welsh", "트럼프", "ট্রাম্প", "Trump")]
    ['ls', 'ls', 'ls', 'tlmp', 'tlmp', 'tlmp']
    """
    latin = _latin_letters(word).replace("ng", "n")
    return _REPEATS.sub(r"\1", _VOWEL_LIKE.sub("", latin.translate(_CONSONANT_CLASSES)))


@lru_cache(maxsize=NAME_KEY_CACHE)
def _sound(word: str) -> str:
    """A word's Latin transliteration with consonants in their classes, every run of vowels one `a`, Korean's
    epenthetic `eu` and a last vowel (Bengali's inherent `a`) dropped: ফোর্ড palt, 포드 pat, Ford palt."""
    latin = _latin_letters(word).replace("eu", "").replace("ng", "n")
    latin = _GLIDES.sub("", latin).translate(_CONSONANT_CLASSES)
    return _REPEATS.sub(r"\1", _VOWELS.sub("a", latin)).removesuffix("a")


def name_similarity(one: str, other: str) -> float:
    """How alike two words sound once transliterated (0 to 1): what tells a name from a word sharing its key.

    >>> round(name_similarity("ফোর্ড", "포드"), 2), round(name_similarity("ফোর্ড", "Ford"), 2)
    (0.86, 1.0)
    """
    return Indel.normalized_similarity(_sound(one), _sound(other))


def spelling_similarity(one: str, other: str) -> float:
    """How alike two words' Latin transliterations are, vowels and all (0 to 1): among words that sound alike,
    what tells 칸예 (kanye) Kanye from can.

    >>> round(spelling_similarity("칸예", "kanye"), 2), round(spelling_similarity("칸예", "can"), 2)
    (1.0, 0.5)
    """
    return Indel.normalized_similarity(_latin_letters(one), _latin_letters(other))


def loose_name_key(key: str) -> str:
    """A name key less its l/r class: Korean and non-rhotic English spellings drop an r others write.

    >>> [loose_name_key(name_key(w)) for w in ("ফোর্ড", "포드", "Ford")]
    ['pt', 'pt', 'pt']
    """
    return key.replace("l", "")


def name_keys(analyzed: Iterable[tuple[str, Iterable[Token]]]) -> frozenset[str]:
    """Return the name keys of an article's words and stems, given (text, its tokens) for each of its texts.

    In Latin-script text only capitalized words can be names, and not at a sentence's start (In, He);
    in other scripts, which mark no capitals, every word is kept and rarity weighting sorts names from the rest.
    """
    analyzed = list(analyzed)
    latin = dominant_script("\n".join(text for text, _ in analyzed)[:SCRIPT_SAMPLE]) == "Latn"
    words = set()  # each distinct word once: most repeat
    for text, tokens in analyzed:
        for token in tokens:
            if token.role not in (WORD, STEM) or token.text.isdigit():
                continue
            if not latin:
                words.add(token.text)
            elif is_written_name(text, token):
                words.add(text[token.start : token.end])
    keys = {KEY_PREFIX + key for key in map(name_key, words) if len(key) >= MIN_KEY_LENGTH}
    return frozenset(keys)


def is_written_name(text: str, token: Token) -> bool:
    """Whether Latin-script `text` writes the token as a name: capitalized, and not as a sentence's first word.

    >>> text = "He met Kim in Palu."
    >>> [t.text for t in analyzer_for("en")(text) if is_written_name(text, t)]
    ['kim', 'palu']
    """
    return text[token.start : token.start + 1].isupper() and not _starts_sentence(text, token.start)


def _starts_sentence(text: str, start: int) -> bool:
    """Whether the word at `start` begins its text or a sentence (after . ! ? and any quote or bracket)."""
    before = text[:start].rstrip().rstrip(_OPENING)
    return not before or before[-1] in _SENTENCE_ENDS
