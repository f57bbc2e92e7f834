"""Facet counts for a query: its matching articles per source, year and month, by Whoosh's grouping.

Every match is counted (an unscored, unlimited search: the top-k search that ranks never sees them
all), each article once (collapsed on its id, as Whoosh collapses before it groups).
"""

from __future__ import annotations

from whoosh import sorting

from indexer.engine.queries import Query

# The facets counted: an article's source as written (the keyword field's column: its indexed terms hold the
# words apart), and the year and month of its `published` (ISO text, so a prefix of it).
FACETS = {
    "source": lambda: sorting.FieldFacet("source"),
    "year": lambda: sorting.TranslateFacet(lambda value: _text(value)[:4], sorting.FieldFacet("published")),
    "month": lambda: sorting.TranslateFacet(lambda value: _text(value)[:7], sorting.FieldFacet("published")),
}


def _text(value) -> str:
    return value.decode("utf-8") if isinstance(value, bytes) else (value or "")


def facet_counts(searcher, query: Query, restriction: Query | None) -> tuple[dict[str, dict[str, int]], int]:
    """How many articles matching `query` (and `restriction`) have each source, year and month (articles
    without a date are left out of the year and month counts), and how many match in all."""
    facets = sorting.Facets({name: make() for name, make in FACETS.items()})
    results = searcher.search(
        query,
        limit=None,
        scored=False,
        filter=restriction,
        groupedby=facets,
        maptype=sorting.Count,
        collapse="doc_id",
        collapse_order=sorting.FieldFacet("position"),  # unscored, so each article's first passage is kept
    )
    counts = {}
    for name in FACETS:
        grouped = results.groups(name)
        counts[name] = {_text(value): count for value, count in grouped.items() if _text(value)}
    return counts, len(results)
