"""The alignment store of a generation: article profiles, paragraph links and candidate translations.

One SQLite file at the top of the generation folder, written with the indexes and read by
searches, so a search never aligns anything. An update works on a copy (top-level files of
a generation are copied, never shared), realigning only the stories it touched.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

from indexer.align import (
    CANDIDATE_MIN_SHARED,
    LengthModel,
    Profile,
    Sentence,
    align_paragraphs,
    candidate_confidence,
    estimate_length_models,
    profile_of,
)
from indexer.analysis import GRAM, Token, analyzer_for
from indexer.documents import Article
from indexer.names import name_keys

STORE = "alignment.sqlite"
# Candidate translations shown per article, most likely first.
CANDIDATES_SHOWN = 5
# Anchors found in more articles than this say nothing about which two are translations.
MAX_ANCHOR_ARTICLES = 200

_SCHEMA = """
CREATE TABLE IF NOT EXISTS profiles (doc_id TEXT PRIMARY KEY, lang TEXT, grp TEXT, length INTEGER, profile TEXT);
CREATE INDEX IF NOT EXISTS profiles_group ON profiles (grp);
CREATE TABLE IF NOT EXISTS anchors (anchor TEXT, doc_id TEXT);
CREATE INDEX IF NOT EXISTS anchors_anchor ON anchors (anchor);
CREATE INDEX IF NOT EXISTS anchors_doc ON anchors (doc_id);
CREATE TABLE IF NOT EXISTS links (
    doc_id TEXT, paragraph INTEGER, grp TEXT, links TEXT, PRIMARY KEY (doc_id, paragraph)
);
CREATE INDEX IF NOT EXISTS links_group ON links (grp);
CREATE TABLE IF NOT EXISTS translations (doc_id TEXT, other_id TEXT, other_lang TEXT, grp TEXT, confidence REAL);
CREATE INDEX IF NOT EXISTS translations_doc ON translations (doc_id);
CREATE INDEX IF NOT EXISTS translations_group ON translations (grp);
CREATE TABLE IF NOT EXISTS candidates (doc_id TEXT, other_id TEXT, other_lang TEXT, confidence REAL);
CREATE INDEX IF NOT EXISTS candidates_doc ON candidates (doc_id);
CREATE INDEX IF NOT EXISTS candidates_other ON candidates (other_id);
"""


def _encode(profile: Profile) -> str:
    return json.dumps(
        [
            profile.published,
            sorted(profile.title_anchors),
            [[[s.length, sorted(s.anchors)] for s in p] for p in profile.paragraphs],
        ],
        ensure_ascii=False,
    )


def _decode(doc_id: str, lang: str, group: str, text: str) -> Profile:
    published, title_anchors, paragraphs = json.loads(text)
    return Profile(
        doc_id,
        lang,
        group,
        published,
        frozenset(title_anchors),
        tuple(tuple(Sentence(length, frozenset(anchors)) for length, anchors in p) for p in paragraphs),
    )


class LinkWriter:
    """Keeps a generation's alignment store in step with the articles written to and removed from it."""

    def __init__(self, generation: Path):
        self.db = sqlite3.connect(Path(generation) / STORE)
        self.db.executescript(_SCHEMA)
        self.db.executescript(NAME_KEYS_SCHEMA)
        self.stories: set[str] = set()  # groups to realign
        self.changed: set[str] = set()  # articles to look for candidate translations of

    def add(self, article: Article) -> None:
        """Record (or replace) an article's profile; its story, and the one it left, get realigned."""
        self.remove(article.id)
        profile = profile_of(article)
        self.db.execute(
            "INSERT INTO profiles VALUES (?, ?, ?, ?, ?)",
            (profile.id, profile.lang, profile.group, profile.length, _encode(profile)),
        )
        self.db.executemany(
            "INSERT INTO anchors VALUES (?, ?)", [(anchor, profile.id) for anchor in profile.candidate_anchors]
        )
        self.stories.add(profile.group)
        self.changed.add(profile.id)

    def add_keys(self, keys: ArticleKeys) -> None:
        """Store an article's related-coverage keys, computed where the article was analyzed (`keys_of`)."""
        store_keys(self.db, keys)

    def merge_keys(self, path: Path) -> None:
        """Take in the keys a build worker kept in its own KeyFile, then delete that file."""
        self.db.execute("ATTACH DATABASE ? AS worker", (str(path),))
        self.db.execute("INSERT INTO name_keys SELECT * FROM worker.name_keys")
        self.db.execute("INSERT INTO article_terms SELECT * FROM worker.article_terms")
        self.db.commit()
        self.db.execute("DETACH DATABASE worker")
        Path(path).unlink()

    def remove(self, doc_id: str) -> None:
        """Forget an article: its profile, anchors, links and candidacies; its story gets realigned."""
        row = self.db.execute("SELECT grp FROM profiles WHERE doc_id = ?", (doc_id,)).fetchone()
        if row is None:
            return
        self.stories.add(row[0])
        self.changed.discard(doc_id)
        for table in ("profiles", "anchors", "links", "translations", "candidates"):
            self.db.execute(f"DELETE FROM {table} WHERE doc_id = ?", (doc_id,))
        self.db.execute("DELETE FROM candidates WHERE other_id = ?", (doc_id,))
        self.db.execute("DELETE FROM name_keys WHERE doc_id = ?", (doc_id,))
        self.db.execute("DELETE FROM article_terms WHERE doc_id = ?", (doc_id,))

    def finish(self) -> None:
        """Realign every story touched, look for candidate translations of every article added, and save."""
        models = self._length_models()
        for group in sorted(self.stories):
            self._realign(group, models)
        self._find_candidates(models)
        self.db.commit()
        self.db.close()

    def close(self) -> None:
        """Drop the connection without saving (the generation is being discarded)."""
        self.db.close()

    def _length_models(self) -> dict[tuple[str, str], LengthModel]:
        stories = defaultdict(list)
        rows = self.db.execute(
            "SELECT grp, lang, length FROM profiles WHERE grp IN "
            "(SELECT grp FROM profiles GROUP BY grp HAVING COUNT(DISTINCT lang) > 1)"
        )
        for group, lang, length in rows:
            stories[group].append((lang, length))
        return estimate_length_models(stories.values())

    def _profiles(self, where: str, values: tuple) -> list[Profile]:
        rows = self.db.execute(f"SELECT doc_id, lang, grp, profile FROM profiles WHERE {where}", values)
        return [_decode(*row) for row in rows]

    def _realign(self, group: str, models: dict[tuple[str, str], LengthModel]) -> None:
        self.db.execute("DELETE FROM links WHERE grp = ?", (group,))
        self.db.execute("DELETE FROM translations WHERE grp = ?", (group,))
        members = sorted(self._profiles("grp = ?", (group,)), key=lambda p: (p.lang, p.id))
        links: dict[tuple[str, int], list[dict]] = defaultdict(list)
        for source, target in combinations(members, 2):
            both_ways = align_paragraphs(source, target, models.get((source.lang, target.lang)))
            for one, other, paragraphs in ((source, target, both_ways[0]), (target, source, both_ways[1])):
                for number, found in enumerate(paragraphs):
                    entry = {"doc_id": other.id, "lang": other.lang, "indexes": list(found.indexes)}
                    links[one.id, number].append({**entry, "confidence": found.confidence})
                self.db.execute(
                    "INSERT INTO translations VALUES (?, ?, ?, ?, ?)",
                    (one.id, other.id, other.lang, group, _story_confidence(one, paragraphs)),
                )
        self.db.executemany(
            "INSERT INTO links VALUES (?, ?, ?, ?)",
            [
                (doc_id, number, group, json.dumps(sorted(entries, key=lambda e: -e["confidence"]), ensure_ascii=False))
                for (doc_id, number), entries in links.items()
            ],
        )

    def _find_candidates(self, models: dict[tuple[str, str], LengthModel]) -> None:
        """Score the articles sharing telling anchors with each changed one, found through the anchor index."""
        scored: set[tuple[str, str]] = set()
        cache: dict[str, Profile] = {}
        for doc_id in sorted(self.changed):
            profile = self._cached_profile(doc_id, cache)
            for other_id in self._sharing_anchors(profile):
                pair = (min(doc_id, other_id), max(doc_id, other_id))
                if pair in scored:
                    continue
                scored.add(pair)
                other = self._cached_profile(other_id, cache)
                confidence = candidate_confidence(profile, other, models.get((profile.lang, other.lang)))
                if confidence > 0:
                    self.db.executemany(
                        "INSERT INTO candidates VALUES (?, ?, ?, ?)",
                        [
                            (profile.id, other.id, other.lang, confidence),
                            (other.id, profile.id, profile.lang, confidence),
                        ],
                    )

    def _cached_profile(self, doc_id: str, cache: dict[str, Profile]) -> Profile:
        if doc_id not in cache:
            cache[doc_id] = self._profiles("doc_id = ?", (doc_id,))[0]
        return cache[doc_id]

    def _sharing_anchors(self, profile: Profile) -> list[str]:
        """Articles of other stories and languages sharing enough anchors that few articles have."""
        rows = self.db.execute(
            "SELECT other.doc_id FROM anchors mine "
            "JOIN anchors other ON other.anchor = mine.anchor "
            "JOIN profiles ON profiles.doc_id = other.doc_id "
            "WHERE mine.doc_id = ? AND profiles.grp != ? AND profiles.lang != ? "
            "AND (SELECT COUNT(*) FROM anchors every WHERE every.anchor = mine.anchor) <= ? "
            "GROUP BY other.doc_id HAVING COUNT(*) >= ?",
            (profile.id, profile.group, profile.lang, MAX_ANCHOR_ARTICLES, CANDIDATE_MIN_SHARED),
        )
        return [row[0] for row in rows]


