"""Performance benchmark: build speed and memory, per-stage costs, query latency, scaling and server throughput.

Run: `.venv/bin/python -m bench.performance [--full]`. Everything is measured in one run on this
machine, on the bundled seeds/ and on synthetic corpora of 10k, 100k and 300k passages (`--full`
adds 1M), made by recombining the NTREX sample's real sentences into new stories, every story in
all nine languages (seeded, so runs repeat). Two baselines: plain Whoosh (its StandardAnalyzer,
one writer per language in one process, nothing else: bench/whoosh_baseline.py) and Setu's own
pipeline with the StandardAnalyzer in place of Setu's analysis ("whoosh-standard", which the
query baseline searches). Writes bench/results/performance.md and performance.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

import psutil

from bench.serving import serving
from indexer.align.keys import keys_of
from indexer.align.store import LinkWriter
from indexer.analysis import IcuTokenizer
from indexer.corpus import find_inputs, read_inputs
from indexer.documents import Article
from indexer.engine.index_set import open_index_set
from indexer.engine.schema import WHOOSH_STANDARD, WhooshAnalyzer
from indexer.generations import current_generation, folder_size
from indexer.languages import detect_language
from indexer.search import search

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SAMPLE = SEEDS / "ntrex-sample"
RESULTS = ROOT / "bench" / "results"
SETU = "setu"
PLAIN = "whoosh-plain"
ANALYSES = (SETU, WHOOSH_STANDARD)
BUILDS = (SETU, WHOOSH_STANDARD, PLAIN)
JOBS = os.cpu_count() or 1
# Synthetic corpus sizes in passages; `--full` adds 1M.
SIZES = (10_000, 100_000, 300_000)
FULL_SIZES = (*SIZES, 1_000_000)
# The largest size each baseline is built at in the default run (all sizes with --full): the run must
# stay under 15 minutes on 2 shared cores, and a 300k baseline alone takes several.
BASELINE_UP_TO = {WHOOSH_STANDARD: 10_000, PLAIN: 100_000}
# The size whose indexes get the detailed query table and the server measurements.
DETAILED_SIZE = 10_000
SEED = 2019
# A synthetic story: paragraphs of 1-3 of the sample's sentences, the same sentences in every language.
STORY_PARAGRAPHS = (3, 12)
SENTENCES_PER_PARAGRAPH = (1, 3)
ARTICLES_PER_FILE = 2_000
QUERY_LANGS = ("bn", "ko", "en")
KINDS = ("1-word", "3-word", "phrase", "prefix")
# Different queries per language and kind, and timed runs of each (after one untimed run): 200 samples a cell,
# so that a p95 is not the maximum.
QUERIES_PER_CELL = 4
RUNS = 50
CLIENT_COUNTS = (1, 4, 16)
CLIENT_SECONDS = 5
RSS_POLL_SECONDS = 0.05
# More memory polls than this share missing a process (one exiting as it was read), and the peak is not reported.
MAX_MISSED_POLLS = 0.05


def sample_sentences() -> dict[str, list[str]]:
    """The NTREX sample's sentences by language, line-aligned across languages."""
    articles = [item for item in read_inputs(find_inputs([SAMPLE])[0]) if isinstance(item, Article)]
    lines: dict[str, list[str]] = {}
    for article in articles:
        lines.setdefault(article.lang, []).extend((article.title, *article.paragraphs))
    return lines


def write_synthetic_corpus(folder: Path, passages: int, sentences: dict[str, list[str]]) -> dict:
    """Write stories in every language as JSON Lines until `passages` passages; return its size."""
    rng = random.Random(SEED)
    langs = sorted(sentences)
    count = len(next(iter(sentences.values())))
    written, chars, articles, story = 0, 0, [], 0
    while written < passages:
        title = rng.randrange(count)
        shape = [[rng.randrange(count) for _ in range(rng.randint(*SENTENCES_PER_PARAGRAPH))]
                 for _ in range(rng.randint(*STORY_PARAGRAPHS))]  # fmt: skip
        for lang in langs:
            paragraphs = [" ".join(sentences[lang][i] for i in paragraph) for paragraph in shape]
            record = {"id": f"s{story}-{lang}", "title": sentences[lang][title], "paragraphs": paragraphs,
                      "lang": lang, "group": f"s{story}", "published": f"2019-{1 + story % 12:02d}-01"}  # fmt: skip
            articles.append(json.dumps(record, ensure_ascii=False))
            written += len(paragraphs)
            chars += len(record["title"].encode()) + sum(len(p.encode()) for p in paragraphs)
        story += 1
        if len(articles) >= ARTICLES_PER_FILE or written >= passages:
            (folder / f"part{story:06d}.jsonl").write_text("\n".join(articles) + "\n", encoding="utf-8")
            articles = []
    return {"passages": written, "bytes": chars}


