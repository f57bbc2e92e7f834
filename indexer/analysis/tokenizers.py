"""ICU word break as a tokenizer: dictionary-based where the language needs it (Thai, Chinese …)."""

from __future__ import annotations

import re
import threading

import icu

from indexer.analysis.chain import INDEX, Token, Tokenizer, TokenStream

# ICU word-break rule statuses below this are spaces and punctuation (UBRK_WORD_NONE_LIMIT).
_WORD_NONE_LIMIT = 100
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


class IcuTokenizer(Tokenizer):
    """Splits text into words with ICU's word break for a locale, with code-point offsets.

    ICU counts offsets in UTF-16 units; they are mapped back to Python's code
    points, so text with emoji or other astral characters still highlights right.
    Break iterators are not thread-safe, so each thread keeps its own.

    >>> [t.text for t in IcuTokenizer("th")("ภาษาไทย ง่าย")]
    ['ภาษา', 'ไทย', 'ง่าย']
    """

    def __init__(self, locale: str):
        self.locale = locale
        self._local = threading.local()

    def _break_iterator(self) -> icu.BreakIterator:
        iterator = getattr(self._local, "iterator", None)
        if iterator is None:
            iterator = icu.BreakIterator.createWordInstance(icu.Locale(self.locale))
            self._local.iterator = iterator
        return iterator

    def __call__(self, text: str, mode: str = INDEX) -> TokenStream:
        iterator = self._break_iterator()
        iterator.setText(text)
        to_code_points = _utf16_to_code_points(text)
        pos = 0
        start = iterator.first()
        for end in iterator:
            if iterator.getRuleStatus() >= _WORD_NONE_LIMIT:
                if to_code_points is None:
                    yield Token(text[start:end], pos, start, end)
                else:
                    first, last = to_code_points[start], to_code_points[end]
                    yield Token(text[first:last], pos, first, last)
                pos += 1
            start = end


def _utf16_to_code_points(text: str) -> list[int] | None:
    """Map UTF-16 offsets to code-point offsets, or None when they are the same (no astral characters)."""
    if not _ASTRAL.search(text):
        return None
    mapping = []
    for index, char in enumerate(text):
        mapping.append(index)
        if ord(char) > 0xFFFF:
            mapping.append(index)
    mapping.append(len(text))
    return mapping
