"""Cluster benchmark: sharded build throughput on 1, 2 and 4 Dask workers; query latency through the cluster.

Run: `.venv/bin/python -m bench.cluster` (a few minutes). Every cluster is a
LocalCluster on 127.0.0.1. Builds seeds/ in SHARDS shards per language with 1, 2
and 4 workers and once on one machine (`build_index`), then times each query
REPEATS times through the cluster (2 workers, 2 replicas per shard) and in this
process over the plain index and over the shards. Writes bench/results/cluster.md
and cluster.json.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import tempfile
import time
from functools import partial
from pathlib import Path

from indexer.build.pipeline import build_index
from indexer.cluster.build import build_sharded_index
from indexer.cluster.client import Cluster
from indexer.cluster.search import ClusterIndexSet
from indexer.engine.index_set import open_index_set
from indexer.engine.shards import ShardedIndexSet
from indexer.search import search

RESULTS = Path(__file__).resolve().parent / "results"
SEEDS = Path(__file__).resolve().parent.parent / "seeds"
# Shards per language: enough that every query fans out, few enough for a small corpus.
SHARDS = 3
WORKER_COUNTS = (1, 2, 4)
# Workers serving the query benchmark (the machine has 2 cores).
SEARCH_WORKERS = 2
REPEATS = 20
QUERIES = [
    ("사회복지", "auto"),
    ("সমাজকর্ম", "auto"),
    ("shark attack", "auto"),
    ('"사회복지 서비스"', "ko"),
    ("12", "auto"),
    ("library", "all"),
]


def time_build(index_dir: Path, workers: int | None) -> dict:
    """One build's seconds and throughput: on `workers` Dask workers, or on one machine when None."""
    started = time.perf_counter()
    if workers is None:
        report = build_index(index_dir, [SEEDS])
    else:
        with Cluster(f"local:{workers}") as cluster:
            started = time.perf_counter()  # cluster start-up is not the build's
            report = build_sharded_index(index_dir, [SEEDS], cluster, shards=SHARDS)
    seconds = time.perf_counter() - started
    articles = sum(report.written.values())
    passages = sum(counts["passages"] for counts in report.languages.values())
    return {
        "workers": workers or "one machine",
        "seconds": round(seconds, 1),
        "articles_per_s": round(articles / seconds, 1),
        "passages_per_s": round(passages / seconds, 1),
    }


def latencies(run) -> dict:
    """p50 and p95 in milliseconds of REPEATS calls, after one warm-up."""
    run()
    samples = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        run()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return {"p50_ms": round(statistics.median(samples), 1), "p95_ms": round(samples[int(0.95 * (REPEATS - 1))], 1)}


def time_queries(plain: Path, sharded: Path) -> list[dict]:
    rows = []
    with Cluster(f"local:{SEARCH_WORKERS}") as cluster:
        paths = {
            "one machine, one index per language": open_index_set(plain),
            "one process over the shards": ShardedIndexSet(sharded),
            f"cluster, {SEARCH_WORKERS} workers": ClusterIndexSet(sharded, cluster),
        }
        for query, lang in QUERIES:
            for path, index_set in paths.items():
                run = index_set.search if isinstance(index_set, ClusterIndexSet) else partial(search, index_set)
                rows.append({"query": query, "lang": lang, "path": path, **latencies(partial(run, query, lang=lang))})
    return rows


def main() -> None:
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        builds = [time_build(scratch / "plain", None)]
        for workers in WORKER_COUNTS:
            builds.append(time_build(scratch / f"sharded-{workers}", workers))
        queries = time_queries(scratch / "plain", scratch / f"sharded-{SEARCH_WORKERS}")
    write_results(builds, queries)


def write_results(builds: list[dict], queries: list[dict]) -> None:
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    (RESULTS / "cluster.json").write_text(
        json.dumps({"machine": machine, "shards": SHARDS, "builds": builds, "queries": queries}, indent=1) + "\n",
        encoding="utf-8",
    )
    lines = [
        "# Cluster benchmark",
        "",
        f"Run on {time.strftime('%Y-%m-%d')} ({machine}): `.venv/bin/python -m bench.cluster`. Every cluster is a",
        "Dask LocalCluster on 127.0.0.1, one thread per worker process; this machine is shared and noisy, and has",
        "only 2 cores, so 4 workers measure contention, not scaling.",
        "",
        f"## Build of seeds/ ({SHARDS} shards per language on the cluster)",
        "",
        "| workers | seconds | articles/s | passages/s |",
        "|---|---:|---:|---:|",
        *[f"| {b['workers']} | {b['seconds']} | {b['articles_per_s']} | {b['passages_per_s']} |" for b in builds],
        "",
        f"## Query latency ({REPEATS} runs each, after a warm-up; in-process calls, no HTTP)",
        "",
        "| query | lang | path | p50 ms | p95 ms |",
        "|---|---|---|---:|---:|",
        *[f"| `{q['query']}` | {q['lang']} | {q['path']} | {q['p50_ms']} | {q['p95_ms']} |" for q in queries],
        "",
    ]
    (RESULTS / "cluster.md").write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
