"""The alignment store of a generation: article profiles, paragraph links and candidate translations.

One SQLite file at the top of the generation folder, written with the indexes and read by
searches, so a search never aligns anything. An update works on a copy (top-level files of
a generation are copied, never shared), realigning only the stories it touched.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections import defaultdict
from functools import lru_cache
from itertools import combinations
from pathlib import Path

from indexer.align.candidates import (
    CANDIDATE_MIN_OVERLAP,
    CANDIDATE_MIN_SHARED,
    CandidateProfile,
    candidate_confidence,
    plausible_candidate,
)
from indexer.align.keys import NAME_KEYS_SCHEMA, ArticleKeys, store_keys
from indexer.align.paragraphs import LengthModel, align_paragraphs, alignment_confidence, estimate_length_models
from indexer.align.profiles import Profile, Sentence, profile_of
from indexer.documents import Article
from indexer.generations import IndexDirError, ReadOnlyFile

STORE = "alignment.sqlite"
_log = logging.getLogger(__name__)


class StoreUnreadable(IndexDirError):
    """The alignment store exists but cannot be read (locked, corrupt): the service answers 503, never a
    silently empty list of translations or related stories."""


# Anchors found in more articles than this say nothing about which two are translations.
MAX_ANCHOR_ARTICLES = 200

_SCHEMA = """
CREATE TABLE IF NOT EXISTS profiles (doc_id TEXT PRIMARY KEY, lang TEXT, grp TEXT, length INTEGER, profile TEXT);
CREATE INDEX IF NOT EXISTS profiles_members ON profiles (grp, lang, doc_id);
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
# A writer's work in progress, in temporary tables so that its memory does not grow with the corpus:
# the stories to realign; the articles to look for candidates of, as candidate search reads them
# (`CandidateProfile`, anchors joined by _ANCHOR_SEPARATOR); which articles have anchors few others have, how many.
_PENDING_SCHEMA = """
CREATE TEMP TABLE stories (grp TEXT PRIMARY KEY) WITHOUT ROWID;
CREATE TEMP TABLE changed (
    doc_id TEXT PRIMARY KEY, lang TEXT, grp TEXT, published TEXT, length INTEGER, anchors TEXT
) WITHOUT ROWID;
CREATE TEMP TABLE telling (anchor TEXT, doc_id TEXT, PRIMARY KEY (anchor, doc_id)) WITHOUT ROWID;
CREATE TEMP TABLE telling_counts (doc_id TEXT PRIMARY KEY, anchors INTEGER) WITHOUT ROWID;
"""
_ANCHOR_SEPARATOR = "\x1f"  # whitespace: no anchor holds one


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
        self.db.executescript(_PENDING_SCHEMA)
        self._decoded: dict[str, Profile] = {}

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
        self.db.execute("INSERT OR IGNORE INTO stories VALUES (?)", (profile.group,))
        self.db.execute(
            "INSERT INTO changed VALUES (?, ?, ?, ?, ?, ?)",
            (
                profile.id,
                profile.lang,
                profile.group,
                profile.published,
                profile.length,
                _ANCHOR_SEPARATOR.join(profile.candidate_anchors),
            ),
        )

    def add_keys(self, keys: ArticleKeys) -> None:
        """Store an article's related-coverage keys, computed where the article was analyzed (`keys_of`)."""
        store_keys(self.db, keys)

    def merge_keys(self, path: Path) -> None:
        """Take in the keys a build worker kept in its own KeyFile, then delete that file."""
        self.db.execute("ATTACH DATABASE ? AS worker", (str(path),))
        self.db.execute("INSERT INTO name_keys SELECT * FROM worker.name_keys")
        self.db.execute("INSERT INTO article_terms SELECT * FROM worker.article_terms")
        self.db.execute("INSERT INTO article_names SELECT * FROM worker.article_names")
        self.db.execute("INSERT INTO passage_terms SELECT * FROM worker.passage_terms")
        self.db.commit()
        self.db.execute("DETACH DATABASE worker")
        Path(path).unlink()

    def remove(self, doc_id: str) -> None:
        """Forget an article: its profile, anchors, links and candidacies; its story gets realigned."""
        row = self.db.execute("SELECT grp FROM profiles WHERE doc_id = ?", (doc_id,)).fetchone()
        if row is None:
            return
        self.db.execute("INSERT OR IGNORE INTO stories VALUES (?)", (row[0],))
        for table in ("profiles", "anchors", "links", "translations", "candidates", "changed"):
            self.db.execute(f"DELETE FROM {table} WHERE doc_id = ?", (doc_id,))
        self.db.execute("DELETE FROM candidates WHERE other_id = ?", (doc_id,))
        self.db.execute("DELETE FROM name_keys WHERE doc_id = ?", (doc_id,))
        self.db.execute("DELETE FROM article_terms WHERE doc_id = ?", (doc_id,))
        self.db.execute("DELETE FROM article_names WHERE doc_id = ?", (doc_id,))
        self.db.execute("DELETE FROM passage_terms WHERE doc_id = ?", (doc_id,))
        self._requeue_candidates(row[0])

    def _requeue_candidates(self, group: str) -> None:
        """Look again for candidates of a story that lost an article: its language may now be open to them."""
        members = [doc_id for (doc_id,) in self.db.execute("SELECT doc_id FROM profiles WHERE grp = ?", (group,))]
        for member in members:
            self.db.execute("DELETE FROM candidates WHERE doc_id = ? OR other_id = ?", (member, member))
        self.db.executemany(
            "INSERT OR IGNORE INTO changed SELECT doc_id, lang, grp, json_extract(profile, '$[0]'), length, "
            "(SELECT group_concat(anchor, ?) FROM anchors WHERE anchors.doc_id = profiles.doc_id) "
            "FROM profiles WHERE doc_id = ?",
            [(_ANCHOR_SEPARATOR, member) for member in members],
        )

    def align(self) -> None:
        """Realign every story touched and look for candidate translations of every article added.

        A build calls it as soon as every article is read, while its workers are still writing.
        """
        models = self._length_models()
        for (group,) in self.db.execute("SELECT grp FROM stories ORDER BY grp"):
            self._realign(group, models)
        self._find_candidates(models)

    def save(self) -> None:
        """Commit and close the store."""
        self.db.commit()
        self.db.close()

    def finish(self) -> None:
        """Align, then save: for a writer with nothing else to wait for."""
        self.align()
        self.save()

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

    def _profile(self, doc_id: str) -> Profile:
        """One article's profile, decoded once per writer: candidate search reads the same ones again and again."""
        if doc_id not in self._decoded:
            self._decoded[doc_id] = self._profiles("doc_id = ?", (doc_id,))[0]
        return self._decoded[doc_id]

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
                    (one.id, other.id, other.lang, group, alignment_confidence(one, paragraphs)),
                )
        self.db.executemany(
            "INSERT INTO links VALUES (?, ?, ?, ?)",
            [
                (doc_id, number, group, json.dumps(sorted(entries, key=lambda e: -e["confidence"]), ensure_ascii=False))
                for (doc_id, number), entries in links.items()
            ],
        )

    def _find_candidates(self, models: dict[tuple[str, str], LengthModel]) -> None:
        """Score the articles sharing telling anchors with each changed one, each pair once.

        Which anchors tell is counted once for all (not per article and anchor), so each
        article's search reads at most MAX_ANCHOR_ARTICLES articles per anchor it has.
        """
        self.db.execute(
            "INSERT INTO telling SELECT anchor, doc_id FROM anchors WHERE anchor IN "
            "(SELECT anchor FROM anchors GROUP BY anchor HAVING COUNT(*) <= ?)",
            (MAX_ANCHOR_ARTICLES,),
        )
        self.db.execute("INSERT INTO telling_counts SELECT doc_id, COUNT(*) FROM telling GROUP BY doc_id")
        complete = self._stories_in_every_language()
        for source in map(_candidate_profile, self.db.execute("SELECT * FROM changed ORDER BY doc_id")):
            if source.group in complete:  # a candidate must be in a language its story lacks: it lacks none
                continue
            plausible = [
                o for o in self._sharing_anchors(source) if plausible_candidate(source, o, models.get(_pair(source, o)))
            ]
            if not plausible:
                continue
            profile = self._profiles("doc_id = ?", (source.id,))[0]
            for other in plausible:
                # Aligned in the order of their ids, so that an update scores a pair as a fresh build does.
                first, second = sorted((profile, self._profile(other.id)), key=lambda p: p.id)
                confidence = candidate_confidence(first, second, models.get((first.lang, second.lang)))
                if confidence > 0:
                    self.db.executemany(
                        "INSERT INTO candidates VALUES (?, ?, ?, ?)",
                        [
                            (source.id, other.id, other.lang, confidence),
                            (other.id, source.id, source.lang, confidence),
                        ],
                    )

    def _stories_in_every_language(self) -> set[str]:
        """The stories with an article in every language the store holds."""
        rows = self.db.execute(
            "SELECT grp FROM profiles GROUP BY grp "
            "HAVING COUNT(DISTINCT lang) = (SELECT COUNT(DISTINCT lang) FROM profiles)"
        )
        return {group for (group,) in rows}

    def _sharing_anchors(self, source: CandidateProfile) -> list[CandidateProfile]:
        """Articles worth aligning with `source`: sharing enough telling anchors, in a language neither story has.

        Enough is CANDIDATE_MIN_SHARED, or CANDIDATE_MIN_OVERLAP of the telling anchors of the one with fewer
        (a short article has one or two). Two changed articles are scored once, from the first by id; an
        article left unchanged is read from its stored profile.
        """
        rows = self.db.execute(
            "SELECT p.doc_id, p.lang, p.grp, coalesce(c.published, json_extract(p.profile, '$[0]')), p.length, "
            "coalesce(c.anchors, (SELECT group_concat(anchor, ?) FROM anchors WHERE anchors.doc_id = p.doc_id)) "
            "FROM (SELECT other.doc_id, COUNT(*) AS shared FROM anchors mine JOIN telling other USING (anchor) "
            "WHERE mine.doc_id = ? GROUP BY other.doc_id) found "
            "JOIN telling_counts theirs USING (doc_id) JOIN profiles p USING (doc_id) "
            "LEFT JOIN changed c USING (doc_id) "
            "WHERE (found.shared >= ? OR found.shared >= ? * min(theirs.anchors, "
            "(SELECT anchors FROM telling_counts WHERE doc_id = ?))) "
            "AND p.lang NOT IN (SELECT lang FROM profiles WHERE grp = ?) "
            "AND ? NOT IN (SELECT lang FROM profiles WHERE grp = p.grp) AND (p.doc_id > ? OR c.doc_id IS NULL)",
            (
                _ANCHOR_SEPARATOR,
                source.id,
                CANDIDATE_MIN_SHARED,
                CANDIDATE_MIN_OVERLAP,
                source.id,
                source.group,
                source.lang,
                source.id,
            ),
        )
        return [_candidate_profile(row) for row in rows]


