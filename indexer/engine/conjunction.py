"""A conjunction of terms (a Korean or Chinese word's grams, all required) walked and scored on Whoosh's block
readers.

Whoosh's And builds a tree of IntersectionMatchers, each stepping its two sides with their own
skips and scoring every posting through the generic BM25F path (a field-length column read per
posting): a Korean word's grams matched hundreds of passages at 100k, most of its search's time
(cProfile). Here the rarest term leads, the others skip to it by bisecting their blocks, and each
term is scored by indexer.engine.postings; the passages and each term's score are Whoosh's own.
"""

from __future__ import annotations

from whoosh import query as q
from whoosh.matching import Matcher, NullMatcher

from indexer.engine.postings import plain_leaf, scorer_of, skip_to


def conjunction_matcher(query, searcher, context) -> Matcher:
    """The matcher of `query`: a TermsConjunction when it is an And of two or more terms on Whoosh's block
    readers, else Whoosh's own."""
    parts = query.subqueries if type(query) is q.And else ()
    if len(parts) < 2 or any(type(part) is not q.Term for part in parts):
        return query.matcher(searcher, context)
    children = [part.matcher(searcher, context) for part in parts]
    if not all(child.is_active() for child in children):
        return NullMatcher()  # a term the segment lacks: nothing holds them all, as in Whoosh's tree
    if any(plain_leaf(child) is None for child in children):  # a segment's deletions filtered out, and the like
        return query.matcher(searcher, context)
    return TermsConjunction(children, searcher.reader(), query.boost)


class TermsConjunction(Matcher):
    """The passages every one of `children` (term matchers on Whoosh's block readers) holds, scored by the sum
    of their scores times `boost`, as Whoosh's IntersectionMatcher tree under the And's boost scores them."""

    def __init__(self, children: list[Matcher], reader, boost: float = 1.0):
        def frequency(child: Matcher) -> int:
            return reader.doc_frequency(*plain_leaf(child)[0].term())

        self.children = sorted(children, key=frequency)  # the rarest leads: the others only skip to its passages
        self.reader = reader
        self.scores = [scorer_of(child, reader) for child in self.children]
        self.boost = boost
        self._bound = sum(child.max_quality() for child in self.children) * boost
        self._block_quality = all(child.supports_block_quality() for child in self.children)
        self._active = True
        self._align()

    def _align(self) -> None:
        """Move forward to the next passage every child holds (or run out)."""
        lead, others = self.children[0], self.children[1:]
        while lead.is_active():
            target = lead.id()
            for other in others:
                skip_to(other, target)
                if not other.is_active():
                    self._active = False
                    return
                if other.id() != target:
                    skip_to(lead, other.id())
                    break
            else:
                return
        self._active = False

    def is_active(self) -> bool:
        return self._active

    def id(self) -> int:
        return self.children[0].id()

    def next(self) -> None:
        self.children[0].next()
        self._align()

    def skip_to(self, docnum: int) -> None:
        if self._active and docnum > self.id():
            skip_to(self.children[0], docnum)
            self._align()

    def score(self) -> float:
        total = 0.0
        for score in self.scores:
            total += score()
        return total * self.boost

    def reset(self) -> None:
        for child in self.children:
            child.reset()
        self._active = True
        self._align()

    def copy(self) -> TermsConjunction:
        return TermsConjunction([child.copy() for child in self.children], self.reader, self.boost)

    def supports(self, astype: str) -> bool:
        return all(child.supports(astype) for child in self.children)

    def value(self):
        """The rarest term's posting value here (Whoosh's matcher interface asks every matcher for one)."""
        return self.children[0].value()

    def value_as(self, astype: str):
        return self.children[0].value_as(astype)

    def max_quality(self) -> float:
        return self._bound

    def supports_block_quality(self) -> bool:
        return self._block_quality
