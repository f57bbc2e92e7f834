"""API fuzzing at volume: schemathesis, reading /api/v1/openapi.json, against the real server on 127.0.0.1.

Run: `.venv/bin/python -m bench.api_fuzz [--examples 1000]`. Builds seeds/ into a
temporary index, starts `python -m search_app`, and runs `schemathesis run`
(coverage and fuzzing phases: schema-valid and schema-violating requests). Every
response must be a documented status with a documented body and no 5xx.
Well-formed but unknown language codes and ids are rightly refused, so the
"schema-valid data must be accepted" check is skipped. Writes
bench/results/api_fuzz.md and .json.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import time
from pathlib import Path

from bench.serving import ROOT, seeds_index, serving

RESULTS = ROOT / "bench" / "results"
SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=1000, help="maximum examples per operation and phase")
    args = parser.parse_args()
    with seeds_index() as index_dir, serving(index_dir) as (base, _):
        started = time.perf_counter()
        run = subprocess.run(
            [
                str(SCHEMATHESIS),
                "run",
                f"{base}/api/v1/openapi.json",
                "--max-examples",
                str(args.examples),
                "--exclude-checks",
                "positive_data_acceptance",
                "--no-color",
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        seconds = time.perf_counter() - started
    write_results(summarize(run, seconds, args.examples))
    sys.exit(run.returncode)


def summarize(run: subprocess.CompletedProcess, seconds: float, examples: int) -> dict:
    """Read schemathesis's summary: test cases generated and passed, failures found."""
    generated = re.search(r"(\d+) generated", run.stdout)
    passed = re.search(r"generated, (\d+) passed", run.stdout)
    failures = re.findall(r"^\s*(?:❌|_)\s*(.+)$", run.stdout, flags=re.MULTILINE)
    return {
        "examples_per_operation": examples,
        "generated": int(generated[1]) if generated else 0,
        "passed": int(passed[1]) if passed else 0,
        "exit_status": run.returncode,
        "server_errors": len(re.findall(r"\bServer error\b", run.stdout)),
        "seconds": round(seconds, 1),
        "failures": failures[:10],
        "summary": run.stdout[run.stdout.rfind("SUMMARY") :][-2000:],
    }


def write_results(result: dict) -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "api_fuzz.json").write_text(json.dumps(result, indent=1, ensure_ascii=False))
    lines = [
        "# API fuzzing (schemathesis against the real server, corpus: seeds/)",
        "",
        f"Run on {time.strftime('%Y-%m-%d')}, up to {result['examples_per_operation']} examples per operation.",
        "",
        "| requests generated | passed | 5xx seen | exit status | seconds |",
        "|---:|---:|---:|---:|---:|",
        f"| {result['generated']} | {result['passed']} | {result['server_errors']} | {result['exit_status']} | "
        f"{result['seconds']} |",
        "",
        "```",
        result["summary"].strip(),
        "```",
    ]
    (RESULTS / "api_fuzz.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