def timed_build(corpus: Path, index_dir: Path, build: str, jobs: int) -> dict:
    """Build as a subprocess; its wall time, CPU time and the peak RSS of its process tree."""
    if build == PLAIN:
        command = [sys.executable, "-m", "bench.whoosh_baseline", str(corpus), str(index_dir)]
    else:
        command = [sys.executable, "-m", "indexer", "build", "--index-dir", str(index_dir), "--analysis", build,
                   "--jobs", str(jobs), str(corpus)]  # fmt: skip
    cpu_before = _children_cpu()
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak, polls, missed = 0, 0, 0
    watched = psutil.Process(process.pid)
    while process.poll() is None:
        polls += 1
        try:
            tree = [watched, *watched.children(recursive=True)]
            peak = max(peak, sum(p.memory_info().rss for p in tree))
        except psutil.NoSuchProcess:  # a worker exited between listing and reading: this poll is incomplete
            missed += 1
        time.sleep(RSS_POLL_SECONDS)  # any other psutil error (no access) stops the benchmark
    seconds = time.perf_counter() - started
    if process.returncode:
        raise RuntimeError(f"build failed: {process.stderr.read().decode()}")
    if missed > MAX_MISSED_POLLS * polls:
        raise RuntimeError(f"peak RSS unreliable: {missed} of {polls} memory polls missed a process")
    process.stderr.close()
    size = folder_size(index_dir if build == PLAIN else current_generation(index_dir))
    return {"seconds": round(seconds, 2), "cpu_seconds": round(_children_cpu() - cpu_before, 2),
            "peak_rss_mb": round(peak / 2**20), "index_mb": round(size / 1e6, 1), "rss_polls": polls,
            "rss_missed_polls": missed}  # fmt: skip


def _children_cpu() -> float:
    """User and system seconds of every finished child process (a build's workers are waited for by it)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def stage_breakdown(corpus: Path, analysis: str) -> dict:
    """Seconds per stage, in one process: reading, language detection, analysis per language, keys, alignment."""
    started = time.perf_counter()
    articles = [item for item in read_inputs(find_inputs([corpus])[0]) if isinstance(item, Article)]
    reading = time.perf_counter() - started
    started = time.perf_counter()
    for article in articles:
        detect_language("\n".join((article.title, *article.paragraphs[:3])))
    detection = time.perf_counter() - started
    analysis_seconds: dict[str, float] = {}
    keys = 0.0
    for article in articles:
        analyzer = WhooshAnalyzer(article.lang, analysis)
        with analyzer.remembering():  # as a build does: each text once, for its passages and its keys
            started = time.perf_counter()
            for text in (article.title, *article.paragraphs, article.byline):
                analyzer.tokens(text)
            analyzed = time.perf_counter()
            keys_of(article, analyzer.tokens)
        analysis_seconds[article.lang] = analysis_seconds.get(article.lang, 0.0) + analyzed - started
        keys += time.perf_counter() - analyzed
    with tempfile.TemporaryDirectory() as scratch:
        started = time.perf_counter()
        links = LinkWriter(Path(scratch))
        for article in articles:
            links.add(article)
        links.finish()
        alignment = time.perf_counter() - started
    return {
        "reading": round(reading, 2),  # language detection included, where a file does not name it
        "detection": round(detection, 2),
        "analysis": {lang: round(seconds, 2) for lang, seconds in sorted(analysis_seconds.items())},
        "keys": round(keys, 2),
        "alignment": round(alignment, 2),
    }


def make_queries(sentences: dict[str, list[str]]) -> list[dict]:
    """Seeded queries from the sample's words: 1-word, 3-word, a two-word phrase and a prefix, per language."""
    rng = random.Random(SEED)
    queries = []
    for lang in QUERY_LANGS:
        tokenizer = IcuTokenizer(lang)
        for kind in KINDS:
            for _ in range(QUERIES_PER_CELL):
                words = []
                while len(words) < 3:
                    words = [t.text for t in tokenizer(rng.choice(sentences[lang])) if t.text.isalpha()]
                at = rng.randrange(len(words) - 2)
                text = {
                    "1-word": max(words, key=lambda w: (len(w), rng.random())),
                    "3-word": " ".join(words[at : at + 3]),
                    "phrase": f'"{words[at]} {words[at + 1]}"',
                    "prefix": max(words, key=len)[: 2 if lang == "ko" else 4] + "*",
                }[kind]
                queries.append({"lang": lang, "kind": kind, "q": text})
    return queries


