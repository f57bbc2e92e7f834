"""Sharded generations: which shard holds an article, where shards live, and a view reading a language's shards as one.

A sharded generation keeps each language as S Whoosh indexes, `<lang>/shard-<k>/`,
never merged. Its manifest records every shard and each language's collection
statistics, so searches on separate shards can score with the whole language's.
"""

from __future__ import annotations

import hashlib
import math
from pathlib import Path

from whoosh.reading import MultiReader
from whoosh.searching import Searcher

from indexer.engine.index_set import IndexSet
from indexer.engine.schema import open_index
from indexer.generations import current_generation, read_manifest

# Fewer articles than this per shard, and a language gets fewer shards: a small language gets one.
MIN_ARTICLES_PER_SHARD = 5
# Passages per shard that `--shards auto` aims at: a shard of this size answers a round within a 50 ms
# per-shard budget on one core (bench/results/query_speed-1m.md: a 111k-passage language index has a
# library p95 of 81-112 ms for English and Korean), so a language past it is split (docs/cluster.md).
AUTO_PASSAGES_PER_SHARD = 50_000
# The fields BM25F scores, whose length totals a manifest records per language.
SCORED_FIELDS = ("title", "text", "byline")
AUTO = "auto"


def shards_option(text: str) -> str | int:
    """Read `--shards`: "auto" or a positive number (a ValueError otherwise, which argparse reports)."""
    if text == AUTO:
        return AUTO
    if int(text) < 1:
        raise ValueError(text)
    return int(text)


def shard_of(article_id: str, shards: int) -> int:
    """The shard an article goes to: a stable hash of its id (Python's own `hash` changes between runs)."""
    digest = hashlib.blake2b(article_id.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big") % shards


def shard_count(articles: int, passages: int, requested: str | int) -> int:
    """How many shards a language gets: `requested` (a number or "auto"), fewer for a small language."""
    wanted = math.ceil(passages / AUTO_PASSAGES_PER_SHARD) if requested == AUTO else int(requested)
    return max(1, min(wanted, articles // MIN_ARTICLES_PER_SHARD))


def shard_folder(generation: Path, lang: str, shard: int) -> Path:
    """Where shard `shard` of a language's index lives in a generation."""
    return Path(generation) / lang / f"shard-{shard}"


def shard_statistics(folder: Path) -> dict:
    """A written shard's counts and collection statistics: what global scoring sums over shards."""
    with open_index(folder).reader() as reader:
        doc_ids = reader.column_reader("doc_id")
        return {
            "articles": len({doc_ids[docnum] for docnum in reader.all_doc_ids()}),
            "passages": reader.doc_count(),
            "doc_count": reader.doc_count_all(),
            "field_length": {field: reader.field_length(field) for field in SCORED_FIELDS},
        }


def language_statistics(shards: list[dict]) -> dict:
    """A language's collection statistics: its shards' summed."""
    return {
        "doc_count": sum(s["doc_count"] for s in shards),
        "field_length": {field: sum(s["field_length"][field] for s in shards) for field in SCORED_FIELDS},
    }


def is_sharded(generation: Path) -> bool:
    """Whether a generation was written in shards (its manifest lists them)."""
    return "shards" in read_manifest(generation)


class ShardedIndexSet(IndexSet):
    """A sharded generation read in this process, each language's shards as one Whoosh reader.

    It answers what an IndexSet answers (search, documents, translations) with the
    whole language's statistics, as Whoosh scores a multi-segment index: the
    single-process reference the cluster's answers are checked against.
    """

    def open_languages(self) -> None:
        """Open every shard of every language and read its analyzer (as IndexSet.open_languages)."""
        self._shard_readers = {
            lang: [open_index(shard_folder(self.folder, lang, k)).reader() for k in range(len(shards))]
            for lang, shards in self.manifest["shards"].items()
        }
        self.analyzers = {lang: readers[0].schema["text"].analyzer for lang, readers in self._shard_readers.items()}

    def open_searcher(self, lang: str):
        """A new searcher over every shard of a language."""
        return Searcher(_combined_reader(self._shard_readers[lang]), closereader=False)

    def shards(self, lang: str) -> int:
        """How many shards a language's index has."""
        return len(self._shard_readers[lang])

    def shard_base(self, lang: str, shard: int) -> int:
        """The number of a shard's first passage in the language's combined reader."""
        return sum(reader.doc_count_all() for reader in self._shard_readers[lang][:shard])


def _combined_reader(readers: list) -> MultiReader:
    """One reader over shards' segments, flattened so Whoosh scores every segment with the top reader's stats."""
    leaves = [leaf for reader in readers for leaf, _ in reader.leaf_readers()]
    return MultiReader(leaves)


def open_any_index_set(index_dir: Path) -> IndexSet | ShardedIndexSet:
    """Open the served generation for searching in this process, sharded or not."""
    generation = current_generation(Path(index_dir))
    if generation is not None and is_sharded(generation):
        return ShardedIndexSet(index_dir)
    return IndexSet(index_dir)
