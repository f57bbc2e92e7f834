"""Setu's search service: a Flask app (JSON API and reader's pages) over the indexes `indexer` builds."""

from __future__ import annotations

from flask import Flask

from indexer import LiveIndexSet, open_any_index_set
from search_app.home import EXAMPLE_SEARCHES
from search_app.json_provider import OrjsonProvider


def create_app(config: dict | None = None) -> Flask:
    """Build the app over an index directory: defaults, then `SETU_*` environment variables, then `config`."""
    app = Flask(__name__)
    app.config.from_mapping(
        INDEX_DIR="var/index",
        MAX_CONTENT_LENGTH=64 * 1024,  # the API only reads query strings: a large body is refused with 413
        LANGUAGES=["en", "bn", "ko"],  # interface languages, first is the default
        EXAMPLE_SEARCHES=EXAMPLE_SEARCHES,  # (language, words) offered on the home page when they find something
    )
    app.config.from_prefixed_env("SETU")
    app.config.update(config or {})
    app.json = OrjsonProvider(app)
    cluster_indexes = app.config.get("CLUSTER_INDEXES")  # with --cluster: a LiveClusterIndexSet
    # Without a cluster, a sharded index is read here as one index of its shards.
    app.extensions["setu.indexes"] = cluster_indexes or LiveIndexSet(app.config["INDEX_DIR"], open_any_index_set)

    from search_app import api, errors, pages, security

    security.register(app)
    errors.register(app)
    app.register_blueprint(api.blueprint)
    app.add_url_rule("/healthz", "health", api.health)
    pages.register(app)
    return app
