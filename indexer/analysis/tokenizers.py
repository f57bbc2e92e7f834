"""ICU word break as a tokenizer: dictionary-based where the language needs it (Thai, Chinese …)."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator

import icu

from indexer.analysis.chain import INDEX, Token, Tokenizer, TokenStream

# ICU word-break rule statuses below this are spaces and punctuation (UBRK_WORD_NONE_LIMIT).
_WORD_NONE_LIMIT = 100
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
# Characters that extend a grapheme cluster: only text holding one can have a word break inside a cluster.
_CLUSTER_EXTENDERS = icu.UnicodeSet(
    "[[:Grapheme_Cluster_Break=Extend:][:Grapheme_Cluster_Break=SpacingMark:]"
    "[:Grapheme_Cluster_Break=Prepend:][:Grapheme_Cluster_Break=ZWJ:]]"
)


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

    def _break_iterators(self) -> tuple[icu.BreakIterator, icu.BreakIterator]:
        iterators = getattr(self._local, "iterators", None)
        if iterators is None:
            locale = icu.Locale(self.locale)
            iterators = (
                icu.BreakIterator.createWordInstance(locale),
                icu.BreakIterator.createCharacterInstance(locale),
            )
            self._local.iterators = iterators
        return iterators

    def __call__(self, text: str, mode: str = INDEX) -> TokenStream:
        to_code_points = utf16_to_code_points(text)
        for pos, (start, end) in enumerate(self._word_spans(text)):
            if to_code_points is not None:
                start, end = to_code_points[start], to_code_points[end]
            yield Token(text[start:end], pos, start, end)

    def _word_spans(self, text: str) -> Iterator[tuple[int, int]]:
        """Word spans in UTF-16 units, widened to whole grapheme clusters and merged where they then meet.

        ICU's word break can cut inside a cluster in unusual text (a Thai SARA AM
        after a Latin letter); a highlight must never split a cluster.
        """
        words, characters = self._break_iterators()
        words.setText(text)
        check_clusters = not _CLUSTER_EXTENDERS.containsNone(text)
        if check_clusters:
            characters.setText(text)
        pending = None
        start = words.first()
        for end in words:
            if words.getRuleStatus() >= _WORD_NONE_LIMIT:
                span = _whole_clusters(characters, start, end) if check_clusters else (start, end)
                if pending and span[0] < pending[1]:
                    pending = (pending[0], max(pending[1], span[1]))
                else:
                    if pending:
                        yield pending
                    pending = span
            start = end
        if pending:
            yield pending


def _whole_clusters(characters: icu.BreakIterator, start: int, end: int) -> tuple[int, int]:
    if not characters.isBoundary(start):
        start = characters.preceding(start)
    if not characters.isBoundary(end):
        end = characters.following(end)
    return start, end


def utf16_to_code_points(text: str) -> list[int] | None:
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
