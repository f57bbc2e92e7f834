"""Scanning and narrowing results through the JSON API: facets, date sort, recency, one hit per story, snippets.

Dates, sources and bylines come from the hand-made dated corpus in tests/dated/ (the seeds have no dates);
the expected counts are read off that corpus by hand.
"""

from __future__ import annotations

import html
import unicodedata

import pytest

from indexer import build_index
from indexer.search.snippets import SNIPPET_COLUMNS, columns, sentence_spans, snippet_span
from search_app import create_app

from .conftest import write_ferry_archive
from .test_api import validate

# Characters of a passage too long to show whole as a snippet, in any script.
LONG_PASSAGE = 200


@pytest.fixture(scope="module")
def client(built_index):
    return create_app({"INDEX_DIR": str(built_index), "TESTING": True}).test_client()


def searched(client, **query) -> dict:
    return validate(client.get("/api/v1/search", query_string={"facets": "true", **query}), "/api/v1/search")


def counts(facet: list[dict]) -> dict[str, int]:
    return {entry["value"]: entry["count"] for entry in facet}


def test_facets_count_the_matching_articles_per_language_source_year_and_month(client):
    facets = searched(client, q="ferry", lang="en")["facets"]
    assert counts(facets["lang"]) == {"en": 5}
    assert counts(facets["source"]) == {"Delta Daily": 3, "Harbour Times": 2}
    assert counts(facets["year"]) == {"2024": 3, "2023": 1}  # the undated timetable is in no year
    assert [entry["value"] for entry in facets["month"]] == ["2024-02", "2024-01", "2023-11"]
    assert counts(facets["month"])["2024-02"] == 2


def test_facets_across_languages_count_each_language(client):
    facets = searched(client, q="ferry OR ফেরি OR 여객선", lang="all")["facets"]
    assert counts(facets["lang"]) == {"en": 5, "bn": 2, "ko": 1}


@pytest.mark.parametrize(
    "narrowed, expected",
    [
        ('ferry source:"Harbour Times"', {"ferry-night-en", "ferry-terminal-en"}),
        ("ferry published:2024-02", {"ferry-terminal-en", "ferry-strike-en"}),
    ],
)
def test_a_facets_filter_narrows_to_exactly_its_count(client, narrowed, expected):
    found = searched(client, q=narrowed, lang="en")
    assert {hit["doc_id"] for hit in found["hits"]} == expected
    assert found["total"] == len(expected)


def test_sort_by_date_lists_the_newest_first_and_the_undated_last(client):
    hits = searched(client, q="ferry", lang="en", sort="date")["hits"]
    assert [hit["published"] for hit in hits] == ["2024-02-20", "2024-02-03", "2024-01-15", "2023-11-02", None]


def test_a_phrase_sorted_by_date_lists_its_matches_newest_first(client):
    """A phrase's matcher needs a search context: asked without one, a sort by date failed with a 500."""
    hits = searched(client, q='"ferry terminal"', lang="en", sort="date")["hits"]
    dates = [hit["published"] for hit in hits]
    assert hits and dates == sorted(dates, key=lambda day: day or "", reverse=True)


def test_a_short_recency_half_life_puts_the_newest_article_first(client):
    plain = searched(client, q="ferry", lang="en")["hits"]
    hits = searched(client, q="ferry", lang="en", recency=1)["hits"]
    assert plain[0]["doc_id"] != "ferry-terminal-en"  # by relevance alone the newest is not first
    assert hits[0]["doc_id"] == "ferry-terminal-en"


def test_facets_are_counted_only_when_asked(client):
    assert "facets" not in searched(client, q="ferry", lang="en", facets="false")
    plain = client.get("/api/v1/search", query_string={"q": "ferry", "lang": "en"}).get_json()
    assert plain["hits"] and "facets" not in plain


def test_all_languages_list_each_story_once_and_name_the_other_languages_it_matched_in(client):
    found = searched(client, q="Brexit", lang="all", translate="false")  # the word as written: see test_pages
    assert found["collapse"] == "story"
    groups = [hit["group"] for hit in found["hits"]]
    assert len(groups) == len(set(groups)) == found["total"]
    reuters = next(hit for hit in found["hits"] if hit["group"] == "reuters.218882")
    assert reuters["lang"] == "en" and set(reuters["also_matched"]) == {"th", "vi"}  # "Brexit" is written in Latin


