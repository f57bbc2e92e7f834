"""Language-independent filters: ICU normalization with case folding, and digit folding."""

from __future__ import annotations

import sys
import unicodedata

import icu

from indexer.analysis.chain import MapFilter


def _digit_table() -> dict[int, str]:
    return {
        code: str(unicodedata.digit(chr(code)))
        for code in range(sys.maxunicode + 1)
        if unicodedata.category(chr(code)) == "Nd" and code > 0x7F
    }


_DIGITS = _digit_table()


def fold_digits(text: str) -> str:
    """Replace digits of every script with ASCII digits (`১২` → `12`)."""
    return text.translate(_DIGITS)


class IcuNormalizeFilter(MapFilter):
    """Applies NFKC with case folding (`Ｓtraße` → `strasse`), so width, case and compatibility forms match."""

    def __init__(self):
        super().__init__(icu.Normalizer2.getNFKCCasefoldInstance().normalize)


class DigitFoldFilter(MapFilter):
    """Folds digits of every script to ASCII, so `12` finds `১২` and `१२`."""

    def __init__(self):
        super().__init__(fold_digits)
