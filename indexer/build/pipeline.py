"""The build pipeline: read → detect → analyze → write → align → publish, for build, add and remove.

A new generation is written beside the served one and swapped in only when complete.
"""

from __future__ import annotations

import functools
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from indexer.align.lexicon import LexiconStats, mine_lexicon
from indexer.align.store import LinkWriter
from indexer.analysis import SETU
from indexer.build.executors import Executor, InProcess, PerLanguageProcesses
from indexer.corpus import CorpusInput, find_inputs
from indexer.documents import Problem
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
    lexicon: LexiconStats | None = None  # what mining the bilingual lexicon made, and its time

    def refuse_if_empty(self) -> None:
        """A fresh build that indexed nothing fails here, saying why, and publishes nothing."""
        if not self.written:
            skipped = f"{len(self.problems)} input(s) skipped" if self.problems else "no articles found"
            raise IndexDirError(f"nothing could be indexed: {skipped}")


ProgressCallback = Callable[[CorpusInput], None]


ExecutorFactory = Callable[[Path, str, LinkWriter], Executor]  # (new generation, analysis, its alignment store)


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
    executor = functools.partial(PerLanguageProcesses, jobs=jobs) if jobs > 1 else InProcess
    return write_generation(index_dir, paths, executor, analysis, progress=progress, inputs_found=inputs_found)


def add_articles(
    index_dir: Path,
    paths: Iterable[str | Path],
    progress: ProgressCallback | None = None,
    inputs_found: Callable[[list[CorpusInput]], None] | None = None,
) -> WriteReport:
    """Insert or replace (by id) the articles under `paths` in the current indexes, without a rebuild."""
    return write_generation(index_dir, paths, InProcess, None, True, progress, inputs_found)


def remove_articles(index_dir: Path, ids: Iterable[str]) -> WriteReport:
    """Delete the articles with these ids from every language's index."""
    return write_generation(index_dir, [], InProcess, None, copy_current=True, removed=ids)


def write_generation(
    index_dir: Path,
    paths: Iterable[str | Path],
    executor: ExecutorFactory,
    analysis: str | None = SETU,
    copy_current: bool = False,
    progress: ProgressCallback | None = None,
    inputs_found: Callable[[list[CorpusInput]], None] | None = None,
    removed: Iterable[str] = (),
) -> WriteReport:
    """The one pipeline: read → write (analysis included) → align → publish a new generation, fresh or a copy of
    the current one to change (`copy_current`, whose analysis and skipped inputs it keeps, less the articles
    `removed`); `executor` says where articles are read and written."""
    started = time.perf_counter()
    index_dir = Path(index_dir)
    inputs, problems = find_inputs(paths)
    if inputs_found:
        inputs_found(inputs)
    with writer_lock(index_dir):
        current = _require_unsharded(served_generation(index_dir)) if copy_current else None
        partial_generation = new_generation(index_dir, copy_from=current)
        analysis = analysis or _analysis_of(current)
        alignments = LinkWriter(partial_generation)  # paragraph links, candidates, related-coverage keys
        writers = executor(partial_generation, analysis, alignments)
        report = WriteReport(problems=problems)
        earlier = read_manifest(current).get("problems", []) if current else []
        with _undone_on_failure(partial_generation, alignments, writers):
            for doc_id in removed:
                (report.removed if writers.delete(doc_id) else report.not_found).append(doc_id)
                alignments.remove(doc_id)
            for item in writers.read(_reporting_progress(inputs, progress)):
                if isinstance(item, Problem):
                    report.problems.append(item)
                    continue
                alignments.add(item)  # first: replacing an article there forgets its old keys
                writers.write(item, replace=copy_current)
                report.written[item.lang] += 1
            if not copy_current:
                report.refuse_if_empty()
            writers.commit(meanwhile=alignments.align, with_keys=_then_mined(alignments, partial_generation, report))
            report.languages = writers.languages(partial_generation)
            skipped = _skipped(earlier, inputs, report.problems)
            return _publish(index_dir, partial_generation, report, started, analysis, skipped, writers.layout())


def _then_mined(alignments: LinkWriter, generation: Path, report: WriteReport) -> Callable[[], None]:
    """Once every article's keys are in the alignment store: save it, and mine the lexicon from its links (every
    build, add and remove), while the indexes are committed."""

    def save_and_mine() -> None:
        alignments.save()
        report.lexicon = mine_lexicon(generation)

    return save_and_mine


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


def _publish(
    index_dir: Path, partial: Path, report: WriteReport, started: float, analysis: str, skipped: list, layout: dict
) -> WriteReport:
    """Publish, the manifest listing the inputs `skipped`."""
    report.seconds = round(time.perf_counter() - started, 3)
    manifest = make_manifest(analysis, report.languages, skipped, **layout)
    report.generation = publish_generation(index_dir, partial, manifest).name
    return report


def _skipped(earlier: list[dict], inputs: list[CorpusInput], problems: list[Problem]) -> list:
    """The inputs a generation lists as skipped: this write's, and those a changed generation listed that this
    write did not read again (a file fixed and added again is no longer listed)."""
    read_now = {str(corpus_input.path) for corpus_input in inputs} | {problem.path for problem in problems}
    return [*(problem for problem in earlier if problem["path"] not in read_now), *problems]


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
