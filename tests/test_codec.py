"""Setu's posting blocks (indexer.engine.codec): an index written in them answers as one in Whoosh's own, and an
index of Whoosh's own blocks (an earlier generation) takes new articles in Setu's."""

from __future__ import annotations

import json

from whoosh.codec.whoosh3 import W3Codec

from indexer.build.pipeline import add_articles, build_index
from indexer.engine import writing
from indexer.engine.codec import PassageBlocksCodec
from indexer.engine.index_set import open_index_set
from indexer.engine.schema import open_index
from indexer.generations import served_generation
from indexer.search import search

# Articles in the archive: its common words' postings fill several blocks (Whoosh's hold 128 each).
ARTICLES = 300

# Queries reading what a block holds: passages and weights (top-k), positions (a phrase, proximity), spans
# (highlights), a prefix's completions, a sort by date reading every match.
QUERIES = [
    ("ferry", {}),
    ("the ferry again", {"per": "passage"}),
    ('"ferry strike"', {}),
    ("fer*", {"per": "passage", "limit": 20}),
    ("ferry", {"sort": "date", "limit": 5}),
    ("council budget ferry", {"offset": 3}),
]


def write_archive(folder):
    """ARTICLES ferry stories, every tenth with a strike, dated across a year."""
    stories = [
        {"id": f"story-{n}", "lang": "en", "published": f"2020-{1 + n % 12:02d}-{1 + n % 28:02d}",
         "title": f"Ferry timetable {n}", "paragraphs": [
             f"The ferry left the harbour at {n % 24} o'clock{' during the ferry strike' if n % 10 == 0 else ''}.",
             f"The council and the town budget, item {n}: the ferry again."]}
        for n in range(ARTICLES)
    ]  # fmt: skip
    (folder / "archive.jsonl").write_text("\n".join(json.dumps(s) for s in stories) + "\n", encoding="utf-8")
    return folder


def codecs(index_dir) -> set[type]:
    """The codecs an index's segments were written with."""
    generation = served_generation(index_dir)
    return {type(segment.codec()) for segment in open_index(generation / "en")._segments()}


def answers(index_dir) -> list[str]:
    index_set = open_index_set(index_dir)
    found = []
    for query, options in QUERIES:
        result = search(index_set, query, lang="en", **options)
        result.pop("took_ms")
        found.append(json.dumps(result, sort_keys=True))
    return found


def test_an_index_in_setu_blocks_answers_as_one_in_whoosh_blocks(tmp_path, monkeypatch):
    """The archive's common words span several blocks; every answer, highlights and totals included, is the
    same from either format, and not empty."""
    archive = write_archive(tmp_path)
    build_index(tmp_path / "setu", [archive])
    monkeypatch.setattr(writing, "PassageBlocksCodec", W3Codec)
    build_index(tmp_path / "whoosh", [archive])
    assert codecs(tmp_path / "setu") == {PassageBlocksCodec} and codecs(tmp_path / "whoosh") == {W3Codec}
    ours = answers(tmp_path / "setu")
    assert ours == answers(tmp_path / "whoosh")
    assert all('"hits": []' not in answer for answer in ours)


def test_articles_added_to_an_index_in_whoosh_blocks_are_found_beside_its_own(tmp_path, monkeypatch):
    archive = write_archive(tmp_path)
    with monkeypatch.context() as patched:
        patched.setattr(writing, "PassageBlocksCodec", W3Codec)
        build_index(tmp_path / "index", [archive])
    added = tmp_path / "added"
    added.mkdir()
    (added / "new.jsonl").write_text(
        json.dumps(
            {"id": "harbour", "lang": "en", "title": "Harbour ferry returns", "paragraphs": ["The ferry is back."]}
        ),
        encoding="utf-8",
    )
    add_articles(tmp_path / "index", [added])
    result = search(open_index_set(tmp_path / "index"), "ferry", lang="en", limit=100)
    ids = {hit["doc_id"] for hit in result["hits"]}
    assert "harbour" in ids and "story-0" in ids and result["total"] == ARTICLES + 1
    assert codecs(tmp_path / "index") == {W3Codec, PassageBlocksCodec}
