"""The real WSGI server on 127.0.0.1: what a tool calling the API over HTTP gets."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from urllib.parse import quote

import pytest

from .test_api import OPENAPI


def get(url: str) -> tuple[int, dict, dict]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, dict(response.headers), json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), json.loads(error.read())


def test_the_server_answers_a_korean_search_with_the_documented_json(live_server):
    status, headers, data = get(f"{live_server}/api/v1/search?q={quote('사회복지')}")
    assert status == 200
    assert headers["Content-Type"].startswith("application/json")
    assert headers["Server"] in ("setu", "gunicorn")  # waitress (one worker) or gunicorn, not Flask's debug server
    assert data["lang"]["used"] == "ko" and data["hits"]
    assert set(data) == set(OPENAPI["components"]["schemas"]["SearchResponse"]["required"])


@pytest.mark.parametrize("path", ["/api/v1/search?q=a&limit=-5", "/api/v1/search?q=%C3%28", "/api/v1/documents/%00"])
def test_bad_requests_over_http_are_json_errors_not_crashes(live_server, path):
    status, _, data = get(live_server + path)
    assert status in (400, 404)
    assert set(data["error"]) == {"code", "message"}


def test_an_overlong_query_gets_the_json_error_not_the_servers_own_page(live_server):
    # 3,000 Bengali letters are 27 KB percent-encoded: past gunicorn's default request-line limit (4 KB).
    status, headers, data = get(f"{live_server}/api/v1/search?q={quote('ক' * 3000)}")
    assert status == 400 and headers["Content-Type"].startswith("application/json")
    assert "q" in data["error"]["message"]
