"""Paragraph alignment benchmark: `python -m bench.alignment` writes bench/results/alignment.{md,json}.

Test stories come from the NTREX sample (one sentence a line, line-aligned across
languages): each article's sentences are regrouped into paragraphs of random sizes 1-4,
with a different seed per language, so the truth is which sentences each paragraph holds.
Alignment is scored against that truth, beside the naive "same paragraph number" alignment,
and its cost is measured against a full build of seeds/.
"""

from __future__ import annotations

import json
import random
import shutil
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path

from indexer.align.paragraphs import align_paragraphs, estimate_length_models
from indexer.align.profiles import profile_of, translation_groups
from indexer.align.store import LinkWriter
from indexer.build.pipeline import build_index
from indexer.corpus import read_corpus
from indexer.documents import Article

ROOT = Path(__file__).resolve().parent.parent
NTREX = ROOT / "seeds" / "ntrex-sample"
SEEDS = ROOT / "seeds"
RESULTS = ROOT / "bench" / "results"
PAIRS = [("bn", "ko"), ("bn", "en"), ("ko", "en"), ("ko", "ja"), ("bn", "hi")]
# Sentences per regrouped paragraph: the "random sizes 1-4".
PARAGRAPH_SIZES = (1, 4)
# Builds timed, the fastest kept: timing noise only ever adds.
TIMING_RUNS = 3


@dataclass
class Scores:
    """Link counts over many stories, and the per-paragraph accuracy and exact-match counts."""

    predicted: int = 0
    true: int = 0
    correct: int = 0
    paragraphs: int = 0
    first_right: int = 0
    exact: int = 0

    def add(self, predicted: list[list[int]], truth: list[set[int]]) -> None:
        for links, true_links in zip(predicted, truth, strict=True):
            self.predicted += len(links)
            self.true += len(true_links)
            self.correct += len(set(links) & true_links)
            self.paragraphs += 1
            self.first_right += bool(links) and links[0] in true_links
            self.exact += set(links) == true_links

    def as_dict(self) -> dict:
        precision = self.correct / self.predicted if self.predicted else 0.0
        recall = self.correct / self.true if self.true else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return {
            "precision": round(precision, 4),
            "recall": round(recall, 4),
            "f1": round(f1, 4),
            "accuracy": round(self.first_right / self.paragraphs, 4),
            "exact": round(self.exact / self.paragraphs, 4),
            "paragraphs": self.paragraphs,
        }


def ntrex_stories() -> dict[str, dict[str, Article]]:
    """The NTREX articles by story and language, one sentence a paragraph."""
    stories: dict[str, dict[str, Article]] = {}
    for item in read_corpus([NTREX]):
        if isinstance(item, Article):
            stories.setdefault(item.group, {})[item.lang] = item
    return stories


def regroup(article: Article, seed: str) -> tuple[Article, list[set[int]]]:
    """Regroup an article's sentences into paragraphs of random sizes; return it and each paragraph's sentences."""
    rng = random.Random(seed)
    paragraphs, truth, start = [], [], 0
    while start < len(article.paragraphs):
        end = min(len(article.paragraphs), start + rng.randint(*PARAGRAPH_SIZES))
        paragraphs.append(" ".join(article.paragraphs[start:end]))
        truth.append(set(range(start, end)))
        start = end
    return replace(article, paragraphs=tuple(paragraphs)), truth


def true_links(source: list[set[int]], target: list[set[int]]) -> list[set[int]]:
    """For each source paragraph, the target paragraphs sharing at least one sentence with it."""
    return [{q for q, theirs in enumerate(target) if mine & theirs} for mine in source]


