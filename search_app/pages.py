"""The reader's pages: server-rendered HTML over the same dicts the JSON API returns."""

from __future__ import annotations

from flask import Blueprint, Flask, render_template, request

from indexer.search import search
from search_app import params
from search_app.api import served_indexes
from search_app.errors import BadParameter

blueprint = Blueprint("pages", __name__)


def register(app: Flask) -> None:
    """Install the pages."""
    app.register_blueprint(blueprint)


@blueprint.get("/")
def search_page():
    """The search box and, for a query, its results."""
    results, problem = None, None
    if request.args.get("q", "").strip():
        try:
            checked = params.search_params(request)
            results = search(served_indexes(), checked.q, checked.lang, checked.limit, checked.offset, checked.per)
        except BadParameter as error:
            problem = error.description
    return render_template("search.html", results=results, problem=problem, q=request.args.get("q", ""))
