"""Two-word phrases of a language's text, counted per article, that suggestions complete once several articles
hold them ("social wo" → "social work", "사회복지 센" → "사회복지 센터").

A phrase is two surface words standing side by side with only space between them
(never across a comma or a sentence's end). In Korean its second word is spelled by
its nominal part, as the vocabulary spells words (사회복지 센터 of 사회복지 센터에서).
Every phrase is counted, in its generation's vocabulary file, so `add` and `remove`
keep the counts right; only those held by MIN_PHRASE_ARTICLES articles get a typed
key, which is what suggestions look up.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Callable, Iterable

from indexer.analysis import STEM, WORD, Token

# Articles that must hold a phrase before it is suggested: a phrase of one article is rarely what a reader
# types, and keeping the rest unkeyed keeps the build's extra work to counting.
MIN_PHRASE_ARTICLES = 2

PHRASE_SCHEMA = """
CREATE TABLE IF NOT EXISTS phrases (phrase TEXT PRIMARY KEY, articles INTEGER NOT NULL, typed TEXT) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS phrases_typed ON phrases (typed) WHERE typed IS NOT NULL;
"""
_LAST = "\U0010ffff"
# Phrases read back per query while their counts are applied (SQLite's default limit of bound values is 32766).
_BATCH = 500


def text_phrases(lang: str, text: str, tokens: list[Token], is_word, nominal_part) -> set[str]:
    """The two-word phrases of one analyzed text whose words pass `is_word` (the vocabulary's test for a word);
    `nominal_part(word, stems)` spells a Korean second word."""
    slots: dict[int, list[Token]] = {}
    for token in tokens:
        slots.setdefault(token.pos, []).append(token)
    words = {}  # position → (surface word, the word a phrase ends with, start, end)
    for pos, group in slots.items():
        surface = next((t for t in group if t.role == WORD), None)
        if surface is not None and is_word(surface.text):
            ending = surface.text
            if lang == "ko":
                ending = nominal_part(surface.text, [t.text for t in group if t.role == STEM]) or surface.text
            words[pos] = (surface.text, ending, surface.start, surface.end)
    phrases = set()
    for pos, (first, _, _, end) in words.items():
        following = words.get(pos + 1)
        if following and is_word(following[1]) and text[end : following[2]].isspace():
            phrases.add(f"{first} {following[1]}")
    return phrases


def apply_phrase_changes(db: sqlite3.Connection, changes: Counter, typed_form: Callable[[str], str]) -> None:
    """Change phrases' article counts; key those now held by MIN_PHRASE_ARTICLES by their `typed_form`, unkey
    those no longer (only the changed phrases are read: an `add` to a large generation touches few)."""
    changed = [(phrase, change) for phrase, change in changes.items() if change]
    db.executemany(
        "INSERT INTO phrases (phrase, articles) VALUES (?, ?) "
        "ON CONFLICT (phrase) DO UPDATE SET articles = articles + excluded.articles",
        changed,
    )
    rekeyed = []
    for start in range(0, len(changed), _BATCH):
        batch = [phrase for phrase, _ in changed[start : start + _BATCH]]
        marks = ",".join("?" * len(batch))
        for phrase, articles, keyed in db.execute(
            f"SELECT phrase, articles, typed IS NOT NULL FROM phrases WHERE phrase IN ({marks})", batch
        ):
            if (articles >= MIN_PHRASE_ARTICLES) != keyed:
                rekeyed.append((typed_form(phrase) if not keyed else None, phrase))
    db.executemany("UPDATE phrases SET typed = ? WHERE phrase = ?", rekeyed)
    db.executemany("DELETE FROM phrases WHERE phrase = ? AND articles <= 0", [(p,) for p, c in changed if c < 0])


def phrase_completions(rows, typed: str, limit: int) -> list[tuple[str, int]]:
    """The keyed phrases whose typed form begins with `typed`, most articles first, as (phrase, articles);
    `rows(sql, parameters)` reads the language's vocabulary file."""
    return rows(
        "SELECT phrase, articles FROM phrases WHERE typed >= ? AND typed < ? "
        "ORDER BY articles DESC, length(phrase), phrase LIMIT ?",
        (typed, typed + _LAST, limit),
    )


def listed_phrases(listed: dict) -> Iterable[str]:
    """An article's phrases in its stored word list (none in a list written before phrases were counted)."""
    return listed.get("phrases", [])
