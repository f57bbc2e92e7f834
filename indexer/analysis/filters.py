"""Language-independent filters: ICU normalization with case folding, digit folding, stems and term dedup."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable

import icu

from indexer.analysis.chain import GRAM, INDEX, STEM, WORD, Filter, MapFilter, Token, TokenStream


def _digit_table() -> dict[int, str]:
    """Every non-ASCII decimal digit to its ASCII digit; ICU lists them (a scan of all code points cost 0.15 s
    in every build worker), Python's Unicode data gives their values."""
    return {
        ord(char): str(unicodedata.digit(char))
        for char in icu.UnicodeSet("[:Nd:]")
        if ord(char) > 0x7F and unicodedata.digit(char, None) is not None
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


class StemFilter(Filter):
    """Adds a STEM token after each word whose stem differs from it; the word itself stays, for exact matches."""

    def __init__(self, stem: Callable[[str], str]):
        self.stem = stem

    def __call__(self, tokens: Iterable[Token], mode: str = INDEX) -> TokenStream:
        stem = self.stem
        for token in tokens:
            yield token
            if token.role == WORD:
                base = stem(token.text)
                if base and base != token.text:
                    yield Token(base, token.pos, token.start, token.end, token.boost, STEM)


class UniqueTermsFilter(Filter):
    """Drops a stem that repeats its word or another stem, and a gram that repeats its word or another gram.

    At query time a gram equal to a stem stays: the query side asks for all of a word's grams together.
    At index time it goes: it is the same term at the same position, which the stem has already posted
    (posting it twice only doubled its frequency and the writer's work).
    """

    def __call__(self, tokens: Iterable[Token], mode: str = INDEX) -> TokenStream:
        pos, word, seen = None, None, set()
        for token in tokens:
            if token.pos != pos:
                pos, word, seen = token.pos, None, set()
            if token.role == WORD:
                word = token.text
            key = (token.role == GRAM, token.text)
            posted = mode == INDEX and token.role == GRAM and (False, token.text) in seen
            if key not in seen and not posted and (token.role == WORD or token.text != word):
                seen.add(key)
                yield token
