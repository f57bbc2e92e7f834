"""The JSON API, version 1: search, documents, languages, and the OpenAPI document describing them."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from flask import Blueprint, Response, current_app, jsonify, request

from indexer.index import IndexSet
from indexer.languages import english_name, native_name
from indexer.search import get_article, search
from search_app import params
from search_app.errors import error_body

blueprint = Blueprint("api", __name__, url_prefix="/api/v1")
OPENAPI = Path(__file__).with_name("openapi.json")


def served_indexes() -> IndexSet:
    """The indexes of the generation being served (reopened after a rebuild)."""
    return current_app.extensions["setu.indexes"].current()


@blueprint.after_request
def allow_cross_origin_reads(response: Response) -> Response:
    """Let browser tools on other origins call the API (it only reads)."""
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Allow-Methods"] = "GET, OPTIONS"
    response.headers["Access-Control-Allow-Headers"] = "Content-Type"
    return response


@blueprint.get("/search")
def search_endpoint():
    """Ranked, highlighted passages with their translations' linked passages."""
    checked = params.search_params(request)
    return jsonify(search(served_indexes(), checked.q, checked.lang, checked.limit, checked.offset, checked.per))


@blueprint.get("/documents/<path:doc_id>")
def document_endpoint(doc_id: str):
    """One article, paragraphs in order, with links to its translations' paragraphs."""
    article = get_article(served_indexes(), doc_id)
    if article is None:
        return error_body(404, "not_found", f"no document {doc_id!r}")
    return jsonify(article)


@blueprint.get("/languages")
def languages_endpoint():
    """The languages with an index, named in English and in themselves, with their counts."""
    return jsonify({"languages": language_list(served_indexes())})


def language_list(indexes: IndexSet) -> list[dict]:
    """Each indexed language's code, names and article and passage counts."""
    return [
        {
            "code": code,
            "name": english_name(code),
            "native_name": native_name(code),
            "articles": counts["articles"],
            "passages": counts["passages"],
        }
        for code, counts in sorted(indexes.manifest["languages"].items())
    ]


@blueprint.get("/openapi.json")
def openapi_endpoint():
    """The OpenAPI 3.1 document for this API."""
    return current_app.response_class(_openapi_text(), mimetype="application/json")


@cache
def _openapi_text() -> str:
    return json.dumps(json.loads(OPENAPI.read_text(encoding="utf-8")), ensure_ascii=False)


def health() -> Response:
    """`/healthz`: the served generation and its counts; 503 when no index can be read."""
    indexes = served_indexes()
    languages = indexes.manifest["languages"]
    return jsonify(
        {
            "status": "ok",
            "generation": indexes.generation,
            "languages": len(languages),
            "articles": sum(c["articles"] for c in languages.values()),
            "passages": sum(c["passages"] for c in languages.values()),
        }
    )
