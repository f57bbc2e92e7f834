"""Per-language Whoosh indexes of passages: schema, build, add, remove, open, stats.

All Whoosh writing lives here. The unit is the passage (one paragraph) carrying
its article's fields, so an article can be rebuilt in order from its passages.
"""

from __future__ import annotations

import os
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.analysis import Analyzer as WhooshAnalyzerBase
from whoosh.analysis import StandardAnalyzer
from whoosh.analysis import Token as WhooshToken
from whoosh.fields import ID, KEYWORD, NUMERIC, TEXT, Schema
from whoosh.formats import Characters, Positions

from indexer.analysis import INDEX, SETU, Token, analyzer_for
from indexer.corpus import CorpusInput, find_inputs, read_inputs
from indexer.documents import Article, Problem
from indexer.generations import (
    IndexDirError,
    discard_generation,
    folder_size,
    make_manifest,
    new_generation,
    publish_generation,
    read_manifest,
    served_generation,
    writer_lock,
)
from indexer.links import ArticleKeys, KeyFile, LinkReader, LinkWriter, keys_of
from indexer.vocabulary import VocabularyWriter
from indexer.workers import KeyedWorkers

# BM25F weight of the headline against a paragraph: a word in the headline says more.
TITLE_BOOST = 2.0
# Memory each language's writer may use before flushing a segment to disk.
WRITER_LIMIT_MB = 64
# The position stored for an article's headline-only passage (it has no paragraphs).
HEADLINE_ONLY = -1
# The analysis name for Whoosh's own StandardAnalyzer, kept as a baseline for benchmarks.
WHOOSH_STANDARD = "whoosh-standard"
# Expected cost of a language's share of a build against the others' (timed per language on a 30k-passage
# corpus with the same text in every language: Kiwi makes Korean ~2.9x, Hindi's stems and Japanese's bigrams
# ~1.5x); a parallel build balances its workers' languages by it.
ANALYSIS_COST = {"ko": 3.0, "hi": 1.5, "ja": 1.5}


