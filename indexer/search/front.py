"""The one search front: parse, route, plan per language, rank where the postings are, order, show a page.

Where postings are scored is the only part that differs between one machine and a
cluster: an index set that ranks elsewhere has `rank_candidates(plans, depth, per)`
(the cluster's shards, with the whole language's statistics); any other is ranked
here, on its own searchers. Ordering, the page and its hits are the same code for both.
"""

from __future__ import annotations

import time

from indexer.documents import reject_unpaired_surrogates
from indexer.search.hits import page_hits
from indexer.search.plan import QueryPlan, plan_query
from indexer.search.query import parse_query
from indexer.search.ranking import PER_ARTICLE, CandidateList, order, rank_passages
from indexer.search.revisions import describe, revise_query
from indexer.search.routing import requested_language, route_query

MAX_LIMIT = 100
MAX_OFFSET = 10_000
ALL_WORDS, MOST_WORDS = "all words", "most words"


def search(index_set, query: str, lang: str = "auto", limit: int = 10, offset: int = 0, per: str = PER_ARTICLE) -> dict:
    """Return ranked, highlighted passages for `query`: one per article, or every one with `per="passage"`.

    Passages matching any query word are ranked by BM25F, re-scored by how much of the
    query's weight they match and how close its words are (indexer.search.ranking). A query
    holding an unpaired surrogate (not text) raises UnpairedSurrogate, a ValueError.
    """
    started = time.perf_counter()
    reject_unpaired_surrogates(query)
    parsed = parse_query(query)
    requested = requested_language(parsed, lang)
    route = route_query(parsed.text, requested, index_set.languages)
    parsed, revisions = revise_query(index_set, parsed, route.langs, requested)
    if revisions:  # a revised word may be in another language (dkssud → 안녕)
        route = route_query(parsed.text, requested, index_set.languages)
    limit = max(1, min(limit, MAX_LIMIT))
    offset = max(0, min(offset, MAX_OFFSET))
    plans = {code: plan_query(parsed, code, index_set.analyzer(code)) for code in route.langs}
    lists, missing = _rank(index_set, plans, offset + limit, per)
    ordered = order(lists, offset + limit)
    page = ordered[offset : offset + limit]
    ignored = sorted({word for plan in plans.values() for word in plan.ignored})
    answer = {
        "query": query,
        "lang": route.as_dict(),
        "syntax": parsed.syntax,
        "notice": parsed.notice,
        "matching": MOST_WORDS if ordered and not ordered[0][1].all_words else ALL_WORDS,
        "ignored_words": ignored,
        "total": sum(found.total for found in lists),
        "total_relation": "eq" if all(found.exact for found in lists) else "gte",
        "took_ms": 0.0,
        "hits": page_hits(index_set, page, {found.lang: found.terms for found in lists}),
        **describe(parsed, revisions),
    }
    if missing:
        answer["partial"] = {"missing_shards": missing}
    answer["took_ms"] = round((time.perf_counter() - started) * 1000, 2)
    return answer


def _rank(index_set, plans: dict[str, QueryPlan], depth: int, per: str) -> tuple[list[CandidateList], list[str]]:
    """Each language's candidates, and the shards (if any) that did not answer."""
    elsewhere = getattr(index_set, "rank_candidates", None)
    if elsewhere is not None:
        return elsewhere(plans, depth, per)
    lists = []
    for lang, plan in plans.items():
        with index_set.searcher(lang) as searcher:
            lists.append(rank_passages(searcher, plan, depth, per))
    return lists, []
