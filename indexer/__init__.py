"""Setu's indexer: the public API the search service and the command line use.

Stages, each importing only from those before it: documents, languages and generations (the records and the
index directory's layout) → corpus → analysis → align → engine (the only Whoosh user) → build → search →
related; the cluster (`indexer.cluster`, the only Dask user) runs build and search on shards.
"""

from indexer.build.pipeline import WriteReport, add_articles, build_index, index_stats, remove_articles
from indexer.documents import UnpairedSurrogate
from indexer.engine.index_set import IndexSet, LiveIndexSet
from indexer.engine.shards import open_any_index_set, shards_option
from indexer.generations import IndexDirError, served_generation
from indexer.languages import UnknownLanguage, canonical_language, english_name, native_name
from indexer.related import collection_summary, coverage, related_articles
from indexer.search import (
    DEFAULT_SUGGESTIONS,
    MAX_LIMIT,
    MAX_OFFSET,
    MAX_SUGGESTIONS,
    get_article,
    search,
    suggest,
    warm,
)
from indexer.search.freshness import MAX_RECENCY_DAYS, SORT_CHOICES
from indexer.search.query import MAX_QUERY_LENGTH
from indexer.search.stories import COLLAPSE_CHOICES

__all__ = [
    "COLLAPSE_CHOICES",
    "DEFAULT_SUGGESTIONS",
    "MAX_RECENCY_DAYS",
    "SORT_CHOICES",
    "MAX_LIMIT",
    "MAX_OFFSET",
    "MAX_SUGGESTIONS",
    "MAX_QUERY_LENGTH",
    "IndexDirError",
    "IndexSet",
    "LiveIndexSet",
    "UnknownLanguage",
    "UnpairedSurrogate",
    "WriteReport",
    "add_articles",
    "build_index",
    "canonical_language",
    "collection_summary",
    "coverage",
    "english_name",
    "get_article",
    "index_stats",
    "native_name",
    "open_any_index_set",
    "related_articles",
    "remove_articles",
    "search",
    "served_generation",
    "shards_option",
    "suggest",
    "warm",
]
