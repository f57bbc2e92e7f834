"""The `facets` of a search: its matching articles counted per language, source, year and month.

Counted by the engine (Whoosh's grouping, every match, each article once) in each language searched,
then summed across languages here, so the counts narrow exactly as the filters they lead to.
"""

from __future__ import annotations

from collections import Counter

from indexer.engine.facets import FACETS, facet_counts
from indexer.search.plan import QueryPlan

# Values listed per facet at most: the most common (for dates, the newest).
FACET_VALUES_SHOWN = 12
# Facets whose values are dates, listed newest first rather than most common first.
DATE_FACETS = ("year", "month")


def search_facets(index_set, plans: dict[str, QueryPlan]) -> dict[str, list[dict]]:
    """Each facet's values with their counts of matching articles, over every language in `plans`."""
    totals = {name: Counter() for name in FACETS}
    languages = Counter()
    for lang, plan in plans.items():
        query = plan.query()
        if query is None:
            continue
        with index_set.searcher(lang) as searcher:
            counts, articles = facet_counts(searcher, query, plan.restriction)
        if articles:
            languages[lang] = articles
        for name, values in counts.items():
            totals[name].update(values)
    return {"lang": _listed(languages, False)} | {name: _listed(totals[name], name in DATE_FACETS) for name in FACETS}


def _listed(counts: Counter, by_date: bool) -> list[dict]:
    if by_date:
        ranked = sorted(counts.items(), reverse=True)  # values are unique: newest first
    else:
        ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return [{"value": value, "count": count} for value, count in ranked[:FACET_VALUES_SHOWN]]
