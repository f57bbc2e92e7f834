"""What narrowing costs a search: facets, story collapse and date sort against the plain search, in one run.

    .venv/bin/python -m bench.narrowing [--samples 240] [--passages 100000]

Builds the bundled seeds (or, with --passages, bench.performance's synthetic dated corpus of that many
passages) into a temporary index, then times `indexer.search` (the library, no HTTP)
over the judged question set's queries (bench/data/questions, keyword and question kinds alike): each
query in turn is timed in every cell, `--samples` queries in all, after a warm-up. Writes bench/results/narrowing.md:
median and p95 per cell and their ratio to the plain search measured in the same run
(bench/results/narrowing-100k.md for --passages 100000).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench.performance import sample_sentences, write_synthetic_corpus
from indexer import build_index, open_any_index_set, search

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
QUESTIONS = ROOT / "bench" / "data" / "questions"
# Each cell: its name and the keyword arguments of indexer.search it adds.
CELLS = (
    ("plain (lang=auto, no facets)", {"facets": False}),
    ("facets", {"facets": True}),
    ("lang=all, collapse=none", {"lang": "all", "collapse": "none", "facets": False}),
    ("lang=all, collapse=story", {"lang": "all", "collapse": "story", "facets": False}),
    ("lang=all, story + facets", {"lang": "all", "facets": True}),
    ("sort=date", {"sort": "date", "facets": False}),
    ("recency=30", {"recency": 30, "facets": False}),
)


def queries() -> list[str]:
    """The judged set's queries, every language."""
    found = []
    for path in sorted(QUESTIONS.glob("*.jsonl")):
        found += [json.loads(line)["query"] for line in path.read_text(encoding="utf-8").splitlines() if line]
    return found


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.narrowing", description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=240)
    parser.add_argument("--passages", type=int, help="search a synthetic dated corpus of this many passages")
    args = parser.parse_args(argv)
    words = queries()
    with tempfile.TemporaryDirectory() as folder:
        corpus, described = ROOT / "seeds", "seeds/"
        if args.passages:
            corpus = Path(folder) / "corpus"
            corpus.mkdir()
            size = write_synthetic_corpus(corpus, args.passages, sample_sentences())
            described = f"{size['passages']:,} synthetic dated passages (bench.performance's corpus)"
        build_index(Path(folder) / "index", [corpus])
        index_set = open_any_index_set(Path(folder) / "index")
        for query in words[:20]:  # warm-up: analyzers, columns, passage tables
            search(index_set, query, lang="all", facets=True)
        times: dict[str, list[float]] = {name: [] for name, _ in CELLS}
        for n in range(args.samples):  # cells interleaved, so a slow spell of the machine hits them all
            for name, extra in CELLS:
                started = time.perf_counter()
                search(index_set, words[n % len(words)], **extra)
                times[name].append((time.perf_counter() - started) * 1000)
        rows = [(name, statistics.median(times[name]), percentile(times[name], 0.95)) for name, _ in CELLS]
    base_median, base_p95 = rows[0][1], rows[0][2]
    lines = [
        f"# Narrowing costs (library search over {described}, n={args.samples} per cell, {len(words)} queries cycled)",
        "",
        "Timed on a shared 2-core machine under load from other work: ratios within this run are what count.",
        "",
        "| cell | median ms | p95 ms | median × plain | p95 × plain |",
        "|---|---|---|---|---|",
        *(f"| {n} | {m:.2f} | {p:.2f} | {m / base_median:.2f} | {p / base_p95:.2f} |" for n, m, p in rows),
    ]
    RESULTS.mkdir(exist_ok=True)
    name = f"narrowing-{args.passages // 1000}k.md" if args.passages else "narrowing.md"
    (RESULTS / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
