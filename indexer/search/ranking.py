"""One language's ranking: Whoosh's BM25F top candidates, re-scored by weighted coordination and proximity.

Whoosh picks the best RERANK_DEPTH passages matching any clause (top-k, skipping by
MaxScore: indexer.engine.disjunction; never every match). Each is then scored

    score = bm25 * coordination ** COORDINATION_POWER + PROXIMITY_WEIGHT * proximity

where coordination is the share of the query's clause weight (IDF) the passage
matches, so a rare name counts for more than a common word, and proximity adds
for pairs of query words close together in the paragraph (Rasolofo and Savoy's
term-proximity score). The same function runs on one index and on each shard of
a cluster; a cluster cuts its merged candidates to the same depth by BM25 before
ordering them, so both give the same answer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import combinations

from indexer.engine.collect import CandidateTerms, column, newest_matches, scores_of, top_matches
from indexer.engine.queries import expanded_terms
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
# A search that shows one passage per article (its best), as opposed to every passage.
PER_ARTICLE = "article"


@dataclass(frozen=True)
class Candidate:
    """A passage worth ordering: its BM25F score, its final score, how many query words it matched, and the
    query's (field, text) terms it may hold when the search narrowed them (its highlights look for no others)."""

    docnum: int
    doc_id: str
    bm25: float
    score: float
    words_matched: int
    all_words: bool
    terms: frozenset[tuple[str, str]] | None = None

    @property
    def listed_first(self) -> bool:
        """Whether it holds every word of a short (keyword) query: such passages come before the rest."""
        return self.all_words and self.words_matched <= STRICT_MAX_WORDS


@dataclass
class CandidateList:
    """A language's candidates (best BM25F first), how many passages or articles match, and the terms to mark.

    `exact` is False when the search skipped passages that could not reach the top: `total` is then a lower
    bound. Its best `cut` by BM25F count; the rest are a margin, for a cluster's shards to round alike.
    """

    lang: str
    candidates: list[Candidate] = field(default_factory=list)
    total: int = 0
    exact: bool = True
    terms: set[str] = field(default_factory=set)
    newest: list[Candidate] = field(default_factory=list)  # for a sort by date: the newest holding every clause
    cut: int = RERANK_DEPTH


def rank_passages(searcher, plan: QueryPlan, depth: int, per: str, newest: bool = False) -> CandidateList:
    """The best max(depth, RERANK_DEPTH) passages and a margin (one per article with per="article"), each scored
    for ordering (only the best `depth` and the margin when BM25F's order is final: _cut); with `newest` (a
    sort by date), also as many of the newest passages holding every clause, from all their matches."""
    query = plan.query()
    if query is None:
        return CandidateList(plan.lang)
    collapse_field = "doc_id" if per == PER_ARTICLE else None
    cut = _cut(plan, depth)
    kept = cut + CUT_MARGIN
    top = top_matches(searcher, query, kept, collapse_field, plan.restriction)
    terms = query_terms(plan, searcher.reader())
    found = CandidateList(plan.lang, total=top.total, exact=top.exact, terms=terms, cut=cut)
    found.candidates = _score(searcher, plan, top.scored, top.terms or {})
    if newest:
        found.newest = _newest_candidates(searcher, plan, kept, collapse_field)
    return found


def _cut(plan: QueryPlan, depth: int) -> int:
    """Passages of a language's top that count: when BM25F's order is its final one (one clause, no stop words
    to add), the best `depth`; else at least RERANK_DEPTH, for re-scoring to reorder."""
    final = len(plan.clauses) == 1 and not plan.stopped
    return depth if final else max(depth, RERANK_DEPTH)


def _newest_candidates(searcher, plan: QueryPlan, depth: int, collapse_field: str | None) -> list[Candidate]:
    """The newest `depth` passages holding every clause (one per article when collapsed), scored as the
    best ones are."""
    docnums = newest_matches(searcher, plan.every_clause_query(), depth, collapse_field, plan.restriction)
    bm25 = scores_of(searcher, plan.query(), sorted(docnums))
    return _score(searcher, plan, [(docnum, bm25[docnum]) for docnum in docnums], {})


