"""Searching the per-language indexes: query routing, parsing, ranking, highlighting → plain dicts.

Whoosh stays inside this module and `index.py`; callers get JSON-ready dicts
in the shape the JSON API returns.
"""

from __future__ import annotations

import html
import time
from contextlib import ExitStack
from dataclasses import dataclass

from whoosh import qparser

from indexer.analysis import INDEX, analyzer_for
from indexer.index import HEADLINE_ONLY, IndexSet
from indexer.languages import SCRIPT_LANGUAGE, canonical_language, detect_language, dominant_script

MAX_LIMIT = 100
SEARCH_FIELDS = ("title", "text", "byline")


@dataclass(frozen=True)
class Route:
    """Which indexes a query goes to, and why: `used` is a code or "all"."""

    langs: tuple[str, ...]
    used: str
    detected: str | None
    how: str

    def as_dict(self) -> dict:
        return {"used": self.used, "detected": self.detected, "how": self.how}


def route_query(query: str, requested: str, available: list[str]) -> Route:
    """Pick the indexes for a query: an explicit code wins; `auto` trusts the script, then langdetect.

    A query whose language is unclear (`ANH PHUONG`, `12`) goes to every index.
    """
    detection = detect_language(query)
    if requested == "all":
        return Route(tuple(available), "all", detection.lang, "requested")
    if requested != "auto":
        lang = canonical_language(requested)
        return Route((lang,) if lang in available else (), lang, detection.lang, "requested")
    sure = detection.how == "statistics" or (detection.how == "script" and dominant_script(query) in SCRIPT_LANGUAGE)
    if sure and detection.lang in available:
        return Route((detection.lang,), detection.lang, detection.lang, detection.how)
    return Route(tuple(available), "all", detection.lang, detection.how)


def _parse(searcher, query: str):
    """Parse with the query syntax; text it cannot parse is read as plain words."""
    parser = qparser.MultifieldParser(list(SEARCH_FIELDS), searcher.schema, group=qparser.AndGroup)
    try:
        return parser.parse(query), "query"
    except Exception:  # noqa: BLE001 - any parser failure falls back to plain words
        plain = qparser.MultifieldParser(
            list(SEARCH_FIELDS), searcher.schema, group=qparser.AndGroup, plugins=[qparser.WhitespacePlugin()]
        )
        return plain.parse(query), "plain words"


@dataclass
class _Match:
    score: float
    lang: str
    docnum: int
    doc_id: str


def search(
    index_set: IndexSet, query: str, lang: str = "auto", limit: int = 10, offset: int = 0, per: str = "article"
) -> dict:
    """Return ranked, highlighted passages for `query`: one per article, or every one with `per="passage"`."""
    started = time.perf_counter()
    route = route_query(query, lang, index_set.languages)
    limit = max(1, min(limit, MAX_LIMIT))
    with ExitStack() as stack:
        searchers, matches, terms, syntax = {}, [], {}, "query"
        for code in route.langs:
            searcher = stack.enter_context(index_set.searcher(code))
            parsed, syntax = _parse(searcher, query)
            searchers[code] = searcher
            terms[code] = _query_terms(parsed, searcher.reader())
            matches.extend(_scored_matches(searcher, parsed, code, normalize=len(route.langs) > 1))
        matches.sort(key=lambda m: (-m.score, m.lang, m.doc_id, m.docnum))
        if per == "article":
            matches = _best_per_article(matches)
        page = matches[offset : offset + limit]
        hits = [_hit(index_set, searchers[m.lang], m, terms[m.lang]) for m in page]
    return {
        "query": query,
        "lang": route.as_dict(),
        "syntax": syntax,
        "total": len(matches),
        "took_ms": round((time.perf_counter() - started) * 1000, 2),
        "hits": hits,
    }


def _query_terms(parsed, reader) -> set[str]:
    """Return the indexed terms the query can match (prefixes expanded), for highlighting.

    Whoosh's own `existing_terms` skips leaves after the first field it sees
    (its loop variable shadows its `fieldname` argument), so leaves are read here.
    """
    terms = set()
    for leaf in parsed.leaves():
        for field, text in leaf.expanded_terms(reader, phrases=True):
            if field in SEARCH_FIELDS:
                terms.add(text.decode("utf-8") if isinstance(text, bytes) else text)
    return terms


