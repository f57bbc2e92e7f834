"""The reader's pages: server-rendered HTML over the same dicts the JSON API returns, in English, Bengali or Korean.

Interface strings live in gettext catalogs under `search_app/translations/`. After changing a template:

    .venv/bin/pybabel extract -F babel.cfg --project Setu -o search_app/translations/messages.pot search_app
    .venv/bin/pybabel update -i search_app/translations/messages.pot -d search_app/translations
    (translate the new entries in search_app/translations/{bn,ko}/LC_MESSAGES/messages.po)
    .venv/bin/pybabel compile -d search_app/translations

A new interface language starts with `pybabel init -i search_app/translations/messages.pot
-d search_app/translations -l CODE` and an entry in the app's `LANGUAGES`.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import replace
from urllib.parse import quote, urlencode

from flask import Blueprint, Flask, abort, current_app, render_template, request, url_for
from flask_babel import Babel, get_locale
from markupsafe import Markup

from indexer import coverage, get_article, native_name, related_articles, search
from search_app import params
from search_app.api import COVERAGE_SHOWN, coverage_filters, language_list, served_indexes
from search_app.errors import BadParameter
from search_app.home import home_page
from search_app.narrowing import filter_rows, sort_links
from search_app.numerals import local_number, reader_date, reader_month

blueprint = Blueprint("pages", __name__)

# The cookie remembering the interface language a reader switched to, kept for a year.
UI_COOKIE = "ui"
UI_COOKIE_MAX_AGE = 365 * 24 * 60 * 60
# Related stories shown in an article page's "Related coverage" panel.
RELATED_SHOWN = 5
# Words of a query and its "phrases", for the "drop a word" suggestions.
_QUERY_PART = re.compile(r'"[^"]*"|\S+')


def register(app: Flask) -> None:
    """Install the pages, the interface-language choice and the template helpers."""
    Babel(app, locale_selector=interface_language)
    app.jinja_env.globals.update(
        page_url=page_url,
        ui_url=ui_url,
        passage_anchor=passage_anchor,
        native_name=native_name,
        language_label=language_label,
        get_locale=get_locale,
    )
    app.jinja_env.globals.update(local_number=local_number)
    app.jinja_env.filters.update(web_url=web_url, reader_date=reader_date, reader_month=reader_month)
    app.register_blueprint(blueprint)


def interface_language() -> str:
    """The `ui` parameter, else the remembered choice, else the best match for `Accept-Language`."""
    offered = current_app.config["LANGUAGES"]
    for chosen in (request.args.get("ui"), request.cookies.get(UI_COOKIE)):
        if chosen in offered:
            return chosen
    return request.accept_languages.best_match(offered, default=offered[0])


@blueprint.after_request
def remember_interface_language(response):
    """Keep the interface language a reader picked for the pages they open next."""
    chosen = request.args.get("ui")
    if chosen in current_app.config["LANGUAGES"] and request.cookies.get(UI_COOKIE) != chosen:
        response.set_cookie(UI_COOKIE, chosen, max_age=UI_COOKIE_MAX_AGE, samesite="Lax", httponly=True)
    return response


def page_url(endpoint: str, **values) -> str:
    """`url_for` that keeps the interface language chosen in this page's URL, so shared links show it too."""
    if request.args.get("ui") in current_app.config["LANGUAGES"]:
        values.setdefault("ui", request.args["ui"])
    return url_for(endpoint, **values)


def ui_url(code: str) -> str:
    """This page's URL with the interface switched to `code` (error pages have no endpoint, so build it by hand)."""
    args = request.args.to_dict(flat=False)
    args["ui"] = [code]
    return f"{request.script_root}{quote(request.path)}?{urlencode(args, doseq=True)}"


def language_label(code: str) -> Markup:
    """A language's name in itself, marked with its language so it gets the right font inside any sentence."""
    return Markup('<span lang="{}">{}</span>').format(code, native_name(code))


def passage_anchor(hit: dict) -> str | None:
    """The fragment that scrolls an article page to the hit's passage (None for a headline-only hit)."""
    index = hit["passage"]["index"]
    return None if index is None else f"p-{index}"


def web_url(url: str | None) -> str | None:
    """The URL when it is safe to link (http or https), else None so it is shown as text."""
    cleaned = (url or "").strip()
    return cleaned if cleaned.lower().startswith(("http://", "https://")) else None


