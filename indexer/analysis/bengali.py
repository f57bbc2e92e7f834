"""Bengali normalization and a light stemmer for case, plural, classifier and common verb endings.

Modelled on Lucene's BengaliNormalizer and BengaliStemmer, checked against the
Bengali seed and the NTREX sample rather than ported: Lucene's phonetic folds
(ী → ি, শ/ষ → স, ণ → ন …) are left out, since they merge words a reader keeps
apart; its long list of literary verb endings shrinks to a loop over short
endings, so stacked endings (শিশু·দের, বিষয়·গুলি·কে·ও) come off one at a time.
"""

from __future__ import annotations

import unicodedata

import icu

from indexer.analysis.chain import MapFilter
from indexer.analysis.filters import StemFilter

_NFKC_CASEFOLD = icu.Normalizer2.getNFKCCasefoldInstance()
_VIRAMA = "\u09cd"
# Ta + virama + ZWJ: how khanda ta (ৎ) was written before it had its own code point.
_OLD_KHANDA_TA = "\u09a4\u09cd\u200d"
# NFC and NFKC decompose these letters (they are composition exclusions), and nothing composes অ + া: put them together.
_COMPOSE = (
    ("\u09a1\u09bc", "\u09dc"),  # ড + ় → ড়
    ("\u09a2\u09bc", "\u09dd"),  # ঢ + ় → ঢ়
    ("\u09af\u09bc", "\u09df"),  # য + ় → য়
    ("\u0985\u09be", "\u0986"),  # অ + া → আ
)


def normalize_bengali(text: str) -> str:
    """Normalize Bengali spelling variants to one form, then NFKC with case folding.

    The old khanda ta is read before NFKC, which drops the ZWJ it depends on;
    nukta letters are composed after it, since NFKC decomposes them.

    >>> normalize_bengali("বে\u09a1\u09bcে") == "বেড়ে" == normalize_bengali("বেড়ে")
    True
    """
    text = _NFKC_CASEFOLD.normalize(text.replace(_OLD_KHANDA_TA, "\u09ce"))
    for decomposed, composed in _COMPOSE:
        text = text.replace(decomposed, composed)
    return text


class BengaliNormalizeFilter(MapFilter):
    """Applies `normalize_bengali` (in place of the general NFKC filter) to each token."""

    def __init__(self):
        super().__init__(normalize_bengali)


# A stem keeps at least this many akshara (a consonant cluster with its vowel sign counts once).
MIN_STEM_AKSHARA = 2
# At most this many endings come off one word (বিষয়·গুলি·কে·ও, then the vowel sign).
MAX_ENDINGS = 4

_VOWEL_SIGNS = ("\u09be", "\u09bf", "\u09c0", "\u09c1", "\u09c2", "\u09c3", "\u09c7", "\u09c8", "\u09cb", "\u09cc")
_VOWELS = frozenset(_VOWEL_SIGNS) | frozenset("অআইঈউঊঋএঐওঔ")
# Endings stripped after any letter.
_ENDINGS = (
    # plural and classifier
    "গুলো", "গুলি", "গুলা", "দের", "টি", "টা", "টুকু", "খানা", "খানি", "সমূহ", "রা",
    # case: accusative/dative, locative
    "কে", "তে",
    # verb: progressive, perfect and past, future, habitual, polite, negative past
    "ছিলেন", "ছিলাম", "ছিল", "ছেন", "ছে", "লেন", "লাম", "বেন", "বে", "তেন", "তাম", "েন", "নি",
    # emphasis: ও "also", ই "only"
    "ও", "ই",
    # khanda ta, which becomes ত before an ending: ভবিষ্যৎ, ভবিষ্যতে and ভবিষ্যতের all meet at ভবিষ্য
    "\u09ce",
)  # fmt: skip
# A final vowel sign comes off last, and only once: locative ে (কেন্দ্রে), verbal noun া (করা), agent ী (কর্মী).
# ু and ূ stay: they end nouns (শিশু) more often than they inflect.
_FINAL_VOWEL_SIGNS = ("\u09be", "\u09bf", "\u09c0", "\u09c7", "\u09cb", "\u09c8", "\u09cc")
# Genitive র and locative য় follow a vowel (শিশুর, ঢাকায়), and only at the word's very end:
# after a consonant, or behind another ending, they are the word's own (শহর, সময়, অনুসারী).
_WORD_FINAL_ENDINGS = ("\u09b0", "\u09df")
# Pronouns whose stem would be another common word (তিনি "he" → তিন "three", আমি "I" → আম "mango").
_UNSTEMMED = frozenset({"তিনি", "যিনি", "আমি", "আমার", "আমরা", "আমাদের", "আমাকে"})


def akshara_count(text: str) -> int:
    """Count letters and digits, a consonant joined by virama to the one before it not counting again.

    >>> akshara_count("কেন্দ্র"), akshara_count("কর")
    (2, 2)
    """
    count, previous = 0, ""
    for char in text:
        if previous != _VIRAMA and unicodedata.category(char)[0] in "LN":
            count += 1
        previous = char
    return count


def _longest_ending(word: str, at_word_end: bool) -> str | None:
    """Return the longest ending of `word` whose removal leaves a whole stem of two akshara, or None."""
    candidates = _ENDINGS + _FINAL_VOWEL_SIGNS + (_WORD_FINAL_ENDINGS if at_word_end else ())
    for ending in sorted((e for e in candidates if word.endswith(e) and len(e) < len(word)), key=len, reverse=True):
        stem = word[: -len(ending)]
        if ending in _WORD_FINAL_ENDINGS and stem[-1] not in _VOWELS:
            continue
        if stem[-1] != _VIRAMA and akshara_count(stem) >= MIN_STEM_AKSHARA:
            return ending
    return None


def stem_bengali(word: str) -> str:
    """Strip case, plural, classifier, emphasis and common verb endings, keeping two akshara.

    >>> [stem_bengali(w) for w in ("শিশুদের", "কেন্দ্রে", "সমাজকর্মীদের", "বাংলাদেশের", "করেছেন", "থেকে")]
    ['শিশু', 'কেন্দ্র', 'সমাজকর্ম', 'বাংলাদেশ', 'কর', 'থেক']
    """
    if word in _UNSTEMMED:
        return word
    for step in range(MAX_ENDINGS):
        ending = _longest_ending(word, at_word_end=step == 0)
        if ending is None:
            break
        word = word[: -len(ending)]
        if ending in _FINAL_VOWEL_SIGNS:
            break
    return word


class BengaliStemFilter(StemFilter):
    """Adds each Bengali word's stem as a STEM token, so শিশু finds শিশুদের and কেন্দ্র finds কেন্দ্রে."""

    def __init__(self):
        super().__init__(stem_bengali)
