"""Conjunctions of terms walked and scored on Whoosh's block readers: an And of terms (a Korean or Chinese word's
grams, all required) and a phrase (its words at consecutive positions).

Whoosh builds a tree of IntersectionMatchers (for a phrase, of span matchers making Span objects
of every position), each node stepping its two sides and scoring every posting through the
generic BM25F path (a field-length column read per posting): a Korean word's grams matched
hundreds of passages at 100k, most of its search's time, and so did "found at" (cProfile). Here
the rarest slot leads, the others skip to it by bisecting their blocks, positions are compared
as integers, and each term is scored by indexer.engine.postings; the passages and each one's
score are those of Whoosh's tree.
"""

from __future__ import annotations

from whoosh import query as q
from whoosh.matching import Matcher, NullMatcher
from whoosh.query.compound import DefaultOr

from indexer.engine.postings import plain_leaf, scorer_of, skip_to

# A phrase position matching more terms than this (the word, its base form) is left to Whoosh's own matcher.
MAX_SLOT_TERMS = 2


def conjunction_matcher(query, searcher, context) -> Matcher:
    """The matcher of `query`: a TermsConjunction for an And of two or more terms or a phrase whose positions
    are terms (or an OR of two), all on Whoosh's block readers; else Whoosh's own."""
    slots = _slots(query)
    if slots is None:
        return query.matcher(searcher, context)
    matchers = [[term.matcher(searcher, context) for term in slot] for slot in slots]
    matchers = [[matcher for matcher in slot if matcher.is_active()] for slot in matchers]
    if not all(matchers):
        return NullMatcher()  # a position no term of the segment fills: nothing holds them all, as in Whoosh's tree
    if any(plain_leaf(matcher) is None for slot in matchers for matcher in slot):  # deletions filtered out, ...
        return query.matcher(searcher, context)
    return TermsConjunction(matchers, searcher.reader(), query.boost, adjacent=type(query) is q.Sequence)


def _slots(query) -> list[list[q.Term]] | None:
    """The terms each slot of an And of terms or of a phrase matches by; None for any other query."""
    if type(query) is q.And and all(type(part) is q.Term for part in query.subqueries):
        slots = [[part] for part in query.subqueries]
    elif type(query) is q.Sequence and query.slop == 1 and query.ordered and query.boost == 1.0:
        slots = [_slot_terms(part) for part in query.subqueries]
    else:
        return None
    if len(slots) < 2 or any(slot is None for slot in slots):
        return None
    return slots


def _slot_terms(part) -> list[q.Term] | None:
    """A phrase position's terms: a term, or an unboosted OR of at most MAX_SLOT_TERMS unboosted terms."""
    terms = part.subqueries if type(part) is DefaultOr and part.boost == 1.0 else [part]
    if len(terms) > MAX_SLOT_TERMS or any(type(term) is not q.Term or term.boost != 1.0 for term in terms):
        return None
    return list(terms)


