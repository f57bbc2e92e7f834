"""Setu's indexer: corpus → documents → analysis → per-language passage indexes → search."""
