"""The search page's filters: each facet value of the JSON answer as a link to the same search narrowed to it.

A language narrows by `lang`; a source or a month by the query syntax the reader could type
(`source:"Delta Daily"`, `published:2024-02`), so the narrowed search shows in the search box and its JSON
twin is the same request. A facet with a single value has nothing to narrow and is left out.
"""

from __future__ import annotations

from collections.abc import Callable

from indexer import SORT_CHOICES
from search_app.params import SearchParams

# The facets shown as filters, in this order, with the query filter each value becomes (None: by `lang`).
FILTERS = (("lang", None), ("source", "source"), ("month", "published"))


def filter_rows(checked: SearchParams, facets: dict | None, link: Callable[..., str]) -> list[dict]:
    """One row per facet worth showing: its name and its values, each with its count and narrowed URL."""
    rows = []
    for name, query_filter in FILTERS:
        values = (facets or {}).get(name, [])
        if len(values) < 2:
            continue
        rows.append(
            {
                "name": name,
                "values": [
                    {**value, "url": link(**narrowed(checked, query_filter, value["value"]))} for value in values
                ],
            }
        )
    return rows


def narrowed(checked: SearchParams, query_filter: str | None, value: str) -> dict:
    """The changes to a search's URL parameters that narrow it to one facet value, from its first page."""
    if query_filter is None:
        return {"lang": value, "offset": 0}
    written = f'"{value}"' if any(char.isspace() for char in value) else value
    return {"q": f"{checked.q} {query_filter}:{written}", "offset": 0}


def sort_links(checked: SearchParams, link: Callable[..., str]) -> list[dict]:
    """The orders a reader can switch to, the current one marked."""
    return [{"sort": sort, "url": link(sort=sort, offset=0), "current": checked.sort == sort} for sort in SORT_CHOICES]
