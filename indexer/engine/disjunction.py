"""MaxScore over a flat disjunction: the top-k loop for a query of many OR'ed terms, skipping what cannot rank.

A Setu query is an OR of every word's exact form, stems and grams in three fields (a prefix: of its
completions), and Whoosh's binary tree of unions only skips a block when the whole tree's bound is under
the heap's minimum, which with tens of leaves it never is. MaxScore (Turtle and Flood, 1995; Lucene's
`MaxScoreBulkScorer`) sorts the leaves by their best possible score: the weakest ones, whose bounds sum
to no more than the heap's minimum, cannot bring a passage into the top on their own, so passages are
only drawn from the others and the weak ones are asked about those alone.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterator
from itertools import accumulate

from whoosh.matching import Matcher
from whoosh.query.compound import DefaultOr

from indexer.engine.conjunction import conjunction_matcher
from indexer.engine.postings import scorer_of, skip_to
from indexer.engine.queries import CommonPrefix

# Bounds are compared with this much slack: a passage's score summed in another order than its bound can
# exceed it in the last bits, and such a passage must not be skipped.
BOUND_SLACK = 1e-9


def flat_terms(query) -> list | None:
    """The leaves of a disjunction (its nested unboosted ORs opened, a prefix as its completions), or None
    when `query` is not one."""
    if type(query) is not DefaultOr or query.boost != 1.0:
        return None
    leaves = []
    for part in query.subqueries:
        inner = flat_terms(part)
        leaves.extend([part] if inner is None else inner)
    return leaves


def leaf_matchers(leaves: list, searcher, context) -> list[Matcher]:
    """The active matchers of `leaves` in one segment's searcher, a prefix opened into its completions there, an
    And of terms (a word's grams) or a phrase walked by indexer.engine.conjunction."""
    return [matcher for matcher, _ in leaf_matchers_and_terms(leaves, searcher, context)[0]]


def leaf_matchers_and_terms(leaves: list, searcher, context) -> tuple[list[tuple[Matcher, frozenset]], frozenset]:
    """leaf_matchers, each with the (field, text) terms a passage it matches holds (a prefix's completions
    decoded: they are opened by their indexed bytes); and every term of the leaves joining several, active or
    not (a phrase, a word's grams), which a passage can hold apart."""
    schema, matchers, joined = searcher.schema, [], set()
    for leaf in leaves:
        for part in leaf.terms(searcher.reader()) if isinstance(leaf, CommonPrefix) else [leaf]:
            terms = frozenset(
                (field, schema[field].from_bytes(text) if isinstance(text, bytes) else text)
                for field, text in part.iter_all_terms(phrases=True)
            )
            if len(terms) > 1:
                joined |= terms
            matcher = conjunction_matcher(part, searcher, context)
            if matcher.is_active():
                matchers.append((matcher, terms))
    return matchers, frozenset(joined)


class MaxScoreUnion:
    """The passages matching any of `matchers` (with the terms each holds), scored by the sum of those matching,
    drawn only where the score can beat the collector's minimum. It stands where the collector reads `id()` and
    `score()`; `terms_of` narrows the query's terms a drawn passage may hold."""

    def __init__(self, matchers: list[tuple[Matcher, frozenset[tuple[str, str]]]], reader, joined_terms: frozenset):
        def bound(matcher: Matcher) -> float:
            return matcher.max_quality() if matcher.supports_block_quality() else float("inf")

        matchers = sorted(matchers, key=lambda pair: bound(pair[0]))
        self.leaves = [matcher for matcher, _ in matchers]
        self.leaf_terms = [terms for _, terms in matchers]
        self.joined_terms = joined_terms  # of the leaves joining several terms, which a passage can hold apart
        self.held: dict[int, list[int]] = {}  # each drawn passage's matching leaves
        self.scores = [scorer_of(matcher, reader) for matcher in self.leaves]
        self.bounds = list(accumulate(bound(matcher) for matcher in self.leaves))  # of the weakest i+1
        self._id = -1
        self._score = 0.0
        self.partial = False  # whether passages matching weak leaves alone went undrawn (uncounted)
        self.rejected: list[int] = []  # passages drawn and scored, but under the top's minimum

    def id(self) -> int:
        return self._id

    def score(self) -> float:
        return self._score

    def supports_block_quality(self) -> bool:
        return False  # its own loop skips, not the collector's

    def terms_of(self, docnum: int) -> frozenset[tuple[str, str]]:
        """The query's terms a passage it drew may hold: those of the one-term leaves it matched (a drawn passage
        was asked about every leaf), and every term of the leaves joining several."""
        return self.joined_terms.union(*(self.leaf_terms[n] for n in self.held[docnum]))

    def competitive(self, minimum: Callable[[], float]) -> Iterator[int]:
        """Each passage, in order, that may enter a top whose lowest score is `minimum()` (0: not yet full),
        with its score ready in `score()`."""
        leaves, bounds, scores = self.leaves, self.bounds, self.scores
        lowest, limit, weak, docnum = 0.0, 0.0, 0, -1
        essential = [(leaf.id(), n) for n, leaf in enumerate(leaves)]  # (passage, leaf) passages are drawn from
        heapq.heapify(essential)
        while essential:
            floor = minimum() or 0.0
            if floor != lowest:
                lowest, limit = floor, floor * (1 - BOUND_SLACK)
                now_weak = 0
                while now_weak < len(leaves) and bounds[now_weak] < limit:
                    now_weak += 1
                if now_weak != weak:  # a weak leaf may stand behind the last passage: it moves past it first
                    weak, self.partial = now_weak, self.partial or now_weak > 0
                    essential = [(leaf.id(), n) for n, leaf in enumerate(leaves) if n >= weak and _past(leaf, docnum)]
                    heapq.heapify(essential)
                    if not essential:
                        return
            docnum = essential[0][0]
            score, held = 0.0, []
            while essential and essential[0][0] == docnum:
                _, n = essential[0]
                leaf = leaves[n]
                score += scores[n]()
                held.append(n)
                leaf.next()
                if leaf.is_active():
                    heapq.heapreplace(essential, (leaf.id(), n))
                else:
                    heapq.heappop(essential)
            for n in range(weak - 1, -1, -1):  # the weak leaves, strongest first, while they can still lift it
                if lowest and score + bounds[n] < limit:
                    break
                leaf = leaves[n]
                if leaf.is_active() and leaf.id() < docnum:
                    skip_to(leaf, docnum)
                if leaf.is_active() and leaf.id() == docnum:
                    score += scores[n]()
                    held.append(n)
            if not lowest or score > lowest:  # every weak leaf was asked: else it could not have reached the top
                self._id, self._score, self.held[docnum] = docnum, score, held
                yield docnum
            else:
                self.rejected.append(docnum)


def _past(matcher: Matcher, docnum: int) -> bool:
    """Move `matcher` beyond `docnum`; whether it still has passages."""
    if matcher.is_active() and matcher.id() <= docnum:
        skip_to(matcher, docnum + 1)
    return matcher.is_active()
