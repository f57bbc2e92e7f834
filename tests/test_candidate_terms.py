"""Re-scoring's reads of the candidates: which ones each clause matches, from its terms' postings read once."""

from __future__ import annotations

import pytest

from indexer.engine.collect import CandidateTerms, matching
from indexer.search.plan import plan_query
from indexer.search.query import parse_query


@pytest.mark.parametrize(
    ("lang", "query"),
    [
        ("en", "library children said"),
        ("ko", "사회복지 센터에서 병원"),  # stems and character grams: ANDs inside each word's OR
        ("bn", "শিশু কেন্দ্রের সমাজকর্ম"),
        ("en", '"the library" s* ferry OR boat'),  # a phrase, a prefix and an OR: read by their own matchers
    ],
)
def test_each_clause_matches_the_candidates_its_own_matcher_finds(index_set, lang, query):
    plan = plan_query(parse_query(query), lang, index_set.analyzer(lang))
    with index_set.searcher(lang) as searcher:
        candidates = list(range(searcher.doc_count_all()))
        held = CandidateTerms(searcher, candidates, "text")
        found = [held.matching(clause.query) for clause in plan.clauses]
        expected = [matching(searcher, clause.query, candidates) for clause in plan.clauses]
    assert all(found) and len(set(map(frozenset, found))) > 1  # each clause matches passages, not all the same
    assert found == expected
