"""Load test: concurrent clients against the real WSGI server on 127.0.0.1, with memory read at start and end.

Run: `.venv/bin/python -m bench.load [--clients 16] [--seconds 60]`. Builds seeds/
into a temporary index, starts `python -m search_app`, and has each client loop
over a mix of Bengali, Korean and other searches, article pages, documents and
related lists.
Writes bench/results/load.md and load.json.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote, urlencode

import psutil

from bench.serving import seeds_index, serving

RESULTS = Path(__file__).resolve().parent / "results"
SEARCHES = [
    "사회복지",
    "센터",
    "সমাজকর্ম",
    "শিশু",
    "shark attack",
    "ฉลาม",
    "サメ",
    "قرش",
    "12",
    '"사회복지 서비스"',
    "বাংলাদেশ ক্রিকেট",
    "hurricane",
    "tổng thống",
    "राष्ट्रपति",
    "北京",
]
DOCUMENTS = ["000_aaa99257ef590384", "001_e7969bfd07bd7312", "bbc.381790-bn", "bbc.381790-ko", "upi.176266-en"]


def request_paths(rng: random.Random) -> list[str]:
    """A shuffled mix: API searches, the search page, documents, article pages and related lists."""
    paths = []
    for query in SEARCHES:
        paths.append("/api/v1/search?" + urlencode({"q": query}))
        paths.append("/?" + urlencode({"q": query}))
    for doc_id in DOCUMENTS:
        paths.append(f"/api/v1/documents/{quote(doc_id)}")
        paths.append(f"/articles/{quote(doc_id)}")
        paths.append(f"/api/v1/related/{quote(doc_id)}")
    rng.shuffle(paths)
    return paths


def client(base: str, paths: list[str], until: float, latencies: list[float], errors: list[str]) -> None:
    position = 0
    while time.monotonic() < until:
        path = paths[position % len(paths)]
        position += 1
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(base + path, timeout=60) as response:
                response.read()
        except (urllib.error.URLError, OSError) as error:
            errors.append(f"{path}: {error}")
            continue
        latencies.append((time.perf_counter() - started) * 1000)


def run_clients(base: str, path_lists: list[list[str]], seconds: float) -> tuple[list[float], list[str], float]:
    """One client thread per list of paths, each looping over its own for `seconds`: latencies (ms), errors,
    and the seconds it took."""
    latencies: list[float] = []
    errors: list[str] = []
    until = time.monotonic() + seconds
    threads = [threading.Thread(target=client, args=(base, paths, until, latencies, errors)) for paths in path_lists]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, errors, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=60)
    args = parser.parse_args()
    with seeds_index() as index_dir, serving(index_dir) as (base, server):
        result = run_load(base, psutil.Process(server.pid), args.clients, args.seconds)
    write_results(result)


def tree_rss(server: psutil.Process) -> int:
    """The RSS of the server and every process it forked (gunicorn's workers), in bytes."""
    return sum(process.memory_info().rss for process in [server, *server.children(recursive=True)])


def run_load(base: str, server: psutil.Process, clients: int, seconds: float) -> dict:
    """Warm up once over every path, then run the clients and read the server's memory around it."""
    warm: list[float] = []
    client(base, request_paths(random.Random(0)), time.monotonic() + 5, warm, [])
    rss_start = tree_rss(server)
    latencies, errors, elapsed = run_clients(base, [request_paths(random.Random(n)) for n in range(clients)], seconds)
    rss_end = tree_rss(server)
    latencies.sort()

    def percentile(share: float) -> float:
        return round(latencies[min(len(latencies) - 1, int(share * len(latencies)))], 1) if latencies else 0.0

    return {
        "clients": clients,
        "seconds": round(elapsed, 1),
        "requests": len(latencies),
        "errors": len(errors),
        "error_examples": errors[:5],
        "throughput_rps": round(len(latencies) / elapsed, 1),
        "p50_ms": percentile(0.50),
        "p95_ms": percentile(0.95),
        "p99_ms": percentile(0.99),
        "mean_ms": round(statistics.fmean(latencies), 1) if latencies else 0.0,
        "rss_start_mb": round(rss_start / 2**20, 1),
        "rss_end_mb": round(rss_end / 2**20, 1),
    }


def write_results(result: dict) -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "load.json").write_text(json.dumps(result, indent=1, ensure_ascii=False))
    lines = [
        "# Load test (waitress on 127.0.0.1, corpus: seeds/)",
        "",
        f"Run on {time.strftime('%Y-%m-%d')}: {result['clients']} clients for {result['seconds']} s, a mix of "
        "Bengali, Korean and other searches (API and page), documents, article pages and related lists.",
        "",
        "| requests | errors | req/s | p50 ms | p95 ms | p99 ms | RSS start MB | RSS end MB |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
        f"| {result['requests']} | {result['errors']} | {result['throughput_rps']} | {result['p50_ms']} | "
        f"{result['p95_ms']} | {result['p99_ms']} | {result['rss_start_mb']} | {result['rss_end_mb']} |",
    ]
    lines += [f"- {example}" for example in result["error_examples"]]
    (RESULTS / "load.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
