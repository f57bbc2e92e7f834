"""Query speed against plain Whoosh: `python -m bench.query_speed` writes bench/results/query_speed.{md,json}.

On synthetic corpora of the NTREX sample's sentences (bench.performance's), in one run:
plain Whoosh top-10 (StandardAnalyzer index, an OR of the query's words, in-process),
Setu's library search, and Setu through HTTP (`python -m search_app`), per language,
SAMPLES timed queries per cell after one untimed run of each query, the three systems taking turns on
each query.
"""

from __future__ import annotations

import argparse
import itertools
import json
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

from whoosh import index as whoosh_index
from whoosh.qparser import OrGroup, QueryParser

from bench.performance import QUERY_LANGS, fetch, make_queries, sample_sentences, write_synthetic_corpus
from bench.serving import ROOT, serving
from bench.whoosh_baseline import write_plain_indexes
from indexer.engine.index_set import open_index_set
from indexer.search import search, warm

RESULTS = ROOT / "bench" / "results"
SIZES = (10_000, 100_000)
# Timed queries per (system, language) cell: enough for a p95 that is not the maximum.
SAMPLES = 240


def plain_whoosh(index_dir: Path) -> dict:
    """Plain Whoosh's top-10 for a query, per language: parsed by its own parser as OR over the text field."""
    searchers = {lang: whoosh_index.open_dir(index_dir / lang).searcher() for lang in QUERY_LANGS}
    parsers = {lang: QueryParser("text", s.schema, group=OrGroup) for lang, s in searchers.items()}

    def run(query: dict) -> None:
        searcher = searchers[query["lang"]]
        list(searcher.search(parsers[query["lang"]].parse(query["q"]), limit=10).items())

    return run


def timed(runs: dict, queries: list[dict]) -> dict:
    """SAMPLES timings (ms) per system and language, cycling through that language's queries. The systems take
    turns on each query (in rotating order), so a machine slowing down or speeding up mid-run moves every system's
    samples alike and the ratios between them stay fair."""
    cells = {name: {} for name in runs}
    for lang in QUERY_LANGS:
        mine = [query for query in queries if query["lang"] == lang]
        for query in mine:
            for run in runs.values():
                run(query)
        samples = {name: [] for name in runs}
        order = list(runs)
        for query in itertools.islice(itertools.cycle(mine), SAMPLES):
            order = order[1:] + order[:1]
            for name in order:
                started = time.perf_counter()
                runs[name](query)
                samples[name].append((time.perf_counter() - started) * 1000)
        for name in runs:
            cells[name][lang] = summary(samples[name])
    return cells


def summary(samples: list[float]) -> dict:
    ordered = sorted(samples)
    return {
        "n": len(ordered),
        "p50": round(statistics.median(ordered), 2),
        "p95": round(ordered[int(0.95 * (len(ordered) - 1))], 2),
        "p99": round(ordered[int(0.99 * (len(ordered) - 1))], 2),
    }


def measure(passages: int, sentences: dict, queries: list[dict], scratch: Path) -> dict:
    """Build both indexes of one corpus size and time the three systems on it."""
    corpus = scratch / f"corpus-{passages}"
    setu_dir, plain_dir = scratch / f"setu-{passages}", scratch / f"plain-{passages}"
    if not corpus.exists():  # a kept scratch folder (--scratch) holds them from an earlier run
        corpus.mkdir()
        write_synthetic_corpus(corpus, passages, sentences)
    if not setu_dir.exists():
        subprocess.run([sys.executable, "-m", "indexer", "build", "--index-dir", str(setu_dir), str(corpus)],
                       cwd=ROOT, check=True, capture_output=True)  # fmt: skip
    if not plain_dir.exists():
        write_plain_indexes(corpus, plain_dir)
    index_set = open_index_set(setu_dir)
    warm(index_set)
    with serving(setu_dir) as (base, _):
        url = base + "/api/v1/search?"
        runs = {
            "plain": plain_whoosh(plain_dir),
            "library": lambda query: search(index_set, query["q"], lang=query["lang"], per="passage"),
            "http": lambda query: fetch(url + urlencode({"q": query["q"], "lang": query["lang"], "per": "passage"})),
        }
        return {"passages": passages, **timed(runs, queries)}


def markdown(report: dict) -> str:
    lines = [
        "# Query speed: Setu against plain Whoosh top-10",
        "",
        f"Written by `python -m bench.query_speed` ({report['machine']}). Synthetic corpora of the NTREX sample's "
        "sentences (bench.performance's); queries: bench.performance's 1-word, 3-word, phrase and prefix "
        f"queries in bn, ko, en, cycled to n = {SAMPLES} timed runs per cell, the three systems taking turns on "
        "each query. Plain Whoosh: StandardAnalyzer "
        "index, OR of the query's words over the text field, `limit=10`, in-process. Setu library: "
        "`indexer.search.search(..., per='passage')`; HTTP: `GET /api/v1/search` on `python -m search_app`.",
        "",
        "| passages | lang | plain Whoosh p50 / p95 | Setu library p50 / p95 | library p95 / plain p95 "
        "| HTTP p50 / p95 | HTTP p95 − library p95 |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in report["rows"]:
        for lang in QUERY_LANGS:
            plain, library, http = row["plain"][lang], row["library"][lang], row["http"][lang]
            lines.append(
                f"| {row['passages']:,} | {lang} | {plain['p50']} / {plain['p95']} ms | {library['p50']} / "
                f"{library['p95']} ms | {library['p95'] / plain['p95']:.2f}x | {http['p50']} / {http['p95']} ms "
                f"| {http['p95'] - library['p95']:+.2f} ms |"
            )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    parser.add_argument("--out", default="query_speed", help="results file name in bench/results")
    parser.add_argument("--scratch", type=Path, help="folder to keep the corpora and indexes in, reused if there")
    args = parser.parse_args()
    sentences = sample_sentences()
    queries = make_queries(sentences)
    report = {"machine": f"{platform.processor() or platform.machine()}, Python {platform.python_version()}"}
    with tempfile.TemporaryDirectory() as temporary:
        scratch = args.scratch or Path(temporary)
        scratch.mkdir(parents=True, exist_ok=True)
        report["rows"] = [measure(size, sentences, queries, scratch) for size in args.sizes]
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{args.out}.json").write_text(json.dumps(report, indent=1), encoding="utf-8")
    (RESULTS / f"{args.out}.md").write_text(markdown(report), encoding="utf-8")
    print(markdown(report))


if __name__ == "__main__":
    main()
