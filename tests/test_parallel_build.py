"""A build spread over worker processes (`--jobs`) gives the same index as one process."""

from __future__ import annotations

import subprocess
import sys

import pytest

from indexer.build.pipeline import build_index, index_stats
from indexer.build.processes import KeyedWorkers, WorkerFailed
from indexer.engine.index_set import open_index_set
from indexer.related import related_articles
from indexer.search import get_article, search, suggest

from .conftest import ROOT, SESSION_CORPORA

# The last three are revised (typed midway, misspelled, wrong keyboard): they read the build's vocabularies.
QUERIES = ["사회복지", "শিশু", "shark attack", '"사회복지 서비스"', "elect*", "12", "사회복ㅈ", "শিসুদের", "tkghlqhrwl"]


@pytest.fixture(scope="module")
def parallel_index(tmp_path_factory):
    index_dir = tmp_path_factory.mktemp("parallel")
    build_index(index_dir, list(SESSION_CORPORA), jobs=2)
    return index_dir


def test_a_parallel_build_counts_the_same_articles_passages_and_problems(parallel_index, built_index):
    parallel, single = index_stats(parallel_index), index_stats(built_index)
    assert parallel["languages"] == single["languages"]
    assert parallel["problems"] == single["problems"]


@pytest.mark.parametrize("query", QUERIES)
def test_a_parallel_build_finds_the_same_hits(parallel_index, index_set, query):
    parallel = search(open_index_set(parallel_index), query, lang="all", limit=20, per="passage")
    single = search(index_set, query, lang="all", limit=20, per="passage")
    assert parallel["total"] == single["total"]
    assert parallel["hits"] == single["hits"]


@pytest.mark.parametrize("typed", ["사회복ㅈ", "ㅅㅎ", "সমা", "gov"])
def test_a_parallel_build_suggests_the_same_words(parallel_index, index_set, typed):
    parallel = suggest(open_index_set(parallel_index), typed, limit=20)["suggestions"]
    assert parallel == suggest(index_set, typed, limit=20)["suggestions"]
    assert parallel


def test_a_parallel_build_rebuilds_articles_with_their_links(parallel_index, index_set):
    assert get_article(open_index_set(parallel_index), "bbc.381790-ko") == get_article(index_set, "bbc.381790-ko")


# Stories the sample has related coverage of: the Sulawesi tsunami (four stories), Macedonia's referendum (two).
@pytest.mark.parametrize("doc_id", ["reuters.218863-ko", "rt.com.91337-bn"])
def test_a_parallel_build_gives_the_same_related_coverage(parallel_index, index_set, doc_id):
    # In a parallel build the language workers compute the related-coverage keys; one process computes them itself.
    parallel = related_articles(open_index_set(parallel_index), doc_id, 10)
    single = related_articles(index_set, doc_id, 10)
    parallel.pop("took_ms"), single.pop("took_ms")
    assert parallel == single
    assert parallel["related"]


def _fail_on(items, bad):
    for item in items:
        if item == bad:
            raise ValueError(f"cannot take {item}")
    yield "all taken"


def _fail_after_keys(items):
    yield sorted(items)  # a build's worker hands over its keys, then commits its indexes
    raise OSError("disk full while committing")


def test_a_failing_worker_fails_the_whole_run_with_its_traceback():
    workers = KeyedWorkers(_fail_on, ("b",), jobs=2)
    try:
        for key in ("a", "b", "a"):
            workers.send(key, key)
        workers.end()
        with pytest.raises(WorkerFailed, match="cannot take b"):
            workers.results()
    finally:
        workers.terminate()


def test_a_worker_failing_after_its_keys_fails_the_run_when_it_is_joined():
    """A build mines its lexicon while the workers commit: a commit that fails then still fails the build."""
    workers = KeyedWorkers(_fail_after_keys, (), jobs=2)
    try:
        for key in ("a", "b"):
            workers.send(key, key)
        workers.end()
        assert sorted(workers.results()) == [["a"], ["b"]]
        with pytest.raises(WorkerFailed, match="disk full while committing"):
            workers.join()
    finally:
        workers.terminate()


# A build whose worker fails at its first article while the parent still has batches for it, more than the pipe
# holds (64 KB); the error's message holds the article, more than the pipe holds too.
_DYING_WORKER_BUILD = """
from indexer.build.processes import KeyedWorkers, WorkerFailed
from tests.test_parallel_build import _fail_on
article = "x" * 100_000
workers = KeyedWorkers(_fail_on, (article,), jobs=1)
try:
    for _ in range(2_000):
        workers.send("bn", article)
except WorkerFailed as failure:
    print("build failed:", failure)
finally:
    workers.terminate()
"""


def test_a_build_whose_worker_died_ends_with_its_error_instead_of_hanging():
    """The batches the dead worker never read are dropped (a failed `build --jobs 2` used to print its error and
    then wait for them forever at exit), and its long error is shortened to what the pipe carries."""
    try:
        ended = subprocess.run(
            [sys.executable, "-c", _DYING_WORKER_BUILD], cwd=ROOT, capture_output=True, text=True, timeout=120
        )
    except subprocess.TimeoutExpired:
        pytest.fail("the process did not exit after its worker died")
    assert ended.returncode == 0, ended.stderr
    assert ended.stdout.startswith("build failed: Traceback")
    assert "ValueError: cannot take xxx" in ended.stdout
    assert "characters left out" in ended.stdout
