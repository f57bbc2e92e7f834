"""The one search front: parse, route, plan per language, rank where the postings are, order, show a page.

Where postings are scored is the only part that differs between one machine and a
cluster: an index set that ranks elsewhere has `rank_candidates(plans, depth, per)`
(the cluster's shards, with the whole language's statistics); any other is ranked
here, on its own searchers. Ordering, the page and its hits are the same code for both.
"""

from __future__ import annotations

import time

from indexer.documents import reject_unpaired_surrogates
from indexer.engine.codec import one_search
from indexer.search.facets import search_facets
from indexer.search.freshness import BY_DATE, RELEVANCE, newest_first, published_dates, recency_weight
from indexer.search.hits import page_hits
from indexer.search.plan import QueryPlan
from indexer.search.query import parse_query
from indexer.search.ranking import PER_ARTICLE, RERANK_DEPTH, CandidateList, order, rank_passages
from indexer.search.revisions import describe, revise_query
from indexer.search.routing import index_holds, requested_language, route_query
from indexer.search.stories import STORY, StoryOrder, collapse_stories, default_collapse
from indexer.search.translate import plan_languages

MAX_LIMIT = 100
MAX_OFFSET = 10_000
ALL_WORDS, MOST_WORDS = "all words", "most words"


@one_search()
def search(
    index_set,
    query: str,
    lang: str = "auto",
    limit: int = 10,
    offset: int = 0,
    per: str = PER_ARTICLE,
    collapse: str | None = None,
    sort: str = RELEVANCE,
    recency: float | None = None,
    facets: bool = False,
    translate: bool | None = None,
) -> dict:
    """Return ranked, highlighted passages for `query`: one per article, or every one with `per="passage"`;
    with `collapse="story"` (the default over several languages) one per story, its other languages named.
    `sort="date"` lists every match holding all the words newest first, then the best-ranked holding some
    (indexer.search.freshness); `recency` (a half-life in days, which a sort by date leaves unused) prefers
    recent ones, and `facets` counts the matching articles per language, source, year and month.

    A query asked of another language's index (`lang` a code or "all") is translated into it, unless
    `translate` is False (indexer.search.translate); `translated` says what each word became.

    Passages matching any query word are ranked by BM25F, re-scored by how much of the
    query's weight they match and how close its words are (indexer.search.ranking). A query
    holding an unpaired surrogate (not text) raises UnpairedSurrogate, a ValueError.
    """
    started = time.perf_counter()
    reject_unpaired_surrogates(query)
    parsed = parse_query(query)
    requested = requested_language(parsed, lang)
    indexed = index_holds(index_set)
    route = route_query(parsed.text, requested, index_set.languages, indexed)
    parsed, revisions = revise_query(index_set, parsed, route.langs, requested)
    if revisions:  # a revised word may be in another language (dkssud → 안녕)
        route = route_query(parsed.text, requested, index_set.languages, indexed)
    limit = max(1, min(limit, MAX_LIMIT))
    offset = max(0, min(offset, MAX_OFFSET))
    plans, translated = plan_languages(index_set, parsed, route, translate)
    collapse = collapse or default_collapse(route.langs, per)
    reweighted = bool(recency) or sort == BY_DATE or collapse == STORY  # each moves candidates past BM25F's order
    depth = max(offset + limit, RERANK_DEPTH) if reweighted else offset + limit
    lists, missing = _rank(index_set, plans, depth, per, sort == BY_DATE)
    own = frozenset(code for code, plan in plans.items() if not plan.translated)
    arranged = _arrange(index_set, lists, offset + limit, per, collapse, sort, recency, own)
    ordered, total, exact = arranged.entries, arranged.total, arranged.exact
    page = ordered[offset : offset + limit]
    ignored = sorted({word for plan in plans.values() for word in plan.ignored})
    answer = {
        "query": query,
        "lang": route.as_dict(),
        "syntax": parsed.syntax,
        "notice": parsed.notice,
        "matching": MOST_WORDS if ordered and not ordered[0][1].all_words else ALL_WORDS,
        "ignored_words": ignored,
        "translated": translated,
        "collapse": collapse,
        "sort": sort,
        "total": total,
        "total_relation": "eq" if exact else "gte",
        "took_ms": 0.0,
        "hits": page_hits(index_set, page, {found.lang: found.terms for found in lists}),
        **describe(parsed, revisions),
    }
    if collapse == STORY:
        for hit, languages in zip(answer["hits"], arranged.also_matched[offset : offset + limit], strict=True):
            hit["also_matched"] = languages
    if facets:
        answer["facets"] = search_facets(index_set, plans)
    if missing:
        answer["partial"] = {"missing_shards": missing}
    answer["took_ms"] = round((time.perf_counter() - started) * 1000, 2)
    return answer


def _arrange(
    index_set,
    lists: list[CandidateList],
    depth: int,
    per: str,
    collapse: str,
    sort: str,
    recency: float | None,
    own: frozenset[str],
):
    """The ranking's order (weighted by recency when asked), one entry per story when collapsed (shown in a
    language of `own`, searched untranslated, where it can be), newest first for `sort="date"`; with the
    total it counts and whether that total is exact."""
    dates = published_dates(index_set, lists) if recency or sort == BY_DATE else {}
    if sort == BY_DATE:
        ordered = newest_first(lists, dates, per)
    else:
        ordered = order(lists, recency_weight(dates, recency) if recency else None)
    if collapse == STORY:
        return collapse_stories(index_set, ordered, lists, own, combine=sort != BY_DATE)
    return StoryOrder(ordered, [], all(found.exact for found in lists), sum(found.total for found in lists))


def _rank(
    index_set, plans: dict[str, QueryPlan], depth: int, per: str, newest: bool
) -> tuple[list[CandidateList], list[str]]:
    """Each language's candidates (the newest holding every word too, for a sort by date), and the shards (if
    any) that did not answer."""
    elsewhere = getattr(index_set, "rank_candidates", None)
    if elsewhere is not None:
        return elsewhere(plans, depth, per, newest)
    lists = []
    for lang, plan in plans.items():
        with index_set.searcher(lang) as searcher:
            lists.append(rank_passages(searcher, plan, depth, per, newest))
    return lists, []
