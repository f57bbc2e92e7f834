"""Crash trials: kill -9 the indexer at random moments during `build` and `add`; the previous index must survive.

Run: `.venv/bin/python -m bench.crash_trials [--trials 20]`. Writes
bench/results/crash_trials.md and .json. Each trial starts a real
`python -m indexer` process on a copy of a served index, kills it after a random
delay, then checks that the index still opens and answers a fixed set of
queries exactly as before. A real server reads throughout; every answer it gives
must be the old one or the new one, and none may fail. Meanwhile a second writer
must be refused.
"""

from __future__ import annotations

import argparse
import json
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from contextlib import ExitStack
from pathlib import Path
from urllib.parse import quote

import psutil

from bench.serving import ROOT, serving
from indexer.build.pipeline import build_index
from indexer.engine.index_set import open_index_set
from indexer.search import search

RESULTS = ROOT / "bench" / "results"
QUERIES = ["사회복지", "সমাজকর্ম", "library", "ห้องสมุด", "12", "ANH PHUONG"]
# The served corpus: the two seed articles and the hand-made test corpus (small, so trials are quick).
BASE_CORPUS = [
    ROOT / "seeds" / "000_aaa99257ef590384.txt",
    ROOT / "seeds" / "001_e7969bfd07bd7312.txt",
    ROOT / "tests" / "data",
]
# Filler articles make a build long enough to be killed midway; their words match none of QUERIES.
FILLER_ARTICLES = 400
SEED = 20261123


def filler_corpus(folder: Path, prefix: str) -> Path:
    """Articles of made-up words, so finishing a build or an add changes no query's answer."""
    rng = random.Random(SEED)
    syllables = ["qa", "zu", "vex", "ploo", "trin", "gosk", "marv", "yib"]
    folder.mkdir(parents=True)
    with open(folder / f"{prefix}.jsonl", "w", encoding="utf-8") as handle:
        for number in range(FILLER_ARTICLES):
            words = ["".join(rng.choices(syllables, k=3)) for _ in range(60)]
            paragraphs = [" ".join(words[i : i + 15]) for i in range(0, 60, 15)]
            record = {"id": f"{prefix}-{number}", "title": " ".join(words[:6]), "paragraphs": paragraphs, "lang": "en"}
            handle.write(json.dumps(record) + "\n")
    return folder


def answers(index_dir: Path) -> dict:
    """What each query returns: total and the ranked article ids."""
    index_set = open_index_set(index_dir)
    return {query: _answer(search(index_set, query, limit=10)) for query in QUERIES}


def _answer(result: dict) -> list:
    return [result["total"], [hit["doc_id"] for hit in result["hits"]]]