def library_latency(index_dir: Path, queries: list[dict]) -> dict:
    """Milliseconds per query through `indexer.search.search`, by language and kind."""
    index_set = open_index_set(index_dir)
    samples: dict[str, list[float]] = {}
    for query in queries:
        search(index_set, query["q"])
        for _ in range(RUNS):
            started = time.perf_counter()
            search(index_set, query["q"])
            samples.setdefault(f"{query['lang']} {query['kind']}", []).append((time.perf_counter() - started) * 1000)
    return _percentiles(samples)


def http_latency(base: str, queries: list[dict]) -> dict:
    """Milliseconds per query through `/api/v1/search` on the real server, by language and kind."""
    samples: dict[str, list[float]] = {}
    for query in queries:
        url = f"{base}/api/v1/search?{urlencode({'q': query['q']})}"
        fetch(url)
        for _ in range(RUNS):
            started = time.perf_counter()
            fetch(url)
            samples.setdefault(f"{query['lang']} {query['kind']}", []).append((time.perf_counter() - started) * 1000)
    return _percentiles(samples)


def fetch(url: str) -> None:
    """GET `url` and read the whole answer (what a client waits for)."""
    with urllib.request.urlopen(url, timeout=120) as response:
        response.read()


def _percentiles(samples: dict[str, list[float]]) -> dict:
    everything = sorted(v for values in samples.values() for v in values)
    cells = {key: _summary(sorted(values)) for key, values in samples.items()}
    return {"cells": cells, "all": _summary(everything)}


def _summary(values: list[float]) -> dict:
    def at(share: float) -> float:
        return round(values[min(len(values) - 1, int(share * len(values)))], 1)

    return {"p50": round(statistics.median(values), 1), "p95": at(0.95), "p99": at(0.99), "n": len(values)}


def server_figures(index_dir: Path, queries: list[dict], library: dict) -> dict:
    """HTTP latency, the HTTP layer's cost over the library, requests/s at 1, 4 and 16 clients, RSS."""
    with serving(index_dir) as (base, server):
        http = http_latency(base, queries)
        rss = psutil.Process(server.pid).memory_info().rss
        throughput = {clients: _throughput(base, queries, clients) for clients in CLIENT_COUNTS}
    return {
        "http": http,
        "http_added_median_ms": round(http["all"]["p50"] - library["all"]["p50"], 1),
        "rss_after_warmup_mb": round(rss / 2**20),
        "requests_per_second": throughput,
    }


def _throughput(base: str, queries: list[dict], clients: int) -> float:
    urls = [f"{base}/api/v1/search?{urlencode({'q': query['q']})}" for query in queries]
    done = [0] * clients
    until = time.monotonic() + CLIENT_SECONDS

    def client(number: int) -> None:
        position = number
        while time.monotonic() < until:
            fetch(urls[position % len(urls)])
            position += 1
            done[number] += 1

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return round(sum(done) / (time.perf_counter() - started), 1)


def measure_size(scratch: Path, name: str, corpus: Path, size: dict, queries: list[dict], builds: tuple[str, ...],
                 detailed: bool) -> dict:  # fmt: skip
    """The builds on one corpus; library latency on Setu's and the pipeline baseline's; the server when `detailed`."""
    row = {"corpus": name, **size}
    for build in builds:
        index_dir = scratch / f"{name}-{build}"
        figures = timed_build(corpus, index_dir, build, JOBS)
        figures["passages_per_s"] = round(size["passages"] / figures["seconds"])
        figures["mb_per_s"] = round(size["bytes"] / 1e6 / figures["seconds"], 3)
        row[build] = {"build": figures}
        if build in ANALYSES:
            library = row[build]["library"] = library_latency(index_dir, queries)
            if detailed:
                row[build]["server"] = server_figures(index_dir, queries, library)
        print(f"{name} {build}: {figures}", flush=True)
        subprocess.run(["rm", "-rf", str(index_dir)], check=True)
    return row


def builds_at(passages: int, full: bool) -> tuple[str, ...]:
    """Setu always; each baseline up to its size in the default run, at every size with --full."""
    return tuple(b for b in BUILDS if b == SETU or full or passages <= BASELINE_UP_TO[b])