def _scored_matches(searcher, parsed, lang: str, normalize: bool) -> list[_Match]:
    """Score every matching passage; across indexes, scores are scaled to each index's best (1.0)."""
    results = searcher.search(parsed, limit=None)
    scored = list(results.items())
    if not scored:
        return []
    top = scored[0][1] or 1.0
    doc_ids = searcher.reader().column_reader("doc_id")
    return [_Match((score / top if normalize else score), lang, docnum, doc_ids[docnum]) for docnum, score in scored]


def _best_per_article(matches: list[_Match]) -> list[_Match]:
    seen, best = set(), []
    for match in matches:
        key = (match.lang, match.doc_id)
        if key not in seen:
            seen.add(key)
            best.append(match)
    return best


def _hit(index_set: IndexSet, searcher, match: _Match, terms: set[str]) -> dict:
    fields = searcher.stored_fields(match.docnum)
    lang = fields["lang"]
    text_highlight = highlight(fields["text"], lang, terms)
    title_highlight = highlight(fields["title"], lang, terms)
    matched_in_text = "<mark>" in text_highlight
    if matched_in_text:
        passage = {"index": fields["position"], "text": fields["text"], "highlight": text_highlight}
    else:
        passage = {"index": None, "text": fields["title"], "highlight": title_highlight}
    return {
        "doc_id": fields["doc_id"],
        "group": fields["group"],
        "lang": lang,
        "title": fields["title"],
        "title_highlight": title_highlight,
        "url": fields["url"],
        "published": fields["published"] or None,
        "source": fields["source"],
        "byline": fields["byline"],
        "score": round(match.score, 4),
        "passage": passage,
        "translations": find_translations(index_set, fields["group"], fields["doc_id"]),
    }


def highlight(text: str, lang: str, terms: set[str]) -> str:
    """Return `text` HTML-escaped, with `<mark>` around every whole surface word whose term matched."""
    if not terms:
        return html.escape(text)
    spans: list[list[int]] = []
    for token in analyzer_for(lang)(text, INDEX):
        if token.text not in terms:
            continue
        if spans and token.start <= spans[-1][1]:
            spans[-1][1] = max(spans[-1][1], token.end)  # adjacent parts of one word (งบ|ประมาณ) get one mark
        else:
            spans.append([token.start, token.end])
    pieces, last = [], 0
    for start, end in spans:
        pieces.append(html.escape(text[last:start]))
        pieces.append(f"<mark>{html.escape(text[start:end])}</mark>")
        last = end
    pieces.append(html.escape(text[last:]))
    return "".join(pieces)


def find_translations(index_set: IndexSet, group: str, doc_id: str) -> list[dict]:
    """Return the other articles of a translation group, one entry per article, by language."""
    found = []
    for lang in index_set.languages:
        with index_set.searcher(lang) as searcher:
            seen = set()
            for docnum in searcher.document_numbers(group=group):
                fields = searcher.stored_fields(docnum)
                if fields["doc_id"] == doc_id or fields["doc_id"] in seen:
                    continue
                seen.add(fields["doc_id"])
                found.append(
                    {
                        "doc_id": fields["doc_id"],
                        "lang": lang,
                        "title": fields["title"],
                        "url": fields["url"],
                        "passage": {"indexes": [], "text": ""},
                    }
                )
    return found


def get_article(index_set: IndexSet, doc_id: str) -> dict | None:
    """Return an article rebuilt from its passages, paragraphs in order, or None when unknown."""
    for lang in index_set.languages:
        with index_set.searcher(lang) as searcher:
            docnums = list(searcher.document_numbers(doc_id=doc_id))
            if not docnums:
                continue
            passages = sorted((searcher.stored_fields(d) for d in docnums), key=lambda f: f["position"])
            first = passages[0]
            return {
                "doc_id": doc_id,
                "lang": lang,
                "group": first["group"],
                "title": first["title"],
                "url": first["url"],
                "byline": first["byline"],
                "published": first["published"] or None,
                "source": first["source"],
                "paragraphs": [
                    {"index": p["position"], "text": p["text"]} for p in passages if p["position"] != HEADLINE_ONLY
                ],
                "translations": [
                    {key: t[key] for key in ("doc_id", "lang", "title", "url")}
                    for t in find_translations(index_set, first["group"], doc_id)
                ],
            }
    return None
