"""A build on a cluster: the build pipeline with an executor that reads and writes shards on Dask workers.

The workers read the inputs and analyze and write each (language, shard) in one task
(ICU, Kiwi, stemming, related-coverage keys, each text analyzed once); the coordinator
runs the pipeline's other stages: it drops duplicate ids, routes articles to shards,
aligns paragraphs while the shards are written, and publishes. Each shard's articles
are written in id order, so the same corpus gives the same shards whatever the number
of workers.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from indexer.align.keys import KeyFile
from indexer.align.store import LinkWriter
from indexer.analysis import SETU
from indexer.build.executors import Executor
from indexer.build.pipeline import WriteReport, write_generation
from indexer.cluster.client import Cluster
from indexer.corpus import CorpusInput, drop_duplicate_ids, read_input
from indexer.documents import Article, Problem
from indexer.engine.shards import AUTO, language_statistics, shard_count, shard_folder, shard_of, shard_statistics
from indexer.engine.vocabulary import FILE_PATTERN, VocabularyWriter
from indexer.engine.writing import open_writer, write_article

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
    """Build a fresh sharded generation from `paths` on `cluster` and swap it in atomically: the build pipeline,
    with its articles read and written on the cluster's workers.

    `choose_shard(article_id, shards)` places an article; the default is a stable hash
    of its id (a test may skew it on purpose).
    """
    executor = functools.partial(ShardsOnCluster, cluster=cluster, shards=shards, choose_shard=choose_shard)
    return write_generation(index_dir, paths, executor, analysis)


class ShardsOnCluster(Executor):
    """Reads the inputs on the workers, then writes each (language, shard) in one worker task, articles in id
    order, while the coordinator aligns; the shards' related-coverage keys are merged into the store after."""

    def __init__(
        self,
        generation: Path,
        analysis: str,
        alignments: LinkWriter,
        cluster: Cluster,
        shards: str | int,
        choose_shard: ShardChooser,
    ):
        self.generation, self.analysis, self.alignments = generation, analysis, alignments
        self.cluster, self.shards, self.choose_shard = cluster, shards, choose_shard
        self.articles: list[Article] = []
        self.shard_stats: dict[tuple[str, int], dict] = {}

    def read(self, inputs: Iterable[CorpusInput]) -> Iterator[Article | Problem]:
        """Every input read on the workers; the first article of each id kept, in input order, as one machine does."""
        inputs = list(inputs)
        batches = [inputs[i : i + INPUTS_PER_READ_TASK] for i in range(0, len(inputs), INPUTS_PER_READ_TASK)]
        read = self.cluster.run_all((_read_batch, (batch,)) for batch in batches)
        return drop_duplicate_ids(item for batch in read for item in batch)

    def write(self, article: Article, replace: bool = False) -> None:
        """Keep the article: where it goes depends on how many articles its language has."""
        self.articles.append(article)

    def commit(self, meanwhile: Callable[[], None], with_keys: Callable[[], None]) -> None:
        plan = _plan_shards(self.articles, self.shards, self.choose_shard)
        key_files = {shard: str(self.generation / f"keys-{shard[0]}-{shard[1]}.sqlite") for shard in plan}
        writes = [
            (
                _write_shard,
                (str(shard_folder(self.generation, lang, k)), lang, self.analysis, batch, key_files[lang, k]),
            )
            for (lang, k), batch in plan.items()
        ]
        running = self.cluster.start_all(writes)
        meanwhile()
        self.shard_stats = dict(zip(plan, self.cluster.gather(running), strict=True))
        for key_file in key_files.values():
            self.alignments.merge_keys(Path(key_file))
        with_keys()
        vocabulary = VocabularyWriter(self.generation)
        for lang, k in plan:
            vocabulary.merge(lang, shard_folder(self.generation, lang, k) / FILE_PATTERN.format(lang))
        vocabulary.commit()

    def cancel(self) -> None:
        """Nothing to stop: a failed write has already ended its tasks, and the generation is discarded."""

    def languages(self, generation: Path) -> dict[str, dict[str, int]]:
        return {
            lang: {"articles": sum(s["articles"] for s in found), "passages": sum(s["passages"] for s in found)}
            for lang, found in self._shards().items()
        }

    def layout(self) -> dict:
        """The shards of each language, and each language's collection statistics (for global BM25F)."""
        shards = self._shards()
        return {"shards": shards, "statistics": {lang: language_statistics(found) for lang, found in shards.items()}}

    def _shards(self) -> dict[str, list[dict]]:
        shards: dict[str, list[dict]] = {}
        for (lang, k), stats in self.shard_stats.items():
            shards.setdefault(lang, []).append({"folder": shard_folder(Path(), lang, k).as_posix(), **stats})
        return shards


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

    The articles' related-coverage keys and words, made from the same tokens, go to the shard's own KeyFile and
    vocabulary file.
    """
    Path(folder).mkdir(parents=True)  # a shard is written once: an existing folder is an error
    writer = open_writer(Path(folder), lang, analysis)
    key_file = KeyFile(Path(key_path))
    vocabulary = VocabularyWriter(Path(folder))  # merged into the generation's by the coordinator
    try:
        for article in articles:
            key_file.add(write_article(writer, article, vocabulary))
        writer.commit()
        vocabulary.save_lists()
    except BaseException:
        writer.cancel()
        vocabulary.close()
        raise
    finally:
        key_file.close()
    return shard_statistics(Path(folder))
