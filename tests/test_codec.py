"""Setu's codec (indexer.engine.codec): an index written in it answers as one in Whoosh's own W3 or in Setu's
earlier posting blocks (deflated stored fields), and an index an earlier generation wrote in either takes new
articles in Setu's."""

from __future__ import annotations

import json

import pytest
from whoosh.codec.whoosh3 import W3Codec

from indexer.build.pipeline import add_articles, build_index
from indexer.engine import writing
from indexer.engine.codec import PassageBlocksCodec, PassageCodec, SlicedValuesWriter, one_search
from indexer.engine.index_set import open_index_set
from indexer.engine.schema import open_index
from indexer.generations import served_generation
from indexer.search import search

from .conftest import write_ferry_archive

# Stories in the archive: "ferry" fills several posting blocks (Whoosh's hold 128 postings each).
ARTICLES = 300


class WholeBlocksDeflated(SlicedValuesWriter):
    """Sliced values as PassageCodec wrote them before it deflated only its values: the whole block deflated."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._compression, self._values_compression = self._values_compression, 0


class WholeBlocksCodec(PassageCodec):
    blocks_writer = WholeBlocksDeflated


# The codecs (and layouts) earlier generations wrote their segments in.
EARLIER_CODECS = [W3Codec, PassageBlocksCodec, WholeBlocksCodec]
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


def codecs(index_dir) -> set[type]:
    """The codecs the segments of an index's English passages were written with."""
    with open_index_set(index_dir).searcher("en") as searcher:
        return {type(leaf.segment().codec()) for leaf, _ in searcher.reader().leaf_readers()}


def answers(index_dir) -> list[str]:
    index_set = open_index_set(index_dir)
    found = []
    for query, options in QUERIES:
        result = search(index_set, query, lang="en", **options)
        result.pop("took_ms")
        found.append(json.dumps(result, sort_keys=True))
    return found


@pytest.mark.parametrize("earlier", EARLIER_CODECS, ids=lambda codec: codec.__name__)
def test_an_index_in_setus_codec_answers_as_one_in_an_earlier_codec(tmp_path, monkeypatch, earlier):
    """The archive's common words span several blocks; every answer, highlights, snippets, translations and
    totals included, is the same from either format, and not empty."""
    archive = write_ferry_archive(tmp_path, ARTICLES)
    build_index(tmp_path / "setu", [archive])
    monkeypatch.setattr(writing, "PassageCodec", earlier)
    build_index(tmp_path / "earlier", [archive])
    assert codecs(tmp_path / "setu") == {PassageCodec} and codecs(tmp_path / "earlier") == {earlier}
    ours = answers(tmp_path / "setu")
    assert ours == answers(tmp_path / "earlier")
    assert all('"hits": []' not in answer for answer in ours)


@pytest.mark.parametrize("earlier", EARLIER_CODECS, ids=lambda codec: codec.__name__)
def test_articles_added_to_an_index_in_an_earlier_codec_are_found_beside_its_own(tmp_path, monkeypatch, earlier):
    archive = write_ferry_archive(tmp_path, ARTICLES)
    with monkeypatch.context() as patched:
        patched.setattr(writing, "PassageCodec", earlier)
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
    index_set = open_index_set(tmp_path / "index")
    assert search(index_set, "harbour ferry returns", lang="en")["hits"][0]["doc_id"] == "harbour"
    assert search(index_set, "ferry news number 7", lang="en")["hits"][0]["doc_id"] == "old-7"
    assert search(index_set, "ferry", lang="en")["total"] == ARTICLES + 3  # the two newer stories and the new one
    assert search(index_set, "harbour ferry returns", lang="en")["hits"][0]["title"] == "Harbour ferry returns"
    assert codecs(tmp_path / "index") == {earlier, PassageCodec}


@pytest.mark.parametrize("earlier", EARLIER_CODECS, ids=lambda codec: codec.__name__)
def test_segments_merged_in_setus_codec_answer_as_merged_ones_in_an_earlier_codec(tmp_path, monkeypatch, earlier):
    """Whoosh's merge reads each posting's value back out of a block (sliced, in Setu's codec) and writes it
    again: phrases, highlights and totals from the merged segment are those of an earlier codec's merge (a
    merge itself moves BM25's average lengths a little, Whoosh keeping lengths as a byte)."""
    archive = write_ferry_archive(tmp_path, ARTICLES)
    added = tmp_path / "added"
    added.mkdir()
    (added / "new.jsonl").write_text(
        json.dumps({"id": "harbour", "lang": "en", "title": "Harbour ferry strike", "paragraphs": ["A strike."]}),
        encoding="utf-8",
    )
    for name, codec in (("setu", PassageCodec), ("earlier", earlier)):
        with monkeypatch.context() as patched:
            patched.setattr(writing, "PassageCodec", codec)
            build_index(tmp_path / name, [archive])
            add_articles(tmp_path / name, [added])
            index = open_index(served_generation(tmp_path / name) / "en")
            index.writer(codec=codec()).commit(optimize=True)
        with open_index_set(tmp_path / name).searcher("en") as searcher:
            assert len(searcher.reader().leaf_readers()) == 1  # merged
    assert codecs(tmp_path / "setu") == {PassageCodec}
    assert answers(tmp_path / "setu") == answers(tmp_path / "earlier")


def test_terms_looked_up_once_per_search_answer_as_whoosh_reads_them(tmp_path):
    """Within one search a segment reads each term's entry once; its answers (is it there, in how many passages,
    how often, its postings) are those read outside a search, for terms there and not there."""
    archive = write_ferry_archive(tmp_path, ARTICLES)
    build_index(tmp_path / "index", [archive])
    terms = [("text", "ferry"), ("title", "ferry"), ("text", "budget"), ("text", "zeppelin"), ("byline", "ferry")]

    def read(reader) -> list:
        found = []
        for term in terms:
            present = term in reader
            postings = list(reader.postings(*term).all_ids()) if present else []
            found.append((present, reader.doc_frequency(*term), reader.frequency(*term), postings))
        return found

    with open_index_set(tmp_path / "index").searcher("en") as searcher:
        outside = read(searcher.reader())
        with one_search():
            assert read(searcher.reader()) == read(searcher.reader()) == outside
    assert [found[0] for found in outside] == [True, True, True, False, False]
    assert outside[0][1] == len(outside[0][3]) == ARTICLES + 2  # every old story and both newer ones
