"""Every command and flag the README gives for `python -m indexer`, as a user runs them: plain text and --json."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys

import pytest

from .conftest import DATA, ROOT, run_cli

SEED_KO = "001_e7969bfd07bd7312"
SEED_BN = "000_aaa99257ef590384"


@pytest.fixture(scope="module")
def small_index(tmp_path_factory):
    """tests/data and the seed story, built by the CLI with one job and the default analysis."""
    corpus = tmp_path_factory.mktemp("corpus")
    shutil.copytree(DATA, corpus / "data")
    for name in (f"{SEED_BN}.txt", f"{SEED_KO}.txt"):
        shutil.copy(DATA.parent.parent / "seeds" / name, corpus)
    index_dir = tmp_path_factory.mktemp("cli") / "index"
    result = run_cli("build", "--jobs", "1", "--index-dir", str(index_dir), str(corpus))
    assert "built" in result.stdout and "ko " in result.stdout
    return index_dir


def test_stats_counts_the_languages_and_articles_built(small_index):
    out = run_cli("stats", "--index-dir", str(small_index)).stdout
    assert out.startswith("generation ")
    assert "Korean" in out and "Bangla" in out
    assert "MB on disk" in out.splitlines()[-1]


def test_search_with_lang_and_limit_in_plain_text_and_json(small_index):
    plain = run_cli("search", "--index-dir", str(small_index), "--lang", "ko", "--limit", "1", "사회복지").stdout
    assert " in ko (requested)" in plain.splitlines()[0]
    assert plain.count("\n1. [ko]") == 1 and "\n2. " not in plain
    assert "[사회복지" in plain  # the match is marked in brackets off a terminal
    data = json.loads(run_cli("search", "--index-dir", str(small_index), "--json", "--lang", "all", "library").stdout)
    assert data["lang"]["used"] == "all" and data["hits"][0]["lang"] == "en"


def test_a_question_names_the_words_it_did_not_match_on(small_index):
    plain = run_cli(
        "search", "--index-dir", str(small_index), "--lang", "en", "when", "does", "the", "library", "open"
    ).stdout
    assert "not matched on: does the when" in plain


def test_show_in_plain_text_lists_paragraphs_byline_and_translations(small_index):
    out = run_cli("show", "--index-dir", str(small_index), SEED_KO).stdout
    assert f"[ko] {SEED_KO}" in out.splitlines()[1]
    assert "\n0. " in out and "ANH PHUONG" in out
    assert f"translation [bn]: {SEED_BN}" in out


def test_related_in_plain_text_and_json_with_a_limit(small_index):
    plain = run_cli("related", "--index-dir", str(small_index), SEED_KO).stdout
    assert plain.startswith("[ko] ") and "translation [bn]: " in plain
    data = json.loads(run_cli("related", "--index-dir", str(small_index), "--json", "--limit", "1", SEED_KO).stdout)
    everything = json.loads(run_cli("related", "--index-dir", str(small_index), "--json", SEED_KO).stdout)
    assert data["article"]["doc_id"] == SEED_KO and data["translations"][0]["doc_id"] == SEED_BN
    assert len(data["related"]) == min(1, len(everything["related"]))


def test_add_then_remove_change_what_search_finds(small_index, tmp_path):
    index_dir = tmp_path / "index"
    shutil.copytree(small_index, index_dir)
    article = tmp_path / "new" / "zebra.jsonl"
    article.parent.mkdir()
    article.write_text(json.dumps({"id": "zebra-1", "title": "Zebra crossing opens", "lang": "en",
                                   "paragraphs": ["A zebra crossing opened by the library."]}) + "\n")  # fmt: skip
    added = run_cli("add", "--index-dir", str(index_dir), str(article)).stdout
    assert added.startswith("added or replaced 1 article(s)")
    kept = re.search(r"\((\d+) of (\d+) language pairs unchanged\)", added)  # an article without translations
    assert kept and kept[1] == kept[2] != "0"
    found = json.loads(run_cli("search", "--index-dir", str(index_dir), "--json", "zebra").stdout)
    assert [hit["doc_id"] for hit in found["hits"]] == ["zebra-1"]
    removed = run_cli("remove", "--index-dir", str(index_dir), "zebra-1", "no-such-id").stdout
    assert removed.startswith("removed 1 article(s)") and "not found: no-such-id" in removed
    assert re.search(r"^lexicon: [\d,]+ translations .*\((\d+) of \1 language pairs unchanged\)", removed, re.M)
    assert json.loads(run_cli("search", "--index-dir", str(index_dir), "--json", "zebra").stdout)["hits"] == []


def test_build_with_the_whoosh_standard_analysis_baseline(tmp_path):
    index_dir = tmp_path / "index"
    run_cli("build", "--jobs", "2", "--analysis", "whoosh-standard", "--index-dir", str(index_dir), str(DATA / "jsonl"))
    data = json.loads(run_cli("search", "--index-dir", str(index_dir), "--json", "library").stdout)
    assert data["hits"] and data["hits"][0]["doc_id"] == "jl-en-1"


@pytest.mark.parametrize("command", [["stats"], ["search", "--json", "library"]])
def test_output_read_by_a_reader_that_stopped_ends_quietly(small_index, command):
    """`python -m indexer ... | head -1`: the reader is gone before the command writes; no traceback follows."""
    reader, writer = os.pipe()
    os.close(reader)
    try:
        done = subprocess.run([sys.executable, "-m", "indexer", *command, "--index-dir", str(small_index)],
                              stdout=writer, stderr=subprocess.PIPE, cwd=ROOT, text=True, timeout=120)  # fmt: skip
    finally:
        os.close(writer)
    assert done.returncode == 1
    assert done.stderr == ""
