"""Highlighting: spans read from stored character positions mark exactly what analyzing the text again marks."""

from __future__ import annotations

import pytest
from whoosh.fields import TEXT, Schema
from whoosh.filedb.filestore import RamStorage

from indexer.analysis import QUERY
from indexer.engine.schema import WhooshAnalyzer
from indexer.search.highlight import Highlighter, mark

CASES = [
    ("ko", "사회복지 센터에서 열린 행사", "오늘 센터는 닫았다", "센터", "<mark>센터에서</mark>"),
    ("th", "รัฐบาลเพิ่มงบประมาณ 😀 ปีนี้", "ข่าวงบประมาณ", "งบประมาณ", "<mark>งบประมาณ</mark>"),
    ("bn", "শিশুদের জন্য নতুন স্কুল", "শিশু ও পরিবার", "শিশু", "<mark>শিশুদের</mark>"),
    ("en", "A <budget> for 2024 😀, budgets cut", "Budget news", "budget", "<mark>budget</mark>"),
]


def _reader(lang: str, chars: bool, text: str, title: str):
    analyzer = WhooshAnalyzer(lang)
    schema = Schema(
        title=TEXT(analyzer=analyzer, stored=True, chars=chars), text=TEXT(analyzer=analyzer, stored=True, chars=chars)
    )
    index = RamStorage().create_index(schema)
    with index.writer() as writer:
        writer.add_document(title="other words", text="nothing here")
        writer.add_document(title=title, text=text)
    return index.reader()


@pytest.mark.parametrize(("lang", "text", "title", "query", "marked"), CASES)
def test_stored_character_spans_mark_what_analysis_marks(lang, text, title, query, marked):
    analyzer = WhooshAnalyzer(lang)
    terms = {token.text for token in analyzer.tokens(query, QUERY)}
    stored = Highlighter(_reader(lang, True, text, title), analyzer, terms)
    analyzed = Highlighter(_reader(lang, False, text, title), analyzer, terms)
    stored.read([1, 0])
    for fieldname, value in (("text", text), ("title", title)):
        assert stored(fieldname, 1, value) == analyzed(fieldname, 1, value)
    assert marked in stored("text", 1, text)
    assert "<mark>" in stored("title", 1, title)


def test_a_passage_not_read_with_its_page_is_read_on_its_own():
    lang, text, title, query, marked = CASES[0]
    analyzer = WhooshAnalyzer(lang)
    highlighter = Highlighter(_reader(lang, True, text, title), analyzer, {"센터"})
    assert marked in highlighter("text", 1, text)
    assert highlighter("text", 0, "nothing here") == "nothing here"


def test_a_term_left_only_in_deleted_passages_marks_nothing():
    analyzer = WhooshAnalyzer("en")
    field = TEXT(analyzer=analyzer, stored=True, chars=True)
    index = RamStorage().create_index(Schema(title=field, text=field))
    with index.writer() as writer:
        writer.add_document(title="tortoise", text="tortoise race")
        writer.add_document(title="hare", text="hare race")
    with index.writer() as writer:
        writer.delete_document(0)
    reader = index.reader()
    marked = Highlighter(reader, analyzer, {"tortois", "race"})
    marked.read([1])
    assert marked("text", 1, "hare race") == "hare <mark>race</mark>"


def test_touching_and_overlapping_spans_get_one_mark_and_text_is_escaped():
    assert mark("a<b c&d", [(4, 7), (0, 3), (2, 3), (3, 4)]) == "<mark>a&lt;b c&amp;d</mark>"
    assert mark("a<b c&d", [(4, 5)]) == "a&lt;b <mark>c</mark>&amp;d"
