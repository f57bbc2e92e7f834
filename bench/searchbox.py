"""The search box on words typed as readers type them: `python -m bench.searchbox` writes bench/results/searchbox.md.

Each word of bench/data/searchbox/searchbox.jsonl (picked by hand from an article of seeds/, with its
hand-written misspelling and romanized Bengali, and the typed forms keyboard facts give) is searched
alone through the real server over the real CLI build of seeds/: R@10 is the share of searches whose
top 10 articles hold the word's article, beside the correctly spelled word's own figure. Suggestions:
the share of words typed midway (and Korean initials) whose word is among the top 10 suggestions, and
the suggestion endpoint's latency through HTTP beside /api/v1/languages' (a trivial endpoint) in the same run.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
import unicodedata
import urllib.parse
import urllib.request
from collections import defaultdict
from pathlib import Path

from bench.serving import ROOT, seeds_index, serving

DATA = ROOT / "bench" / "data" / "searchbox" / "searchbox.jsonl"
RESULTS = ROOT / "bench" / "results" / "searchbox.md"
# Latency samples per endpoint at least: every typed prefix is asked this many times over.
MIN_SAMPLES = 200
# What each edit kind searches for, and with which `lang` (None: auto-detect, as the reader's box does).
KINDS = {
    "correct": ("word", None),
    "misspelled": ("misspelled", None),
    "midway": ("midway", None),
    "initials": ("initials", None),
    "keyboard": ("keyboard", None),
    "romanized (lang=bn)": ("romanized", "bn"),
    "romanized (auto)": ("romanized", None),
}
TARGETS = {
    ("bn", "misspelled"): 0.92, ("ko", "misspelled"): 0.90, ("en", "misspelled"): 0.85,
    ("ko", "keyboard"): 0.95, ("bn", "romanized (lang=bn)"): 0.7,
    ("bn", "midway"): 0.9, ("ko", "midway"): 0.98, ("ko", "initials"): 0.5,
}  # fmt: skip


def get(base: str, path: str, **query) -> dict:
    with urllib.request.urlopen(f"{base}{path}?{urllib.parse.urlencode(query)}", timeout=30) as response:
        return json.loads(response.read())


def same_word(a: str, b: str) -> bool:
    return unicodedata.normalize("NFC", a).casefold() == unicodedata.normalize("NFC", b).casefold()


def relevance(base: str, words: list[dict]) -> tuple[dict, dict]:
    """R@10 per (lang, kind), and per (lang, kind) how often the query was revised and how often the revision's
    first candidate was the intended word."""
    found, revised = defaultdict(list), defaultdict(list)
    for row in words:
        for kind, (field, lang) in KINDS.items():
            if not row.get(field):
                continue
            answer = get(base, "/api/v1/search", q=row[field], lang=lang or "auto", limit=10)
            found[row["lang"], kind].append(any(hit["doc_id"] == row["doc_id"] for hit in answer["hits"]))
            revision = answer.get("revised_words", [])
            right = bool(revision) and same_word(revision[0]["searched_as"][0], row["word"])
            revised[row["lang"], kind].append((bool(revision), right))
    return found, revised


def suggestions(base: str, words: list[dict]) -> dict:
    """Per (lang, kind) whether the word is among the top 10 suggestions for its midway form or initials."""
    hits = defaultdict(list)
    for row in words:
        for kind in ("midway", "initials"):
            if row.get(kind):
                texts = [s["text"] for s in get(base, "/api/v1/suggest", q=row[kind], limit=10)["suggestions"]]
                hits[row["lang"], kind].append(any(same_word(text, row["word"]) for text in texts))
    return hits


def latency(base: str, words: list[dict]) -> dict[str, list[float]]:
    """Milliseconds per request through HTTP: suggestions for every typed prefix, and /api/v1/languages."""
    typed = [row[kind] for row in words for kind in ("midway", "initials") if row.get(kind)]
    rounds = -(-MIN_SAMPLES // len(typed))
    samples = {"suggest": [], "languages (baseline)": []}
    for _ in range(rounds):
        for text in typed:
            started = time.perf_counter()
            get(base, "/api/v1/suggest", q=text)
            samples["suggest"].append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            get(base, "/api/v1/languages")
            samples["languages (baseline)"].append((time.perf_counter() - started) * 1000)
    return samples


def share(values: list[bool]) -> str:
    return f"{sum(values) / len(values):.2f}" if values else "–"


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p * len(ordered)))]


def report(words, found, revised, suggested, samples) -> str:
    langs = sorted({row["lang"] for row in words})
    lines = [
        "# The search box: words typed as readers type them",
        "",
        f"Written by `python -m bench.searchbox`. {len(words)} words ("
        + ", ".join(f"{lang} {sum(r['lang'] == lang for r in words)}" for lang in langs)
        + ") from bench/data/searchbox/, each searched alone over the CLI build of seeds/ through the real server "
        "(`GET /api/v1/search?q=…&limit=10`, per article). R@10: the word's article among the top 10. "
        "Revised: share of searches the response says it revised; right: share whose first candidate is the "
        "intended word. Target: the issue's.",
        "",
        "| lang | typed as | n | R@10 | correct word's R@10 | revised | right | target |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for lang in langs:
        for kind in KINDS:
            if found.get((lang, kind)):
                flags = revised[lang, kind]
                target = TARGETS.get((lang, kind))
                lines.append(
                    f"| {lang} | {kind} | {len(found[lang, kind])} | {share(found[lang, kind])} | "
                    f"{share(found[lang, 'correct'])} | {share([r for r, _ in flags])} | "
                    f"{share([g for _, g in flags])} | {target if target else ''} |"
                )
    lines += ["", "Suggestions (`GET /api/v1/suggest?q=…&limit=10`): the word among the top 10.", ""]
    lines += ["| lang | typed as | n | word in top 10 | target |", "|---|---|---|---|---|"]
    for (lang, kind), values in sorted(suggested.items()):
        target = {"midway": "0.9" if lang in ("bn", "ko") else "", "initials": "0.7"}[kind]
        lines.append(f"| {lang} | {kind} | {len(values)} | {share(values)} | {target} |")
    lines += ["", "Latency through HTTP (one client, sequential; a 2-core machine shared with other work):", ""]
    lines += ["| endpoint | n | median ms | p95 ms |", "|---|---|---|---|"]
    for name, values in samples.items():
        lines.append(f"| {name} | {len(values)} | {statistics.median(values):.2f} | {percentile(values, 0.95):.2f} |")
    ratio = percentile(samples["suggest"], 0.95) / percentile(samples["languages (baseline)"], 0.95)
    lines += ["", f"Suggest p95 / languages p95 in the same run: {ratio:.2f}.", ""]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", type=Path, default=RESULTS)
    args = parser.parse_args()
    words = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines() if line.strip()]
    with seeds_index() as index_dir, serving(index_dir) as (base, _):
        found, revised = relevance(base, words)
        suggested = suggestions(base, words)
        samples = latency(base, words)
    args.results.parent.mkdir(parents=True, exist_ok=True)
    args.results.write_text(report(words, found, revised, suggested, samples), encoding="utf-8")
    print(args.results.read_text(encoding="utf-8"))


if __name__ == "__main__":
    main()
