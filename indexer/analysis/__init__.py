"""Text analysis: one analyzer chain per language, the same at index and at query time.

`analyzer_for(lang)` looks the language up in `LANGUAGE_CHAINS`; a language not
listed gets ICU word break for its locale, normalization and digit folding.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from indexer.analysis.chain import GRAM, INDEX, QUERY, STEM, WORD, Analyzer, Filter, MapFilter, Token, Tokenizer
from indexer.analysis.filters import DigitFoldFilter, IcuNormalizeFilter, fold_digits
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
    "fold_digits",
    "icu_analyzer",
]


def icu_analyzer(lang: str) -> Analyzer:
    """The ICU baseline: word break for the language's locale, NFKC case folding, digit folding."""
    return IcuTokenizer(lang) | IcuNormalizeFilter() | DigitFoldFilter()


# Languages whose chain differs from the ICU baseline (language code → chain builder).
LANGUAGE_CHAINS: dict[str, Callable[[str], Analyzer]] = {}

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
