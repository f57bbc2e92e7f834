"""Service benchmark: response time of searches through the real WSGI server on 127.0.0.1.

Run: `.venv/bin/python -m bench.service` (builds seeds/ into a temporary index,
starts `python -m search_app`, times each query 20 times after one warm-up
request). Writes bench/results/service.md and service.json.
"""

from __future__ import annotations

import json
import platform
import statistics
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

from bench.serving import seeds_index, serving

RESULTS = Path(__file__).resolve().parent / "results"
REPEATS = 20
QUERIES = [
    ("사회복지", "auto", "article"),
    ("সমাজকর্ম", "auto", "article"),
    ("shark attack", "auto", "article"),
    ("사회복지", "auto", "passage"),
    ("12", "auto", "article"),
    ('"사회복지 서비스"', "ko", "article"),
]


def time_query(base: str, q: str, lang: str, per: str) -> dict:
    url = f"{base}/api/v1/search?{urlencode({'q': q, 'lang': lang, 'per': per})}"
    with urllib.request.urlopen(url, timeout=30) as response:
        total = json.loads(response.read())["total"]
    samples = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        with urllib.request.urlopen(url, timeout=30) as response:
            response.read()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return {
        "query": q,
        "lang": lang,
        "per": per,
        "total": total,
        "median_ms": round(statistics.median(samples), 1),
        "p95_ms": round(samples[int(0.95 * (len(samples) - 1))], 1),
        "min_ms": round(samples[0], 1),
    }


def main() -> None:
    with seeds_index() as index_dir, serving(index_dir) as (base, _):
        rows = [time_query(base, *query) for query in QUERIES]
    write_results(rows)


def write_results(rows: list[dict]) -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    machine = f"{platform.machine()}, {platform.python_version()}, {time.strftime('%Y-%m-%d')}"
    (RESULTS / "service.json").write_text(json.dumps({"machine": machine, "rows": rows}, ensure_ascii=False, indent=1))
    lines = [
        "# Search through the real server (waitress on 127.0.0.1, corpus: seeds/)",
        "",
        f"{REPEATS} timed requests per query after one warm-up; machine: {machine}.",
        "",
        "| query | lang | per | total | median ms | p95 ms | min ms |",
        "|---|---|---|---:|---:|---:|---:|",
    ]
    lines += [
        f"| {r['query']} | {r['lang']} | {r['per']} | {r['total']} | {r['median_ms']} | {r['p95_ms']} | {r['min_ms']} |"
        for r in rows
    ]
    (RESULTS / "service.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
