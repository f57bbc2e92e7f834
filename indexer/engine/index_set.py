"""A served generation's per-language indexes opened for reading, and reopened when a build swaps one in."""

from __future__ import annotations

import threading
from collections.abc import Callable
from contextlib import nullcontext
from pathlib import Path

from indexer.align.lexicon import LexiconReader
from indexer.align.store import KeyReader
from indexer.engine.schema import WhooshAnalyzer, open_index
from indexer.generations import read_manifest, served_generation


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
    """The served generation's per-language indexes, opened once for reading.

    What every reader of a generation uses (search, articles, related coverage): its languages, a searcher and
    the analyzer per language, its alignment store. A sharded generation (indexer.engine.shards) and a
    cluster's (indexer.cluster.search) answer the same.
    """

    def __init__(self, index_dir: Path):
        self.index_dir = Path(index_dir)
        self.folder = served_generation(self.index_dir)
        self.generation = self.folder.name
        self.manifest = read_manifest(self.folder)
        self.links = KeyReader(self.folder)  # links, translations, and the related-coverage keys
        self.lexicon = LexiconReader(self.folder)  # what query translation reads
        self._searchers = ThreadSearchers(self.open_searcher)
        self.open_languages()

    def open_languages(self) -> None:
        """Open each language's index (once: searchers are opened from it per thread) and read its analyzer.

        Whoosh's `Index.schema` rereads the folder on each call, so an analyzer asked for per query would
        fail once a later build prunes this generation while a request still holds it.
        """
        self.indexes = {lang: open_index(self.folder / lang) for lang in self.manifest["languages"]}
        self.analyzers = {lang: index.schema["text"].analyzer for lang, index in self.indexes.items()}

    def open_searcher(self, lang: str):
        """A new searcher on one language's index."""
        return self.indexes[lang].searcher()

    @property
    def languages(self) -> list[str]:
        """The languages with an index, sorted by code."""
        return sorted(self.manifest["languages"])

    def searcher(self, lang: str):
        """This thread's searcher on one language's index, as a context manager that leaves it open."""
        return self._searchers(lang)

    def analyzer(self, lang: str) -> WhooshAnalyzer:
        """The analyzer this language's index was built with; its `tokens()` gives our Tokens."""
        return self.analyzers[lang]


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
