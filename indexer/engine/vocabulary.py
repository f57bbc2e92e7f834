"""Each language's vocabulary of surface words, with how many articles hold each: what the search box completes
and corrects from.

One SQLite file per language at the top of a generation (`vocabulary-<lang>.sqlite`; a
generation's top files are copied, not linked, so an update never reaches the served one).
A build writes it from the tokens it indexes, so nothing is analyzed twice; `add` and
`remove` update it through each article's stored word list. Each word is kept with
the keys it is looked up by: as typed (Hangul as 2-set keystrokes), its initials
(초성), and its sound (indexer.analysis.spelling), with that sound's one-deletion
neighbours for corrections one slip away.
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
import threading
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path

from indexer.analysis import STEM, WORD, Token
from indexer.analysis.hangul import initials, is_initials, keystrokes
from indexer.analysis.spelling import (
    MIN_TWO_EDIT_LENGTH,
    allows_two_edits,
    deletions,
    one_edit_apart,
    romanized_key,
    similarity,
    sound,
    within_two_edits,
)
from indexer.documents import Article
from indexer.engine.phrases import PHRASE_SCHEMA, apply_phrase_changes, listed_phrases, phrase_completions, text_phrases
from indexer.generations import ReadOnlyFile, per_index_set

FILE_PATTERN = "vocabulary-{}.sqlite"
# Words shorter than this (in characters) are kept out: single letters complete and correct to anything.
MIN_WORD_LENGTH = 2
# A sound shorter than this gets no neighbours: one edit away from a short word is too many other words
# (মোড়ে → মারে, মেরে, জোরে on the judged question set).
MIN_CORRECTED_SOUND = 5
# Completions of one prefix ranked at most (in key order): bounds the cost of a one-letter prefix.
MAX_SCANNED = 5000
# Where the Latin script's letters end (before IPA) and where Latin Extended Additional lies: a sound starting
# in these ranges is a Latin word, which may be corrected two edits away.
_LATIN_SOUNDS = "unicode(sound) < 0x250 OR unicode(sound) BETWEEN 0x1e00 AND 0x1eff"
_LETTER = re.compile(r"[^\W\d_]")
_LAST = "\U0010ffff"

SCHEMA = """
CREATE TABLE IF NOT EXISTS words (
    id INTEGER PRIMARY KEY, word TEXT NOT NULL UNIQUE, articles INTEGER NOT NULL,
    typed TEXT NOT NULL, initials TEXT NOT NULL, sound TEXT NOT NULL, romanized TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS words_typed ON words (typed);
CREATE INDEX IF NOT EXISTS words_initials ON words (initials);
CREATE INDEX IF NOT EXISTS words_sound ON words (sound);
CREATE INDEX IF NOT EXISTS words_romanized ON words (romanized) WHERE romanized != '';
CREATE TABLE IF NOT EXISTS neighbours (
    variant INTEGER NOT NULL, word INTEGER NOT NULL, PRIMARY KEY (variant, word)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS endings (ending TEXT PRIMARY KEY, articles INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS article_words (doc_id TEXT PRIMARY KEY, words TEXT NOT NULL);
"""


def typed_form(lang: str, text: str) -> str:
    """How a reader's keys spell `text`: Hangul as its 2-set keystrokes, anything else as it is."""
    return keystrokes(text) if lang == "ko" else text


def article_words(lang: str, analyzed: Iterable[list[Token]]) -> tuple[set[str], set[str]]:
    """The surface words of an article's analyzed texts, and its endings; for Korean each eojeol's nominal part
    (사회복지센터 of 사회복지센터에서, spelled by the stems that begin it) is a word too, and what follows it
    (에서) an ending."""
    words, endings = set(), set()
    for tokens in analyzed:
        by_position: dict[int, list[Token]] = {}
        for token in tokens:
            by_position.setdefault(token.pos, []).append(token)
        for group in by_position.values():
            surface = [t.text for t in group if t.role == WORD]
            words.update(surface)
            if lang == "ko" and surface:
                part = nominal_part(surface[0], [t.text for t in group if t.role == STEM])
                words.add(part)
                if part:
                    endings.add(surface[0][len(part) :])
    return {word for word in words if is_word(word)}, endings - {""}


def is_word(text: str) -> bool:
    """Whether the vocabulary keeps `text`: MIN_WORD_LENGTH characters or more, a letter among them."""
    return len(text) >= MIN_WORD_LENGTH and _LETTER.search(text) is not None


def nominal_part(word: str, stems: list[str]) -> str:
    """The longest start of `word` spelled by its stems in order (사회 + 복지 + 센터 of 사회복지센터에서)."""
    part = ""
    for stem in stems:
        if not word.startswith(part + stem):
            break
        part += stem
    return part


class VocabularyWriter:
    """Keeps a generation's vocabularies up to date while its indexes are written; counts are applied at commit.

    Each language is written by one process at a time (a parallel build gives each language to one worker).
    """

    def __init__(self, generation: Path):
        self.generation = Path(generation)
        self._dbs: dict[str, sqlite3.Connection] = {}
        self._changes: dict[str, Counter] = {}
        self._endings: dict[str, Counter] = {}
        self._phrases: dict[str, Counter] = {}

    def add(self, article: Article, tokens_of: Callable[[str], list[Token]]) -> None:
        """Count the article's words and phrases (from the tokens its passages were indexed with), replacing any
        it had."""
        lang = article.lang
        analyzed = [(text, tokens_of(text)) for text in (article.title, *article.paragraphs)]
        words, endings = article_words(lang, (tokens for _, tokens in analyzed))
        phrases = set().union(*(text_phrases(lang, text, tokens, is_word, nominal_part) for text, tokens in analyzed))
        self._count(lang, article.id, {"words": sorted(words), "endings": sorted(endings), "phrases": sorted(phrases)})

    def merge(self, lang: str, path: Path) -> None:
        """Count every article another writer listed in `path` (a shard's vocabulary), then delete that file."""
        source = sqlite3.connect(path)
        try:
            for doc_id, listed in source.execute("SELECT doc_id, words FROM article_words"):
                self._count(lang, doc_id, json.loads(listed))
        finally:
            source.close()
        Path(path).unlink()

    def _count(self, lang: str, doc_id: str, listed: dict) -> None:
        self._forget(lang, doc_id)
        self._db(lang).execute(
            "INSERT INTO article_words VALUES (?, ?)", (doc_id, json.dumps(listed, ensure_ascii=False))
        )
        self._changes[lang].update(listed["words"])
        self._endings[lang].update(listed["endings"])
        self._phrases[lang].update(listed_phrases(listed))

    def remove(self, doc_id: str) -> None:
        """Uncount a removed article's words, in whichever language holds it."""
        for lang in self._languages():
            self._forget(lang, doc_id)

    def commit(self) -> None:
        """Apply the counted changes and save every language's file."""
        for lang, db in self._dbs.items():
            for word, change in self._changes[lang].items():
                if change:
                    _apply(db, lang, word, change)
            for ending, change in self._endings[lang].items():
                if change:
                    db.execute("INSERT OR IGNORE INTO endings VALUES (?, 0)", (ending,))
                    db.execute("UPDATE endings SET articles = articles + ? WHERE ending = ?", (change, ending))
            db.execute("DELETE FROM endings WHERE articles <= 0")
            apply_phrase_changes(db, self._phrases[lang], lambda phrase, lang=lang: typed_form(lang, phrase))
            db.commit()
        self.close()

    def save_lists(self) -> None:
        """Save only each article's word list, for another writer to `merge` (a shard's file): the counts,
        sounds and neighbours of its words are made there, once."""
        for db in self._dbs.values():
            db.commit()
        self.close()

    def close(self) -> None:
        """Close the files; what was not committed is lost with the generation being written."""
        for db in self._dbs.values():
            db.close()
        self._dbs.clear()

    def _forget(self, lang: str, doc_id: str) -> None:
        db = self._db(lang)
        row = db.execute("SELECT words FROM article_words WHERE doc_id = ?", (doc_id,)).fetchone()
        if row:
            db.execute("DELETE FROM article_words WHERE doc_id = ?", (doc_id,))
            listed = json.loads(row[0])
            self._changes[lang].subtract(listed["words"])
            self._endings[lang].subtract(listed["endings"])
            self._phrases[lang].subtract(listed_phrases(listed))

    def _languages(self) -> list[str]:
        on_disk = {
            path.name[len("vocabulary-") : -len(".sqlite")] for path in self.generation.glob(FILE_PATTERN.format("*"))
        }
        return sorted(on_disk | set(self._dbs))

    def _db(self, lang: str) -> sqlite3.Connection:
        if lang not in self._dbs:
            self._dbs[lang] = sqlite3.connect(self.generation / FILE_PATTERN.format(lang))
            # No journal, no syncs: a failed write discards its whole generation, and publishing syncs every file.
            self._dbs[lang].executescript(
                "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;" + SCHEMA + PHRASE_SCHEMA
            )
            self._changes[lang] = Counter()
            self._endings[lang] = Counter()
            self._phrases[lang] = Counter()
        return self._dbs[lang]


def _apply(db: sqlite3.Connection, lang: str, word: str, change: int) -> None:
    """Change one word's article count, adding or dropping the word and its neighbours as it appears or goes."""
    row = db.execute("SELECT id, articles FROM words WHERE word = ?", (word,)).fetchone()
    count = (row[1] if row else 0) + change
    key = sound(lang, word)
    if row and count > 0:
        db.execute("UPDATE words SET articles = ? WHERE id = ?", (count, row[0]))
    elif row:
        db.execute("DELETE FROM words WHERE id = ?", (row[0],))
        db.executemany("DELETE FROM neighbours WHERE variant = ? AND word = ?", _neighbour_rows(key, row[0]))
    elif count > 0:
        added = db.execute(
            "INSERT INTO words (word, articles, typed, initials, sound, romanized) VALUES (?, ?, ?, ?, ?, ?)",
            (word, count, typed_form(lang, word), initials(word), key, romanized_key(word) if lang == "bn" else ""),
        )
        db.executemany("INSERT OR IGNORE INTO neighbours VALUES (?, ?)", _neighbour_rows(key, added.lastrowid))


def _neighbour_rows(key: str, word_id: int) -> list[tuple[int, int]]:
    """A word's rows in the neighbours table: each one-deletion variant of its sound, as a hash, and its id."""
    return [(variant_hash(variant), word_id) for variant in deletions(key)] if len(key) >= MIN_CORRECTED_SOUND else []


def variant_hash(variant: str) -> int:
    """A variant as a signed 64-bit integer: a small key, and a collision only adds a candidate that is checked."""
    return int.from_bytes(hashlib.blake2b(variant.encode(), digest_size=8).digest(), "big", signed=True)


class VocabularyReader:
    """A served generation's vocabularies, read-only; each thread its own connection per language (no lock: every
    keystroke's suggestions and every query word's check read them)."""

    def __init__(self, generation: Path):
        self._files = {
            path.name[len("vocabulary-") : -len(".sqlite")]: ReadOnlyFile(path)
            for path in sorted(Path(generation).glob(FILE_PATTERN.format("*")))
        }
        self._latin: dict[str, tuple[list[str], list[tuple[str, int]]]] = {}
        self._latin_lock = threading.Lock()
        self._article_counts: dict[str, int] = {}
        self._with_phrases: dict[str, bool] = {}

    @property
    def languages(self) -> list[str]:
        """The languages with a vocabulary."""
        return sorted(self._files)

    def _rows(self, lang: str, sql: str, parameters: tuple) -> list[tuple]:
        found = self._files.get(lang)
        return found.rows(sql, parameters) if found is not None else []

    def completions(self, lang: str, typed: str, limit: int) -> list[tuple[str, int]]:
        """The words whose typed form begins with `typed`, most articles first, as (word, articles)."""
        column = "initials" if lang == "ko" and is_initials(typed) else "typed"
        rows = self._rows(
            lang,
            f"SELECT word, articles FROM (SELECT word, articles FROM words WHERE {column} >= ? AND {column} < ? "
            f"LIMIT {MAX_SCANNED}) ORDER BY articles DESC, length(word), word LIMIT ?",
            (typed, typed + _LAST, limit),
        )
        return rows

    def phrases(self, lang: str, typed: str, limit: int) -> list[tuple[str, int]]:
        """The phrases held by several articles whose typed form begins with `typed` (indexer.engine.phrases),
        most articles first; none in a generation written before phrases were counted."""
        if lang not in self._with_phrases:
            found = self._rows(lang, "SELECT 1 FROM sqlite_master WHERE name = 'phrases'", ())
            self._with_phrases[lang] = bool(found)
        if not self._with_phrases[lang]:
            return []
        return phrase_completions(lambda sql, parameters: self._rows(lang, sql, parameters), typed, limit)

    def has(self, lang: str, word: str) -> bool:
        """Whether `word` is a surface word of some article in `lang`."""
        return bool(self._rows(lang, "SELECT 1 FROM words WHERE word = ?", (word,)))

    def articles(self, lang: str, word: str) -> int:
        """How many of `lang`'s articles hold `word` (0 for a word the vocabulary lacks)."""
        rows = self._rows(lang, "SELECT articles FROM words WHERE word = ?", (word,))
        return rows[0][0] if rows else 0

    def article_count(self, lang: str) -> int:
        """How many articles `lang`'s vocabulary counts, read once per generation."""
        if lang not in self._article_counts:
            rows = self._rows(lang, "SELECT count(*) FROM article_words", ())
            self._article_counts[lang] = rows[0][0] if rows else 0
        return self._article_counts[lang]

    def is_ending(self, lang: str, text: str) -> bool:
        """Whether `text` follows a nominal part in some word of `lang` (a Korean particle or ending: 에서, 를)."""
        return bool(self._rows(lang, "SELECT 1 FROM endings WHERE ending = ?", (text,)))

    def with_typed(self, lang: str, typed: str) -> list[tuple[str, int]]:
        """The words typed with exactly these keys (Hangul keystrokes, or the word itself), most articles first."""
        return self._rows(lang, "SELECT word, articles FROM words WHERE typed = ? ORDER BY articles DESC", (typed,))

    def with_romanized(self, lang: str, key: str, limit: int) -> list[tuple[str, int]]:
        """The Bengali words whose `romanized_key` is `key`, most articles first."""
        return self._rows(
            lang,
            "SELECT word, articles FROM words WHERE romanized = ? AND romanized != '' ORDER BY articles DESC LIMIT ?",
            (key, limit),
        )

    def neighbours(self, lang: str, word: str, limit: int) -> list[tuple[str, int]]:
        """Other words one slip from `word` (same sound, or one edit apart), same sound first, then by articles."""
        key = sound(lang, word)
        same = self._rows(lang, "SELECT word, articles, sound FROM words WHERE sound = ?", (key,))
        near = []
        if len(key) >= MIN_CORRECTED_SOUND:
            variants = sorted({variant_hash(variant) for variant in deletions(key)})
            marks = ",".join("?" * len(variants))
            near = self._rows(
                lang,
                f"SELECT DISTINCT w.word, w.articles, w.sound FROM neighbours n JOIN words w ON w.id = n.word "
                f"WHERE n.variant IN ({marks})",
                tuple(variants),
            )
        found = {row[0]: row for row in same}
        found.update({row[0]: row for row in near if row[0] not in found and one_edit_apart(key, row[2])})
        found.pop(word, None)
        ranked = sorted(found.values(), key=lambda row: (row[2] != key, -row[1], row[0]))
        return [(text, articles) for text, articles, _ in ranked[:limit]]

    def two_edits_away(self, lang: str, word: str, limit: int) -> list[tuple[str, int]]:
        """Other words two edits (or one) from a long Latin `word`, most `similarity` first, then by articles; []
        for a word `allows_two_edits` rules out."""
        key = sound(lang, word)
        if not allows_two_edits(key):
            return []
        keys, words = self._latin_words(lang)
        found = [
            (-similarity(key, keys[n], edits), -words[n][1], words[n][0])
            for n, edits in within_two_edits(key, keys)
            if keys[n] != key
        ]
        return [(text, -negated) for _, negated, text in sorted(found)[:limit]]

    def _latin_words(self, lang: str) -> tuple[list[str], list[tuple[str, int]]]:
        """The sounds of the language's Latin words long enough to be two edits from a correctable word, and
        those words with their article counts; read once per generation."""
        with self._latin_lock:
            if lang not in self._latin:
                rows = self._rows(
                    lang,
                    f"SELECT sound, word, articles FROM words WHERE length(sound) >= ? AND ({_LATIN_SOUNDS})",
                    (MIN_TWO_EDIT_LENGTH - 2,),
                )
                self._latin[lang] = [row[0] for row in rows], [(row[1], row[2]) for row in rows]
            return self._latin[lang]


# The vocabularies of an open index set's generation, opened once per index set (a swap opens new ones).
vocabulary_of: Callable[[object], VocabularyReader] = per_index_set(
    lambda index_set: VocabularyReader(index_set.folder)
)
