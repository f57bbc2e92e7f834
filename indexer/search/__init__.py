"""Searching the per-language indexes: routing, plans, ranking, hits. Callers get JSON-ready dicts."""

from indexer.search.front import MAX_LIMIT, MAX_OFFSET, search
from indexer.search.hits import find_translations, get_article, warm
from indexer.search.routing import Route, route_query
from indexer.search.suggest import DEFAULT_SUGGESTIONS, MAX_SUGGESTIONS, suggest

__all__ = [
    "DEFAULT_SUGGESTIONS",
    "MAX_LIMIT",
    "MAX_OFFSET",
    "MAX_SUGGESTIONS",
    "Route",
    "find_translations",
    "get_article",
    "route_query",
    "search",
    "suggest",
    "warm",
]
