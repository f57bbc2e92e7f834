"""The engine's query vocabulary: the Whoosh queries a plan is made of, built here so only the engine knows them.

Every disjunction is Whoosh's binary tree of unions (DefaultOr): the preloaded array Or that Whoosh picks for
an index under 5,000 passages prunes wrongly once a top-k search raises its minimum score (5 of the true top
60 missing on a test index), and the tree is what it picks for larger indexes anyway.
"""

from __future__ import annotations

import weakref
from collections.abc import Sequence

from whoosh import query as q
from whoosh.query.compound import DefaultOr

# Completions a prefix query (word*) matches at most: its most common ones in the index.
MAX_EXPANSIONS = 50

Query = q.Query


def term(field: str, text: str, boost: float = 1.0) -> Query:
    """Passages whose `field` holds the indexed term `text`."""
    return q.Term(field, text, boost=boost)


def any_of(queries: Sequence[Query]) -> Query:
    """Passages matching any of `queries`, scored by the sum of those they match."""
    return DefaultOr(list(queries))


def all_of(queries: Sequence[Query], boost: float = 1.0) -> Query:
    """Passages matching every one of `queries`, their score times `boost`."""
    if len(queries) == 1 and boost != 1.0:  # Whoosh's And of one query matches with that query's own matcher,
        return queries[0].with_boost(queries[0].boost * boost)  # leaving the And's boost unapplied
    return q.And(list(queries), boost=boost)


def in_sequence(queries: Sequence[Query]) -> Query:
    """Passages where `queries` match at consecutive positions (a phrase)."""
    return q.Sequence(list(queries))


def excluding(query: Query, excluded: Query) -> Query:
    """Passages matching `query` but not `excluded`."""
    return q.AndNot(query, excluded)


def between(field: str, start: str, end: str) -> Query:
    """Passages whose `field` (a sortable text such as an ISO date) lies from `start` to `end`, both included."""
    return q.TermRange(field, start, end)


def numeric_between(field: str, start: int, end: int) -> Query:
    """Passages whose numeric `field` lies from `start` to `end`, both included."""
    return q.NumericRange(field, start, end)


class CommonPrefix(q.Prefix):
    """A prefix matching its MAX_EXPANSIONS most common completions in the field, as Elasticsearch's
    `max_expansions` does: Whoosh reads the postings of every completion, and a short prefix in a large
    archive can have thousands (this bounds the worst case; the sample's prefixes have fewer than 50).

    The completions are ranked once per reader: Whoosh asks for them at each level of the query's tree
    (its size, its matcher, its terms to highlight), and ranking every completion by its document
    frequency three times was a tenth of a short Bengali prefix's search. A plan is built per search.
    """

    _ranked: tuple | None = None  # (reader, field, prefix, completions) of the last reader asked

    def _btexts(self, ixreader):
        known = self._ranked
        if known is not None and known[0]() is ixreader and known[1:3] == (self.fieldname, self.text):
            return list(known[3])
        completions = ixreader.expand_prefix(self.fieldname, self.text)
        ranked = sorted(completions, key=lambda text: -ixreader.doc_frequency(self.fieldname, text))
        self._ranked = (weakref.ref(ixreader), self.fieldname, self.text, tuple(ranked[:MAX_EXPANSIONS]))
        return list(self._ranked[3])

    def matcher(self, searcher, context=None):
        """Its completions' terms OR'ed, each scored by BM25F. Whoosh's own prefix scores a constant in an index
        of under 5,000 passages but BM25F in a larger one (it falls back to the searcher's weighting there)."""
        return any_of(self.terms(searcher.reader())).matcher(searcher, context)

    def terms(self, reader) -> list[Query]:
        """Its completions in `reader`, each a term query carrying its boost."""
        return [term(self.fieldname, text, self.boost) for text in self._btexts(reader)]

    def __getstate__(self) -> dict:
        return {name: value for name, value in self.__dict__.items() if name != "_ranked"}  # not the reader


def prefix(field: str, text: str) -> Query:
    """Passages whose `field` holds a term starting with `text` (its most common completions)."""
    return CommonPrefix(field, text)


def expanded_terms(query: Query, reader) -> list[tuple[str, str]]:
    """The (field, term) pairs `query` can match in `reader`, prefixes expanded, as text."""
    return [
        (fieldname, text.decode("utf-8") if isinstance(text, bytes) else text)
        for leaf in query.leaves()
        for fieldname, text in leaf.expanded_terms(reader, phrases=True)
    ]
