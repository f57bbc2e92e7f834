"""With `--cluster`, the JSON search is answered on the cluster, flagged `partial` when some shards did not answer."""

from __future__ import annotations

from flask import Flask, current_app, jsonify, request

from search_app import params


def register(app: Flask) -> None:
    """Answer `/api/v1/search` with the served cluster index set's own search; every other view is unchanged."""
    app.view_functions["api.search_endpoint"] = cluster_search_endpoint


def cluster_search_endpoint():
    """Ranked, highlighted passages as `/api/v1/search` gives them, scored by shard searchers on the cluster."""
    checked = params.search_params(request)
    indexes = current_app.extensions["setu.indexes"].current()
    return jsonify(indexes.search(checked.q, checked.lang, checked.limit, checked.offset, checked.per))
