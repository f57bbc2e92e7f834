"""Incremental updates: `python -m bench.incremental` writes bench/results/incremental.{md,json}.

On bench.performance's 10k-passage synthetic corpus (every story in nine languages, 36 language pairs), built
once with `--jobs 2`, three changes are timed through the command line, each on a fresh copy of the index:
an article added alone (no translations), an article of a nine-language story replaced (8 of the 36 pairs
change), and that article removed. Each runs against two copies in turn: the index as built (its lexicon's
language pairs carry digests, so the pairs a change leaves alone are kept, and its terms' name keys) and the same
index with the digests and the name keys' maker dropped, which makes every pair be mined again and every key made
again, as every add and remove did before.
Five runs per cell (RUNS); the median and the range are reported.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.performance import machine, sample_sentences, write_synthetic_corpus
from indexer.generations import served_generation

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
PASSAGES = 10_000
RUNS = 5
KEPT, MINED = "pairs and name keys kept", "every pair mined, every key made (before)"


def changes(corpus: Path, folder: Path) -> dict[str, list[str]]:
    """The command-line arguments of each change: files written into `folder` from the corpus's first story."""
    first = json.loads(next(corpus.glob("*.jsonl")).read_text(encoding="utf-8").splitlines()[0])
    alone = dict(first, id="alone-1", group="alone-1", title=first["title"] + " 1")
    replaced = dict(first, paragraphs=[*first["paragraphs"][:-1], first["paragraphs"][-1] + " " + first["title"]])
    files = {}
    for name, record in (("alone", alone), ("replaced", replaced)):
        files[name] = folder / f"{name}.jsonl"
        files[name].write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    return {
        "add an article alone": ["add", str(files["alone"])],
        "replace an article of a 9-language story": ["add", str(files["replaced"])],
        "remove that article": ["remove", first["id"]],
    }


def without_digests(index_dir: Path, copy: Path) -> None:
    """A copy of the index whose lexicon keeps no digests, nor what made its name keys: its next change mines
    every language pair and makes every name key again."""
    shutil.copytree(index_dir, copy)
    with sqlite3.connect(served_generation(copy) / "lexicon.sqlite") as db:
        db.execute("ALTER TABLE language_pairs DROP COLUMN digest")
        db.execute("DROP TABLE made_by")


def timed_change(source: Path, scratch: Path, arguments: list[str]) -> dict:
    """One change on a fresh copy of `source`: wall seconds, and the lexicon line the command printed."""
    target = scratch / "changed"
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(source, target)
    command, *rest = arguments
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "indexer", command, "--index-dir", str(target), *rest],
                          cwd=ROOT, check=True, capture_output=True, text=True)  # fmt: skip
    seconds = time.perf_counter() - started
    lexicon = next((line for line in done.stdout.splitlines() if line.startswith("lexicon:")), "")
    return {"seconds": round(seconds, 2), "lexicon": lexicon}


def measure(scratch: Path) -> dict:
    corpus = scratch / "corpus"
    corpus.mkdir()
    size = write_synthetic_corpus(corpus, PASSAGES, sample_sentences())
    built = scratch / "built"
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "indexer", "build", "--jobs", "2", "--index-dir", str(built), str(corpus)],
                   cwd=ROOT, check=True, capture_output=True)  # fmt: skip
    build_seconds = round(time.perf_counter() - started, 2)
    without_digests(built, scratch / "no-digests")
    sources = {KEPT: built, MINED: scratch / "no-digests"}
    cells = {}
    for name, arguments in changes(corpus, scratch).items():
        runs = {variant: [] for variant in sources}
        for _ in range(RUNS):  # the two variants take turns, so a machine slowing down moves both alike
            for variant, source in sources.items():
                runs[variant].append(timed_change(source, scratch, arguments))
        cells[name] = {variant: _summary(found) for variant, found in runs.items()}
        print(name, json.dumps(cells[name], ensure_ascii=False), flush=True)
    return {"passages": size["passages"], "build_seconds": build_seconds, "changes": cells}


def _summary(runs: list[dict]) -> dict:
    seconds = [run["seconds"] for run in runs]
    return {"n": len(seconds), "median": statistics.median(seconds), "min": min(seconds), "max": max(seconds),
            "lexicon": runs[-1]["lexicon"]}  # fmt: skip


def markdown(report: dict) -> str:
    lines = [
        "# Incremental updates: what a change leaves alone kept, against everything mined again",
        "",
        f"Written by `python -m bench.incremental` ({report['machine']}). "
        + __doc__.split("\n\n")[1].replace("\n", " "),
        "",
        f"Index: {report['passages']:,} passages, built in {report['build_seconds']} s (`--jobs 2`).",
        "",
        f"| change | {KEPT}: median (min–max) | {MINED}: median (min–max) | ratio of medians |",
        "|---|---|---|---|",
    ]
    for name, cell in report["changes"].items():
        kept, mined = cell[KEPT], cell[MINED]
        lines.append(f"| {name} | {kept['median']} s ({kept['min']}–{kept['max']}) | {mined['median']} s "
                     f"({mined['min']}–{mined['max']}) | {kept['median'] / mined['median']:.2f}× |")  # fmt: skip
    lines += ["", "What the last run of each printed:", ""]
    for name, cell in report["changes"].items():
        lines += [f"- {name}:", f"  - {KEPT}: `{cell[KEPT]['lexicon']}`", f"  - {MINED}: `{cell[MINED]['lexicon']}`"]
    return "\n".join(lines) + "\n"


def main() -> None:
    argparse.ArgumentParser(description=__doc__.splitlines()[0]).parse_args()
    began = time.perf_counter()
    with tempfile.TemporaryDirectory() as scratch:
        report = {"machine": machine(), "runs": RUNS, **measure(Path(scratch))}
    report["minutes"] = round((time.perf_counter() - began) / 60, 1)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "incremental.json").write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    text = markdown(report)
    (RESULTS / "incremental.md").write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
