"""A bilingual lexicon mined from a generation's own aligned paragraphs, kept beside it in `lexicon.sqlite`.

Every pair of aligned passages (paragraphs the alignment store links, and the headlines of
translations) is a small parallel text. Two base terms (stems, Korean morphemes) that keep
turning up on the two sides of the same pairs may translate each other: those whose Dice
coefficient, 2·both / (pairs with one + pairs with the other), is telling are weighted by IBM
Model 1 (indexer.align.model1), which tells a word's translation from the words met beside it.
Each term keeps its TRANSLATIONS_KEPT strongest partners per language; a language pair whose aligned passages
an add or remove left as they were keeps the translations mined before (its digest says so), and a term keeps its
name key. The
vocabulary of every language is kept too, with the name key of each term (indexer.analysis.names),
so a name the aligned text never holds can still meet its spelling in another script.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import logging
import sqlite3
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import icu
import numpy as np

from indexer.align.keys import HEADLINE, TERM_SEPARATOR
from indexer.align.model1 import PAIRS_PER_STEP, code_type, model1_weights, step_codes
from indexer.align.store import STORE
from indexer.analysis.hanja import hangul_readings
from indexer.analysis.names import loose_name_key, name_key
from indexer.analysis.stopwords import stop_words
from indexer.generations import ReadOnlyFile

LEXICON = "lexicon.sqlite"
_log = logging.getLogger(__name__)
# Links weaker than this are not trusted as parallel text.
MIN_LINK_CONFIDENCE = 0.3
# Translations kept per term and language: more dilute a query, fewer miss a synonym.
TRANSLATIONS_KEPT = 3
# The weakest association kept: below it, two terms met by chance more than by translation.
MIN_DICE = 0.15
# Aligned pairs two terms must share at least: a single meeting pairs a passage's rare words with all of the
# other side's (ties), most of them wrongly, and such pairs were nine tenths of the lexicon.
MIN_SHARED_PAIRS = 2
# ... unless both are rare enough for their one meeting to tell (Dice at least this: the two held by five aligned
# passages at most between them): a story's rare words are the ones a reader asks about, and Model 1
# tells which of a pair's rare words made which once the pair's other words are explained. Mined on the bundled
# corpus, cross-language MRR@10 over six directions 0.632 -> 0.684 (chosen on half of bench.crosslang's stories).
MIN_DICE_MET_ONCE = 0.4
# Language pairs mined at once: numpy's sorts and searches, most of the work, let other threads run meanwhile.
MINING_THREADS = 2
# Decimals a stored translation weight keeps.
WEIGHT_DIGITS = 4
# (term, language) lookups a reader remembers: the words of recent queries, each with its pivots' and ways back.
TRANSLATIONS_CACHED = 1 << 16

# The lexicon is written once, into a new file a failed build deletes: no journal, and its indexes made last.
# A term's translations into one language share a row (`targets`: term and weight joined by _FIELD, the
# translations by _ITEM): a row per translation tripled the rows and the time to write them.
_SCHEMA = """
PRAGMA journal_mode = OFF;
PRAGMA synchronous = OFF;
CREATE TABLE translations (src_lang TEXT, src_term TEXT, tgt_lang TEXT, targets TEXT);
CREATE TABLE language_pairs (
    src_lang TEXT, tgt_lang TEXT, aligned INTEGER, translations INTEGER, digest TEXT, PRIMARY KEY (src_lang, tgt_lang)
);
CREATE TABLE vocabulary (lang TEXT, term TEXT, name_key TEXT, loose_key TEXT, passages INTEGER);
CREATE TABLE readings (hangul TEXT, lang TEXT, term TEXT);
CREATE TABLE made_by (part TEXT PRIMARY KEY, digest TEXT);
"""
_INDEXES = """
CREATE INDEX translations_source ON translations (src_lang, src_term, tgt_lang);
CREATE INDEX vocabulary_term ON vocabulary (lang, term);
CREATE INDEX vocabulary_loose_key ON vocabulary (lang, loose_key);
CREATE INDEX readings_hangul ON readings (hangul);
"""
_FIELD, _ITEM = "\x1f", "\x1e"  # ASCII unit and record separators: no term holds one
# What makes each part of a lexicon that an add or remove may keep: the modules' code, and the library whose output
# it holds. The made_by table names it, and an earlier lexicon's part is kept only when the same made it.
_MAKERS = {
    "translations": (("indexer.align.lexicon", "indexer.align.model1"), np.__version__),
    "name keys": (("indexer.analysis.names", "indexer.languages"), icu.ICU_VERSION),
}
# A stored weight's text by its steps of 10**-WEIGHT_DIGITS (as str() writes the rounded float), made once.
_WEIGHT_TEXTS = [f"{_FIELD}{step / 10**WEIGHT_DIGITS}" for step in range(10**WEIGHT_DIGITS + 1)]
# The sort key's bit fields: pairs shared below _WEIGHT_SHIFT (under 16M), weight steps up to _TERM_SHIFT, then the
# source term's number (under 8M terms a language).
_WEIGHT_SHIFT, _TERM_SHIFT = 24, 40


def _made_by(modules: tuple[str, ...], version: str) -> str:
    code = b"".join(Path(importlib.util.find_spec(module).origin).read_bytes() for module in modules)
    return hashlib.blake2b(code + version.encode(), digest_size=16).hexdigest()


_MADE_BY = {part: _made_by(*maker) for part, maker in _MAKERS.items()}


@dataclass(frozen=True)
class LexiconStats:
    """What a mining run made: aligned passage pairs read, language pairs (and how many were kept as mined before),
    translations and vocabulary kept, and its cost."""

    aligned_pairs: int
    language_pairs: int
    reused_language_pairs: int
    translations: int
    vocabulary: int
    bytes: int
    seconds: float


def mine_lexicon(generation: Path) -> LexiconStats:
    """Mine the lexicon of a generation from its alignment store, replacing any it had."""
    started = time.perf_counter()
    generation = Path(generation)
    source = sqlite3.connect(f"file:{generation / STORE}?mode=ro", uri=True)
    try:
        langs = dict(source.execute("SELECT doc_id, lang FROM profiles"))
        vocabularies = _vocabularies(source, langs)
        pairs = _aligned_pairs(source, langs)
    finally:
        source.close()
    target, earlier = generation / LEXICON, generation / (LEXICON + ".earlier")
    if target.exists():  # a copied generation's (add, remove): the pairs left unchanged are taken from it
        target.replace(earlier)
    db = sqlite3.connect(target)
    try:
        db.executescript(_SCHEMA)
        kept = _parts_made_alike(db, earlier)
        db.executemany("INSERT INTO made_by VALUES (?, ?)", _MADE_BY.items())
        for lang, vocabulary in sorted(vocabularies.items()):
            vocabulary.store(db, lang, _earlier_name_keys(db, lang) if "name keys" in kept else {})
        translations, reused = _store_pairs(
            db, vocabularies, pairs, _earlier_digests(db) if "translations" in kept else {}
        )
        db.executescript(_INDEXES)
        db.commit()
    finally:
        db.close()
        earlier.unlink(missing_ok=True)
    return LexiconStats(
        sum(map(len, pairs.values())),
        len(pairs),
        reused,
        translations,
        sum(len(vocabulary.terms) for vocabulary in vocabularies.values()),
        target.stat().st_size,
        round(time.perf_counter() - started, 3),
    )


def _store_pairs(
    db: sqlite3.Connection, vocabularies: dict, pairs: dict[tuple[str, str], list[tuple]], earlier: dict[tuple, str]
) -> tuple[int, int]:
    """Copy the language pairs whose digest the `earlier` lexicon holds from it; then mine the others,
    MINING_THREADS at a time, and store them in the order of the pairs. Return the translations stored, and the
    pairs copied."""
    passages = {pair: _pair_passages(vocabularies, pair, linked) for pair, linked in sorted(pairs.items())}
    digests = {pair: _digest(vocabularies, pair, *sides) for pair, sides in passages.items()}
    fresh = [pair for pair in passages if earlier.get(pair) != digests[pair]]
    translations = _copy_pairs(db, [pair for pair in passages if earlier.get(pair) == digests[pair]])
    with ThreadPoolExecutor(MINING_THREADS) as pool:
        mined = pool.map(lambda pair: _mine_pair(vocabularies, pair, *passages[pair]), fresh)
        for (one, other), (rows, (forward, backward)) in zip(fresh, mined, strict=True):
            aligned, digest = len(passages[one, other][0]), digests[one, other]
            db.execute(
                "INSERT INTO language_pairs VALUES (?, ?, ?, ?, ?), (?, ?, ?, ?, ?)",
                (one, other, aligned, forward, digest, other, one, aligned, backward, digest),
            )
            db.executemany("INSERT INTO translations VALUES (?, ?, ?, ?)", rows)
            translations += forward + backward
    return translations, len(passages) - len(fresh)


def _parts_made_alike(db: sqlite3.Connection, earlier: Path) -> set[str]:
    """The parts of the lexicon being replaced that what makes them now made (what they hold for unchanged input
    is kept), attached to `db` as `earlier`: none when there is none, or it was mined before made_by was kept; a
    file that is not a lexicon is logged, and everything is mined again."""
    if not earlier.exists():
        return set()
    try:
        db.execute("ATTACH DATABASE ? AS earlier", (str(earlier),))
        if not db.execute("SELECT 1 FROM earlier.sqlite_master WHERE name = 'made_by'").fetchone():
            return set()
        return {
            part
            for part, digest in db.execute("SELECT part, digest FROM earlier.made_by")
            if _MADE_BY.get(part) == digest
        }
    except sqlite3.DatabaseError as error:
        _log.warning("the earlier lexicon %s cannot be reused (%s): every language pair is mined again", earlier, error)
        return set()


def _earlier_digests(db: sqlite3.Connection) -> dict[tuple[str, str], str]:
    """The digest of each language pair of the earlier lexicon."""
    rows = db.execute("SELECT src_lang, tgt_lang, digest FROM earlier.language_pairs WHERE src_lang < tgt_lang")
    return {(one, other): digest for one, other, digest in rows}


def _earlier_name_keys(db: sqlite3.Connection, lang: str) -> dict[str, tuple[str, str]]:
    """One language's name keys (and loose keys) by term in the earlier lexicon."""
    rows = db.execute("SELECT term, name_key, loose_key FROM earlier.vocabulary WHERE lang = ?", (lang,))
    return {term: (key, loose) for term, key, loose in rows}