def seeds_size() -> dict:
    articles = [item for item in read_inputs(find_inputs([SEEDS])[0]) if isinstance(item, Article)]
    passages = sum(max(1, len(a.paragraphs)) for a in articles)
    return {"passages": passages, "bytes": sum(len(a.title.encode()) + sum(len(p.encode()) for p in a.paragraphs)
                                               for a in articles)}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="add the 1M passage corpus, and baselines at every size")
    parser.add_argument("--sizes", type=int, nargs="+", help="synthetic corpus sizes (passages) instead")
    parser.add_argument("--out", default="performance", help="results file name in bench/results")
    args = parser.parse_args()
    began = time.perf_counter()
    sentences = sample_sentences()
    queries = make_queries(sentences)
    sizes = args.sizes or (FULL_SIZES if args.full else SIZES)
    report = {"machine": machine(), "jobs": JOBS, "full": args.full, "queries": queries}
    with tempfile.TemporaryDirectory() as scratch_name:
        scratch = Path(scratch_name)
        report["stages"] = {analysis: stage_breakdown(SEEDS, analysis) for analysis in ANALYSES}
        report["seeds_single_process"] = {
            analysis: timed_build(SEEDS, scratch / f"seeds1-{analysis}", analysis, 1) for analysis in ANALYSES
        }
        rows = [measure_size(scratch, "seeds", SEEDS, seeds_size(), queries, BUILDS, detailed=False)]
        for passages in sizes:
            corpus = scratch / f"corpus{passages}"
            corpus.mkdir()
            size = write_synthetic_corpus(corpus, passages, sentences)
            builds = builds_at(passages, args.full)
            rows.append(measure_size(scratch, _size_name(passages), corpus, size, queries, builds,
                                     detailed=passages == DETAILED_SIZE))  # fmt: skip
            subprocess.run(["rm", "-rf", str(corpus)], check=True)
        report["rows"] = rows
    report["minutes"] = round((time.perf_counter() - began) / 60, 1)
    write_results(report, args.out)


def _size_name(passages: int) -> str:
    return f"{passages // 1_000_000}M" if passages >= 1_000_000 else f"{passages // 1000}k"


def machine() -> str:
    memory = psutil.virtual_memory().total / 2**30
    return (f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores (shared), {memory:.0f} GB, "
            f"Python {platform.python_version()}, {time.strftime('%Y-%m-%d')}")  # fmt: skip


