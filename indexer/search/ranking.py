"""One language's ranking: Whoosh's BM25F top candidates, re-scored by weighted coordination and proximity.

Whoosh picks the best RERANK_DEPTH passages matching any clause (top-k with its
block-quality skipping, never every match). Each is then scored

    score = bm25 * coordination ** COORDINATION_POWER + PROXIMITY_WEIGHT * proximity

where coordination is the share of the query's clause weight (IDF) the passage
matches, so a rare name counts for more than a common word, and proximity adds
for pairs of query words close together in the paragraph (Rasolofo and Savoy's
term-proximity score). The same function runs on one index and on each shard of
a cluster; a cluster cuts its merged candidates to the same depth by BM25 before
ordering them, so both give the same answer.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import combinations

from whoosh.collectors import CollapseCollector, FilterCollector, TopCollector

from indexer.search.plan import SEARCH_FIELDS, QueryPlan

# Passages scored again per language, at least: BM25's order below this depth is left as it is.
RERANK_DEPTH = 50
# Candidates kept beyond that depth, so that the cut is made on BM25F rounded to SCORE_DIGITS: a cluster's
# shards sum a passage's clause scores in another order than one index does, which moves the last bits.
CUT_MARGIN = 10
SCORE_DIGITS = 6
# How strongly a passage missing some of the query's weight is pushed down (1: in proportion).
COORDINATION_POWER = 1.0
# Words further apart than this (in word positions) do not count as near each other.
PROXIMITY_WINDOW = 5
# Weight of the proximity score against BM25, and its saturation (BM25's k1).
PROXIMITY_WEIGHT = 0.5
PROXIMITY_K1 = 1.2
# Queries of at most this many words list the passages holding every one of them first (keyword search);
# longer ones (questions) are ordered by score alone.
STRICT_MAX_WORDS = 3
# The field whose word positions proximity reads.
PROXIMITY_FIELD = "text"
# Matches between two of Whoosh's attempts to prune its matcher tree (its default is 10): each attempt walks the
# whole tree, which for a prefix's 150 completions cost more than the pruning saved (এক* at 100k: 355 -> 178 ms).
MATCHES_BETWEEN_PRUNING = 200
# A search that shows one passage per article (its best), as opposed to every passage.
PER_ARTICLE = "article"

# Each open reader's column readers: opening one reads an offset for every passage, which a search did per
# hit and language (py-spy: a third of a Bengali query); weak, so a swapped-out generation's readers can go.
_COLUMNS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


@dataclass(frozen=True)
class Candidate:
    """A passage worth ordering: its BM25F score, its final score, and how many query words it matched."""

    docnum: int
    doc_id: str
    bm25: float
    score: float
    words_matched: int
    all_words: bool

    @property
    def listed_first(self) -> bool:
        """Whether it holds every word of a short (keyword) query: such passages come before the rest."""
        return self.all_words and self.words_matched <= STRICT_MAX_WORDS


@dataclass
class CandidateList:
    """A language's candidates (best BM25F first), how many passages or articles match, and the terms to mark.

    `exact` is False when Whoosh skipped blocks that could not reach the top: `total` is then a lower bound.
    """

    lang: str
    candidates: list[Candidate] = field(default_factory=list)
    total: int = 0
    exact: bool = True
    terms: set[str] = field(default_factory=set)


def column(reader, name: str):
    """The reader's column reader for a sortable field, opened once per reader."""
    columns = _COLUMNS.get(reader)
    if columns is None:
        columns = _COLUMNS[reader] = {}
    if name not in columns:
        columns[name] = reader.column_reader(name)
    return columns[name]