@blueprint.get("/")
def search_page():
    """The search box and, for a query, its results, or suggestions when there are none."""
    indexes = served_indexes()
    query, chosen_lang = request.args.get("q", ""), request.args.get("lang", "auto")
    results, pages, alternatives, problem, narrowing = None, None, None, None, None
    if query.strip():
        try:
            checked = replace(params.search_params(request), facets=True)  # the page's filters are its facets
        except BadParameter as error:
            problem = error.description
        else:
            chosen_lang = checked.lang
            results = search(indexes, **checked.search_arguments())
            pages = page_links(checked, results["total"])
            pages["translated"] = translated_queries(checked, results["translated"])
            alternatives = suggestions(checked, results["lang"]["used"]) if not results["total"] else None
            narrowing = narrowing_links(checked, results.get("facets"))
    page = render_template(
        "search.html",
        query=query,
        chosen_lang=chosen_lang,
        languages=language_list(indexes),
        results=results,
        pages=pages,
        suggestions=alternatives,
        problem=problem,
        narrowing=narrowing,
        home=None if query.strip() else home_page(indexes, current_app.config["EXAMPLE_SEARCHES"]),
    )
    return page, 400 if problem else 200


def narrowing_links(checked: params.SearchParams, facets: dict | None) -> dict:
    """The filters (facet values as narrowed searches) and, when some hit has a date, the sort orders."""

    def link(**changes) -> str:
        return page_url("pages.search_page", **search_args(checked, **changes))

    dated = bool(facets and facets["month"])
    return {"filters": filter_rows(checked, facets, link), "sorts": sort_links(checked, link) if dated else []}


@blueprint.get("/favicon.ico")
def favicon():
    """The site icon where browsers look for it first (an SVG: every current browser draws one)."""
    return current_app.send_static_file("favicon.svg")


@blueprint.get("/articles/<path:doc_id>")
def article_page(doc_id: str):
    """One article; with `?with=<doc_id>`, side by side with that translation, aligned paragraphs in rows."""
    indexes = served_indexes()
    article = get_article(indexes, doc_id)
    if article is None:
        abort(404, description=f"no document {doc_id!r}")
    partner_id = request.args.get("with", "").strip()
    partner = get_article(indexes, partner_id) if partner_id else None
    return render_template(
        "article.html",
        article=article,
        partner=partner,
        missing_partner=partner_id if partner_id and partner is None else None,
        side_by_side=aligned_rows(article, partner) if partner else None,
        related=related_articles(indexes, doc_id, RELATED_SHOWN),
    )


@blueprint.get("/coverage")
def coverage_page():
    """For editors: stories with the languages they exist in and lack, with the filters of /api/v1/coverage."""
    indexes = served_indexes()
    try:
        filters = coverage_filters(request, from_form=True)
    except BadParameter as error:
        filters, found, problem = {}, None, error.description
    else:
        found, problem = coverage(indexes, **filters), None
    page = render_template(
        "coverage.html",
        filters=filters,
        form=request.args,
        languages=language_list(indexes),
        coverage=found,
        pages=coverage_pages(filters, found["total"]) if found else None,
        problem=problem,
    )
    return page, 400 if problem else 200


def coverage_pages(filters: dict, total: int) -> dict:
    """The URLs of the previous and next pages of a coverage list (None at either end)."""
    names = {"source": "source", "start": "from", "end": "to", "missing": "missing"}
    args = {names[key]: value for key, value in filters.items() if key in names and value}
    limit, offset = filters["limit"], filters["offset"]
    if limit != COVERAGE_SHOWN:
        args["limit"] = limit
    previous = page_url("pages.coverage_page", **args, offset=max(0, offset - limit)) if offset else None
    following = page_url("pages.coverage_page", **args, offset=offset + limit) if offset + limit < total else None
    return {"previous": previous, "next": following}


def search_args(checked: params.SearchParams, **changes) -> dict:
    """The URL parameters of a search, with `changes`, leaving out defaults so links stay short."""
    names = ("lang", "limit", "offset", "per", "collapse", "sort", "recency", "translate")
    args = {"q": checked.q, **{name: getattr(checked, name) for name in names}}
    args.update(changes)
    defaults = params.SearchParams(q="")
    shown = {name: value for name, value in args.items() if name == "q" or value != getattr(defaults, name)}
    if "translate" in shown:
        shown["translate"] = "false"  # shown only when off
    return shown


def translated_queries(checked: params.SearchParams, translated: list[dict]) -> dict | None:
    """What the query became in each language it was translated into, and the URL of the search untranslated."""
    if not translated:
        return None
    words: dict[str, list[str]] = {}
    for word in translated:
        words.setdefault(word["lang"], []).extend(word["words"][:1])  # read as words: heavy, not its stem heavi
    return {
        "languages": [{"lang": lang, "words": " ".join(dict.fromkeys(found))} for lang, found in words.items()],
        "untranslated": page_url("pages.search_page", **search_args(checked, offset=0, translate=False)),
    }