def _copy_pairs(db: sqlite3.Connection, reused: list[tuple[str, str]]) -> int:
    """Copy the `reused` language pairs' rows, both ways, from the earlier lexicon in one pass over it; return the
    translations they hold."""
    if not reused:
        return 0
    db.execute("CREATE TEMP TABLE reused (src_lang TEXT, tgt_lang TEXT, PRIMARY KEY (src_lang, tgt_lang))")
    db.executemany(
        "INSERT INTO reused VALUES (?, ?)", [way for one, other in reused for way in ((one, other), (other, one))]
    )
    db.execute("INSERT INTO translations SELECT * FROM earlier.translations WHERE (src_lang, tgt_lang) IN reused")
    db.execute("INSERT INTO language_pairs SELECT * FROM earlier.language_pairs WHERE (src_lang, tgt_lang) IN reused")
    (translations,) = db.execute(
        "SELECT sum(translations) FROM earlier.language_pairs WHERE (src_lang, tgt_lang) IN reused"
    ).fetchone()
    db.execute("DROP TABLE reused")
    return translations


def _digest(vocabularies: dict, languages: tuple[str, str], lefts: list, rights: list) -> str:
    """What a language pair's translations are mined from, digested: its passages' term numbers, and the terms
    numbered up to the highest they hold (a term added after them leaves it unchanged)."""
    digest = hashlib.blake2b(digest_size=16)
    for lang, sides in zip(languages, (lefts, rights), strict=True):
        numbers = np.concatenate([*sides, _EMPTY])
        digest.update(np.array([len(side) for side in sides], np.int64).tobytes())
        digest.update(numbers.tobytes())
        terms = vocabularies[lang].terms[: int(numbers.max(initial=-1)) + 1]
        digest.update(_FIELD.join(terms).encode() + _ITEM.encode())
    return digest.hexdigest()


