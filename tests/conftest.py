"""Shared fixtures: one real index built from tests/data and seeds/, shared by the session."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

from indexer.build.pipeline import build_index
from indexer.engine.index_set import open_index_set

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
SEEDS = ROOT / "seeds"
# The dated corpus (facets, date order, recency): beside tests/data, whose exact counts other tests pin.
DATED = ROOT / "tests" / "dated"
# What the session index holds.
SESSION_CORPORA = (DATA, DATED, SEEDS)


@pytest.fixture(scope="session")
def built_index(tmp_path_factory) -> Path:
    """An index directory built from the hand-made test corpora and the bundled seeds."""
    index_dir = tmp_path_factory.mktemp("index")
    build_index(index_dir, list(SESSION_CORPORA))
    return index_dir


@pytest.fixture(scope="session")
def index_set(built_index):
    return open_index_set(built_index)


@pytest.fixture
def writable_index(tmp_path) -> Path:
    """A private index over tests/data only, for tests that change it."""
    index_dir = tmp_path / "index"
    build_index(index_dir, [DATA])
    return index_dir


def run_cli(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    """Run `python -m indexer ...` as a user would, capturing its output."""
    result = subprocess.run(
        [sys.executable, "-m", "indexer", *args], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    if check and result.returncode != 0:
        raise AssertionError(f"exit {result.returncode}: {result.stderr}")
    return result


@pytest.fixture
def copy_of_data(tmp_path) -> Path:
    """A writable copy of tests/data, for tests that add broken files to it."""
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    return target


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def serving(index_dir: Path, workers: str = "1"):
    """The real WSGI server (`python -m search_app`: waitress for one worker, gunicorn for more) on 127.0.0.1."""
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "search_app",
            "--index-dir",
            str(index_dir),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            workers,
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(base + "/healthz", timeout=2):
                    break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"server did not start: {server.stdout.read()}") from None
                time.sleep(0.1)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=10)
        server.stdout.close()


@pytest.fixture(scope="session")
def live_server(built_index):
    """The real WSGI server on 127.0.0.1 with its default workers, stopped when the session ends."""
    with serving(built_index, str(os.cpu_count() or 1)) as base:
        yield base


# Old stories in the ferry archive: more than the ranking scores by relevance (RERANK_DEPTH and its margin).
ARCHIVE_ARTICLES = 80


def write_ferry_archive(folder: Path, articles: int = ARCHIVE_ARTICLES) -> Path:
    """An archive of many (`articles`) old stories about ferries, each saying "ferry" often, and two newer ones
    saying it once in a long paragraph about something else: the newest hold every word, but rank last by
    relevance."""
    stories = [
        {"id": f"old-{n}", "lang": "en", "published": f"2019-{1 + n % 12:02d}-{1 + n % 28:02d}",
         "title": f"Ferry news number {n}", "paragraphs": [f"The ferry, the ferry and the ferry again: item {n}."]}
        for n in range(articles)
    ]  # fmt: skip
    filler = "The council met for hours on the budget, the schools, the roads and the parks of the town. " * 6
    stories += [
        {"id": "newest", "lang": "en", "published": "2024-06-02", "title": "Town budget debated",
         "paragraphs": [filler + "A ferry strike was mentioned once."]},
        {"id": "newer", "lang": "en", "published": "2024-05-30", "title": "Council evening",
         "paragraphs": [filler + "One speaker came by ferry."]},
    ]  # fmt: skip
    (folder / "archive.jsonl").write_text("\n".join(json.dumps(s) for s in stories) + "\n", encoding="utf-8")
    return folder