def page_links(checked: params.SearchParams, total: int) -> dict:
    """The first and last result shown, and the URLs of the first, previous and next pages (None at either end)."""
    previous = max(0, checked.offset - checked.limit)
    following = checked.offset + checked.limit
    return {
        "start": page_url("pages.search_page", **search_args(checked, offset=0)),
        "first": checked.offset + 1,
        "last": min(total, checked.offset + checked.limit),
        "previous": page_url("pages.search_page", **search_args(checked, offset=previous)) if checked.offset else None,
        "next": page_url("pages.search_page", **search_args(checked, offset=following)) if following < total else None,
    }


def suggestions(checked: params.SearchParams, searched_lang: str) -> dict:
    """Searches that may find something: every language (unless all were searched), and each word left out."""
    parts = _QUERY_PART.findall(checked.q)
    fewer_words = []
    if len(parts) > 1:
        for dropped in range(len(parts)):
            shorter = " ".join(part for i, part in enumerate(parts) if i != dropped)
            url = page_url("pages.search_page", **search_args(checked, q=shorter, offset=0))
            fewer_words.append({"dropped": parts[dropped], "query": shorter, "url": url})
    all_languages = None
    if searched_lang != "all":
        all_languages = page_url("pages.search_page", **search_args(checked, lang="all", offset=0))
    return {"all_languages": all_languages, "fewer_words": fewer_words}


def aligned_rows(left: dict, right: dict) -> dict:
    """Rows of aligned paragraphs for a side-by-side view, each paragraph naming its partners' element ids.

    Links come from both articles' paragraphs; when neither links to the other, paragraphs pair by order.
    """
    pairs = _linked_pairs(left, right) | {(j, i) for i, j in _linked_pairs(right, left)}
    by_order = not pairs
    if by_order:
        pairs = {(i, i) for i in range(min(len(left["paragraphs"]), len(right["paragraphs"])))}
    partners = {"left": defaultdict(set), "right": defaultdict(set)}
    for i, j in pairs:
        partners["left"][i].add(j)
        partners["right"][j].add(i)
    ids = {
        "left": [f"p-{p['index']}" for p in left["paragraphs"]],
        "right": [f"t-{p['index']}" for p in right["paragraphs"]],
    }
    rows = [
        {
            "left": [_cell(left, i, [ids["right"][k] for k in sorted(partners["left"][i])]) for i in left_span],
            "right": [_cell(right, j, [ids["left"][k] for k in sorted(partners["right"][j])]) for j in right_span],
        }
        for left_span, right_span in _blocks(len(left["paragraphs"]), len(right["paragraphs"]), partners)
    ]
    return {"rows": rows, "by_order": by_order}


def _linked_pairs(source: dict, target: dict) -> set[tuple[int, int]]:
    """(source position, target position) for every link from `source`'s paragraphs to `target`'s."""
    target_position = {p["index"]: at for at, p in enumerate(target["paragraphs"])}
    return {
        (at, target_position[index])
        for at, paragraph in enumerate(source["paragraphs"])
        for link in paragraph.get("links", [])
        if link["doc_id"] == target["doc_id"]
        for index in link["indexes"]
        if index in target_position
    }


def _blocks(left_count: int, right_count: int, partners: dict) -> list[tuple[range, range]]:
    """Split both columns, in order, into the smallest blocks that no link crosses; unlinked paragraphs stand alone."""
    blocks, i, j = [], 0, 0
    while i < left_count or j < right_count:
        left_ahead = {k for k in partners["left"][i] if k >= j} if i < left_count else set()
        right_ahead = {k for k in partners["right"][j] if k >= i} if j < right_count else set()
        if i < left_count and not left_ahead:
            blocks.append((range(i, i + 1), range(j, j)))
            i += 1
        elif j < right_count and not right_ahead:
            blocks.append((range(i, i), range(j, j + 1)))
            j += 1
        else:
            end_i, end_j = _close_block(i, j, partners)
            blocks.append((range(i, end_i + 1), range(j, end_j + 1)))
            i, j = end_i + 1, end_j + 1
    return blocks


def _close_block(i: int, j: int, partners: dict) -> tuple[int, int]:
    """The last positions of the block starting at (i, j) once it holds every partner of its paragraphs."""
    end_i, end_j = i, j
    while True:
        new_j = max([end_j, *(k for n in range(i, end_i + 1) for k in partners["left"][n])])
        new_i = max([end_i, *(k for n in range(j, new_j + 1) for k in partners["right"][n])])
        if (new_i, new_j) == (end_i, end_j):
            return end_i, end_j
        end_i, end_j = new_i, new_j


def _cell(article: dict, at: int, partner_ids: list[str]) -> dict:
    """A paragraph with the element ids of its partners in the other column."""
    paragraph = article["paragraphs"][at]
    return {"index": paragraph["index"], "text": paragraph["text"], "partners": partner_ids}
