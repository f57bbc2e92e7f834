"""What an attacker can reach: headers, doc ids that look like paths, crashes, and what a page may run."""

from __future__ import annotations

import re

import pytest

from search_app import create_app

from .conftest import ROOT


@pytest.fixture(scope="module")
def app(built_index):
    return create_app({"INDEX_DIR": str(built_index)})


@pytest.fixture(scope="module")
def client(app):
    return app.test_client()


@pytest.mark.parametrize("path", ["/", "/?q=%EC%84%BC%ED%84%B0", "/api/v1/search?q=a", "/articles/nope", "/healthz"])
def test_every_response_carries_the_security_headers(client, path):
    headers = client.get(path).headers
    policy = headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_templates_hold_no_inline_script_or_style():
    """The policy forbids inline code, so none may be written in a template (it would silently not run)."""
    for template in (ROOT / "search_app" / "templates").rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        assert not re.search(r"<script(?![^>]*\bsrc=)", text), template.name
        assert not re.search(r"\son[a-z]+\s*=|\sstyle\s*=|<style", text), template.name


@pytest.mark.parametrize(
    "doc_id",
    [
        "../CURRENT",
        "..%2F..%2Fetc%2Fpasswd",
        "%2e%2e/%2e%2e/etc/passwd",
        "....//....//etc/passwd",
        "/etc/passwd",
        "..%5c..%5cCURRENT",
        "%00",
    ],
)
def test_document_ids_that_look_like_paths_reach_no_file(client, doc_id):
    for prefix in ("/api/v1/documents/", "/articles/"):
        response = client.get(prefix + doc_id)
        assert response.status_code in (404, 308), (prefix, doc_id)
        assert b"root:" not in response.data


def test_static_files_cannot_climb_out_of_static(client):
    for path in ("/static/../../pyproject.toml", "/static/%2e%2e/%2e%2e/pyproject.toml"):
        assert b"[project]" not in client.get(path).data


def test_a_crash_shows_no_traceback_and_debug_is_off(built_index):
    crashing = create_app({"INDEX_DIR": str(built_index)})
    assert not crashing.debug

    def explode():
        raise RuntimeError("secret detail: internal state")

    crashing.add_url_rule("/api/v1/explode", "explode", explode)
    crashing.add_url_rule("/explode", "explode_page", explode)
    client = crashing.test_client()
    api = client.get("/api/v1/explode")
    assert api.status_code == 500
    assert api.get_json()["error"]["code"] == "internal_server_error"
    page = client.get("/explode")
    for response in (api, page):
        assert b"Traceback" not in response.data and b"secret detail" not in response.data


def test_there_is_no_write_endpoint(app):
    methods = {method for rule in app.url_map.iter_rules() for method in rule.methods}
    assert methods <= {"GET", "HEAD", "OPTIONS"}