class WhooshAnalyzer(WhooshAnalyzerBase):
    """Adapts a language's analyzer chain to Whoosh; pickles as its language and analysis names only.

    Whoosh stores the schema (analyzers included) in the index, and ICU objects
    cannot be pickled, so the chain is looked up again from the names on load.
    `analysis` is "setu" (default), "icu" (the ICU baseline) or "whoosh-standard"
    (Whoosh's StandardAnalyzer, the baseline benchmarks compare against).
    """

    def __init__(self, lang: str, analysis: str = SETU):
        self.lang = lang
        self.analysis = analysis
        self._memo = threading.local()

    def __getstate__(self) -> dict:
        return {"lang": self.lang, "analysis": self.analysis}

    def __setstate__(self, state: dict) -> None:
        self.__init__(state["lang"], state.get("analysis", SETU))

    @contextmanager
    def remembering(self) -> Iterator[None]:
        """Analyze each text once while an article is written: its passages all repeat its headline and
        byline, and its related-coverage keys read every text again."""
        self._memo.texts = {}
        try:
            yield
        finally:
            self._memo.texts = None

    def tokens(self, text: str, mode: str = INDEX) -> list[Token]:
        """Our Tokens for `text`, whatever the analysis."""
        memo = getattr(self._memo, "texts", None)
        if memo is not None and (text, mode) in memo:
            return memo[text, mode]
        if self.analysis == WHOOSH_STANDARD:
            analyzed = [
                Token(token.text, token.pos, token.startchar, token.endchar)
                for token in StandardAnalyzer()(text, positions=True, chars=True, mode=mode)
            ]
        else:
            analyzed = list(analyzer_for(self.lang, self.analysis)(text, mode))
        if memo is not None:
            memo[text, mode] = analyzed
        return analyzed

    def __call__(
        self,
        value,
        positions=False,
        chars=False,
        keeporiginal=False,
        removestops=True,
        start_pos=0,
        start_char=0,
        mode="",
        **kwargs,
    ) -> Iterator[WhooshToken]:
        token = WhooshToken(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for ours in self.tokens(value, mode or INDEX):
            token.text = ours.text
            token.boost = ours.boost
            token.stopped = False
            if keeporiginal:
                token.original = value[ours.start : ours.end]
            if positions:
                token.pos = start_pos + ours.pos
            if chars:
                token.startchar = start_char + ours.start
                token.endchar = start_char + ours.end
            yield token


def _token_word_values(form: Positions, value: str, analyzer: WhooshAnalyzer, posting: Callable[[Token], object]):
    """A format's (term, frequency, weight, encoded postings) for `value`, straight from our token list.

    Whoosh's own path wraps every token in its Token object and a chain of generators,
    which py-spy put at a quarter of `add_document`; the postings written are the same.
    """
    found: dict[str, list] = defaultdict(list)
    weights: dict[str, float] = defaultdict(float)
    for token in analyzer.tokens(value, INDEX):
        found[token.text].append(posting(token))
        weights[token.text] += token.boost
    for term, postings in found.items():
        yield term, len(postings), weights[term] * form.field_boost, form.encode(postings)


class TokenPositions(Positions):
    """Whoosh's Positions format (for phrases), fed our token lists directly."""

    def word_values(self, value, analyzer, **kwargs):
        return _token_word_values(self, value, analyzer, lambda token: token.pos)


class TokenCharacters(Characters):
    """Whoosh's Characters format (positions and character spans), fed our token lists directly.

    The spans let a search highlight a hit's words without analyzing its text again (Kiwi, for Korean).
    """

    def word_values(self, value, analyzer, **kwargs):
        return _token_word_values(self, value, analyzer, lambda token: (token.pos, token.start, token.end))


def _text(analyzer: WhooshAnalyzer, chars: bool = False, **options) -> TEXT:
    """A TEXT field analyzed by `analyzer` through our formats: positions, and character spans with `chars`."""
    field = TEXT(analyzer=analyzer, **options)
    field.format = (TokenCharacters if chars else TokenPositions)(field_boost=field.format.field_boost)
    return field


def schema_for(lang: str, analysis: str = SETU) -> Schema:
    """Return the passage schema for one language's index."""
    analyzer = WhooshAnalyzer(lang, analysis)
    return Schema(
        doc_id=ID(stored=True, sortable=True),
        group=ID(stored=True),
        lang=ID(stored=True),
        position=NUMERIC(stored=True, sortable=True, signed=True),
        title=_text(analyzer, chars=True, stored=True, field_boost=TITLE_BOOST, multitoken_query="and"),
        text=_text(analyzer, chars=True, stored=True, multitoken_query="and"),
        url=ID(stored=True),
        byline=_text(analyzer, stored=True),
        published=ID(stored=True, sortable=True),
        source=KEYWORD(stored=True, lowercase=True),
    )


def passages_of(article: Article) -> Iterator[dict]:
    """Yield the article's passages as index documents: one per paragraph, or the headline alone."""
    shared = {
        "doc_id": article.id,
        "group": article.group,
        "lang": article.lang,
        "title": article.title,
        "url": article.url,
        "byline": article.byline,
        "published": article.published,
        "source": article.source,
    }
    if not article.paragraphs:
        yield {**shared, "position": HEADLINE_ONLY, "text": ""}
    for position, paragraph in enumerate(article.paragraphs):
        yield {**shared, "position": position, "text": paragraph}


def write_article(writer, article: Article, vocabulary: VocabularyWriter | None = None) -> ArticleKeys:
    """Add the article's passages to a Whoosh writer (and its words to `vocabulary`); return its related-coverage
    keys from the same tokens.

    Each text is analyzed once: the analyzer remembers the article's texts while it is
    written, since every passage repeats the headline and byline and the keys read them all.
    """
    analyzer = writer.schema["text"].analyzer  # title, text and byline share it
    with analyzer.remembering():
        for passage in passages_of(article):
            writer.add_document(**passage)
        if vocabulary is not None:
            vocabulary.add(article, analyzer.tokens)
        return keys_of(article, analyzer.tokens)


@dataclass
class WriteReport:
    """What a build, add or remove did: per-language counts after it, and every input skipped."""

    generation: str = ""
    languages: dict[str, dict[str, int]] = field(default_factory=dict)
    written: Counter = field(default_factory=Counter)
    problems: list[Problem] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    not_found: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def refuse_if_empty(self) -> None:
        """A fresh build that indexed nothing fails here, saying why, and publishes nothing."""
        if not self.written:
            skipped = f"{len(self.problems)} input(s) skipped" if self.problems else "no articles found"
            raise IndexDirError(f"nothing could be indexed: {skipped}")


class _LanguageWriters:
    """Opens one Whoosh writer per language on first use, in one generation folder.

    `keep_keys` receives each article's related-coverage keys, made from the tokens just indexed.
    """

    def __init__(self, generation: Path, analysis: str = SETU, keep_keys: Callable[[ArticleKeys], None] | None = None):
        self.generation = generation
        self.analysis = analysis
        self.keep_keys = keep_keys
        self.writers: dict = {}
        self.vocabulary = VocabularyWriter(generation)
        self._existing = sorted(p.name for p in generation.iterdir() if whoosh_index.exists_in(p))

    def writer(self, lang: str):
        if lang not in self.writers:
            folder = self.generation / lang
            if whoosh_index.exists_in(folder):
                index = whoosh_index.open_dir(folder)
            else:
                folder.mkdir(parents=True, exist_ok=True)
                index = whoosh_index.create_in(folder, schema_for(lang, self.analysis))
            self.writers[lang] = index.writer(limitmb=WRITER_LIMIT_MB)
        return self.writers[lang]

    def existing_languages(self) -> list[str]:
        """The languages that had an index before this write began."""
        return self._existing

    def write(self, article: Article, replace: bool = False) -> None:
        """Add the article's passages to its language's index, first deleting any by its id (`replace`)."""
        if replace:
            self.delete(article.id)
        keys = write_article(self.writer(article.lang), article, self.vocabulary)
        if self.keep_keys:
            self.keep_keys(keys)

    def delete(self, doc_id: str) -> int:
        """Delete an article's passages (and its words) from every language; return how many passages went."""
        self.vocabulary.remove(doc_id)
        return sum(self.writer(lang).delete_by_term("doc_id", doc_id) for lang in self.existing_languages())

    def commit(self, meanwhile: Callable[[], None] | None = None) -> None:
        """Commit every language (after running `meanwhile`: one process has nothing to overlap)."""
        if meanwhile:
            meanwhile()
        for writer in self.writers.values():
            writer.commit()
        self.vocabulary.commit()

    def cancel(self) -> None:
        for writer in self.writers.values():
            writer.cancel()
        self.vocabulary.close()


class _ParallelLanguageWriters:
    """A fresh build's writers spread over worker processes, each language written by exactly one of them."""

    def __init__(self, generation: Path, analysis: str, jobs: int, alignments: LinkWriter):
        self.analysis = analysis
        self.alignments = alignments
        self.workers = KeyedWorkers(_write_languages, (str(generation), analysis), jobs)

    def write(self, article: Article, replace: bool = False) -> None:
        """Send the article to the worker writing its language (a fresh build replaces nothing)."""
        self.workers.send(article.lang, article, ANALYSIS_COST.get(article.lang, 1.0))

    def commit(self, meanwhile: Callable[[], None] | None = None) -> None:
        """Commit every language, running `meanwhile` while the workers finish; then take the
        related-coverage keys they kept into the alignment store."""
        for key_file in self.workers.finish(meanwhile):
            self.alignments.merge_keys(Path(key_file))

    def cancel(self) -> None:
        self.workers.terminate()


def _write_languages(articles: Iterable[Article], generation: str, analysis: str) -> str:
    """A worker process's build: write the articles it is sent, commit its languages' indexes.

    Each article's related-coverage keys go to the worker's own KeyFile, whose path it
    returns for the parent (which keeps the alignment store) to merge.
    """
    key_file = KeyFile(Path(generation) / f"keys-{os.getpid()}.sqlite")
    writers = _LanguageWriters(Path(generation), analysis, key_file.add)
    try:
        for article in articles:
            writers.write(article)
        writers.commit()
    except BaseException:
        writers.cancel()
        raise
    return str(key_file.close())


ProgressCallback = Callable[[CorpusInput], None]


def build_index(
    index_dir: Path,
    paths: Iterable[str | Path],
    progress: ProgressCallback | None = None,
    inputs_found: Callable[[list[CorpusInput]], None] | None = None,
    analysis: str = SETU,
    jobs: int = 1,
) -> WriteReport:
    """Build a fresh set of per-language indexes from `paths` and swap it in atomically.

    With `jobs` > 1, languages are analyzed and written in that many worker processes.
    """
    return _write_generation(index_dir, paths, False, progress, inputs_found, analysis, jobs)


def add_articles(
    index_dir: Path,
    paths: Iterable[str | Path],
    progress: ProgressCallback | None = None,
    inputs_found: Callable[[list[CorpusInput]], None] | None = None,
) -> WriteReport:
    """Insert or replace (by id) the articles under `paths` in the current indexes, without a rebuild."""
    return _write_generation(index_dir, paths, True, progress, inputs_found, analysis=None, jobs=1)


def remove_articles(index_dir: Path, ids: Iterable[str]) -> WriteReport:
    """Delete the articles with these ids from every language's index."""
    started = time.perf_counter()
    index_dir = Path(index_dir)
    with writer_lock(index_dir):
        current = _require_unsharded(served_generation(index_dir))
        partial = new_generation(index_dir, copy_from=current)
        writers = _LanguageWriters(partial, _analysis_of(current))
        alignments = LinkWriter(partial)
        report = WriteReport()
        with _undone_on_failure(partial, alignments, writers):
            for doc_id in ids:
                deleted = writers.delete(doc_id)
                alignments.remove(doc_id)
                (report.removed if deleted else report.not_found).append(doc_id)
            writers.commit()
            alignments.finish()
            report.problems = read_manifest(current).get("problems", [])
            return _publish(index_dir, partial, report, started, writers.analysis)


def _write_generation(index_dir, paths, copy_current, progress, inputs_found, analysis, jobs) -> WriteReport:
    """Write a new generation (fresh, or a copy of the current one to change) and publish it."""
    started = time.perf_counter()
    index_dir = Path(index_dir)
    inputs, problems = find_inputs(paths)
    if inputs_found:
        inputs_found(inputs)
    with writer_lock(index_dir):
        current = _require_unsharded(served_generation(index_dir)) if copy_current else None
        partial = new_generation(index_dir, copy_from=current)
        analysis = analysis or _analysis_of(current)
        alignments = LinkWriter(partial)  # paragraph links, candidates, related-coverage keys
        if jobs > 1:
            writers = _ParallelLanguageWriters(partial, analysis, jobs, alignments)
        else:
            writers = _LanguageWriters(partial, analysis, alignments.add_keys)
        report = WriteReport(problems=problems)
        with _undone_on_failure(partial, alignments, writers):
            for item in read_inputs(_reporting_progress(inputs, progress)):
                if isinstance(item, Problem):
                    report.problems.append(item)
                    continue
                alignments.add(item)  # first: replacing an article there forgets its old keys
                writers.write(item, replace=copy_current)
                report.written[item.lang] += 1
            if not copy_current:
                report.refuse_if_empty()
            writers.commit(meanwhile=alignments.align)  # the parent aligns while parallel workers still write
            alignments.save()
            return _publish(index_dir, partial, report, started, writers.analysis)


@contextmanager
def _undone_on_failure(partial: Path, alignments: LinkWriter, writers) -> Iterator[None]:
    """A write that fails or is interrupted leaves nothing behind: its writers cancelled, its store closed, its
    new generation deleted; the served one was never touched."""
    try:
        yield
    except BaseException:
        alignments.close()
        writers.cancel()
        discard_generation(partial)
        raise


def _reporting_progress(inputs: list[CorpusInput], progress: ProgressCallback | None) -> Iterator[CorpusInput]:
    for corpus_input in inputs:
        yield corpus_input
        if progress:
            progress(corpus_input)


def _require_unsharded(generation: Path) -> Path:
    """Refuse to change a sharded generation in place: its shards are rebuilt by `build --cluster`."""
    if "shards" in read_manifest(generation):
        raise IndexDirError(
            f"{generation.parent.parent} holds a sharded index; add and remove change single-machine indexes, "
            "so rebuild it with `python -m indexer build --cluster ...`"
        )
    return generation


def _analysis_of(generation: Path) -> str:
    return read_manifest(generation).get("analysis", SETU)


def _publish(index_dir: Path, partial: Path, report: WriteReport, started: float, analysis: str) -> WriteReport:
    report.languages = _count_languages(partial)
    report.seconds = round(time.perf_counter() - started, 3)
    manifest = make_manifest(analysis, report.languages, report.problems)
    report.generation = publish_generation(index_dir, partial, manifest).name
    return report


def _count_languages(generation: Path) -> dict[str, dict[str, int]]:
    counts = {}
    for folder in sorted(p for p in generation.iterdir() if p.is_dir()):
        index = whoosh_index.open_dir(folder)
        with index.searcher() as searcher:
            reader = searcher.reader()
            doc_ids = reader.column_reader("doc_id")
            articles = {doc_ids[docnum] for docnum in reader.all_doc_ids()}
            if articles:
                counts[folder.name] = {"articles": len(articles), "passages": reader.doc_count()}
    return counts


def index_stats(index_dir: Path) -> dict:
    """Return the served generation's languages, article and passage counts, and size on disk."""
    index_dir = Path(index_dir)
    generation = served_generation(index_dir)
    manifest = read_manifest(generation)
    return {
        "generation": generation.name,
        "created": manifest["created"],
        "languages": manifest["languages"],
        "articles": sum(c["articles"] for c in manifest["languages"].values()),
        "passages": sum(c["passages"] for c in manifest["languages"].values()),
        "bytes": folder_size(generation),
        "problems": manifest["problems"],
    }


class ThreadSearchers:
    """Each thread's searchers by language, opened on first use and kept, as context managers leaving them open.

    A Whoosh reader keeps file positions, so threads cannot share one; opening one reads every
    segment's files, which cost more than most searches (py-spy); a generation never changes,
    so a searcher stays valid as long as the index set that opened it.
    """

    def __init__(self, open_searcher: Callable[[str], object]):
        self.open_searcher = open_searcher
        self._opened = threading.local()

    def __call__(self, lang: str):
        searchers = getattr(self._opened, "searchers", None)
        if searchers is None:
            searchers = self._opened.searchers = {}
        if lang not in searchers:
            searchers[lang] = self.open_searcher(lang)
        return nullcontext(searchers[lang])


class IndexSet:
    """The served generation's per-language indexes, opened once for reading."""

    def __init__(self, index_dir: Path):
        self.index_dir = Path(index_dir)
        generation = served_generation(self.index_dir)
        self.generation = generation.name
        self.manifest = read_manifest(generation)
        self.indexes = {lang: whoosh_index.open_dir(generation / lang) for lang in self.manifest["languages"]}
        self.links = LinkReader(generation)
        self._searchers = ThreadSearchers(lambda lang: self.indexes[lang].searcher())

    @property
    def languages(self) -> list[str]:
        """The languages with an index, sorted by code."""
        return sorted(self.indexes)

    def searcher(self, lang: str):
        """This thread's searcher on one language's index, as a context manager that leaves it open."""
        return self._searchers(lang)

    def analyzer(self, lang: str) -> WhooshAnalyzer:
        """The analyzer this language's index was built with; its `tokens()` gives our Tokens."""
        return self.indexes[lang].schema["text"].analyzer


def open_index_set(index_dir: Path) -> IndexSet:
    """Open the served generation under `index_dir` for searching."""
    return IndexSet(index_dir)


class LiveIndexSet:
    """The served indexes for a long-running reader: reopened when a build swaps a new generation in.

    Each call reads the small CURRENT file; a request never sees a half-built
    index because a generation is complete before CURRENT names it.
    """

    def __init__(self, index_dir: Path, open_set: Callable[[Path], IndexSet] = IndexSet):
        self.index_dir = Path(index_dir)
        self._open_set = open_set  # how a generation is opened: here, or on a cluster
        self._lock = threading.Lock()
        self._opened: IndexSet | None = None

    def current(self) -> IndexSet:
        """Return the IndexSet of the generation CURRENT names, opening it on first use after a swap.

        A request already running keeps the set it has.
        """
        generation = served_generation(self.index_dir)
        opened = self._opened
        if opened is None or opened.generation != generation.name:
            with self._lock:
                if self._opened is None or self._opened.generation != generation.name:
                    self._opened = self._open_set(self.index_dir)
                opened = self._opened
        return opened
