"""Reading and checking request parameters, shared by the API and the pages."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import unquote_to_bytes

from flask import Request

from indexer import (
    COLLAPSE_CHOICES,
    DEFAULT_SUGGESTIONS,
    MAX_LIMIT,
    MAX_OFFSET,
    MAX_QUERY_LENGTH,
    MAX_RECENCY_DAYS,
    MAX_SUGGESTIONS,
    SORT_CHOICES,
    UnknownLanguage,
    canonical_language,
)
from search_app.errors import BadParameter

PER_CHOICES = ("article", "passage")
BOOLEANS = {"true": True, "1": True, "false": False, "0": False}
# Longest text the suggestion endpoint completes, in characters: a search box's typing, not a document.
MAX_SUGGEST_LENGTH = 100


@dataclass(frozen=True)
class SearchParams:
    """A checked search request."""

    q: str
    lang: str = "auto"
    limit: int = 10
    offset: int = 0
    per: str = "article"
    collapse: str | None = None  # None: by story when several languages are searched
    sort: str = "relevance"
    recency: int | None = None
    facets: bool = False
    translate: bool = True  # False: the words as written, even in another language's index

    def search_arguments(self) -> dict:
        """The keyword arguments of `indexer.search` for this request."""
        return {
            "query": self.q,
            **{name: getattr(self, name) for name in ("lang", "limit", "offset", "per", "collapse", "sort")},
            "recency": self.recency,
            "facets": self.facets,
            "translate": None if self.translate else False,
        }


def check_query_string(request: Request) -> None:
    """Refuse a query string that is not UTF-8 once percent-decoded (Werkzeug would quietly replace it)."""
    for part in request.query_string.split(b"&"):
        try:
            unquote_to_bytes(part.replace(b"+", b" ")).decode("utf-8")
        except UnicodeDecodeError as error:
            raise BadParameter("the query string is not valid UTF-8") from error


def single(request: Request, name: str, default: str | None = None) -> str | None:
    """Return a parameter given at most once."""
    values = request.args.getlist(name)
    if len(values) > 1:
        raise BadParameter(f"parameter {name!r} is given more than once")
    return values[0] if values else default


def integer(request: Request, name: str, default: int, low: int, high: int) -> int:
    """Return an integer parameter within [low, high]."""
    text = single(request, name)
    if text is None:
        return default
    try:
        value = int(text)
    except ValueError as error:
        raise BadParameter(f"parameter {name!r} must be an integer") from error
    if not low <= value <= high:
        raise BadParameter(f"parameter {name!r} must be between {low} and {high}")
    return value


def choice(request: Request, name: str, choices: tuple[str, ...], default: str | None) -> str | None:
    """Return a parameter that must be one of `choices`."""
    value = single(request, name, default)
    if value is not None and value not in choices:
        raise BadParameter(f"parameter {name!r} must be one of: {', '.join(choices)}")
    return value


def boolean(request: Request, name: str, default: bool) -> bool:
    """Return a true/false (or 1/0) parameter."""
    text = single(request, name)
    if text is None:
        return default
    if text.lower() not in BOOLEANS:
        raise BadParameter(f"parameter {name!r} must be true or false")
    return BOOLEANS[text.lower()]


def language(request: Request, name: str = "lang", default: str = "auto", extra: tuple = ("auto", "all")) -> str:
    """Return `auto`, `all` or a canonical language code."""
    text = (single(request, name) or default).strip()
    if text in extra:
        return text
    try:
        return canonical_language(text)
    except UnknownLanguage as error:
        raise BadParameter(f"parameter {name!r}: {error}") from error


@dataclass(frozen=True)
class SuggestParams:
    """A checked suggestion request."""

    q: str
    lang: str = "auto"
    limit: int = DEFAULT_SUGGESTIONS


def suggest_params(request: Request) -> SuggestParams:
    """Read and check the suggestion parameters: q (1-100 characters, the text typed so far), lang, limit."""
    check_query_string(request)
    q = single(request, "q") or ""
    if not q.strip():
        raise BadParameter("parameter 'q' is required")
    if len(q) > MAX_SUGGEST_LENGTH:
        raise BadParameter(f"parameter 'q' is longer than {MAX_SUGGEST_LENGTH} characters")
    return SuggestParams(
        q.lstrip(), language(request), integer(request, "limit", DEFAULT_SUGGESTIONS, 1, MAX_SUGGESTIONS)
    )


def search_params(request: Request) -> SearchParams:
    """Read and check the search parameters: q (1-500 characters), lang, limit, offset, per, collapse, sort,
    recency (a half-life in days), facets, translate."""
    check_query_string(request)
    q = (single(request, "q") or "").strip()
    if not q:
        raise BadParameter("parameter 'q' is required")
    if len(q) > MAX_QUERY_LENGTH:
        raise BadParameter(f"parameter 'q' is longer than {MAX_QUERY_LENGTH} characters")
    per = single(request, "per", "article")
    if per not in PER_CHOICES:
        raise BadParameter("parameter 'per' must be 'article' or 'passage'")
    recency = integer(request, "recency", 0, 1, MAX_RECENCY_DAYS) if "recency" in request.args else None
    return SearchParams(
        q=q,
        lang=language(request),
        limit=integer(request, "limit", 10, 1, MAX_LIMIT),
        offset=integer(request, "offset", 0, 0, MAX_OFFSET),
        per=per,
        collapse=choice(request, "collapse", COLLAPSE_CHOICES, None),
        sort=choice(request, "sort", SORT_CHOICES, "relevance"),
        recency=recency,
        facets=boolean(request, "facets", False),
        translate=boolean(request, "translate", True),
    )