def run_trials(command: str, index_dir: Path, corpus: list[Path], trials: int, rng) -> dict:
    """Kill `python -m indexer COMMAND` at random moments; count trials whose index changed or broke.

    One full run first sets the state every trial must preserve (a finished trial
    writes the same articles again, so old and new answers are the same).
    """
    started = time.perf_counter()
    subprocess.run(_indexer(command, index_dir, corpus), cwd=ROOT, capture_output=True, check=True)
    duration = time.perf_counter() - started
    expected = answers(index_dir)
    reader = ServerReader(index_dir, expected)
    outcome = {
        "command": command,
        "trials": trials,
        "full_run_s": round(duration, 2),
        "killed_midway": 0,
        "finished_first": 0,
        "failures": [],
        "second_writer_refused": 0,
        "orphaned_workers": 0,
    }
    try:
        for trial in range(trials):
            process = subprocess.Popen(
                _indexer(command, index_dir, corpus), cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
            time.sleep(rng.uniform(0.05, duration * 0.9))
            if _second_writer_refused(index_dir, corpus, process):
                outcome["second_writer_refused"] += 1
            workers = _children(process)
            if process.poll() is None:
                process.send_signal(signal.SIGKILL)
                outcome["killed_midway"] += 1
            else:
                outcome["finished_first"] += 1
            process.wait()
            outcome["orphaned_workers"] += len(psutil.wait_procs(workers, timeout=10)[1])
            outcome["failures"] += _check(index_dir, expected, trial)
    finally:
        outcome["server"] = reader.close()
    return outcome


def _children(process: subprocess.Popen) -> list[psutil.Process]:
    """The indexer's worker processes, which must not outlive it."""
    try:
        return psutil.Process(process.pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return []


def _check(index_dir: Path, expected: dict, trial: int) -> list[str]:
    try:
        got = answers(index_dir)
    except Exception as error:  # noqa: BLE001 - any failure to open is what a trial looks for
        return [f"trial {trial}: the index did not open: {error}"]
    changed = [query for query in QUERIES if got[query] != expected[query]]
    return [f"trial {trial}: answers changed for {', '.join(changed)}"] if changed else []


def _indexer(command: str, index_dir: Path, corpus: list[Path]) -> list[str]:
    return [sys.executable, "-m", "indexer", command, "--index-dir", str(index_dir), *map(str, corpus)]


def _second_writer_refused(index_dir: Path, corpus: list[Path], first: subprocess.Popen) -> bool:
    if first.poll() is not None:
        return False
    second = subprocess.run(_indexer("add", index_dir, corpus), cwd=ROOT, capture_output=True, text=True)
    return second.returncode == 1 and "is being written by" in second.stderr and first.poll() is None


class ServerReader:
    """Reads from a real server during the trials: every answer must be a known one, none an error."""

    def __init__(self, index_dir: Path, expected: dict):
        self.expected = expected
        self.requests = 0
        self.errors: list[str] = []
        self.stop = threading.Event()
        self._server = ExitStack()
        self.base, _ = self._server.enter_context(serving(index_dir))
        self.thread = threading.Thread(target=self._read)
        self.thread.start()

    def _read(self) -> None:
        while not self.stop.is_set():
            for query in QUERIES:
                url = f"{self.base}/api/v1/search?q={quote(query)}&limit=10"
                try:
                    with urllib.request.urlopen(url, timeout=30) as response:
                        got = _answer(json.loads(response.read()))
                except (urllib.error.URLError, OSError, ValueError) as error:
                    self.errors.append(f"{query}: {error}")
                    continue
                self.requests += 1
                if got != self.expected[query]:
                    self.errors.append(f"{query}: an answer that is neither the old nor the new index")

    def close(self) -> dict:
        self.stop.set()
        self.thread.join()
        self._server.close()
        return {"requests": self.requests, "errors": len(self.errors), "examples": self.errors[:5]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=20)
    args = parser.parse_args()
    rng = random.Random(SEED)
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        index_dir = scratch / "index"
        build_index(index_dir, BASE_CORPUS)
        rebuild = [*BASE_CORPUS, filler_corpus(scratch / "filler", "filler")]
        additions = [filler_corpus(scratch / "additions", "added")]
        results = [
            run_trials("build", index_dir, rebuild, args.trials, rng),
            run_trials("add", index_dir, additions, args.trials, rng),
        ]
    write_results(results)


def write_results(results: list[dict]) -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "crash_trials.json").write_text(json.dumps(results, indent=1, ensure_ascii=False))
    lines = [
        "# Crash trials (kill -9 at random moments)",
        "",
        f"Run on {time.strftime('%Y-%m-%d')}. Queries checked after every trial: {', '.join(QUERIES)}.",
        "",
        "| command | trials | killed midway | finished first | failures | second writer refused | orphaned workers "
        "| full run s | server requests | server errors or mixed answers |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r['command']} | {r['trials']} | {r['killed_midway']} | {r['finished_first']} | "
            f"{len(r['failures'])} | {r['second_writer_refused']} | {r['orphaned_workers']} | {r['full_run_s']} | "
            f"{r['server']['requests']} | {r['server']['errors']} |"
        )
    for r in results:
        lines += [f"- {failure}" for failure in r["failures"]]
    (RESULTS / "crash_trials.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
