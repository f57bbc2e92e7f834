"""A corpus of hostile files: each is reported and skipped or handled, and every good article is indexed."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from indexer.analysis import analyzer_for
from indexer.build.pipeline import build_index, index_stats
from indexer.documents import UnpairedSurrogate
from indexer.engine.index_set import open_index_set
from indexer.search import get_article, search

from .conftest import ROOT

GOOD_ARTICLE = "Flood closes the river road\nThe river rose three metres overnight.\n"


def hostile_corpus(root):
    """Write good and hostile files; return the ids of the good articles it holds."""
    root.mkdir()
    (root / "good.txt").write_text(GOOD_ARTICLE, encoding="utf-8")
    (root / "binary.txt").write_bytes(bytes(range(256)) * 40)
    (root / "invalid-utf8.txt").write_bytes(b"Titre\nUn caf\xe9 \xff\xfe cass\xe9.\n")
    (root / "utf16.txt").write_bytes("Bridge opens in spring\nThe new bridge cost 12 million.\n".encode("utf-16"))
    (root / "crlf.txt").write_bytes(b"Council meets\r\nThe council met on Tuesday.\r\n")
    (root / "huge-line.txt").write_text("x" * (10 * 1024 * 1024), encoding="utf-8")
    (root / "empty.txt").write_bytes(b"")
    (root / "blank-lines.txt").write_text("\n\n   \n\n", encoding="utf-8")
    good = {"id": "jl-1", "title": "Library budget approved", "paragraphs": ["The council approved it."]}
    lines = [
        json.dumps(good),
        '{"id": "jl-2", "title": "broken',
        json.dumps({"id": "jl-3", "title": "Harvest festival", "paragraphs": ["Farmers gathered."]}),
        json.dumps({"id": "good", "title": "Same id as good.txt", "paragraphs": ["Duplicate."]}),
    ]
    (root / "mixed.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (root / "sub").mkdir()
    (root / "sub" / "again.txt").write_text(GOOD_ARTICLE, encoding="utf-8")  # id sub/again: not a duplicate
    os.symlink(root, root / "sub" / "loop")
    (root / "vanishes.txt").write_text(GOOD_ARTICLE, encoding="utf-8")
    return {"good", "utf16", "crlf", "jl-1", "jl-3", "sub/again"}


def test_hostile_files_are_reported_and_every_good_article_is_indexed(tmp_path):
    corpus = tmp_path / "corpus"
    good_ids = hostile_corpus(corpus)

    def delete_during_the_walk(inputs):
        (corpus / "vanishes.txt").unlink()

    report = build_index(tmp_path / "index", [corpus], inputs_found=delete_during_the_walk)
    reasons = {os.path.relpath(p.path, corpus) + (f":{p.line}" if p.line else ""): p.reason for p in report.problems}
    assert sum(report.written.values()) == len(good_ids)
    assert reasons == {
        "binary.txt": "binary data, not text",
        "invalid-utf8.txt": "not UTF-8 text (invalid byte at offset 12)",
        "huge-line.txt": "a line of 10,485,760 characters (limit 100,000): not prose",
        "empty.txt": "empty file",
        "blank-lines.txt": "empty file",
        "mixed.jsonl:2": "invalid JSON: Unterminated string starting at",
        "mixed.jsonl:4": f"duplicate id 'good' (first read from {corpus / 'good.txt'})",
        "sub/loop": "symlink loop: folder already read",
        "vanishes.txt": "cannot read file: No such file or directory",
    }
    index_set = open_index_set(tmp_path / "index")
    for doc_id in good_ids:
        assert get_article(index_set, doc_id) is not None, doc_id
    assert [p["text"] for p in get_article(index_set, "crlf")["paragraphs"]] == ["The council met on Tuesday."]
    assert index_stats(tmp_path / "index")["articles"] == len(good_ids)


def test_unpaired_surrogates_are_rejected_cleanly_everywhere(tmp_path, index_set):
    lines = [
        '{"id": "bad", "title": "Broken \\ud800 text", "paragraphs": ["fine"], "lang": "en"}',
        '{"id": "good", "title": "Fine text", "paragraphs": ["fine"], "lang": "en"}',
    ]
    (tmp_path / "surrogates.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = build_index(tmp_path / "index", [tmp_path / "surrogates.jsonl"])
    assert sum(report.written.values()) == 1
    assert [(p.line, p.reason) for p in report.problems] == [
        (1, "not valid text: unpaired surrogate U+D800 at character 7")
    ]
    with pytest.raises(UnpairedSurrogate):
        analyzer_for("ko")("센터 \udc00")
    with pytest.raises(UnpairedSurrogate):
        search(index_set, "shark \udfff")


def test_the_cli_refuses_a_query_that_is_not_text(built_index):
    result = subprocess.run(
        [sys.executable, "-m", "indexer", "search", "--index-dir", str(built_index), b"caf\xe9"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert result.stderr.startswith("error: unpaired surrogate U+DCE9")