class TopPassages(TopCollector):
    """Whoosh's top-k collector, whose pruning waits until its heap is full.

    Whoosh's own sets its minimum score to the heap's lowest after a collapse removes a
    document, heap full or not, and then prunes every match below it: articles that
    belong in the top k were never seen (8 of 18 on a three-shard test index).
    """

    def remove(self, global_docnum: int) -> None:
        super().remove(global_docnum)
        if len(self.items) < self.limit:
            self.minscore = 0

    def saw_every_match(self) -> bool:
        """Whether nothing was pruned or skipped: only a full heap prunes, and its collect count reached it."""
        return self.total < self.limit


def rank_passages(searcher, plan: QueryPlan, depth: int, per: str) -> CandidateList:
    """The best max(depth, RERANK_DEPTH) passages and a margin (one per article with per="article"), each scored
    for ordering."""
    query = plan.query()
    if query is None:
        return CandidateList(plan.lang)
    top = TopPassages(max(depth, RERANK_DEPTH) + CUT_MARGIN, replace=MATCHES_BETWEEN_PRUNING)
    collapse = CollapseCollector(top, "doc_id") if per == PER_ARTICLE else None
    outer = collapse or top
    if plan.restriction is not None:
        outer = FilterCollector(outer, plan.restriction)
    searcher.search_with_collector(query, outer)
    results = outer.results()
    exact = top.saw_every_match()
    total = len(collapse.lists) if collapse is not None else top.total  # what was seen: every match when exact
    scored = list(results.items())
    found = CandidateList(plan.lang, total=total, exact=exact, terms=query_terms(plan, searcher.reader()))
    found.candidates = _score(searcher, plan, scored)
    return found


def _score(searcher, plan: QueryPlan, scored: list[tuple[int, float]]) -> list[Candidate]:
    """Each BM25F-scored passage with its coordination and proximity added."""
    doc_ids = column(searcher.reader(), "doc_id")
    docnums = sorted(docnum for docnum, _ in scored)
    stopped = _stop_word_scores(searcher, plan, docnums)  # added to the score, not to the BM25F they were cut by
    if len(plan.clauses) == 1:  # every candidate matches the one clause, and proximity needs two
        return [
            Candidate(docnum, doc_ids[docnum], bm25, bm25 + stopped.get(docnum, 0.0), 1, True)
            for docnum, bm25 in scored
        ]
    weights = clause_weights(searcher, plan)
    total_weight = sum(weights) or 1.0
    matched = [_matching(searcher, clause.query, docnums) for clause in plan.clauses]
    positions = [_positions(searcher.reader(), clause.options, docnums) for clause in plan.clauses]
    candidates = []
    for docnum, bm25 in scored:
        hits = [n for n, docs in enumerate(matched) if docnum in docs]
        coordination = sum(weights[n] for n in hits) / total_weight
        near = proximity([positions[n].get(docnum, ()) for n in hits], [weights[n] for n in hits])
        score = (bm25 + stopped.get(docnum, 0.0)) * coordination**COORDINATION_POWER + PROXIMITY_WEIGHT * near
        candidates.append(Candidate(docnum, doc_ids[docnum], bm25, score, len(hits), len(hits) == len(plan.clauses)))
    return candidates


def _stop_word_scores(searcher, plan: QueryPlan, docnums: list[int]) -> dict[int, float]:
    """What the query's stop words add to the BM25F of the (sorted) candidates holding them."""
    added: dict[int, float] = {}
    for clause in plan.stopped:
        matcher = clause.query.matcher(searcher)
        for docnum in _walk(matcher, docnums):
            added[docnum] = added.get(docnum, 0.0) + matcher.score()
    return added


def clause_weights(searcher, plan: QueryPlan) -> list[float]:
    """Each clause's IDF: that of the most common way it can match (a word, all its stems, all its grams).

    A clause no passage can match weighs nothing; an operator clause (phrase, prefix, OR),
    asked for explicitly, weighs as much as the query's rarest word.
    """
    weighting = searcher.weighting
    weights = []
    for clause in plan.clauses:
        options = [
            max(weighting.idf(searcher, PROXIMITY_FIELD, term) for term in option)
            for option in clause.options
            if all(any(_frequency(searcher, name, term) for name in SEARCH_FIELDS) for term in option)
        ]
        weights.append(min(options) if options and clause.word else 0.0)
    rarest = max(weights, default=0.0) or 1.0
    return [weight if clause.word else rarest for weight, clause in zip(weights, plan.clauses, strict=True)]