def _story_confidence(profile: Profile, paragraphs: list) -> float:
    """How well an article aligns with one translation: its paragraphs' confidences, weighted by length."""
    lengths = profile.paragraph_lengths
    total = sum(lengths)
    if not total:
        return 0.0
    return round(sum(length * found.confidence for length, found in zip(lengths, paragraphs, strict=True)) / total, 3)


class LinkReader:
    """Reads a served generation's alignment store; a generation without one has no links."""

    def __init__(self, generation: Path):
        self.path = Path(generation) / STORE
        self._opened = threading.local()  # each thread's connection, kept: sqlite3 connections stay in their thread

    def _query(self, sql: str, values: tuple) -> list[tuple]:
        db = getattr(self._opened, "db", None)
        if db is None:
            if not self.path.exists():
                return []
            db = self._opened.db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True)
        return db.execute(sql, values).fetchall()

    def paragraph_links(self, doc_id: str) -> dict[int, list[dict]]:
        """Each paragraph's links into every translation, strongest first."""
        rows = self._query("SELECT paragraph, links FROM links WHERE doc_id = ?", (doc_id,))
        return {number: json.loads(text) for number, text in rows}

    def passage_links(self, doc_id: str, paragraph: int) -> dict[str, list[int]]:
        """One paragraph's linked paragraphs, by translation."""
        rows = self._query("SELECT links FROM links WHERE doc_id = ? AND paragraph = ?", (doc_id, paragraph))
        return {link["doc_id"]: link["indexes"] for row in rows for link in json.loads(row[0])}

    def translations(self, doc_id: str) -> list[dict]:
        """The article's translations, best aligned first."""
        rows = self._query(
            "SELECT other_id, other_lang, confidence FROM translations WHERE doc_id = ? "
            "ORDER BY confidence DESC, other_lang, other_id",
            (doc_id,),
        )
        return [{"doc_id": other, "lang": lang, "confidence": confidence} for other, lang, confidence in rows]

    def candidates(self, doc_id: str) -> list[dict]:
        """Articles outside the story that look like translations of it, most likely first."""
        rows = self._query(
            "SELECT other_id, other_lang, confidence FROM candidates WHERE doc_id = ? "
            "ORDER BY confidence DESC, other_id LIMIT ?",
            (doc_id, CANDIDATES_SHOWN),
        )
        return [{"doc_id": other, "lang": lang, "confidence": confidence} for other, lang, confidence in rows]