class TermsConjunction(Matcher):
    """The passages where every slot (a list of term matchers on Whoosh's block readers) has a term, at
    consecutive positions when `adjacent`; scored as Whoosh's tree of intersections (of span matchers, for a
    phrase) over the slots' unions scores them, times `boost`."""

    def __init__(self, slots: list[list[Matcher]], reader, boost: float = 1.0, adjacent: bool = False):
        self.slots, self.reader, self.boost, self.adjacent = slots, reader, boost, adjacent
        self.scores = [[scorer_of(matcher, reader) for matcher in slot] for slot in slots]

        def rarity(n: int) -> float:  # IDF falls as a term's passages grow: read from its scorer, not looked up
            return min(plain_leaf(matcher)[2].idf for matcher in slots[n])

        self.order = sorted(range(len(slots)), key=rarity, reverse=True)  # the rarest leads: the others skip to it
        self._bound = sum(matcher.max_quality() for slot in slots for matcher in slot) * boost
        self._block_quality = all(matcher.supports_block_quality() for slot in slots for matcher in slot)
        self._active, self._id = True, -1
        self._align()

    def _align(self) -> None:
        """Move forward to the next passage every slot holds (in order, when adjacent), or run out."""
        lead = self.order[0]
        while True:
            target = _slot_id(self.slots[lead])
            if target is None:
                break
            for n in self.order[1:]:
                _slot_skip(self.slots[n], target)
                found = _slot_id(self.slots[n])
                if found is None:
                    self._active = False
                    return
                if found != target:
                    _slot_skip(self.slots[lead], found)
                    break
            else:
                if not self.adjacent or self._in_sequence(target):
                    self._id = target
                    return
                _slot_skip(self.slots[lead], target + 1)
        self._active = False

    def _in_sequence(self, docnum: int) -> bool:
        """Whether the slots' terms stand at consecutive positions in `docnum`."""
        positions = [_slot_positions(slot, docnum) for slot in self.slots]
        return any(all(start + n in at for n, at in enumerate(positions[1:], 1)) for start in positions[0])

    def is_active(self) -> bool:
        return self._active

    def id(self) -> int:
        return self._id

    def next(self) -> None:
        _slot_skip(self.slots[self.order[0]], self._id + 1)
        self._align()

    def skip_to(self, docnum: int) -> None:
        if self._active and docnum > self._id:
            _slot_skip(self.slots[self.order[0]], docnum)
            self._align()

    def score(self) -> float:
        docnum = self._id
        per_slot = [_slot_score(slot, scores, docnum) for slot, scores in zip(self.slots, self.scores, strict=True)]
        return _tree_sum(per_slot) * self.boost

    def reset(self) -> None:
        for slot in self.slots:
            for matcher in slot:
                matcher.reset()
        self._active = True
        self._align()

    def copy(self) -> TermsConjunction:
        slots = [[matcher.copy() for matcher in slot] for slot in self.slots]
        return TermsConjunction(slots, self.reader, self.boost, self.adjacent)

    def supports(self, astype: str) -> bool:
        return all(matcher.supports(astype) for slot in self.slots for matcher in slot)

    def value(self):
        """The leading term's posting value here (Whoosh's matcher interface asks every matcher for one)."""
        return self.slots[self.order[0]][0].value()

    def value_as(self, astype: str):
        return self.slots[self.order[0]][0].value_as(astype)

    def max_quality(self) -> float:
        return self._bound

    def supports_block_quality(self) -> bool:
        return self._block_quality


def _slot_id(slot: list[Matcher]) -> int | None:
    """The first passage any of the slot's terms stands on; None when all have run out."""
    if len(slot) == 1:  # most slots: a term alone
        return slot[0].id() if slot[0].is_active() else None
    return min((matcher.id() for matcher in slot if matcher.is_active()), default=None)


def _slot_skip(slot: list[Matcher], docnum: int) -> None:
    for matcher in slot:
        if matcher.is_active():
            skip_to(matcher, docnum)


def _here(slot: list[Matcher], docnum: int) -> list[int]:
    """Which of the slot's terms stand on `docnum` (their indexes in the slot)."""
    return [n for n, matcher in enumerate(slot) if matcher.is_active() and matcher.id() == docnum]


def _slot_positions(slot: list[Matcher], docnum: int) -> set[int]:
    if len(slot) == 1:  # a slot of one term stands on `docnum`: the conjunction is aligned there
        return set(slot[0].value_as("positions"))
    return {position for n in _here(slot, docnum) for position in slot[n].value_as("positions")}


def _slot_score(slot: list[Matcher], scores: list, docnum: int) -> float:
    """The slot's score in `docnum`, as Whoosh's union of its terms gives it (a term alone, or both summed)."""
    if len(slot) == 1:
        return scores[0]()
    here = [scores[n]() for n in _here(slot, docnum)]
    return here[0] if len(here) == 1 else here[0] + here[1]


def _tree_sum(values: list[float]) -> float:
    """The values summed as Whoosh's binary tree of matchers adds its two halves (whoosh.util.make_binary_tree),
    so a phrase's score is Whoosh's to the last bit."""
    if len(values) == 1:
        return values[0]
    half = len(values) // 2
    return _tree_sum(values[:half]) + _tree_sum(values[half:])
