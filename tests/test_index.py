"""Building, swapping and changing the per-language indexes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from indexer.build.pipeline import add_articles, build_index, index_stats, remove_articles
from indexer.engine.index_set import open_index_set
from indexer.generations import (
    CURRENT,
    GENERATIONS,
    MANIFEST,
    PRUNE_GRACE_SECONDS,
    IndexDirError,
    current_generation,
    served_generation,
    writer_lock,
)
from indexer.search import get_article, search
from search_app import create_app

from .conftest import DATA, ROOT, run_cli


def test_build_counts_articles_and_passages_per_language(built_index):
    stats = index_stats(built_index)
    languages = stats["languages"]
    assert set(languages) >= {"ar", "bn", "en", "hi", "ja", "ko", "th", "vi", "zh"}
    assert languages["bn"]["articles"] == 61 + 2  # 60 NTREX + the seed, + two dated ferry stories
    assert languages["ko"]["articles"] == 61 + 3 + 1  # + the JSONL article, two parallel stories, a ferry story
    assert stats["bytes"] > 0
    assert len(stats["problems"]) == 9


def test_the_cli_build_prints_counts_and_every_skipped_input(tmp_path):
    result = run_cli("build", "--index-dir", str(tmp_path / "ix"), str(DATA))
    assert "built 12 article(s)" in result.stdout
    assert "skipped 9 input(s):" in result.stdout
    assert "articles.jsonl:5: invalid JSON" in result.stdout
    assert "news.ben.txt: has 4 lines" in result.stdout


def test_building_nothing_fails_with_a_one_line_reason_and_keeps_the_old_index(writable_index, tmp_path):
    before = (writable_index / CURRENT).read_text()
    (tmp_path / "only-empty").mkdir()
    (tmp_path / "only-empty" / "empty.txt").write_text("")
    result = run_cli("build", "--index-dir", str(writable_index), str(tmp_path / "only-empty"), check=False)
    assert result.returncode == 1
    assert result.stderr.startswith("error: nothing could be indexed")
    assert len(result.stderr.strip().splitlines()) == 1
    assert (writable_index / CURRENT).read_text() == before


def test_an_unusable_index_dir_is_refused(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    result = run_cli("build", "--index-dir", str(blocker / "ix"), str(DATA), check=False)
    assert result.returncode == 1
    assert result.stderr.startswith("error: cannot use index directory")


def test_a_second_writer_is_refused_while_one_runs(writable_index):
    with writer_lock(writable_index):
        with pytest.raises(IndexDirError, match="is being written by pid"):
            add_articles(writable_index, [DATA / "jsonl"])


def _big_corpus(folder, articles=4000):
    folder.mkdir()
    with open(folder / "big.jsonl", "w", encoding="utf-8") as handle:
        for number in range(articles):
            paragraphs = [f"Paragraph {p} of article {number} about the river and the bridge." for p in range(4)]
            handle.write(
                json.dumps({"id": f"big-{number}", "title": f"Story {number}", "paragraphs": paragraphs, "lang": "en"})
                + "\n"
            )
    return folder


def test_a_build_killed_midway_leaves_the_previous_index_searchable(writable_index, tmp_path):
    before = (writable_index / CURRENT).read_text()
    expected = search(open_index_set(writable_index), "bridge", lang="en")["total"]
    corpus = _big_corpus(tmp_path / "big")
    build = subprocess.Popen(
        [sys.executable, "-m", "indexer", "build", "--index-dir", str(writable_index), str(corpus)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    partial = None
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and build.poll() is None:
        partials = list((writable_index / GENERATIONS).glob("*.partial/en/*.seg"))
        partials += list((writable_index / GENERATIONS).glob("*.partial/en/*.toc"))
        if partials:
            partial = partials[0]
            break
        time.sleep(0.02)
    workers = psutil.Process(build.pid).children(recursive=True)
    os.kill(build.pid, signal.SIGKILL)
    build.wait()
    assert partial is not None, "the build finished before it could be killed"
    _, alive = psutil.wait_procs(workers, timeout=10)
    assert alive == [], "worker processes outlived the killed build"
    assert (writable_index / CURRENT).read_text() == before
    assert search(open_index_set(writable_index), "bridge", lang="en")["total"] == expected
    # The next writer clears what the killed one left behind.
    add_articles(writable_index, [DATA / "jsonl"])
    assert not list((writable_index / GENERATIONS).glob("*.partial"))


def test_add_replaces_by_id_and_remove_deletes(writable_index, tmp_path):
    index_set = open_index_set(writable_index)
    assert search(index_set, "tortoise", lang="en")["total"] == 0
    update = tmp_path / "update.jsonl"
    update.write_text(
        json.dumps(
            {
                "id": "jl-en-1",
                "title": "Seoul library plan changes",
                "paragraphs": ["A tortoise moves in."],
                "lang": "en",
            }
        )
        + "\n"
        + json.dumps({"id": "brand-new", "title": "Tortoise race", "paragraphs": ["The tortoise won."], "lang": "en"})
        + "\n",
        encoding="utf-8",
    )
    report = add_articles(writable_index, [update])
    assert sum(report.written.values()) == 2
    updated = open_index_set(writable_index)
    assert search(updated, "tortoise", lang="en")["total"] == 2
    assert get_article(updated, "jl-en-1")["paragraphs"] == [{"index": 0, "text": "A tortoise moves in."}]
    assert search(updated, "spring", lang="en")["total"] == 1  # the old jl-en-1 text is gone
    report = remove_articles(writable_index, ["brand-new", "no-such-id"])
    assert (report.removed, report.not_found) == (["brand-new"], ["no-such-id"])
    after = open_index_set(writable_index)
    assert get_article(after, "brand-new") is None
    assert search(after, "tortoise", lang="en")["total"] == 1
    assert index_stats(writable_index)["languages"]["en"]["articles"] == 5


def test_add_moves_an_article_that_changed_language(writable_index, tmp_path):
    update = tmp_path / "moved.jsonl"
    update.write_text(
        json.dumps({"id": "jl-th-1", "title": "ห้องสมุด", "paragraphs": ["Now in English: a library."], "lang": "en"})
        + "\n",
        encoding="utf-8",
    )
    add_articles(writable_index, [update])
    article = get_article(open_index_set(writable_index), "jl-th-1")
    assert article["lang"] == "en"
    assert "th" not in index_stats(writable_index)["languages"]


def test_readers_of_the_old_generation_keep_working_after_a_swap(writable_index):
    old = open_index_set(writable_index)
    total = search(old, "library", lang="en")["total"]
    build_index(writable_index, [DATA / "parallel"])
    assert search(old, "library", lang="en")["total"] == total
    assert search(open_index_set(writable_index), "library", lang="en")["total"] == 0


def test_add_shares_index_files_with_the_served_generation_but_copies_its_own_files(writable_index):
    served = current_generation(writable_index)
    add_articles(writable_index, [DATA / "jsonl"])
    new = current_generation(writable_index)
    top_level = [p for p in served.iterdir() if p.is_file()]
    assert top_level and all(not (new / p.name).samefile(p) for p in top_level)
    shared = [p for p in served.rglob("*.seg") if (new / p.relative_to(served)).exists()]
    assert shared and all((new / p.relative_to(served)).samefile(p) for p in shared)


def test_warming_an_index_set_loads_kiwi_before_the_first_korean_query(built_index):
    """A server warms its indexes before serving, so the first Korean reader does not wait ~2 s for Kiwi."""
    script = (
        "import sys\n"
        "from indexer.analysis.korean import kiwi_analyzer\n"
        "from indexer.engine.index_set import open_index_set\n"
        "from indexer.search import warm\n"
        "indexes = open_index_set(sys.argv[1])\n"
        "before = kiwi_analyzer.cache_info().currsize\n"
        "warm(indexes)\n"
        "print(before, kiwi_analyzer.cache_info().currsize)\n"
    )
    done = subprocess.run([sys.executable, "-c", script, str(built_index)], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["0", "1"]


def test_an_index_written_by_an_earlier_setu_is_refused_with_what_to_do(writable_index):
    # An earlier version's stored schema names analyzer classes under a module this version does not have.
    for toc in served_generation(writable_index).glob("*/_MAIN_*.toc"):
        toc.write_bytes(toc.read_bytes().replace(b"indexer.engine.schema", b"indexer.engine.schemX"))
    done = run_cli("search", "--index-dir", str(writable_index), "police", check=False)
    assert done.returncode == 1 and "earlier version of Setu" in done.stderr and "rebuild" in done.stderr
    assert "Traceback" not in done.stderr
    client = create_app({"INDEX_DIR": str(writable_index), "TESTING": True}).test_client()
    answer = client.get("/api/v1/search", query_string={"q": "police"})
    assert answer.status_code == 503 and "earlier version of Setu" in answer.get_json()["error"]["message"]


def test_the_inputs_a_build_skipped_stay_reported_after_add_and_remove(tmp_path):
    corpus, update = tmp_path / "corpus", tmp_path / "update"
    corpus.mkdir()
    update.mkdir()
    (corpus / "good.txt").write_text("Bridge opens\nThe new bridge opened on Monday.\n", encoding="utf-8")
    (corpus / "binary.txt").write_bytes(bytes(range(256)) * 40)
    (update / "later.txt").write_text("Ferry returns\nThe night ferry runs again.\n", encoding="utf-8")
    (update / "empty.txt").write_bytes(b"")
    index_dir = tmp_path / "index"
    build_index(index_dir, [corpus])
    add_articles(index_dir, [update])
    add_articles(index_dir, [update])  # the same empty file again
    remove_articles(index_dir, ["good"])
    skipped = [Path(problem["path"]).name for problem in index_stats(index_dir)["problems"]]
    assert sorted(skipped) == ["binary.txt", "empty.txt"]  # the build's, then the add's; the remove skipped nothing
    (corpus / "binary.txt").write_text("Bridge closes\nThe old bridge closed for repairs.\n", encoding="utf-8")
    add_articles(index_dir, [corpus / "binary.txt"])  # fixed, and added again
    assert [Path(problem["path"]).name for problem in index_stats(index_dir)["problems"]] == ["empty.txt"]


def test_old_generations_are_pruned_only_once_their_grace_has_passed(tmp_path):
    index_dir = tmp_path / "index"
    for _ in range(3):
        build_index(index_dir, [DATA / "jsonl"])
    generations = sorted((index_dir / GENERATIONS).iterdir())
    assert len(generations) == 3  # the first was replaced a moment ago: a request may still hold it
    long_ago = time.time() - PRUNE_GRACE_SECONDS - 1
    for generation in generations:
        os.utime(generation / MANIFEST, (long_ago, long_ago))
    build_index(index_dir, [DATA / "jsonl"])
    kept = sorted((index_dir / GENERATIONS).iterdir())
    assert kept == [*generations[-1:], served_generation(index_dir)]  # the previous one, and the one just made
