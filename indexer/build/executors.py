"""Where a build's articles are analyzed and written: in this process, or in one worker process per language.

The pipeline (indexer.build.pipeline) reads, aligns and publishes the same way whatever writes; an executor
reads the inputs, takes each article, commits (running the pipeline's alignment meanwhile) and says what the
generation holds. The cluster's executor (indexer.cluster.build) writes shards on a Dask cluster.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from indexer.align.keys import KeyFile
from indexer.align.store import LinkWriter
from indexer.build.processes import KeyedWorkers
from indexer.corpus import CorpusInput, read_inputs
from indexer.documents import Article, Problem
from indexer.engine.writing import LanguageWriters, count_languages

# Expected cost of a language's share of a build against the others' (timed per language on a 30k-passage
# corpus with the same text in every language: Kiwi makes Korean ~2.9x, Hindi's stems and Japanese's bigrams
# ~1.5x); a parallel build balances its workers' languages by it.
ANALYSIS_COST = {"ko": 3.0, "hi": 1.5, "ja": 1.5}


class Executor:
    """Writes one generation's articles; the defaults read the inputs here and count per-language indexes."""

    def read(self, inputs: Iterable[CorpusInput]) -> Iterator[Article | Problem]:
        """The inputs' articles (and the inputs skipped), in order, duplicates reported."""
        return read_inputs(inputs)

    def write(self, article: Article, replace: bool = False) -> None:
        raise NotImplementedError

    def delete(self, doc_id: str) -> bool:
        """Delete an article from a copied generation; only the in-process executor changes one."""
        raise NotImplementedError(f"{type(self).__name__} writes fresh generations only")

    def commit(self, meanwhile: Callable[[], None], with_keys: Callable[[], None]) -> None:
        """Make everything written durable, running `meanwhile` (the alignment) while that happens, and `with_keys`
        (mining the lexicon) as soon as every article's keys are in the alignment store."""
        raise NotImplementedError

    def cancel(self) -> None:
        raise NotImplementedError

    def languages(self, generation: Path) -> dict[str, dict[str, int]]:
        """Articles and passages per language in the committed generation."""
        return count_languages(generation)

    def layout(self) -> dict:
        """What the manifest says of the generation's layout beyond its languages (a sharded one: its shards)."""
        return {}


class InProcess(Executor):
    """Every language written by this process; the only executor that can change a served generation's copy."""

    def __init__(self, generation: Path, analysis: str, alignments: LinkWriter):
        self.writers = LanguageWriters(generation, analysis, alignments.add_keys)

    def write(self, article: Article, replace: bool = False) -> None:
        self.writers.write(article, replace)

    def delete(self, doc_id: str) -> bool:
        """False when no language holds the article."""
        return self.writers.delete(doc_id)

    def commit(self, meanwhile: Callable[[], None], with_keys: Callable[[], None]) -> None:
        meanwhile()  # one process has nothing to overlap them with
        with_keys()
        self.writers.commit()

    def cancel(self) -> None:
        self.writers.cancel()


class PerLanguageProcesses(Executor):
    """A fresh build's writers spread over worker processes, each language written by exactly one of them."""

    def __init__(self, generation: Path, analysis: str, alignments: LinkWriter, jobs: int):
        self.alignments = alignments
        self.workers = KeyedWorkers(_write_languages, (str(generation), analysis), jobs)

    def write(self, article: Article, replace: bool = False) -> None:
        """Send the article to the worker writing its language (a fresh build replaces nothing)."""
        self.workers.send(article.lang, article, ANALYSIS_COST.get(article.lang, 1.0))

    def commit(self, meanwhile: Callable[[], None], with_keys: Callable[[], None]) -> None:
        """Commit every language, running `meanwhile` while the workers write; then take the related-coverage keys
        each sends before committing its indexes into the alignment store, and run `with_keys` while they commit."""
        self.workers.end()
        meanwhile()
        for key_file in self.workers.results():
            self.alignments.merge_keys(Path(key_file))
        with_keys()
        self.workers.join()

    def cancel(self) -> None:
        self.workers.terminate()


def _write_languages(articles: Iterable[Article], generation: str, analysis: str) -> Iterator[str]:
    """A worker process's build: write the articles it is sent, commit its languages' indexes.

    Each article's related-coverage keys go to the worker's own KeyFile, whose path it yields
    for the parent (which keeps the alignment store) to merge, and mine the lexicon from,
    before committing: the indexes' commit is a third of a worker's time, and mining runs meanwhile.
    """
    key_file = KeyFile(Path(generation) / f"keys-{os.getpid()}.sqlite")
    writers = LanguageWriters(Path(generation), analysis, key_file.add)
    try:
        for article in articles:
            writers.write(article)
        yield str(key_file.close())
        writers.commit()
    except BaseException:
        writers.cancel()
        raise
