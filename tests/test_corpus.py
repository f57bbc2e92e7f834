"""Readers: seed-style text, JSON Lines and parallel folders, with good and malformed input."""

from __future__ import annotations

import os
from collections import Counter

import pytest

from indexer.corpus import read_corpus, split_trailer
from indexer.documents import Article, Problem

from .conftest import DATA, SEEDS


def split(items):
    items = list(items)
    articles = [item for item in items if isinstance(item, Article)]
    problems = [item for item in items if isinstance(item, Problem)]
    return articles, problems


def test_seeds_are_one_story_in_bengali_and_korean_plus_the_ntrex_sample():
    articles, problems = split(read_corpus([SEEDS]))
    assert problems == []
    by_id = {a.id: a for a in articles}
    bengali, korean = by_id["000_aaa99257ef590384"], by_id["001_e7969bfd07bd7312"]
    assert (bengali.lang, korean.lang) == ("bn", "ko")
    assert bengali.group == korean.group == bengali.url
    assert bengali.url.startswith("https://baocantho.com.vn/")
    assert bengali.byline == korean.byline == "ANH PHUONG"
    assert bengali.source == "baocantho.com.vn"
    assert len(bengali.paragraphs) == len(korean.paragraphs) == 5
    assert not any("ANH PHUONG" in p or "(0)" in p for p in bengali.paragraphs + korean.paragraphs)
    ntrex = Counter(a.lang for a in articles if a.id.count("-"))
    assert set(ntrex) == {"ar", "bn", "en", "hi", "ja", "ko", "th", "vi", "zh"}
    assert all(count == 60 for count in ntrex.values())
    assert by_id["bbc.381790-bn"].group == "bbc.381790"


@pytest.mark.parametrize(
    ("relative_id", "lang", "byline", "url", "paragraphs"),
    [
        ("vi/bao-can-tho", "vi", "ANH PHUONG", "https://baocantho.com.vn/", 2),
        ("hi/samachar", "hi", "आन्ह फुओंग", "https://example.org/hindi/", 2),
        ("no-trailer", "en", "", "", 2),
        ("crlf-bom", "en", "", "", 2),
    ],
)
def test_text_articles_are_read_by_shape_in_any_language(relative_id, lang, byline, url, paragraphs):
    articles, _ = split(read_corpus([DATA / "articles"]))
    article = {a.id: a for a in articles}[relative_id]
    assert article.lang == lang
    assert article.byline == byline
    assert article.url.startswith(url)
    assert len(article.paragraphs) == paragraphs
    assert not article.title.startswith("\ufeff") and "\r" not in "".join(article.paragraphs)


def test_short_last_paragraph_with_a_colon_is_not_taken_for_a_byline():
    body, trailer = split_trailer(["First paragraph.", "Mayor: we will open it next spring"])
    assert body == ["First paragraph.", "Mayor: we will open it next spring"]
    assert trailer == {}


def test_trailer_lines_come_off_in_any_language():
    lines = ["Đoạn văn.", "Bài và ảnh: ANH PHUONG", "Nguồn: https://x.vn/a.html", "Bình luận (12)"]
    body, trailer = split_trailer(lines)
    assert body == ["Đoạn văn."]
    assert trailer == {"byline": "ANH PHUONG", "url": "https://x.vn/a.html"}


def test_jsonl_reads_good_lines_and_reports_each_bad_one_by_line():
    articles, problems = split(read_corpus([DATA / "jsonl"]))
    assert sorted(a.id for a in articles) == ["jl-en-1", "jl-ko-1", "jl-th-1", "jl-zh-1"]
    by_id = {a.id: a for a in articles}
    assert by_id["jl-zh-1"].lang == "zh"  # zh-CN normalized where it enters
    assert by_id["jl-en-1"].lang == "en"  # detected
    assert by_id["jl-th-1"].lang == "th"
    assert by_id["jl-en-1"].published == "2024-03-05"
    assert by_id["jl-en-1"].source == "news.example.com"
    assert by_id["jl-th-1"].group == "jl-th-1"  # no group, no url: its id
    reasons = {p.line: p.reason for p in problems}
    assert sorted(reasons) == [5, 6, 7, 8, 9, 10, 11]
    assert "invalid JSON" in reasons[5]
    assert "'title'" in reasons[6]
    assert "'paragraphs'" in reasons[7]
    assert "unknown language" in reasons[8]
    assert "ISO 8601" in reasons[9]
    assert "object" in reasons[10]
    assert "duplicate id 'jl-ko-1'" in reasons[11]


def test_parallel_folder_reads_one_article_per_document_and_language():
    articles, problems = split(read_corpus([DATA / "parallel"]))
    assert sorted(a.id for a in articles) == ["story.1-en", "story.1-ko", "story.2-en", "story.2-ko"]
    story = {a.id: a for a in articles}["story.1-ko"]
    assert story.title == "홍수로 강변도로 폐쇄"
    assert story.paragraphs == ("강물이 밤사이 3미터 불어났다.", "도로는 금요일에 다시 열린다.")
    assert story.group == "story.1" and story.source == "story"
    assert len(problems) == 1
    assert problems[0].path.endswith("news.ben.txt") and "4 lines but DOCUMENT_IDS.tsv has 5" in problems[0].reason


def test_whole_test_corpus_counts_are_exact():
    articles, problems = split(read_corpus([DATA]))
    assert len(articles) == 12
    assert len(problems) == 9
    assert any(p.path.endswith("empty.txt") and p.reason == "empty file" for p in problems)


def test_broken_files_are_reported_and_skipped_while_the_rest_is_read(copy_of_data):
    (copy_of_data / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (copy_of_data / "latin1.txt").write_bytes("Caf\xe9 au lait\nUn paragraphe.\n".encode("latin-1"))
    (copy_of_data / "utf16.txt").write_bytes("Titre en UTF-16\nLe premier paragraphe.\n".encode("utf-16"))
    os.symlink(copy_of_data, copy_of_data / "articles" / "loop")
    articles, problems = split(read_corpus([copy_of_data, copy_of_data / "missing-folder"]))
    reasons = {os.path.basename(p.path): p.reason for p in problems}
    assert reasons["binary.txt"] == "binary data, not text"
    assert reasons["latin1.txt"].startswith("not UTF-8 text")
    assert reasons["missing-folder"] == "no such file or folder"
    assert reasons["loop"] == "symlink loop: folder already read"
    assert "utf16" in {a.id for a in articles}
    assert len(articles) == 13