_EMPTY = np.zeros(0, np.int64)


class _Vocabulary:
    """One language's terms numbered, each passage's content terms as an array of those numbers, and how many
    passages hold each term. Stop words are counted but left out of the passages that are mined: a
    translation never searches one (indexer.search.translate), and met beside every word they are most of
    the cross join (and its noise)."""

    def __init__(self, lang: str):
        self.number: dict[str, int] = {}
        self.passages: dict[tuple[str, int], np.ndarray] = {}
        self._held: list[np.ndarray] = []
        self._terms: list[str] = []
        self._stops = stop_words(lang)

    @property
    def terms(self) -> list[str]:
        """The terms by number (listed again only after new terms came in)."""
        if len(self._terms) != len(self.number):
            self._terms = list(self.number)
        return self._terms

    def add(self, passage: tuple[str, int], terms: list[str]) -> None:
        numbers = [self.number.setdefault(term, len(self.number)) for term in terms]
        self._held.append(np.array(numbers, dtype=np.int64))
        content = [number for term, number in zip(terms, numbers, strict=True) if term not in self._stops]
        self.passages[passage] = np.array(content, dtype=np.int64)

    def store(self, db: sqlite3.Connection, lang: str, known: dict[str, tuple[str, str]]) -> None:
        """Keep every term, with how many passages hold it and its name key (for names across scripts; the `known`
        ones as they were), and the Hangul readings of those written in Han characters (for Korean words across
        scripts)."""
        counts = np.bincount(np.concatenate([*self._held, _EMPTY]), minlength=len(self.number))
        rows = []
        for term, count in zip(self.number, counts.tolist(), strict=True):
            key, loose = known.get(term) or _name_keys(term)
            rows.append((lang, term, key, loose, count))
        db.executemany("INSERT INTO vocabulary VALUES (?, ?, ?, ?, ?)", rows)
        readings = [(reading, lang, term) for term in self.number for reading in hangul_readings(term)]
        db.executemany("INSERT INTO readings VALUES (?, ?, ?)", readings)


