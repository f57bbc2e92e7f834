"""One term's postings read fast: a skip that bisects its block, BM25F scored in one step, a stop word kept whole.

Whoosh's `skip_to` steps through a block's passages one at a time, and its BM25F score of
a posting goes through a dozen calls (the scorer, the field-length lookup, its column, its
byte decoding). MaxScore probes and scores a few thousand postings per search, so both
are done here on Whoosh's own block reader, giving the same numbers; any other matcher is
asked as Whoosh asks it.
"""

from __future__ import annotations

import threading
import weakref
from array import array
from bisect import bisect_left
from collections import OrderedDict
from collections.abc import Callable

from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.matching import Matcher
from whoosh.matching.wrappers import WrappingMatcher
from whoosh.scoring import BM25FScorer, bm25

from indexer.engine.codec import LENGTH_OF_BYTE, field_length_bytes, skip_within_blocks

# Each segment's field lengths as Whoosh stores them (a byte per passage), read once per reader.
_LENGTHS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def skip_to(matcher: Matcher, docnum: int) -> None:
    """Move `matcher` to its first passage at or after `docnum`."""
    leaf = matcher.child if type(matcher) is WrappingMatcher else matcher
    if isinstance(leaf, W3LeafMatcher):  # an earlier generation's W3 blocks too
        skip_within_blocks(leaf, docnum)
    else:
        matcher.skip_to(docnum)


def plain_leaf(matcher: Matcher) -> tuple[W3LeafMatcher, float, BM25FScorer] | None:
    """Whoosh's block reader under `matcher`, the boost on it and its BM25F scorer; None for any other matcher
    (a union, a phrase, a segment's deletions filtered out)."""
    boost, leaf = (matcher.boost, matcher.child) if type(matcher) is WrappingMatcher else (1.0, matcher)
    scorer = getattr(leaf, "scorer", None)
    if not isinstance(leaf, W3LeafMatcher) or type(scorer) is not BM25FScorer:
        return None
    return leaf, boost, scorer


def scorer_of(matcher: Matcher, reader) -> Callable[[], float]:
    """The score of `matcher`'s current posting, as `matcher.score()` gives it, in as few steps as can be."""
    plain = plain_leaf(matcher)
    lengths = _field_lengths(reader, plain[0].term()[0]) if plain else None
    if lengths is None:
        return matcher.score
    leaf, boost, scorer = plain
    idf, avgfl, b, k1 = scorer.idf, scorer.avgfl, scorer.B, scorer.K1
    length_of = LENGTH_OF_BYTE
    weight, docnum = leaf.weight, leaf.id
    if boost == 1.0:
        return lambda: bm25(idf, weight(), length_of[lengths[docnum()]], avgfl, b, k1)
    return lambda: bm25(idf, weight(), length_of[lengths[docnum()]], avgfl, b, k1) * boost


def _field_lengths(reader, fieldname: str) -> bytes | None:
    """A segment's stored length byte of `fieldname` for every passage, or None when Whoosh keeps them otherwise."""
    per_field = _LENGTHS.get(reader)
    if per_field is None:
        per_field = _LENGTHS[reader] = {}
    if fieldname not in per_field:
        per_document = getattr(reader, "_perdoc", None)
        per_field[fieldname] = (
            field_length_bytes(per_document, fieldname, reader.doc_count_all()) if per_document else None
        )
    return per_field[fieldname]


# A term in more than this share of a segment's passages (a stop word: the, কে, 있다) is read whole once and
# kept as arrays: asked for a page's candidates, it would decode most of its blocks (positions and all) anew.
DENSE_SHARE = 0.05
# Postings kept so, over every segment and term, the least recently asked dropped first (8 bytes each).
MAX_KEPT_POSTINGS = 4_000_000


class KeptPostings:
    """Terms' whole postings (passages, weights) by (segment, field, term), at most `limit` postings in all,
    the least recently asked dropped first; shared by every thread's readers."""

    def __init__(self, limit: int):
        self.limit = limit
        self._terms: OrderedDict = OrderedDict()
        self._count = 0
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._terms)

    def __iter__(self):
        return iter(list(self._terms))

    def get(self, key: tuple, read: Callable[[], tuple[array, array]]) -> tuple[array, array]:
        """The postings kept for `key`, made by `read()` the first time (outside the lock)."""
        with self._lock:
            if key in self._terms:
                self._terms.move_to_end(key)
                return self._terms[key]
        postings = read()
        with self._lock:
            if key not in self._terms:
                self._terms[key] = postings
                self._count += len(postings[0])
                while self._count > self.limit and len(self._terms) > 1:
                    _, (dropped, _) = self._terms.popitem(last=False)
                    self._count -= len(dropped)
            return self._terms[key]


_KEPT = KeptPostings(MAX_KEPT_POSTINGS)


def dense_scores(matcher: Matcher, reader, docnums: list[int]) -> dict[int, float] | None:
    """The score of `matcher`'s term at each of the (sorted) `docnums` holding it, from its postings kept whole
    when the term is in more than DENSE_SHARE of the segment's passages; None for any other term."""
    plain = plain_leaf(matcher)
    if plain is None:
        return None
    leaf, boost, scorer = plain
    fieldname, text = leaf.term()
    if reader.doc_frequency(fieldname, text) <= DENSE_SHARE * reader.doc_count_all():
        return None
    lengths = _field_lengths(reader, fieldname)
    kept = _kept_postings(leaf, reader, fieldname, text) if lengths is not None else None
    if kept is None:
        return None
    ids, weights = kept
    idf, avgfl, b, k1, length_of = scorer.idf, scorer.avgfl, scorer.B, scorer.K1, LENGTH_OF_BYTE
    found = {}
    for docnum in docnums:
        at = bisect_left(ids, docnum)
        if at < len(ids) and ids[at] == docnum:
            found[docnum] = bm25(idf, weights[at], length_of[lengths[docnum]], avgfl, b, k1) * boost
    return found


def _kept_postings(leaf: W3LeafMatcher, reader, fieldname: str, text) -> tuple[array, array] | None:
    """The term's passages and weights in this segment, read once (from `leaf`, which it uses up)."""
    segment = getattr(reader, "_segid", None)  # random per segment, whose files never change: one key per content
    if segment is None:
        return None

    def read() -> tuple[array, array]:
        ids, weights = array("I"), array("f")  # as the block readers hold them (a tuple in W3, an array here)
        while leaf.is_active():  # block by block, as Whoosh decodes them
            if leaf._ids is None:
                leaf._read_ids()
            if leaf._weights is None:
                leaf._read_weights()
            ids.extend(leaf._ids[leaf._i :])
            weights.extend(leaf._weights[leaf._i :])
            leaf._next_block()
        return ids, weights

    return _KEPT.get((segment, fieldname, text), read)