# Related coverage (indexer/related.py): each article's name keys and analyzed terms, from one analysis at build time.

NAME_KEYS_SCHEMA = """
CREATE TABLE IF NOT EXISTS name_keys (key TEXT, doc_id TEXT);
CREATE INDEX IF NOT EXISTS name_keys_key ON name_keys (key);
CREATE INDEX IF NOT EXISTS name_keys_doc ON name_keys (doc_id);
CREATE TABLE IF NOT EXISTS article_terms (doc_id TEXT PRIMARY KEY, terms TEXT);
"""


@dataclass(frozen=True)
class ArticleKeys:
    """An article's transliterated name keys and its terms (grams left out) with their counts."""

    doc_id: str
    name_keys: frozenset[str]
    terms: dict[str, int]


def keys_of(article: Article, tokens_of: Callable[[str], Iterable[Token]] | None = None) -> ArticleKeys:
    """The article's keys for related coverage, from `tokens_of` (the tokens its index was written with).

    A build passes the tokens it already has, so no text is analyzed twice (Kiwi costs
    as much as Whoosh's writer); without them the article is analyzed here.
    """
    tokens_of = tokens_of or analyzer_for(article.lang)
    analyzed = [(text, list(tokens_of(text))) for text in (article.title, *article.paragraphs)]
    terms = Counter(token.text for _, tokens in analyzed for token in tokens if token.role != GRAM)
    return ArticleKeys(article.id, name_keys(analyzed), dict(terms))


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


class KeyReader(LinkReader):
    """Reads the keys (anchors and name keys) and terms of a served generation's articles.

    A generation built before these tables existed reads as having none.
    """

    def all_keys(self) -> list[tuple[str, str]]:
        """Every (key, doc_id) of anchors and name keys: what the weights of keys and articles come from."""
        return self._rows("SELECT anchor, doc_id FROM anchors") + self._rows("SELECT key, doc_id FROM name_keys")

    def term_counts(self, doc_id: str) -> dict[str, int]:
        """The article's analyzed terms and how often each occurs; empty when unknown."""
        rows = self._rows("SELECT terms FROM article_terms WHERE doc_id = ?", (doc_id,))
        return json.loads(rows[0][0]) if rows else {}

    def _rows(self, sql: str, values: tuple = ()) -> list[tuple]:
        try:
            return self._query(sql, values)
        except sqlite3.OperationalError:  # no such table
            return []
