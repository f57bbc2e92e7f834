"""Searching from the command line and the library: routing, highlighting, and the JSON shapes."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indexer.build.pipeline import build_index
from indexer.engine.index_set import open_index_set
from indexer.engine.queries import MAX_EXPANSIONS
from indexer.search import get_article, search

from .conftest import run_cli

HIT_KEYS = {
    "doc_id",
    "group",
    "lang",
    "title",
    "title_highlight",
    "byline_highlight",
    "url",
    "published",
    "source",
    "byline",
    "score",
    "words_matched",
    "passage",
    "translations",
}
SEED, KOREAN_SEED = "000_aaa99257ef590384", "001_e7969bfd07bd7312"  # seeds/: one story in Bengali and Korean


def test_cli_search_json_marks_the_bengali_seed_word(built_index):
    result = run_cli("search", "--index-dir", str(built_index), "--json", "সমাজকর্ম")
    data = json.loads(result.stdout)
    assert set(data) == {
        "query", "lang", "syntax", "notice", "matching", "ignored_words", "translated", "collapse", "sort", "total",
        "total_relation", "took_ms", "hits",
    }  # fmt: skip
    assert data["lang"] == {"used": "bn", "detected": "bn", "how": "script"}
    hit = data["hits"][0]
    assert set(hit) == HIT_KEYS
    assert hit["doc_id"] == "000_aaa99257ef590384"
    assert hit["passage"]["index"] == 0
    assert "<mark>সমাজকর্ম</mark>" in hit["passage"]["highlight"]
    assert set(hit["passage"]) == {"index", "text", "highlight", "snippet"}
    korean = [t for t in hit["translations"] if t["lang"] == "ko"]
    assert [t["doc_id"] for t in korean] == ["001_e7969bfd07bd7312"]
    assert set(korean[0]) == {"doc_id", "lang", "title", "url", "passage"}


def test_cli_search_prints_readable_hits(built_index):
    result = run_cli("search", "--index-dir", str(built_index), "সমাজকর্ম")
    assert "[সমাজকর্ম]" in result.stdout
    assert "000_aaa99257ef590384 · paragraph 0" in result.stdout


@pytest.mark.parametrize(
    ("query", "lang", "doc_id"),
    [
        ("ฉลาม", "th", "upi.176266-th"),
        ("サメ", "ja", "upi.176266-ja"),
        ("قرش", "ar", "upi.176266-ar"),
        ("ห้องสมุด", "th", "jl-th-1"),
    ],
)
def test_queries_in_other_scripts_find_their_article(index_set, query, lang, doc_id):
    hits = search(index_set, query)["hits"]
    assert doc_id in [h["doc_id"] for h in hits]
    assert all(h["lang"] == lang for h in hits)


def test_ascii_digits_find_bengali_digits(index_set):
    result = search(index_set, "12", lang="bn")
    seed = [h for h in result["hits"] if h["doc_id"] == "000_aaa99257ef590384"]
    assert "<mark>১২</mark>" in seed[0]["passage"]["highlight"]


def test_a_query_of_unclear_language_searches_every_index(index_set):
    result = search(index_set, "ANH PHUONG")
    assert result["lang"]["used"] == "all" and result["collapse"] == "story"
    seed = next(h for h in result["hits"] if h["doc_id"] in {"000_aaa99257ef590384", "001_e7969bfd07bd7312"})
    assert {seed["lang"], *seed["also_matched"]} >= {"bn", "ko"}  # the seed story once, its languages named


def test_highlight_is_escaped_and_right_after_emoji(index_set):
    hit = search(index_set, "งบประมาณ", lang="th")["hits"][0]
    assert hit["doc_id"] == "jl-th-1"
    assert "<mark>งบประมาณ</mark>" in hit["passage"]["highlight"]
    assert "😀" in hit["passage"]["highlight"]


def test_a_headline_only_match_has_no_paragraph_index(index_set):
    hits = {h["doc_id"]: h for h in search(index_set, "budget", lang="en")["hits"]}
    for doc_id in ("jl-en-1", "articles/no-trailer"):  # "budget" is only in their headlines
        assert hits[doc_id]["passage"]["index"] is None
        assert "<mark>budget</mark>" in hits[doc_id]["title_highlight"]


def test_the_passage_with_every_query_word_comes_before_those_with_some(index_set):
    result = search(index_set, "Seoul spring", lang="en")
    first, *others = result["hits"]
    assert (first["doc_id"], first["passage"]["index"], first["words_matched"]) == ("jl-en-1", 1, 2)
    assert result["matching"] == "all words"
    assert others and all(h["words_matched"] < 2 and h["score"] < first["score"] for h in others)


def test_question_words_are_dropped_and_named(index_set):
    result = search(index_set, "when does the library open?", lang="en", per="passage")
    assert result["ignored_words"] == ["does", "the", "when"]
    assert (result["hits"][0]["doc_id"], result["hits"][0]["passage"]["index"]) == ("jl-en-1", 1)


def test_a_query_of_stop_words_alone_still_searches_them(index_set):
    result = search(index_set, "the", lang="en")
    assert result["ignored_words"] == [] and result["hits"]


def test_when_no_passage_has_every_word_the_ones_with_most_words_come_first(index_set):
    result = search(index_set, "library opens zebra", lang="en")
    assert result["matching"] == "most words"
    first = result["hits"][0]
    assert (first["doc_id"], first["passage"]["index"], first["words_matched"]) == ("jl-en-1", 1, 2)
    assert all(h["words_matched"] <= 2 for h in result["hits"])


def test_per_passage_returns_every_matching_passage(index_set):
    per_article = search(index_set, "সমাজকর্ম", per="article")
    per_passage = search(index_set, "সমাজকর্ম", per="passage")
    assert per_article["total"] == 1
    assert per_passage["total"] > 1
    assert len({h["passage"]["index"] for h in per_passage["hits"]}) == per_passage["total"]


def test_cli_show_json_rebuilds_the_article_in_order(built_index):
    data = json.loads(run_cli("show", "--index-dir", str(built_index), "--json", "001_e7969bfd07bd7312").stdout)
    assert data["lang"] == "ko" and data["byline"] == "ANH PHUONG"
    assert [p["index"] for p in data["paragraphs"]] == [0, 1, 2, 3, 4]
    assert data["paragraphs"][2]["text"].startswith("학교의 사회복지 모델과 관련하여")
    # The Vietnamese test article shares the seeds' source URL, so it is a third translation.
    assert sorted(t["doc_id"] for t in data["translations"]) == ["000_aaa99257ef590384", "articles/vi/bao-can-tho"]


def test_show_of_an_unknown_id_fails_cleanly(built_index, index_set):
    assert get_article(index_set, "no-such-article") is None
    result = run_cli("show", "--index-dir", str(built_index), "no-such-article", check=False)
    assert result.returncode == 1 and "no article" in result.stderr


@pytest.mark.parametrize(
    ("query", "expected_ids"),
    [
        ('"new library plan"', {"jl-en-1"}),
        ('"plan library"', set()),
        ("library -Seoul", {"articles/no-trailer"}),
        ("tortoise OR Seoul", {"jl-en-1"}),
        ("libr* spring", {"jl-en-1", "articles/no-trailer"}),
        ("library published:2024-03", {"jl-en-1"}),
        ("library published:2025..", set()),
        ("library source:news.example.com", {"jl-en-1"}),
    ],
)
def test_query_syntax_in_english(index_set, query, expected_ids):
    result = search(index_set, query, lang="en")
    assert result["syntax"] == "query"
    assert {h["doc_id"] for h in result["hits"]} == expected_ids


def test_a_lang_filter_in_the_query_routes_it(index_set):
    result = search(index_set, "12 lang:bn")
    assert result["lang"]["used"] == "bn"
    assert {h["lang"] for h in result["hits"]} == {"bn"}


def test_a_korean_phrase_matches_only_that_phrase(index_set):
    phrase = search(index_set, '"사회복지 서비스"', lang="ko", per="passage")
    words = search(index_set, "사회복지 서비스", lang="ko", per="passage")
    assert 0 < phrase["total"] < words["total"]
    for hit in phrase["hits"]:
        assert "사회복지 서비스" in hit["passage"]["text"]


@pytest.mark.parametrize("query", ['"unbalanced quote', "OR", "library OR", "-", "published:yesterday"])
def test_broken_syntax_is_searched_as_plain_words_and_says_so(index_set, query):
    result = search(index_set, query, lang="en")
    assert result["syntax"] == "plain words"
    assert result["notice"]


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=80))
def test_any_query_text_searches_without_raising(index_set, text):
    result = search(index_set, text, lang="auto")
    assert result["total"] >= len(result["hits"])


@pytest.mark.parametrize(
    ("query", "lang", "surface"),
    [
        ("센터", "ko", "센터에서"),
        ("사회복지", "ko", "사회복지센터는"),
        ("শিশু", "bn", "শিশুদের"),
        ("কেন্দ্র", "bn", "কেন্দ্রে"),
        ("সমাজকর্ম", "bn", "সমাজকর্মীদের"),
    ],
)
def test_base_forms_find_and_mark_whole_inflected_words_in_the_seeds(index_set, query, lang, surface):
    result = search(index_set, query, lang=lang, per="passage", limit=100)
    seed_hits = [h for h in result["hits"] if h["doc_id"] in ("000_aaa99257ef590384", "001_e7969bfd07bd7312")]
    assert any(f"<mark>{surface}</mark>" in h["passage"]["highlight"] for h in seed_hits)


def test_an_exact_surface_match_ranks_above_a_base_form_match(index_set):
    hits = search(index_set, "센터에서", lang="ko", per="passage", limit=100)["hits"]
    exact = ["<mark>센터에서</mark>" in h["passage"]["highlight"] for h in hits]
    assert exact[0] and not all(exact)
    assert exact == sorted(exact, reverse=True)  # every exact match before the first base-form match


def test_a_whole_question_finds_the_passage_that_answers_it(index_set):
    question = "현재 몇 명의 어린이가 센터에서 관리 지원을 받고 있나요?"
    hits = search(index_set, question, lang="ko", per="passage")["hits"]
    assert (hits[0]["doc_id"], hits[0]["passage"]["index"]) == ("001_e7969bfd07bd7312", 1)


def test_a_prefix_matches_its_most_common_completions_only(tmp_path):
    # 60 completions of "zq": zqaa is in every article, each other one in one article; the cap keeps 50.
    words = ["zq" + a + b for a in "abcdefghij" for b in "abcdef"]
    records = [{"id": f"p{n}", "lang": "en", "title": f"Note {n}", "paragraphs": [f"zqaa and {word} met."]}
               for n, word in enumerate(words)]  # fmt: skip
    corpus = tmp_path / "prefix.jsonl"
    corpus.write_text("".join(json.dumps(record) + "\n" for record in records), encoding="utf-8")
    build_index(tmp_path / "index", [corpus])
    hits = search(open_index_set(tmp_path / "index"), "zq*", lang="en", per="passage", limit=100)["hits"]
    marked = {word for hit in hits for word in words if f"<mark>{word}</mark>" in hit["passage"]["highlight"]}
    assert len(hits) == len(words)  # every passage has the common completion
    assert "zqaa" in marked and len(marked) == MAX_EXPANSIONS


def test_a_prefix_marks_in_each_hit_the_completions_its_headline_and_paragraph_hold(tmp_path):
    """Each hit is looked at for the completions it was found by: its own are all marked, no other word."""
    records = [
        {"id": "a1", "lang": "en", "title": "Ferry strike", "paragraphs": ["The fertile valley and the ferry."]},
        {"id": "a2", "lang": "en", "title": "Fermented tea", "paragraphs": ["Nothing else is here."]},
        {"id": "a3", "lang": "en", "title": "Harbour news", "paragraphs": ["A ferment of ideas; fervent fans."]},
        {"id": "a4", "lang": "en", "title": "Other news", "paragraphs": ["No such words at all."]},
    ]
    corpus = tmp_path / "prefix.jsonl"
    corpus.write_text("".join(json.dumps(record) + "\n" for record in records), encoding="utf-8")
    build_index(tmp_path / "index", [corpus])
    hits = search(open_index_set(tmp_path / "index"), "fer*", lang="en", per="passage")["hits"]
    shown = {(hit["doc_id"], hit["passage"]["index"]): hit for hit in hits}
    assert set(shown) == {("a1", 0), ("a2", None), ("a3", 0)}
    assert shown["a1", 0]["title_highlight"] == "<mark>Ferry</mark> strike"
    assert shown["a1", 0]["passage"]["highlight"] == "The <mark>fertile</mark> valley and the <mark>ferry</mark>."
    assert shown["a2", None]["title_highlight"] == "<mark>Fermented</mark> tea"
    assert shown["a3", 0]["title_highlight"] == "Harbour news"
    assert shown["a3", 0]["passage"]["highlight"] == "A <mark>ferment</mark> of ideas; <mark>fervent</mark> fans."


def test_each_passage_of_a_page_shows_the_translation_paragraph_linked_to_it(index_set):
    hits = [h for h in search(index_set, "সমাজকর্ম", lang="bn", per="passage")["hits"] if h["doc_id"] == SEED]
    assert len({h["passage"]["index"] for h in hits}) >= 2  # one page, two paragraphs of one story
    paragraphs = {p["index"]: p for p in get_article(index_set, SEED)["paragraphs"]}
    korean = {p["index"]: p["text"] for p in get_article(index_set, KOREAN_SEED)["paragraphs"]}
    for hit in hits:
        (linked,) = [link for link in paragraphs[hit["passage"]["index"]]["links"] if link["lang"] == "ko"]
        (shown,) = [t for t in hit["translations"] if t["lang"] == "ko"]
        assert shown["passage"]["indexes"] == linked["indexes"]
        assert shown["passage"]["text"] == "\n\n".join(korean[i] for i in linked["indexes"])