@pytest.mark.parametrize("extra", [{"collapse": "none"}, {"per": "passage"}])
def test_without_story_collapse_each_language_is_its_own_hit(client, extra):
    found = searched(client, q="Brexit", lang="all", translate="false", **extra)
    languages = {hit["lang"] for hit in found["hits"] if hit["group"] == "reuters.218882"}
    assert languages == {"en", "th", "vi"}
    assert "also_matched" not in found["hits"][0]


@pytest.mark.parametrize(
    "bad", [{"sort": "newest"}, {"collapse": "group"}, {"recency": "0"}, {"recency": ""}, {"facets": "maybe"}]
)
def test_bad_narrowing_parameters_are_400s_in_the_error_shape(client, bad):
    response = client.get("/api/v1/search", query_string={"q": "ferry", **bad})
    assert response.status_code == 400
    assert next(iter(bad)) in validate(response, "/api/v1/search")["error"]["message"]


def test_a_byline_match_is_marked_in_the_byline(client):
    hit = searched(client, q="Rahman", lang="en")["hits"][0]
    assert hit["byline_highlight"] == "Mina <mark>Rahman</mark>"
    assert "<mark>" not in hit["title_highlight"]


@pytest.mark.parametrize("query, lang", [("사회복지", "ko"), ("সমাজকর্ম", "bn"), ("election", "en")])
def test_a_snippet_is_a_marked_piece_of_its_passage_shorter_than_a_long_one(client, query, lang):
    for hit in searched(client, q=query, lang=lang)["hits"]:
        passage = hit["passage"]
        plain = html.unescape(passage["snippet"].replace("<mark>", "").replace("</mark>", "")).strip("…")
        assert plain in passage["text"]  # a piece of the passage, cut nowhere else
        assert "<mark>" in passage["snippet"]
        assert len(plain) < len(passage["text"]) or len(passage["text"]) <= LONG_PASSAGE


@pytest.mark.parametrize(
    "lang, text, sentences",
    [
        ("bn", "নদীতে ফেরি চলছে। বন্দর খোলা।", ["নদীতে ফেরি চলছে। ", "বন্দর খোলা।"]),
        ("ko", "여객선이 다시 운항한다. 항만은 열려 있다.", ["여객선이 다시 운항한다. ", "항만은 열려 있다."]),
        ("ja", "フェリーが再開した。港は開いている。", ["フェリーが再開した。", "港は開いている。"]),
        ("zh", "渡轮恢复运行。港口开放？是的。", ["渡轮恢复运行。", "港口开放？", "是的。"]),
    ],
)
def test_sentences_end_at_each_scripts_full_stop(lang, text, sentences):
    assert [text[start:end] for start, end in sentence_spans(text, lang)] == sentences


def test_a_long_sentence_is_cut_at_whole_words_and_whole_letters():
    # One Bengali sentence of about 400 columns, its match near the end: the cut keeps whole words.
    words = ["সমাজকর্ম", "কেন্দ্রের", "শিশুদের", "জন্য", "নিরাপদ", "পরিবেশ"] * 12 + ["ফেরি", "চলছে।"]
    text = " ".join(words)
    at = text.index("ফেরি")
    start, end = snippet_span(text, [(at, at + len("ফেরি"))], "bn")
    shown = text[start:end]
    assert start <= at < end and columns(shown) <= SNIPPET_COLUMNS
    assert shown.split(" ")[0] in words and shown.split(" ")[-1] in words
    assert not unicodedata.category(shown[0]).startswith("M")


@pytest.fixture(scope="module")
def archive_client(tmp_path_factory):
    index_dir = tmp_path_factory.mktemp("archive-index")
    build_index(index_dir, [write_ferry_archive(tmp_path_factory.mktemp("archive"))])
    return create_app({"INDEX_DIR": str(index_dir), "TESTING": True}).test_client()


def test_sort_by_date_finds_the_newest_of_every_match_not_only_of_the_best_ranked(archive_client):
    by_relevance = searched(archive_client, q="ferry", lang="en", limit=100)["hits"]
    assert "newest" not in [hit["doc_id"] for hit in by_relevance[:60]]  # it ranks last: 81st or 82nd
    hits = searched(archive_client, q="ferry", lang="en", sort="date", limit=3)["hits"]
    assert [hit["doc_id"] for hit in hits[:2]] == ["newest", "newer"]


def test_sort_by_date_lists_every_word_matches_before_some_word_ones(archive_client):
    hits = searched(archive_client, q="ferry strike", lang="en", sort="date", limit=5)["hits"]
    assert hits[0]["doc_id"] == "newest"  # the one article saying both words
    rest = [hit["published"] for hit in hits[1:]]
    assert len(rest) == 4 and rest == sorted(rest, reverse=True) and "2024-06-02" not in rest