def score_pairs(stories: dict[str, dict[str, Article]], regrouped: bool) -> dict[str, dict]:
    """Score the alignment and the naive one for every benchmarked pair, on regrouped or 1-1 stories."""
    versions = {}
    for group, by_lang in stories.items():
        for lang, article in by_lang.items():
            if regrouped:
                versions[group, lang] = regroup(article, f"{group}/{lang}")
            else:
                versions[group, lang] = (article, [{k} for k in range(len(article.paragraphs))])
    profiles = {key: profile_of(article) for key, (article, _) in versions.items()}
    groups = translation_groups(profiles.values())
    models = estimate_length_models([(p.lang, p.length) for p in members] for members in groups.values())
    results = {}
    for source_lang, target_lang in PAIRS:
        aligned, naive = Scores(), Scores()
        for group in stories:
            source, target = profiles[group, source_lang], profiles[group, target_lang]
            truth = true_links(versions[group, source_lang][1], versions[group, target_lang][1])
            forward, _ = align_paragraphs(source, target, models.get((source_lang, target_lang)))
            aligned.add([list(links.indexes) for links in forward], truth)
            naive.add([[p] if p < len(target.paragraphs) else [] for p in range(len(truth))], truth)
        results[f"{source_lang}-{target_lang}"] = {"aligned": aligned.as_dict(), "naive": naive.as_dict()}
    return results


def time_alignment() -> dict:
    """Time a full build of seeds/, and the alignment step alone over the same articles."""
    builds, alignments = [], []
    for _ in range(TIMING_RUNS):
        folder = Path(tempfile.mkdtemp(prefix="setu-bench-"))
        try:
            started = time.perf_counter()
            build_index(folder / "index", [SEEDS])
            builds.append(time.perf_counter() - started)
            started = time.perf_counter()
            (folder / "links").mkdir()
            writer = LinkWriter(folder / "links")
            for item in read_corpus([SEEDS]):
                if isinstance(item, Article):
                    writer.add(item)
            writer.finish()
            alignments.append(time.perf_counter() - started)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
    build, alignment = min(builds), min(alignments)
    return {
        "build_seconds": round(build, 3),
        "alignment_seconds": round(alignment, 3),
        "added_share": round(alignment / (build - alignment), 4),
    }


def write_results(results: dict) -> None:
    """Write the JSON results and a Markdown table of them."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "alignment.json").write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    lines = [
        "# Paragraph alignment",
        "",
        "`python -m bench.alignment`. NTREX sample (60 stories); regrouped: each language's sentences",
        "grouped into paragraphs of 1-4 sentences with its own seed; 1-1: one sentence a paragraph.",
        "Targets: F1 ≥ 0.95 and accuracy ≥ 0.97 regrouped; 1.0 on 1-1.",
        "",
        "| stories | pair | method | precision | recall | F1 | accuracy | exact | paragraphs |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for case in ("regrouped", "one-to-one"):
        for pair, methods in results[case].items():
            for method, s in methods.items():
                lines.append(
                    f"| {case} | {pair} | {method} | {s['precision']:.3f} | {s['recall']:.3f} | {s['f1']:.3f} "
                    f"| {s['accuracy']:.3f} | {s['exact']:.3f} | {s['paragraphs']} |"
                )
    timing = results["timing"]
    lines += [
        "",
        f"Full build of seeds/ (alignment included): {timing['build_seconds']:.2f} s; alignment alone "
        f"{timing['alignment_seconds']:.2f} s, adding {timing['added_share']:.1%} to the rest of the build "
        f"(target ≤ 20%). Fastest of {TIMING_RUNS} runs.",
        "",
    ]
    (RESULTS / "alignment.md").write_text("\n".join(lines), encoding="utf-8")


def main() -> None:
    """Run the whole benchmark and write its results."""
    stories = ntrex_stories()
    results = {
        "regrouped": score_pairs(stories, regrouped=True),
        "one-to-one": score_pairs(stories, regrouped=False),
        "timing": time_alignment(),
    }
    write_results(results)
    print((RESULTS / "alignment.md").read_text(encoding="utf-8"))


if __name__ == "__main__":
    main()
