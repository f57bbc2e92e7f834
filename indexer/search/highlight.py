"""Highlighting: `<mark>` around every whole surface word whose term a query matched.

Where the index stores character positions (title and text), the spans come
from the matched terms' postings; a generation built before that analyzes the
shown text again, which for Korean (Kiwi) cost more than the search itself.
"""

from __future__ import annotations

import html

# Fields a hit shows highlighted.
HIGHLIGHTED_FIELDS = ("title", "text")


class Highlighter:
    """Marks one language's query terms in the passages a search shows (one reader, one query)."""

    def __init__(self, reader, analyzer, terms: set[str]):
        self.reader = reader
        self.analyzer = analyzer
        self.terms = terms
        self._spans: dict[tuple[str, int], list[tuple[int, int]]] = {}

    def read(self, docnums: list[int], may_hold: dict[int, frozenset | None] | None = None) -> None:
        """Read the term spans of several passages at once: one walk of each term's postings for the whole page.

        A passage is looked at for the (field, text) terms `may_hold` gives it, when the search narrowed them
        (a prefix's one or two completions in it, of its hundred), else for every query term."""
        ordered = sorted(set(docnums))
        may_hold = may_hold or {}
        for fieldname in HIGHLIGHTED_FIELDS:
            if self.reader.schema[fieldname].supports("characters"):
                wanted: dict[str, list[int]] = {}  # term → the passages to read its spans in
                for docnum in ordered:
                    self._spans[fieldname, docnum] = []
                    known = may_hold.get(docnum)
                    terms = self.terms if known is None else [t for f, t in known if f == fieldname and t in self.terms]
                    for term in terms:
                        wanted.setdefault(term, []).append(docnum)
                for term, passages in wanted.items():
                    self._read_term(fieldname, term, passages)

    def _read_term(self, fieldname: str, term: str, ordered: list[int]) -> None:
        if (fieldname, term) not in self.reader:
            return
        postings = self.reader.postings(fieldname, term)
        for docnum in ordered:
            if not postings.is_active():  # past its last posting, or left only in deleted passages
                return
            postings.skip_to(docnum)
            if postings.is_active() and postings.id() == docnum:
                self._spans[fieldname, docnum].extend((start, end) for _, start, end in postings.value_as("characters"))

    def __call__(self, fieldname: str, docnum: int, text: str) -> str:
        """Return `text`, the stored value of `fieldname` in passage `docnum`, escaped and marked."""
        return mark(text, self.spans(fieldname, docnum, text))

    def spans(self, fieldname: str, docnum: int, text: str) -> list[tuple[int, int]]:
        """Where the query's terms are in `text`, the stored value of `fieldname` in passage `docnum`."""
        if not self.terms or not text:  # an empty byline is not analyzed (Kiwi, for Korean)
            return []
        if not self.reader.schema[fieldname].supports("characters"):
            return [(t.start, t.end) for t in self.analyzer.tokens(text) if t.text in self.terms]
        if (fieldname, docnum) not in self._spans:
            self.read([docnum])
        return self._spans[fieldname, docnum]


def mark(text: str, spans: list[tuple[int, int]]) -> str:
    """Return `text` HTML-escaped with `<mark>` around the spans; overlapping or touching spans get one mark.

    >>> mark("a<b c", [(0, 3), (2, 3)])
    '<mark>a&lt;b</mark> c'
    """
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)  # adjacent parts of one word (งบ|ประมาณ) get one mark
        else:
            merged.append([start, end])
    pieces, last = [], 0
    for start, end in merged:
        pieces.append(html.escape(text[last:start]))
        pieces.append(f"<mark>{html.escape(text[start:end])}</mark>")
        last = end
    pieces.append(html.escape(text[last:]))
    return "".join(pieces)
