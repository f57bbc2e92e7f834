"""Text analysis: one analyzer chain per language, the same at index and at query time.

`analyzer_for(lang)` looks the language up in `LANGUAGE_CHAINS`; a language not
listed gets ICU word break for its locale, normalization and digit folding.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from indexer.analysis.bengali import BengaliNormalizeFilter, BengaliStemFilter
from indexer.analysis.chain import (
    GRAM,
    INDEX,
    QUERY,
    STEM,
    WORD,
    Analyzer,
    Filter,
    MapFilter,
    Token,
    Tokenizer,
    word_forms,
)
from indexer.analysis.filters import DigitFoldFilter, IcuNormalizeFilter, UniqueTermsFilter, fold_digits
from indexer.analysis.grams import CjkBigramFilter
from indexer.analysis.korean import KoreanTokenizer
from indexer.analysis.snowball import SNOWBALL_ALGORITHMS, SnowballStemFilter
from indexer.analysis.tokenizers import IcuTokenizer

__all__ = [
    "GRAM",
    "ICU_ONLY",
    "INDEX",
    "QUERY",
    "SETU",
    "STEM",
    "WORD",
    "Analyzer",
    "DigitFoldFilter",
    "Filter",
    "IcuNormalizeFilter",
    "IcuTokenizer",
    "MapFilter",
    "Token",
    "Tokenizer",
    "analyzer_for",
    "word_forms",
    "fold_digits",
    "icu_analyzer",
]


def icu_analyzer(lang: str) -> Analyzer:
    """The ICU baseline: word break for the language's locale, NFKC case folding, digit folding."""
    return IcuTokenizer(lang) | IcuNormalizeFilter() | DigitFoldFilter()


def korean_analyzer(lang: str) -> Analyzer:
    """Eojeol, their content morphemes from Kiwi as stems, and Hangul bigrams of their content part."""
    return KoreanTokenizer() | IcuNormalizeFilter() | DigitFoldFilter() | UniqueTermsFilter()


def bengali_analyzer(lang: str) -> Analyzer:
    """Bengali normalization in place of plain NFKC, then the light stemmer."""
    return IcuTokenizer(lang) | BengaliNormalizeFilter() | DigitFoldFilter() | BengaliStemFilter()


def cjk_analyzer(lang: str) -> Analyzer:
    """ICU's dictionary words plus their character bigrams (Chinese, Japanese)."""
    return icu_analyzer(lang) | CjkBigramFilter() | UniqueTermsFilter()


def snowball_analyzer(lang: str) -> Analyzer:
    """ICU words plus their Snowball stems."""
    return icu_analyzer(lang) | SnowballStemFilter(lang)


# Languages whose chain differs from the ICU baseline (language code → chain builder).
# Thai, Lao, Khmer and Myanmar are served by the baseline: ICU's word break is dictionary-based for them.
LANGUAGE_CHAINS: dict[str, Callable[[str], Analyzer]] = {
    **dict.fromkeys(SNOWBALL_ALGORITHMS, snowball_analyzer),
    "ko": korean_analyzer,
    "bn": bengali_analyzer,
    "zh": cjk_analyzer,
    "ja": cjk_analyzer,
}

# Named analyses an index can be built with: Setu's full chains, or the ICU baseline they are measured against.
SETU = "setu"
ICU_ONLY = "icu"


@cache
def analyzer_for(lang: str, analysis: str = SETU) -> Analyzer:
    """Return the analyzer for a canonical language code (shared, thread-safe).

    `analysis="icu"` gives the ICU baseline for every language, for comparison.
    """
    if analysis == ICU_ONLY:
        return icu_analyzer(lang)
    if analysis != SETU:
        raise ValueError(f"unknown analysis {analysis!r}")
    return LANGUAGE_CHAINS.get(lang, icu_analyzer)(lang)