def write_results(report: dict, name: str) -> None:
    """Write the JSON twin and the Markdown tables as bench/results/<name>.json and .md."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{name}.json").write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    text = markdown(report)
    (RESULTS / f"{name}.md").write_text(text, encoding="utf-8")
    print(text)


def markdown(report: dict) -> str:
    """The tables: builds, stages, queries by language and kind, server, scaling."""
    rows, single, stages = report["rows"], report["seeds_single_process"], report["stages"]
    sizes = ", ".join(row["corpus"] for row in rows[1:])
    lines = [
        "# Performance: Setu against plain Whoosh and against its own pipeline with Whoosh's StandardAnalyzer",
        "",
        f"Machine: {report['machine']}. Setu's builds use `--jobs {report['jobs']}` unless said; plain Whoosh "
        f"writes in one process. The run took {report['minutes']} min. Corpora: seeds/ and {sizes} passages of "
        "synthetic stories recombining the NTREX sample's sentences in all nine languages (seeded). "
        + ("Baselines at every size." if report["full"] else
           f"Baselines up to {BASELINE_UP_TO[PLAIN] // 1000}k (plain Whoosh) and "
           f"{BASELINE_UP_TO[WHOOSH_STANDARD] // 1000}k (pipeline) in the default run, every size with `--full`, "
           "which adds 1M passages."),
        "",
        "## Builds (CPU: the build's processes together; peak RSS: its whole process tree)",
        "",
        "| corpus | passages | MB text | build | s | CPU s | passages/s | MB/s | peak RSS MB | index MB "
        "| x plain Whoosh | x pipeline baseline |",
        "|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]  # fmt: skip
    for row in rows:
        for build in BUILDS:
            if build not in row:
                continue
            b = row[build]["build"]
            ratios = [f"{b['passages_per_s'] / row[base]['build']['passages_per_s']:.2f}" if base in row else ""
                      for base in (PLAIN, WHOOSH_STANDARD)]  # fmt: skip
            lines.append(f"| {row['corpus']} | {row['passages']} | {row['bytes'] / 1e6:.1f} | {build} | "
                         f"{b['seconds']} | {b['cpu_seconds']} | {b['passages_per_s']} | {b['mb_per_s']} | "
                         f"{b['peak_rss_mb']} | {b['index_mb']} | " + " | ".join(ratios) + " |")  # fmt: skip
    lines += ["", "seeds/ in one process (`--jobs 1`): " + ", ".join(
        f"{a} {single[a]['seconds']} s, peak RSS {single[a]['peak_rss_mb']} MB" for a in ANALYSES), ""]  # fmt: skip
    lines += ["## Stages on seeds/ (one process, seconds; writing = the single-process build minus the rest)", "",
              "| analysis | reading | detection | analysis by language | related keys | alignment | writing |",
              "|---|---:|---:|---|---:|---:|---:|"]  # fmt: skip
    for analysis in ANALYSES:
        st = stages[analysis]
        known = st["reading"] + st["detection"] + sum(st["analysis"].values()) + st["keys"] + st["alignment"]
        by_lang = " ".join(f"{lang} {sec}" for lang, sec in st["analysis"].items())
        lines.append(f"| {analysis} | {st['reading']} | {st['detection']} | {by_lang} | {st['keys']} | "
                     f"{st['alignment']} | {single[analysis]['seconds'] - known:.2f} |")  # fmt: skip
    detailed = next((row for row in rows if "server" in row[SETU]), None)
    if detailed:
        lines += ["", f"## Queries on {detailed['corpus']} passages (ms: p50 / p95 / p99, {RUNS} runs of "
                  f"{QUERIES_PER_CELL} queries per cell, `lang=auto`)", "",
                  "| language, kind | setu library | baseline library | setu HTTP | baseline HTTP |",
                  "|---|---|---|---|---|"]  # fmt: skip
        for cell in detailed[SETU]["library"]["cells"]:
            figures = [detailed[a]["library"]["cells"][cell] for a in ANALYSES]
            figures += [detailed[a]["server"]["http"]["cells"][cell] for a in ANALYSES]
            lines.append(f"| {cell} | " + " | ".join(f"{f['p50']} / {f['p95']} / {f['p99']}" for f in figures) + " |")
        lines += ["", "## Server (`python -m search_app` defaults, 127.0.0.1)", "",
                  "| analysis | HTTP adds to median ms | RSS after warm-up MB | req/s 1 client | 4 | 16 |",
                  "|---|---:|---:|---:|---:|---:|"]  # fmt: skip
        for analysis in ANALYSES:
            server = detailed[analysis]["server"]
            rps = server["requests_per_second"]
            lines.append(f"| {analysis} | {server['http_added_median_ms']} | {server['rss_after_warmup_mb']} | "
                         + " | ".join(str(rps[c]) for c in CLIENT_COUNTS) + " |")  # fmt: skip
    lines += scaling_lines(rows)
    return "\n".join(lines) + "\n"


def scaling_lines(rows: list[dict]) -> list[str]:
    """Setu's build seconds per 1k passages and query percentiles by size, against the smallest synthetic corpus."""
    synthetic = rows[1:]
    if not synthetic:
        return []
    first = synthetic[0][SETU]
    per_1k = first["build"]["seconds"] / synthetic[0]["passages"] * 1000
    lines = ["", "## Scaling (Setu; library latency over all queries)", "",
             "| corpus | build s | s per 1k passages | x first | peak RSS MB | p50 / p95 ms | p95 x first "
             "| baseline p50 / p95 ms | p95 x baseline |",
             "|---|---:|---:|---:|---:|---|---:|---|---:|"]  # fmt: skip
    for row in synthetic:
        s, base = row[SETU], row.get(WHOOSH_STANDARD)
        seconds_per_1k = s["build"]["seconds"] / row["passages"] * 1000
        p95 = s["library"]["all"]["p95"]
        baseline = base["library"]["all"] if base else None
        lines.append(f"| {row['corpus']} | {s['build']['seconds']} | {seconds_per_1k:.2f} | "
                     f"{seconds_per_1k / per_1k:.2f} | {s['build']['peak_rss_mb']} | "
                     f"{s['library']['all']['p50']} / {p95} | "
                     f"{p95 / first['library']['all']['p95']:.2f} | "
                     + (f"{baseline['p50']} / {baseline['p95']} | {p95 / max(baseline['p95'], 0.1):.2f} |"
                        if baseline else " | |"))  # fmt: skip
    return lines


if __name__ == "__main__":
    main()
