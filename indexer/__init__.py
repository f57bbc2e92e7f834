"""Setu's indexer: corpus → documents → analysis → per-language passage indexes → search."""

from indexer.search import search, suggest

__all__ = ["search", "suggest"]