def _score(searcher, plan: QueryPlan, scored: list[tuple[int, float]], terms: dict) -> list[Candidate]:
    """Each BM25F-scored passage with its coordination and proximity added, and the query's `terms` it may
    hold when they are known."""
    doc_ids = column(searcher.reader(), "doc_id")
    docnums = sorted(docnum for docnum, _ in scored)
    stopped = _stop_word_scores(searcher, plan, docnums)  # added to the score, not to the BM25F they were cut by
    if len(plan.clauses) == 1:  # every candidate matches the one clause, and proximity needs two
        return [
            Candidate(docnum, doc_ids[docnum], bm25, bm25 + stopped.get(docnum, 0.0), 1, True, terms.get(docnum))
            for docnum, bm25 in scored
        ]
    weights = clause_weights(searcher, plan)
    total_weight = sum(weights) or 1.0
    candidates_hold = CandidateTerms(searcher, docnums, PROXIMITY_FIELD)
    matched = [candidates_hold.matching(clause.query) for clause in plan.clauses]
    positions = [candidates_hold.positions(_terms(clause)) for clause in plan.clauses]
    candidates = []
    for docnum, bm25 in scored:
        hits = [n for n, docs in enumerate(matched) if docnum in docs]
        coordination = sum(weights[n] for n in hits) / total_weight
        near = proximity([positions[n].get(docnum, ()) for n in hits], [weights[n] for n in hits])
        score = (bm25 + stopped.get(docnum, 0.0)) * coordination**COORDINATION_POWER + PROXIMITY_WEIGHT * near
        all_words = len(hits) == len(plan.clauses)
        candidates.append(Candidate(docnum, doc_ids[docnum], bm25, score, len(hits), all_words, terms.get(docnum)))
    return candidates


def _terms(clause) -> set[str]:
    """Every term a clause can match by."""
    return {term for option in clause.options for term in option}


def _stop_word_scores(searcher, plan: QueryPlan, docnums: list[int]) -> dict[int, float]:
    """What the query's stop words add to the BM25F of the (sorted) candidates holding them."""
    added: dict[int, float] = {}
    for clause in plan.stopped:
        for docnum, score in scores_of(searcher, clause.query, docnums).items():
            added[docnum] = added.get(docnum, 0.0) + score
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


def query_terms(plan: QueryPlan, reader) -> set[str]:
    """The indexed terms the plan can match (prefixes expanded), for highlighting."""
    return {
        text
        for clause in plan.clauses
        for fieldname, text in expanded_terms(clause.query, reader)
        if fieldname in SEARCH_FIELDS
    }


def order(lists: list[CandidateList], weight=None) -> list[tuple[str, Candidate, float]]:
    """Every language's candidates in final order, as (language, candidate, shown score): each language's
    cut to its best by BM25F (as one index would have kept them), then ordered by score.

    With several languages each one's scores are scaled to its best, so one index's
    larger scores do not bury another's. `weight(lang, candidate)`, when given, multiplies
    each shown score (a recency preference: indexer.search.freshness).
    """
    ordered = []
    for found in lists:
        shown = shown_scores(found.lang, best_by_bm25(found), len(lists) > 1)
        ordered += [(lang, c, score * weight(lang, c)) for lang, c, score in shown] if weight else shown
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


def shown_scores(lang: str, candidates: list[Candidate], normalize: bool) -> list[tuple[str, Candidate, float]]:
    """A language's candidates with the score shown for each: scaled to its best when several languages are
    listed together, so one index's larger scores do not bury another's."""
    best = max((c.score for c in candidates), default=1.0) or 1.0
    return [(lang, c, c.score / best if normalize else c.score) for c in candidates]


def best_by_bm25(found: CandidateList) -> list[Candidate]:
    """A language's best `found.cut` candidates by BM25F, as one index would have kept them: the cut that makes
    a cluster's merged shard answers those of one index."""
    by_bm25 = sorted(found.candidates, key=lambda c: (-round(c.bm25, SCORE_DIGITS), c.docnum))
    return by_bm25[: found.cut]