def _name_keys(term: str) -> tuple[str, str]:
    key = name_key(term)
    return key, loose_name_key(key)


def _vocabularies(db: sqlite3.Connection, langs: dict[str, str]) -> dict[str, _Vocabulary]:
    """Each language's vocabulary, from the base terms of every passage in the store."""
    vocabularies: dict[str, _Vocabulary] = {}
    for doc_id, number, terms in db.execute("SELECT doc_id, paragraph, terms FROM passage_terms"):
        if doc_id in langs:
            lang = langs[doc_id]
            if lang not in vocabularies:
                vocabularies[lang] = _Vocabulary(lang)
            vocabularies[lang].add((doc_id, number), terms.split(TERM_SEPARATOR) if terms else [])
    return vocabularies


def _aligned_pairs(db: sqlite3.Connection, langs: dict[str, str]) -> dict[tuple[str, str], list[tuple]]:
    """The aligned passage pairs of each language pair (its codes in order), as pairs of passage keys.

    A link joining several paragraphs to one is taken one paragraph at a time; headlines of
    articles the store holds as translations pair up too.
    """
    pairs: dict[tuple[str, str], set[tuple]] = defaultdict(set)
    for doc_id, number, text in db.execute("SELECT doc_id, paragraph, links FROM links"):
        for link in json.loads(text):
            other, lang = link["doc_id"], link["lang"]
            if link["confidence"] >= MIN_LINK_CONFIDENCE and langs.get(doc_id, lang) < lang:
                pairs[langs[doc_id], lang].update(((doc_id, number), (other, index)) for index in link["indexes"])
    for doc_id, other, lang in db.execute("SELECT doc_id, other_id, other_lang FROM translations"):
        if langs.get(doc_id, lang) < lang:
            pairs[langs[doc_id], lang].add(((doc_id, HEADLINE), (other, HEADLINE)))
    return {key: sorted(found) for key, found in pairs.items()}


def _pair_passages(vocabularies: dict, languages: tuple[str, str], linked: list[tuple]):
    """The content terms of a language pair's aligned passages, (lefts, rights) pair by pair, where both hold some."""
    ones, others = vocabularies[languages[0]], vocabularies[languages[1]]
    lefts = [ones.passages.get(a, _EMPTY) for a, _ in linked]
    rights = [others.passages.get(b, _EMPTY) for _, b in linked]
    usable = [i for i, (left, right) in enumerate(zip(lefts, rights, strict=True)) if left.size and right.size]
    return [lefts[i] for i in usable], [rights[i] for i in usable]