def _frequency(searcher, fieldname: str, term: str) -> int:
    """A term's document frequency: the whole language's when the weighting scores a shard with it."""
    known = getattr(searcher.weighting, "doc_frequencies", {})
    return known[fieldname, term] if (fieldname, term) in known else searcher.doc_frequency(fieldname, term)


def proximity(positions: list, weights: list[float]) -> float:
    """Rasolofo and Savoy's term-proximity score: for each pair of matched words, 1/d² summed over their
    occurrences at most PROXIMITY_WINDOW apart, saturated as BM25 saturates frequency, weighted by the
    pair's smaller IDF."""
    score = 0.0
    for (first, w1), (second, w2) in combinations(zip(positions, weights, strict=True), 2):
        closeness = sum(1.0 / (a - b) ** 2 for a in first for b in second if a != b and abs(a - b) <= PROXIMITY_WINDOW)
        if closeness:
            score += min(w1, w2) * closeness * (PROXIMITY_K1 + 1) / (closeness + PROXIMITY_K1)
    return score


def _walk(matcher, docnums: list[int]) -> Iterator[int]:
    """The (sorted) passages `matcher` matches, in one pass skipping ahead; at each, it stands on that passage."""
    for docnum in docnums:
        if not matcher.is_active():
            return
        if matcher.id() < docnum:
            matcher.skip_to(docnum)
        if matcher.is_active() and matcher.id() == docnum:
            yield docnum


def _matching(searcher, query, docnums: list[int]) -> set[int]:
    """Which of the (sorted) passages `query` matches."""
    return set(_walk(query.matcher(searcher, searcher.boolean_context()), docnums))


def _positions(reader, options: tuple[tuple[str, ...], ...], docnums: list[int]) -> dict[int, set[int]]:
    """Where in each (sorted) passage's paragraph any of a clause's terms occurs."""
    found: dict[int, set[int]] = {}
    for term in {term for option in options for term in option}:
        if (PROXIMITY_FIELD, term) in reader:
            postings = reader.postings(PROXIMITY_FIELD, term)
            for docnum in _walk(postings, docnums):
                found.setdefault(docnum, set()).update(postings.value_as("positions"))
    return found


def query_terms(plan: QueryPlan, reader) -> set[str]:
    """The indexed terms the plan can match (prefixes expanded), for highlighting."""
    terms = set()
    for clause in plan.clauses:
        for leaf in clause.query.leaves():
            for fieldname, text in leaf.expanded_terms(reader, phrases=True):
                if fieldname in SEARCH_FIELDS:
                    terms.add(text.decode("utf-8") if isinstance(text, bytes) else text)
    return terms


def order(lists: list[CandidateList], depth: int) -> list[tuple[str, Candidate, float]]:
    """Every language's candidates in final order, as (language, candidate, shown score): each language's
    cut to its best by BM25F (as one index would have kept them), then ordered by score.

    With several languages each one's scores are scaled to its best, so one index's
    larger scores do not bury another's.
    """
    ordered = []
    normalize = len(lists) > 1
    for found in lists:
        by_bm25 = sorted(found.candidates, key=lambda c: (-round(c.bm25, SCORE_DIGITS), c.docnum))
        kept = by_bm25[: max(depth, RERANK_DEPTH)]
        best = max((c.score for c in kept), default=1.0) or 1.0
        ordered += [(found.lang, c, c.score / best if normalize else c.score) for c in kept]
    ordered.sort(
        key=lambda item: (
            not item[1].listed_first,
            -round(item[2], SCORE_DIGITS),
            item[0],
            item[1].doc_id,
            item[1].docnum,
        )
    )
    return ordered