def _pair(source: CandidateProfile, other: CandidateProfile) -> tuple[str, str]:
    return source.lang, other.lang


def _candidate_profile(row: tuple) -> CandidateProfile:
    doc_id, lang, group, published, length, anchors = row
    return CandidateProfile(
        doc_id, lang, group, published, length, frozenset(anchors.split(_ANCHOR_SEPARATOR) if anchors else ())
    )


@lru_cache(maxsize=64)
def _warn_missing(path: Path) -> None:
    """Say once per store that a generation has none (every reader of it would)."""
    _log.warning("%s is missing: translations, links and related coverage are empty", path)


class LinkReader:
    """Reads a served generation's alignment store; a generation without one has no links, and says so once."""

    def __init__(self, generation: Path):
        self.file = ReadOnlyFile(Path(generation) / STORE)
        self.path, self.missing = self.file.path, self.file.missing
        if self.missing:
            _warn_missing(self.path)

    def _query(self, sql: str, values: tuple) -> list[tuple]:
        """The rows of a query; none for a missing store or a table older generations lack, StoreUnreadable else."""
        if self.missing:
            return []
        try:
            return self.file.rows(sql, values)
        except sqlite3.DatabaseError as error:  # locked, corrupt, not a database; or an older generation's
            if str(error).startswith("no such table"):
                return []
            _log.error("alignment store %s: %s", self.path, error)
            raise StoreUnreadable(f"the alignment store of this index cannot be read ({error})") from error

    def paragraph_links(self, doc_id: str) -> dict[int, list[dict]]:
        """Each paragraph's links into every translation, strongest first."""
        rows = self._query("SELECT paragraph, links FROM links WHERE doc_id = ?", (doc_id,))
        return {number: json.loads(text) for number, text in rows}

    def groups_members(self, groups: list[str]) -> dict[str, list[tuple[str, str]]]:
        """Every article of each translation group, as (doc_id, lang), by language and id: one query for a page."""
        members: dict[str, list[tuple[str, str]]] = {group: [] for group in groups}
        if groups:
            marks = ", ".join("?" * len(members))
            # In the order of profiles_members, which holds the columns asked: no table row read, nothing sorted.
            sql = f"SELECT grp, doc_id, lang FROM profiles WHERE grp IN ({marks}) ORDER BY grp, lang, doc_id"
            for group, doc_id, lang in self._query(sql, tuple(members)):
                members[group].append((doc_id, lang))
        return members

    def passages_links(self, passages: list[tuple[str, int]]) -> dict[tuple[str, int], dict[str, list[int]]]:
        """Each (doc_id, paragraph)'s linked paragraphs, by translation: passage_links for a page, in one query."""
        wanted = list(dict.fromkeys(passages))
        found: dict[tuple[str, int], dict[str, list[int]]] = {passage: {} for passage in wanted}
        if wanted:
            pairs = " OR ".join("(doc_id = ? AND paragraph = ?)" for _ in wanted)  # by the key: IN (VALUES) scans
            sql = f"SELECT doc_id, paragraph, links FROM links WHERE {pairs}"
            for doc_id, paragraph, text in self._query(sql, tuple(value for passage in wanted for value in passage)):
                found[doc_id, paragraph].update((link["doc_id"], link["indexes"]) for link in json.loads(text))
        return found

    def translations(self, doc_id: str) -> list[dict]:
        """The article's translations, best aligned first."""
        rows = self._query(
            "SELECT other_id, other_lang, confidence FROM translations WHERE doc_id = ? "
            "ORDER BY confidence DESC, other_lang, other_id",
            (doc_id,),
        )
        return [{"doc_id": other, "lang": lang, "confidence": confidence} for other, lang, confidence in rows]

    def candidates(self, doc_id: str) -> list[dict]:
        """Articles outside the story that look like translations of it: the likeliest one per language, best first.

        None in a language the article's story already has, nor one whose own story has the article's language.
        """
        rows = self._query(
            "SELECT c.other_id, c.other_lang, max(c.confidence) FROM candidates c "
            "JOIN profiles mine ON mine.doc_id = c.doc_id JOIN profiles theirs ON theirs.doc_id = c.other_id "
            "WHERE c.doc_id = ? "
            "AND c.other_lang NOT IN (SELECT lang FROM profiles WHERE grp = mine.grp) "
            "AND mine.lang NOT IN (SELECT lang FROM profiles WHERE grp = theirs.grp) "
            "GROUP BY c.other_lang ORDER BY max(c.confidence) DESC, c.other_lang",
            (doc_id,),
        )
        return [{"doc_id": other, "lang": lang, "confidence": confidence} for other, lang, confidence in rows]


class KeyReader(LinkReader):
    """Reads the keys (anchors and name keys) and terms of a served generation's articles.

    A generation built before these tables existed reads as having none.
    """

    def all_keys(self) -> list[tuple[str, str]]:
        """Every (key, doc_id) of anchors and name keys: what the weights of keys and articles come from."""
        return self._query("SELECT anchor, doc_id FROM anchors", ()) + self._query(
            "SELECT key, doc_id FROM name_keys", ()
        )

    def written_names(self, doc_id: str) -> dict[str, list[str]]:
        """The names the article's Latin-script text writes, each with its base forms; empty when none or unknown."""
        rows = self._query("SELECT names FROM article_names WHERE doc_id = ?", (doc_id,))
        return json.loads(rows[0][0]) if rows else {}

    def term_counts(self, doc_id: str) -> dict[str, int]:
        """The article's analyzed terms and how often each occurs; empty when unknown."""
        rows = self._query("SELECT terms FROM article_terms WHERE doc_id = ?", (doc_id,))
        return json.loads(rows[0][0]) if rows else {}
