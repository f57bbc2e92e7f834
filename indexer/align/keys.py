"""An article's related-coverage keys (transliterated name keys, analyzed term counts), made from the tokens a
build already has, and a build worker's file of them."""

from __future__ import annotations

import json
import sqlite3
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from indexer.analysis import GRAM, STEM, Token
from indexer.analysis.names import name_keys
from indexer.documents import Article

NAME_KEYS_SCHEMA = """
CREATE TABLE IF NOT EXISTS name_keys (key TEXT, doc_id TEXT);
CREATE INDEX IF NOT EXISTS name_keys_key ON name_keys (key);
CREATE INDEX IF NOT EXISTS name_keys_doc ON name_keys (doc_id);
CREATE TABLE IF NOT EXISTS article_terms (doc_id TEXT PRIMARY KEY, terms TEXT);
"""


@dataclass(frozen=True)
class ArticleKeys:
    """An article's transliterated name keys and its base forms (each word's stems, or the word) with their counts."""

    doc_id: str
    name_keys: frozenset[str]
    terms: dict[str, int]


def keys_of(article: Article, tokens_of: Callable[[str], Iterable[Token]]) -> ArticleKeys:
    """The article's keys for related coverage, from `tokens_of`: the tokens its index was written with.

    A build passes the tokens it already has, so no text is analyzed twice (Kiwi costs
    as much as Whoosh's writer).
    """
    analyzed = [(text, list(tokens_of(text))) for text in (article.title, *article.paragraphs)]
    terms = Counter(term for _, tokens in analyzed for term in base_forms(tokens))
    return ArticleKeys(article.id, name_keys(analyzed), dict(terms))


def base_forms(tokens: Iterable[Token]) -> list[str]:
    """Each word's stems, or the word itself when it has none (grams left out): 의원들은 counts as 의원.

    A word and its stem counted both would make two articles sharing the stem look half as alike.
    """
    words: dict[int, str] = {}
    stems: dict[int, list[str]] = defaultdict(list)
    for token in tokens:
        if token.role == STEM:
            stems[token.pos].append(token.text)
        elif token.role != GRAM:
            words[token.pos] = token.text
    return [term for pos, word in words.items() for term in stems.pop(pos, [word])] + [
        term for found in stems.values() for term in found
    ]


def store_keys(db: sqlite3.Connection, keys: ArticleKeys) -> None:
    """Store an article's name keys and term counts."""
    db.executemany("INSERT INTO name_keys VALUES (?, ?)", [(key, keys.doc_id) for key in keys.name_keys])
    db.execute("INSERT INTO article_terms VALUES (?, ?)", (keys.doc_id, json.dumps(keys.terms, ensure_ascii=False)))


class KeyFile:
    """A build worker's own store of the keys it computed, merged into the alignment store at the end.

    Keys go to disk as they are made, so a build's memory does not grow with its corpus.
    """

    def __init__(self, path: Path):
        self.path = Path(path)
        self.db = sqlite3.connect(self.path)
        self.db.executescript(NAME_KEYS_SCHEMA)

    def add(self, keys: ArticleKeys) -> None:
        store_keys(self.db, keys)

    def close(self) -> Path:
        """Save and close; return the file's path for `LinkWriter.merge_keys`."""
        self.db.commit()
        self.db.close()
        return self.path
