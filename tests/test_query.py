"""The query language: what each piece of syntax parses into, and the plain-words fallback."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from indexer.search.query import Clause, Unit, parse_query


def test_words_phrases_prefixes_and_exclusions():
    parsed = parse_query('센터 "사회복지 서비스" libr* -zebra')
    assert parsed.clauses == [
        Clause((Unit("words", "센터"),)),
        Clause((Unit("phrase", "사회복지 서비스"),)),
        Clause((Unit("prefix", "libr"),)),
    ]
    assert parsed.excluded == [Clause((Unit("words", "zebra"),))]
    assert parsed.syntax == "query" and parsed.notice is None


def test_or_joins_the_words_on_each_side_into_one_clause():
    parsed = parse_query("shark OR 상어 OR হাঙর attack")
    assert parsed.clauses == [
        Clause((Unit("words", "shark"), Unit("words", "상어"), Unit("words", "হাঙর"))),
        Clause((Unit("words", "attack"),)),
    ]


@pytest.mark.parametrize(
    ("text", "published"),
    [
        ("published:2024-01-01..2024-12-31", ("2024-01-01", "2024-12-31")),
        ("published:2024", ("2024-01-01", "2024-12-31")),
        ("published:2024-02", ("2024-02-01", "2024-02-29")),
        ("published:2024-12..", ("2024-12-01", None)),
        ("published:..2023", (None, "2023-12-31")),
    ],
)
def test_published_takes_dates_months_years_and_open_ranges(text, published):
    assert parse_query(f"flood {text}").published == published


def test_filters_are_not_words():
    parsed = parse_query('flood lang:ko source:"BBC News"')
    assert (parsed.lang, parsed.source) == ("ko", "BBC News")
    assert parsed.text == "flood"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ('"unbalanced', "unbalanced quotation mark"),
        ("OR flood", "OR needs a word on each side"),
        ("flood OR", "OR needs a word on each side"),
        ("flood - river", "a lone minus sign"),
        ("published:2024-13-01", "not a valid date"),
        ("source:", "needs a value"),
    ],
)
def test_broken_syntax_falls_back_to_plain_words_and_says_why(text, reason):
    parsed = parse_query(text)
    assert parsed.syntax == "plain words"
    assert reason in parsed.notice
    assert all(unit.kind == "words" for clause in parsed.clauses for unit in clause.alternatives)


@given(st.text(max_size=200))
def test_any_text_parses_or_falls_back_without_raising(text):
    parsed = parse_query(text)
    assert parsed.syntax in ("query", "plain words")