def _mine_pair(vocabularies: dict[str, _Vocabulary], languages: tuple[str, str], lefts: list, rights: list):
    """Mine one language pair from its aligned passages: each direction's rows of best translations, and how many
    translations each direction holds."""
    if not lefts:
        return [], (0, 0)
    (one_lang, other_lang) = languages
    ones, others = vocabularies[one_lang], vocabularies[other_lang]
    width = len(others.number)
    found, both = _co_occurrences(lefts, rights, width, code_type(len(ones.number), width))
    left, right = found // width, found % width
    left_df = np.bincount(np.concatenate(lefts), minlength=len(ones.number))
    right_df = np.bincount(np.concatenate(rights), minlength=width)
    dice = 2 * both / (left_df[left] + right_df[right])
    telling = (dice >= MIN_DICE) & ((both >= MIN_SHARED_PAIRS) | (dice >= MIN_DICE_MET_ONCE))
    found, left, right, dice, both = found[telling], left[telling], right[telling], dice[telling], both[telling]
    forward, backward = model1_weights(lefts, rights, width, found, dice)
    rows, translations = [], []
    for source, target, weight in (
        ((one_lang, ones, left), (other_lang, others, right), forward),
        ((other_lang, others, right), (one_lang, ones, left), backward),
    ):
        weight = np.round(weight, WEIGHT_DIGITS)
        kept = _strongest(source[2], weight, both)
        rows += _direction_rows(source, target, weight, kept)
        translations.append(len(kept))
    return rows, tuple(translations)


def _co_occurrences(
    lefts: list[np.ndarray], rights: list[np.ndarray], width: int, dtype: type
) -> tuple[np.ndarray, np.ndarray]:
    """Every (left term, right term) met in some passage pair, coded `left * width + right` (of `dtype`), and in
    how many pairs: counted PAIRS_PER_STEP pairs at a time, so the cross join's arrays stay small whatever the
    corpus (all at once, a 300k-passage build peaked at 4.1 GB)."""
    codes, counts = [], []
    for start in range(0, len(lefts), PAIRS_PER_STEP):
        step_lefts, step_rights = lefts[start : start + PAIRS_PER_STEP], rights[start : start + PAIRS_PER_STEP]
        found, both = np.unique(step_codes(step_lefts, step_rights, width, dtype)[0], return_counts=True)
        codes.append(found)
        counts.append(both)
    if len(codes) == 1:  # one step's are already unique and sorted
        return codes[0], counts[0]
    found, where = np.unique(np.concatenate(codes), return_inverse=True)
    return found, np.bincount(where, weights=np.concatenate(counts)).astype(np.int64)


def _direction_rows(source: tuple, target: tuple, weight: np.ndarray, kept: np.ndarray) -> list[tuple]:
    """The `kept` cells as rows of translations into the target language, one row per source term."""
    (src_lang, src_vocabulary, src), (tgt_lang, tgt_vocabulary, tgt) = source, target
    tgt_terms = tgt_vocabulary.terms
    steps = np.rint(weight[kept] * 10**WEIGHT_DIGITS).astype(np.int64).tolist()
    items = [tgt_terms[t] + _WEIGHT_TEXTS[step] for t, step in zip(tgt[kept].tolist(), steps, strict=True)]
    sources = src[kept]
    starts = np.flatnonzero(np.r_[True, sources[1:] != sources[:-1]]).tolist()
    src_terms = [src_vocabulary.terms[s] for s in sources[starts].tolist()]
    return [
        (src_lang, term, tgt_lang, _ITEM.join(items[begin:end]))
        for term, begin, end in zip(src_terms, starts, [*starts[1:], len(items)], strict=True)
    ]


def _strongest(src: np.ndarray, weight: np.ndarray, both: np.ndarray) -> np.ndarray:
    """The cells to keep: per source term, its TRANSLATIONS_KEPT strongest partners (by weight, then pairs shared).

    One int64 key sorts them as (source term, -weight, -pairs), in half the time of a three-key lexsort, where
    the numbers fit its bit fields (a vocabulary under 8M terms, pairs under 16M); the lexsort where they do not."""
    steps = np.rint(weight * 10**WEIGHT_DIGITS).astype(np.int64)
    if src.max(initial=0) < 1 << (63 - _TERM_SHIFT) and both.max(initial=0) < 1 << _WEIGHT_SHIFT:
        order = np.argsort((src.astype(np.int64) << _TERM_SHIFT) - (steps << _WEIGHT_SHIFT) - both, kind="stable")
    else:
        order = np.lexsort((-both, -steps, src))
    grouped = src[order]
    starts = np.flatnonzero(np.r_[True, grouped[1:] != grouped[:-1]])
    rank = np.arange(len(order)) - np.repeat(starts, np.diff(np.r_[starts, len(order)]))
    return order[rank < TRANSLATIONS_KEPT]


@lru_cache(maxsize=64)
def _warn_unreadable(path: Path, error: str) -> None:
    _log.warning("lexicon %s cannot be read (%s): queries are not translated", path, error)


