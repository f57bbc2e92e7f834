"""Search throughput of the server: `python -m bench.throughput [--baseline-root DIR]`, into bench/results/.

seeds/ is built once; each server serves it in turn while 1, 4 and 16 clients send reader
searches (the judged questions and keyword queries of bench/data, each with its language)
for SECONDS each: requests/s, p50/p95 (n reported), errors, and the memory of every server
process (RSS, and PSS, which counts pages the forked workers share once). `--baseline-root`
names a checkout of an earlier commit, served the same way in the same run ("today").
"""

from __future__ import annotations

import argparse
import json
import platform
from pathlib import Path
from urllib.parse import urlencode

import psutil

from bench.load import run_clients
from bench.questions import load_questions
from bench.serving import ROOT, seeds_index, serving

RESULTS = ROOT / "bench" / "results"
CLIENT_COUNTS = (1, 4, 16)
SECONDS = 20


def search_paths() -> list[str]:
    """Every judged query as an API search in its language."""
    return [
        "/api/v1/search?" + urlencode({"q": question.query, "lang": question.lang})
        for question in load_questions(ROOT / "bench" / "data" / "questions")
    ]


def clients_cell(base: str, paths: list[str], clients: int, seconds: float) -> dict:
    """`clients` threads looping over the paths (each from its own offset) for `seconds`."""
    starts = [n * len(paths) // clients for n in range(clients)]  # each client from its own place in the list
    latencies, errors, elapsed = run_clients(base, [paths[at:] + paths[:at] for at in starts], seconds)
    latencies.sort()

    def at(share: float) -> float:
        return round(latencies[min(len(latencies) - 1, int(share * len(latencies)))], 1)

    return {
        "clients": clients,
        "n": len(latencies),
        "errors": len(errors),
        "error_examples": errors[:3],
        "rps": round(len(latencies) / elapsed, 1),
        "p50_ms": at(0.5) if latencies else None,
        "p95_ms": at(0.95) if latencies else None,
    }


def memory(server: psutil.Process) -> list[dict]:
    """RSS and PSS (MB) of the server and each process it forked."""
    processes = [server, *server.children(recursive=True)]
    found = []
    for process in processes:
        full = process.memory_full_info()  # raises when it cannot be read: a figure is never left out
        found.append({"pid": process.pid, "rss_mb": round(full.rss / 2**20, 1), "pss_mb": round(full.pss / 2**20, 1)})
    return found


def measure(name: str, index_dir: Path, options: tuple[str, ...], root: Path, paths: list[str]) -> dict:
    with serving(index_dir, *options, root=root) as (base, server):
        clients_cell(base, paths, 4, 3)  # warm every worker and thread
        cells = [clients_cell(base, paths, clients, SECONDS) for clients in CLIENT_COUNTS]
        return {"name": name, "options": list(options), "cells": cells, "memory": memory(psutil.Process(server.pid))}


def markdown(report: dict) -> str:
    lines = [
        "# Search throughput through the server",
        "",
        f"Written by `python -m bench.throughput` ({report['machine']}). seeds/ served on 127.0.0.1; each client "
        f"loops over the {report['queries']} judged queries of bench/data (`/api/v1/search?q=…&lang=…`), "
        f"{SECONDS} s per cell, after a warm-up.",
        "",
        "| server | clients | n | errors | req/s | p50 ms | p95 ms |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for row in report["servers"]:
        for cell in row["cells"]:
            lines.append(
                f"| {row['name']} | {cell['clients']} | {cell['n']} | {cell['errors']} | {cell['rps']} | "
                f"{cell['p50_ms']} | {cell['p95_ms']} |"
            )
    lines += ["", "| server | processes | RSS MB each | PSS MB each | PSS MB in all |", "|---|---:|---|---|---:|"]
    for row in report["servers"]:
        processes = row["memory"]
        lines.append(
            f"| {row['name']} | {len(processes)} | {', '.join(str(p['rss_mb']) for p in processes)} | "
            f"{', '.join(str(p['pss_mb']) for p in processes)} | {round(sum(p['pss_mb'] for p in processes), 1)} |"
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline-root", type=Path, help="a checkout of an earlier commit, served as 'today'")
    args = parser.parse_args()
    paths = search_paths()
    report = {"machine": f"{platform.machine()}, Python {platform.python_version()}", "queries": len(paths)}
    servers = []
    if args.baseline_root:
        servers.append(("before (waitress, 8 threads)", (), args.baseline_root))
    servers += [
        ("waitress, 1 process, 4 threads", ("--workers", "1"), ROOT),
        ("gunicorn, 2 processes x 4 threads, preloaded", ("--workers", "2"), ROOT),
    ]
    with seeds_index() as index_dir:
        report["servers"] = [measure(name, index_dir, options, root, paths) for name, options, root in servers]
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "throughput.json").write_text(json.dumps(report, indent=1, ensure_ascii=False), encoding="utf-8")
    (RESULTS / "throughput.md").write_text(markdown(report), encoding="utf-8")
    print(markdown(report))


if __name__ == "__main__":
    main()
