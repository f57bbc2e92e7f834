"""The home page's invitation to search: what is indexed, example searches that find something, recent stories."""

from __future__ import annotations

from functools import lru_cache

from indexer import collection_summary, search

# Example searches offered on the home page, one per interface language's readers; each is shown only
# when it finds something in the served index. Overridden by the app's EXAMPLE_SEARCHES setting.
EXAMPLE_SEARCHES = (("bn", "সমাজকর্ম"), ("ko", "사회복지"), ("en", "election"))
# Stories listed under "Recent stories".
RECENT_SHOWN = 5
# Generations whose home page is kept (the served one and the one before).
CACHED_GENERATIONS = 2


@lru_cache(maxsize=CACHED_GENERATIONS * 8)
def _finds_something(index_set, lang: str, query: str) -> bool:
    return bool(search(index_set, query, lang, limit=1)["hits"])


def home_page(index_set, examples=EXAMPLE_SEARCHES) -> dict:
    """The example searches that find something here, the dates covered and the newest stories."""
    summary = collection_summary(index_set, RECENT_SHOWN)
    found = [
        {"lang": lang, "query": query}
        for lang, query in examples
        if lang in index_set.languages and _finds_something(index_set, lang, query)
    ]
    return {**summary, "examples": found}