class LexiconReader:
    """Reads a served generation's lexicon; a generation without one (older, or sharded) translates nothing."""

    def __init__(self, generation: Path):
        self.file = ReadOnlyFile(Path(generation) / LEXICON)
        self.path, self.missing = self.file.path, self.file.missing
        # A generation's lexicon never changes, and translating one word reads some terms many times (each way
        # through a pivot, each translation's way back, each language of lang=all).
        self._translations = lru_cache(maxsize=TRANSLATIONS_CACHED)(self._read_translations)
        self._written_in_han = lru_cache(maxsize=TRANSLATIONS_CACHED)(self._read_written_in_han)  # each target asks
        self._has_readings: bool | None = None

    def _query(self, sql: str, values: tuple) -> list[tuple]:
        """The rows of a query; none from a lexicon that is missing or unreadable (translation is a help: a
        search without it still answers), which is logged once."""
        if self.missing:
            return []
        try:
            return self.file.rows(sql, values)
        except sqlite3.DatabaseError as error:  # locked, corrupt, or written by another version
            _warn_unreadable(self.path, str(error))
            return []

    def translations(self, src_lang: str, term: str, tgt_lang: str) -> tuple[tuple[str, float], ...]:
        """A term's mined translations into one language with their Model 1 weights, strongest first."""
        return self._translations(src_lang, term, tgt_lang)

    def _read_translations(self, src_lang: str, term: str, tgt_lang: str) -> tuple[tuple[str, float], ...]:
        rows = self._query(
            "SELECT targets FROM translations WHERE src_lang = ? AND src_term = ? AND tgt_lang = ?",
            (src_lang, term, tgt_lang),
        )
        found = [item.split(_FIELD) for (targets,) in rows for item in targets.split(_ITEM)]
        return tuple((target, float(weight)) for target, weight in found)

    def translated_anywhere(self, src_lang: str, term: str) -> list[str]:
        """A term's mined translations into every other language, terms only: a name's are its other spellings."""
        rows = self._query("SELECT targets FROM translations WHERE src_lang = ? AND src_term = ?", (src_lang, term))
        return [item.split(_FIELD)[0] for (targets,) in rows for item in targets.split(_ITEM)]

    def aligned(self, src_lang: str, tgt_lang: str) -> int:
        """How many aligned passage pairs the two languages' lexicon was mined from."""
        rows = self._query(
            "SELECT aligned FROM language_pairs WHERE src_lang = ? AND tgt_lang = ?", (src_lang, tgt_lang)
        )
        return rows[0][0] if rows else 0

    def pivots(self, src_lang: str, tgt_lang: str) -> list[str]:
        """Third languages aligned with both, best aligned first: a way from one to the other."""
        rows = self._query(
            "SELECT a.tgt_lang FROM language_pairs a JOIN language_pairs b ON b.src_lang = a.tgt_lang "
            "WHERE a.src_lang = ? AND b.tgt_lang = ? AND a.tgt_lang != ? AND a.aligned > 0 AND b.aligned > 0 "
            "ORDER BY min(a.aligned, b.aligned) DESC, a.tgt_lang",
            (src_lang, tgt_lang, tgt_lang),
        )
        return [lang for (lang,) in rows]

    def spelled_alike(self, lang: str, loose_key: str) -> list[tuple[str, str, int]]:
        """A language's terms sharing a loose name key, as (term, name key, passages holding it)."""
        return self._query(
            "SELECT term, name_key, passages FROM vocabulary WHERE lang = ? AND loose_key = ?", (lang, loose_key)
        )

    def written_in_han(self, hangul: str) -> tuple[tuple[str, str], ...]:
        """The terms, as (language, term), written in Han characters that Korean reads as `hangul` (화산: 火山);
        none from a lexicon mined before readings were kept (its translations still serve)."""
        return self._written_in_han(hangul)

    def _read_written_in_han(self, hangul: str) -> tuple[tuple[str, str], ...]:
        if self._has_readings is None:
            self._has_readings = bool(self._query("SELECT 1 FROM sqlite_master WHERE name = 'readings'", ()))
        if not self._has_readings:
            return ()
        return tuple(self._query("SELECT lang, term FROM readings WHERE hangul = ?", (hangul,)))

    def knows(self, lang: str, term: str) -> bool:
        """Whether a language's passages hold the term."""
        return bool(self._query("SELECT 1 FROM vocabulary WHERE lang = ? AND term = ?", (lang, term)))
