"""The JSON API, version 1: search, documents, languages, and the OpenAPI document describing them."""

from __future__ import annotations

import json
import re
from datetime import date
from functools import cache
from pathlib import Path

from flask import Blueprint, Response, current_app, jsonify, request

from indexer import (
    MAX_LIMIT,
    MAX_OFFSET,
    IndexSet,
    coverage,
    english_name,
    get_article,
    native_name,
    related_articles,
    search,
    suggest,
)
from search_app import params
from search_app.errors import BadParameter, error_body

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
    return jsonify(search(served_indexes(), **checked.search_arguments()))


@blueprint.get("/suggest")
def suggest_endpoint():
    """Completions of the word being typed, from the index's own words, most articles first."""
    checked = params.suggest_params(request)
    return jsonify(suggest(served_indexes(), checked.q, checked.lang, checked.limit))


@blueprint.get("/documents/<path:doc_id>")
def document_endpoint(doc_id: str):
    """One article, paragraphs in order, with links to its translations' paragraphs."""
    article = get_article(served_indexes(), doc_id)
    if article is None:
        return error_body(404, "not_found", f"no document {doc_id!r}")
    return jsonify(article)


@blueprint.get("/related/<path:doc_id>")
def related_endpoint(doc_id: str):
    """Other stories on the article's subject in any language, one entry per story, its own translations apart."""
    params.check_query_string(request)
    limit = params.integer(request, "limit", 10, 1, MAX_LIMIT)
    found = related_articles(served_indexes(), doc_id, limit, related_language(request))
    if found is None:
        return error_body(404, "not_found", f"no document {doc_id!r}")
    return jsonify(found)


@blueprint.get("/coverage")
def coverage_endpoint():
    """Stories with the languages they exist in and lack, filtered by source, dates and a missing language."""
    return jsonify(coverage(served_indexes(), **coverage_filters(request)))


def related_language(request) -> str | None:
    """The `lang` a related list is limited to, or None for every language (absent, empty or `all`)."""
    chosen = (params.single(request, "lang") or "").strip()
    return None if chosen in ("", "all") else params.language(request, extra=())


# Stories per coverage page unless `limit` says otherwise.
COVERAGE_SHOWN = 50
# Longest `source` filter accepted, in characters.
MAX_SOURCE_LENGTH = 200
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def coverage_filters(request, from_form: bool = False) -> dict:
    """Read and check the coverage filters: source, from and to (ISO dates), missing (a language), limit, offset.

    A form sends its blank fields, so `from_form` reads a blank date as none; the API refuses it.
    """
    params.check_query_string(request)
    source = (params.single(request, "source") or "").strip() or None
    if source and len(source) > MAX_SOURCE_LENGTH:
        raise BadParameter(f"parameter 'source' is longer than {MAX_SOURCE_LENGTH} characters")
    start, end = iso_day(request, "from", from_form), iso_day(request, "to", from_form)
    if start and end and start > end:
        raise BadParameter("parameter 'from' must not be after 'to'")
    missing = (params.single(request, "missing") or "").strip()
    return {
        "source": source,
        "start": start,
        "end": end,
        "missing": params.language(request, "missing", extra=()) if missing else None,
        "limit": params.integer(request, "limit", COVERAGE_SHOWN, 1, MAX_LIMIT),
        "offset": params.integer(request, "offset", 0, 0, MAX_OFFSET),
    }


def iso_day(request, name: str, blank_is_none: bool = False) -> str | None:
    """An optional date parameter as YYYY-MM-DD, checked to be a real day."""
    text = params.single(request, name)
    if text is None or (blank_is_none and not text.strip()):
        return None
    try:
        if not _ISO_DAY.fullmatch(text.strip()):
            raise ValueError(text)
        return date.fromisoformat(text.strip()).isoformat()
    except ValueError as error:
        raise BadParameter(f"parameter {name!r} must be a date as YYYY-MM-DD") from error


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
            "alignment_store": not indexes.links.missing,
        }
    )
