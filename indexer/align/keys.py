"""An article's related-coverage keys (transliterated name keys, analyzed term counts), made from the tokens a
build already has, and a build worker's file of them."""

from __future__ import annotations

import json
import sqlite3
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from indexer.analysis import GRAM, STEM, WORD, Token
from indexer.analysis.names import SCRIPT_SAMPLE, is_written_name, name_keys
from indexer.documents import Article
from indexer.languages import dominant_script

NAME_KEYS_SCHEMA = """
CREATE TABLE IF NOT EXISTS name_keys (key TEXT, doc_id TEXT);
CREATE INDEX IF NOT EXISTS name_keys_key ON name_keys (key);
CREATE INDEX IF NOT EXISTS name_keys_doc ON name_keys (doc_id);
CREATE TABLE IF NOT EXISTS article_terms (doc_id TEXT PRIMARY KEY, terms TEXT);
CREATE TABLE IF NOT EXISTS article_names (doc_id TEXT PRIMARY KEY, names TEXT);
CREATE TABLE IF NOT EXISTS passage_terms (doc_id TEXT, paragraph INTEGER, terms TEXT, PRIMARY KEY (doc_id, paragraph));
"""
# The headline's number among an article's passage terms (its paragraphs count from 0).
HEADLINE = -1
# Separates the terms of a passage in the store: whitespace, which no term holds.
TERM_SEPARATOR = " "


@dataclass(frozen=True)
class ArticleKeys:
    """An article's transliterated name keys, its base forms (each word's stems, or the word) with their counts,
    each passage's base terms (headline first) for the bilingual lexicon (indexer.align.lexicon), and the names
    its Latin-script text writes (`written_names`), each with its base forms, for related coverage."""

    doc_id: str
    name_keys: frozenset[str]
    terms: dict[str, int]
    passage_terms: tuple[tuple[str, ...], ...] = ()
    names: dict[str, list[str]] = field(default_factory=dict)


def keys_of(article: Article, tokens_of: Callable[[str], Iterable[Token]]) -> ArticleKeys:
    """The article's keys for related coverage, from `tokens_of`: the tokens its index was written with.

    A build passes the tokens it already has, so no text is analyzed twice (Kiwi costs
    as much as Whoosh's writer).
    """
    analyzed = [(text, list(tokens_of(text))) for text in (article.title, *article.paragraphs)]
    forms = [base_forms(tokens) for _, tokens in analyzed]  # once per text: the counts and the passages read them
    terms = Counter(term for found in forms for term in found)
    latin = dominant_script("\n".join(text for text, _ in analyzed)[:SCRIPT_SAMPLE]) == "Latn"
    passages = tuple(
        base_terms(tokens, text if latin else None, found)
        for (text, tokens), found in zip(analyzed, forms, strict=True)
    )
    names = written_names(analyzed[1:]) if latin else {}
    return ArticleKeys(article.id, name_keys(analyzed), dict(terms), passages, names)


def written_names(analyzed: Iterable[tuple[str, list[Token]]]) -> dict[str, list[str]]:
    """The names Latin-script texts write (capitalized, not opening a sentence), each with its base forms.

    Given the paragraphs, not the headline: headlines capitalize every word (Police Arrest Man).

    >>> written_names([("He met Kanye West.", list(analyzer_for("en")("He met Kanye West.")))])
    {'Kanye': ['kany'], 'West': ['west']}
    """
    names: dict[str, list[str]] = {}
    for text, tokens in analyzed:
        at = {token.pos: token for token in tokens if token.role == WORD}
        stems: dict[int, list[str]] = defaultdict(list)
        for token in tokens:
            if token.role == STEM:
                stems[token.pos].append(token.text)
        for pos, word in at.items():
            if is_written_name(text, word) and not word.text.isdigit():
                names.setdefault(text[word.start : word.end], stems.get(pos) or [word.text])
    return names


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


def base_terms(tokens: list[Token], names_in: str | None = None, forms: list[str] | None = None) -> tuple[str, ...]:
    """A passage's distinct base forms less its numbers: what the lexicon pairs across languages. With
    `names_in` (the Latin-script text of the tokens), its capitalized words as written too (Sims beside
    sim): a name is matched in another script by its spelling. `forms`: the tokens' `base_forms`, when made already.

    >>> base_terms(list(analyzer_for("bn")("শিশুদের জন্য ২০১৯")))
    ('শিশু', 'জন্য')
    """
    terms = dict.fromkeys(term for term in (base_forms(tokens) if forms is None else forms) if not term.isdigit())
    if names_in is not None:
        terms.update(
            dict.fromkeys(t.text for t in tokens if t.role == WORD and names_in[t.start : t.start + 1].isupper())
        )
    return tuple(terms)


def store_keys(db: sqlite3.Connection, keys: ArticleKeys) -> None:
    """Store an article's name keys and term counts."""
    db.executemany("INSERT INTO name_keys VALUES (?, ?)", [(key, keys.doc_id) for key in keys.name_keys])
    db.execute("INSERT INTO article_terms VALUES (?, ?)", (keys.doc_id, json.dumps(keys.terms, ensure_ascii=False)))
    if keys.names:
        db.execute("INSERT INTO article_names VALUES (?, ?)", (keys.doc_id, json.dumps(keys.names, ensure_ascii=False)))
    db.executemany(
        "INSERT INTO passage_terms VALUES (?, ?, ?)",
        [
            (keys.doc_id, number, TERM_SEPARATOR.join(terms))
            for number, terms in enumerate(keys.passage_terms, HEADLINE)
        ],
    )


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
