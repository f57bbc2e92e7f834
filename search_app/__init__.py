"""Setu's search service: a Flask app over the indexes built by `indexer`."""
