"""A build on a cluster: workers read and analyze, each shard is written by one task, one generation is published.

The coordinator only finds the inputs, drops duplicate ids, routes articles to
shards and writes the manifest; everything CPU-heavy (reading, ICU, Kiwi, stemming,
alignment, related-coverage keys) runs on the workers, each text analyzed once.
Each shard's articles are written in id order, so the same corpus gives the same
shards whatever the number of workers.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path

from indexer.align.keys import KeyFile
from indexer.align.store import LinkWriter
from indexer.analysis import SETU
from indexer.build.pipeline import WriteReport
from indexer.cluster.client import Cluster
from indexer.corpus import CorpusInput, drop_duplicate_ids, find_inputs, read_input
from indexer.documents import Article, Problem
from indexer.engine.shards import AUTO, language_statistics, shard_count, shard_folder, shard_of, shard_statistics
from indexer.engine.writing import open_writer, write_article
from indexer.generations import discard_generation, make_manifest, new_generation, publish_generation, writer_lock

# Inputs each read task handles: enough to outweigh a task's overhead, few enough to spread a corpus over workers.
INPUTS_PER_READ_TASK = 16

ShardChooser = Callable[[str, int], int]


def build_sharded_index(
    index_dir: Path,
    paths: Iterable[str | Path],
    cluster: Cluster,
    shards: str | int = AUTO,
    analysis: str = SETU,
    choose_shard: ShardChooser = shard_of,
) -> WriteReport:
    """Build a fresh sharded generation from `paths` on `cluster` and swap it in atomically.

    `choose_shard(article_id, shards)` places an article; the default is a stable hash
    of its id (a test may skew it on purpose).
    """
    started = time.perf_counter()
    index_dir = Path(index_dir)
    inputs, problems = find_inputs(paths)
    with writer_lock(index_dir):
        partial = new_generation(index_dir)
        try:
            articles, skipped = _read_on_workers(cluster, inputs)
            report = WriteReport(problems=problems + skipped, written=Counter(a.lang for a in articles))
            report.refuse_if_empty()
            plan = _plan_shards(articles, shards, choose_shard)
            key_files = {shard: str(partial / f"keys-{shard[0]}-{shard[1]}.sqlite") for shard in plan}
            writes = [
                (_write_shard, (str(shard_folder(partial, lang, k)), lang, analysis, batch, key_files[lang, k]))
                for (lang, k), batch in plan.items()
            ]
            written = cluster.run_all([*writes, (_write_alignments, (str(partial), articles))])
            cluster.run_all([(_merge_keys, (str(partial), list(key_files.values())))])
            manifest = _manifest(analysis, dict(zip(plan, written[:-1], strict=True)), report.problems)
            report.languages = manifest["languages"]
            report.seconds = round(time.perf_counter() - started, 3)
            report.generation = publish_generation(index_dir, partial, manifest).name
            return report
        except BaseException:
            discard_generation(partial)
            raise


def _read_on_workers(cluster: Cluster, inputs: list[CorpusInput]) -> tuple[list[Article], list[Problem]]:
    """Read every input on the workers; keep the first article of each id, in input order, as one machine does."""
    batches = [inputs[i : i + INPUTS_PER_READ_TASK] for i in range(0, len(inputs), INPUTS_PER_READ_TASK)]
    read = cluster.run_all((_read_batch, (batch,)) for batch in batches)
    articles, problems = [], []
    for item in drop_duplicate_ids(item for batch in read for item in batch):
        (problems if isinstance(item, Problem) else articles).append(item)
    return articles, problems


def _read_batch(inputs: list[CorpusInput]) -> list[Article | Problem]:
    """A worker's reading task."""
    return [item for corpus_input in inputs for item in read_input(corpus_input)]


def _plan_shards(
    articles: list[Article], requested: str | int, choose_shard: ShardChooser
) -> dict[tuple[str, int], list[Article]]:
    """Each (language, shard)'s articles, in id order so a shard's documents never depend on the workers."""
    by_lang: dict[str, list[Article]] = {}
    for article in articles:
        by_lang.setdefault(article.lang, []).append(article)
    plan: dict[tuple[str, int], list[Article]] = {}
    for lang in sorted(by_lang):
        members = by_lang[lang]
        count = shard_count(len(members), sum(max(1, len(a.paragraphs)) for a in members), requested)
        for k in range(count):
            plan[(lang, k)] = []
        for article in sorted(members, key=lambda a: a.id):
            plan[(lang, choose_shard(article.id, count))].append(article)
    return plan


def _write_shard(folder: str, lang: str, analysis: str, articles: list[Article], key_path: str) -> dict:
    """A worker's writing task: analyze and write one shard of a language, then return its statistics.

    The articles' related-coverage keys, made from the same tokens, go to the shard's own KeyFile.
    """
    Path(folder).mkdir(parents=True)  # a shard is written once: an existing folder is an error
    writer = open_writer(Path(folder), lang, analysis)
    key_file = KeyFile(Path(key_path))
    try:
        for article in articles:
            key_file.add(write_article(writer, article))
        writer.commit()
    except BaseException:
        writer.cancel()
        raise
    finally:
        key_file.close()
    return shard_statistics(Path(folder))


def _write_alignments(generation: str, articles: list[Article]) -> None:
    """A worker's alignment task: every translation of a story meets here, and every article's anchors.

    Candidate translations are looked for across all stories, so this is one task
    (it runs beside the shard writers).
    """
    links = LinkWriter(Path(generation))
    for article in articles:
        links.add(article)
    links.finish()


def _merge_keys(generation: str, key_paths: list[str]) -> None:
    """A worker's last task: the shards' related-coverage keys into the alignment store."""
    links = LinkWriter(Path(generation))
    for path in key_paths:
        links.merge_keys(Path(path))
    links.save()


def _manifest(analysis: str, shard_stats: dict[tuple[str, int], dict], problems: list[Problem]) -> dict:
    """The generation's manifest: per language its counts, its shards, and its collection statistics."""
    shards: dict[str, list[dict]] = {}
    for (lang, k), stats in shard_stats.items():
        shards.setdefault(lang, []).append({"folder": shard_folder(Path(), lang, k).as_posix(), **stats})
    languages = {
        lang: {"articles": sum(s["articles"] for s in found), "passages": sum(s["passages"] for s in found)}
        for lang, found in shards.items()
    }
    statistics = {lang: language_statistics(found) for lang, found in shards.items()}
    return make_manifest(analysis, languages, problems, shards=shards, statistics=statistics)
