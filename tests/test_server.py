"""The real WSGI server on 127.0.0.1: what a tool calling the API over HTTP gets."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from urllib.parse import quote

import pytest

from .conftest import ROOT, serving
from .test_api import OPENAPI, README_SERVER, listed, readme_api_examples


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
    documented = OPENAPI["components"]["schemas"]["SearchResponse"]
    assert set(documented["required"]) <= set(data) <= set(documented["properties"])


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


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
@pytest.mark.parametrize("line", readme_api_examples())
def test_the_readme_curl_lines_work_when_pasted(live_server, line):
    result = subprocess.run(
        [*shlex.split(line.replace(README_SERVER, live_server)), "--silent", "--write-out", "\n%{http_code}"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    body, _, status = result.stdout.rpartition("\n")
    assert status == "200", body
    assert listed(json.loads(body)) > 0


@pytest.fixture(scope="module")
def waitress_server(built_index):
    """The server with one worker, under waitress (live_server runs gunicorn with a worker a core)."""
    with serving(built_index, "1") as base:
        yield base


@pytest.fixture(params=["waitress", "gunicorn"])
def each_server(request, waitress_server, live_server):
    if request.param == "gunicorn" and (os.cpu_count() or 1) < 2:
        pytest.skip("live_server runs waitress on one core")
    return waitress_server if request.param == "waitress" else live_server


def test_raw_utf8_in_the_request_line_gets_the_json_error(each_server):
    host, port = each_server.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as connection:
        request = "GET /api/v1/search?q=사회복지 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
        connection.sendall(request.encode("utf-8"))
        answer = b"".join(iter(lambda: connection.recv(65536), b""))
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400") and b"application/json" in head
    assert "--data-urlencode" in json.loads(body)["error"]["message"]


def test_a_busy_port_is_one_line_and_exit_status_1(built_index, waitress_server):
    port = waitress_server.rsplit(":", 1)[1]
    result = subprocess.run(
        [sys.executable, "-m", "search_app", "--index-dir", str(built_index), "--port", port],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert result.stdout == ""  # nothing says "serving"
    assert result.stderr.strip().splitlines() == [
        f"error: cannot listen on 127.0.0.1:{port}: Address already in use (is another server running there?)"
    ]
