"""Question-set relevance: `python -m bench.questions` writes bench/results/questions.{md,json}.

Each labelled question or keyword query (bench/data/questions/*.jsonl) has one relevant passage of seeds/;
Setu, served over HTTP as a reader would use it, and two plain lexical baselines (bench/lexical_baselines.py)
rank the same passages, scored by passage MRR@10, Recall@10 and Recall@1 and article-level MRR@10.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import tempfile
import time
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from importlib import metadata
from pathlib import Path

from bench.lexical_baselines import Hit, LuceneBM25, LuceneUnavailable, Passage, WhooshIcuBM25, lucene_version
from bench.serving import ROOT, seeds_index, serving
from indexer.corpus import read_corpus
from indexer.documents import Article
from indexer.engine.schema import HEADLINE_ONLY, passages_of

QUESTIONS_DIR = ROOT / "bench" / "data" / "questions"
RESULTS = ROOT / "bench" / "results"
CORPUS = ROOT / "seeds"
# Results looked at per query: MRR@10, Recall@10.
CUTOFF = 10
REQUEST_TIMEOUT_S = 30
# How much of a failed Setu build's stderr to show.
BUILD_ERROR_CHARS = 2000
SETU, LUCENE, WHOOSH = "setu", "lucene", "whoosh-icu"
SYSTEMS = (SETU, LUCENE, WHOOSH)
LABELS = {SETU: "Setu", LUCENE: "Lucene BM25", WHOOSH: "Whoosh BM25F + ICU words"}
BASELINES = {LUCENE: LuceneBM25, WHOOSH: WhooshIcuBM25}
MISSPELLED = "misspelled"
KIND_ORDER = ("question", "keyword")
# Setu's own code: whether it differs from the commit is recorded with the results.
SETU_CODE = ("indexer", "search_app")
METRICS = ("mrr", "recall_10", "recall_1", "article_mrr")

# A system's search: (query, lang, k) -> its top k passages as (doc_id, position).
SearchFn = Callable[[str, str, int], list[Hit]]


@dataclass(frozen=True)
class Question:
    id: str
    lang: str
    kind: str
    query: str
    doc_id: str
    position: int
    answer: str = ""
    variant: str | None = None


def load_questions(folder: Path) -> list[Question]:
    """Every question of every *.jsonl file in `folder`, in file then line order."""
    questions = []
    for path in sorted(folder.glob("*.jsonl")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                questions.append(Question(**{name: record[name] for name in Question.__dataclass_fields__
                                             if name in record}))  # fmt: skip
            except (ValueError, TypeError, KeyError) as error:
                raise SystemExit(f"{path}:{number}: not a question record: {error}") from error
    return questions


def corpus_passages(corpus: Path) -> dict[str, list[Passage]]:
    """The passages Setu indexes, by language: (doc_id, position, title, text), one per paragraph."""
    passages: dict[str, list[Passage]] = {}
    for item in read_corpus([corpus]):
        if isinstance(item, Article):
            for passage in passages_of(item):
                entry = (passage["doc_id"], passage["position"], passage["title"], passage["text"])
                passages.setdefault(item.lang, []).append(entry)
    return passages


def ranks(hits: list[Hit], question: Question) -> tuple[int | None, int | None]:
    """1-based ranks of the question's passage and of the first passage of its article (None when absent)."""
    passage = next((rank for rank, hit in enumerate(hits, 1) if hit == (question.doc_id, question.position)), None)
    article = next((rank for rank, hit in enumerate(hits, 1) if hit[0] == question.doc_id), None)
    return passage, article


def evaluate(search_fn: SearchFn, questions: Iterable[Question], k: int = CUTOFF) -> list[dict]:
    """Run every question through `search_fn`: per question, the 1-based rank of its passage and of its article
    among the top k passages (None when absent) and the seconds the search took."""
    outcomes = []
    for question in questions:
        started = time.perf_counter()
        hits = search_fn(question.query, question.lang, k)[:k]
        seconds = time.perf_counter() - started
        passage, article = ranks(hits, question)
        outcomes.append(
            {"id": question.id, "passage_rank": passage, "article_rank": article, "seconds": round(seconds, 5)}
        )
    return outcomes


def metrics(outcomes: list[dict]) -> dict:
    """Passage MRR@k, Recall@k, Recall@1 and article MRR@k over some outcomes of `evaluate`."""
    n = len(outcomes)

    def mean(values: Iterable[float]) -> float:
        return round(sum(values) / n, 3) if n else 0.0

    return {
        "n": n,
        "mrr": mean(1 / o["passage_rank"] if o["passage_rank"] else 0.0 for o in outcomes),
        "recall_10": mean(o["passage_rank"] is not None for o in outcomes),
        "recall_1": mean(o["passage_rank"] == 1 for o in outcomes),
        "article_mrr": mean(1 / o["article_rank"] if o["article_rank"] else 0.0 for o in outcomes),
    }


def setu_search(base: str) -> SearchFn:
    """Setu's public API, one passage per hit: GET /api/v1/search?per=passage."""

    def search(query: str, lang: str, k: int) -> list[Hit]:
        params = urllib.parse.urlencode({"q": query, "lang": lang, "per": "passage", "limit": k})
        with urllib.request.urlopen(f"{base}/api/v1/search?{params}", timeout=REQUEST_TIMEOUT_S) as response:
            hits = json.load(response)["hits"]
        return [(hit["doc_id"], _position(hit["passage"]["index"])) for hit in hits]

    return search


def _position(index: int | None) -> int:
    return HEADLINE_ONLY if index is None else index


def baseline_search(name: str, passages: dict[str, list[Passage]], langs: set[str], workdir: Path) -> tuple:
    """Build baseline `name` for each language in `langs` from the same passages; its SearchFn and build seconds."""
    started = time.perf_counter()
    built = {lang: BASELINES[name].build(lang, passages[lang], workdir / name / lang) for lang in sorted(langs)}
    seconds = round(time.perf_counter() - started, 2)
    return (lambda query, lang, k: built[lang].search(query, k)), seconds


def run_setu(questions: list[Question]) -> dict:
    """Setu's real CLI build of seeds/ in a scratch folder, served on 127.0.0.1, every question through its API."""
    started = time.perf_counter()
    try:
        with seeds_index() as index_dir:
            build_seconds = round(time.perf_counter() - started, 2)
            with serving(index_dir) as (base, _server):
                return {"build_seconds": build_seconds, "outcomes": evaluate(setu_search(base), questions)}
    except subprocess.CalledProcessError as error:
        stderr = error.stderr.decode(errors="replace")[-BUILD_ERROR_CHARS:]
        raise SystemExit(f"Setu's index build failed:\n{stderr}") from error


def run_baseline(name: str, questions: list[Question], passages: dict[str, list[Passage]]) -> dict:
    """A baseline built per language from the corpus' passages, or why it could not run."""
    langs = {question.lang for question in questions}
    try:
        with tempfile.TemporaryDirectory(prefix="setu-questions-") as scratch:
            search, build_seconds = baseline_search(name, passages, langs, Path(scratch))
            result = {"build_seconds": build_seconds, "outcomes": evaluate(search, questions)}
    except LuceneUnavailable as error:
        return {"unavailable": f"{error}; run bench/install-lucene"}
    if name == LUCENE:
        result["version"] = f"Lucene {lucene_version()} from pyserini {metadata.version('pyserini')}'s Anserini jar"
    return result


def run_systems(systems: Iterable[str], questions: list[Question], passages: dict[str, list[Passage]]) -> dict:
    runs = {}
    for name in systems:
        print(f"running {LABELS[name]} on {len(questions)} questions", flush=True)
        runs[name] = run_setu(questions) if name == SETU else run_baseline(name, questions, passages)
        if "outcomes" in runs[name]:
            seconds = [outcome["seconds"] for outcome in runs[name]["outcomes"]]
            runs[name]["median_ms"] = round(statistics.median(seconds) * 1000, 2) if seconds else None
    return runs


def judged(questions: list[Question], passages: dict[str, list[Passage]]) -> tuple[list[Question], list[str]]:
    """The questions whose labelled passage is in the corpus, and the ids of those whose is not."""
    known = {(doc_id, position) for found in passages.values() for doc_id, position, _, _ in found}
    kept = [question for question in questions if (question.doc_id, question.position) in known]
    return kept, [question.id for question in questions if (question.doc_id, question.position) not in known]


def row_groups(questions: list[Question]) -> list[tuple[str, str, list[int]]]:
    """(lang, row label, indexes into `questions`): each kind as written, its variants (misspelled), then all."""
    rows = []
    for lang in sorted({question.lang for question in questions}):
        own = [(number, q) for number, q in enumerate(questions) if q.lang == lang]
        keys = sorted({(q.kind, q.variant or "") for _, q in own}, key=_row_order)
        for kind, variant in keys:
            members = [number for number, q in own if q.kind == kind and (q.variant or "") == variant]
            rows.append((lang, f"{kind}, {variant}" if variant else kind, members))
        rows.append((lang, "all", [number for number, _ in own]))
    return rows


def _row_order(key: tuple[str, str]) -> tuple:
    """Kinds as written before their variants; question, then keyword, then any other kind."""
    kind, variant = key
    return bool(variant), KIND_ORDER.index(kind) if kind in KIND_ORDER else len(KIND_ORDER), key


def score_rows(questions: list[Question], runs: dict) -> list[dict]:
    """Metrics per row and system, and Setu's passage MRR@10 minus the best baseline's."""
    rows = []
    for lang, label, members in row_groups(questions):
        scores = {
            name: metrics([run["outcomes"][number] for number in members])
            for name, run in runs.items()
            if "outcomes" in run
        }
        baselines = [scores[name]["mrr"] for name in scores if name != SETU]
        margin = round(scores[SETU]["mrr"] - max(baselines), 3) if SETU in scores and baselines else None
        rows.append({"lang": lang, "kind": label, "n": len(members), "scores": scores, "margin": margin})
    return rows


SYSTEM_NOTES = {
    SETU: "the real CLI build of seeds/, served by `python -m search_app`; "
    "`GET /api/v1/search?q=…&lang=…&per=passage&limit=10`",
    LUCENE: "BengaliAnalyzer (bn), CJKAnalyzer bigrams (ko), EnglishAnalyzer (en), StandardAnalyzer otherwise; "
    "BM25Similarity defaults (k1 1.2, b 0.75); OR of the distinct analyzed terms over title and text",
    WHOOSH: "Setu's ICU baseline analysis (word break, NFKC casefold, digit folding), no stemming or stop words; "
    "BM25F defaults; OR of Terms over title and text",
}


def source_state() -> str:
    """The commit Setu's code was run from, and whether the work tree had uncommitted changes to it."""
    git = ["git", "-C", str(ROOT)]
    try:
        commit = subprocess.run([*git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True)
        changes = subprocess.run([*git, "status", "--porcelain", "--", *SETU_CODE], capture_output=True, text=True)
    except (OSError, subprocess.CalledProcessError):
        return "unknown (not a git work tree)"
    return commit.stdout.strip() + (" with uncommitted changes" if changes.stdout.strip() else "")


def markdown(report: dict) -> str:
    runs, ran = report["systems"], [name for name in report["systems"] if "outcomes" in report["systems"][name]]
    lines = [
        "# Relevance on labelled questions over seeds/",
        "",
        f"Written by `python -m bench.questions`. {report['questions']} questions "
        f"({', '.join(f'{lang} {n}' for lang, n in report['questions_by_lang'].items())}); one judged passage each, "
        "its labelled (doc_id, paragraph). Each cell: passage MRR@10 / Recall@10 / Recall@1 / article MRR@10 "
        "(article: the first passage of the right article in the top 10). Margin: Setu's passage MRR@10 minus "
        "the best baseline's. Rows with a variant (misspelled) are apart from their kind's row; `all` holds both.",
        "",
    ]
    for name, run in runs.items():
        if name == SETU and "outcomes" in run:
            lines.append(f"- Setu (code at {report['setu_code']}): {SYSTEM_NOTES[name]}.")
        elif "unavailable" in run:
            lines.append(f"- **{LABELS[name]}: not run** ({run['unavailable']}); the table shows the others only.")
        else:
            lines.append(f"- {LABELS[name]}{' (' + run['version'] + ')' if 'version' in run else ''}: "
                         f"{SYSTEM_NOTES[name]}.")  # fmt: skip
    if report["unjudged"]:
        lines.append(f"- Left out: {len(report['unjudged'])} questions whose labelled passage is not in seeds/.")
    lines += ["", *table(report["rows"], ran), "", "| system | build s | median ms per query |", "|---|---|---|"]
    for name in ran:
        lines.append(f"| {LABELS[name]} | {runs[name]['build_seconds']} | {runs[name]['median_ms']} |")
    if SETU in ran:
        lines += ["", "Setu's time is the HTTP round trip to the local server (highlights and translations included); "
                  "the baselines' is an in-process call."]  # fmt: skip
    return "\n".join(lines) + "\n"


def table(rows: list[dict], ran: list[str]) -> list[str]:
    with_margin = SETU in ran and len(ran) > 1
    header = ["lang", "kind", "n", *(f"{LABELS[name]} MRR / R@10 / R@1 / A-MRR" for name in ran)]
    header += ["Setu − best baseline (MRR@10)"] if with_margin else []
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for row in rows:
        cells = [row["lang"], row["kind"], str(row["n"])]
        cells += [" / ".join(f"{row['scores'][name][metric]:.3f}" for metric in METRICS) for name in ran]
        cells += [f"{row['margin']:+.3f}"] if with_margin else []
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--systems", nargs="+", choices=SYSTEMS, default=list(SYSTEMS), help="systems to run")
    parser.add_argument("--questions", type=Path, default=QUESTIONS_DIR, help="folder of *.jsonl question files")
    parser.add_argument("--results", type=Path, default=RESULTS, help="folder for questions.md and questions.json")
    args = parser.parse_args()
    passages = corpus_passages(CORPUS)
    questions, unjudged = judged(load_questions(args.questions), passages)
    if not questions:
        raise SystemExit(f"no judged questions in {args.questions}/*.jsonl")
    runs = run_systems(dict.fromkeys(args.systems), questions, passages)
    by_lang = {lang: sum(q.lang == lang for q in questions) for lang in sorted({q.lang for q in questions})}
    report = {
        "questions": len(questions),
        "questions_by_lang": by_lang,
        "unjudged": unjudged,
        "cutoff": CUTOFF,
        "setu_code": source_state(),
        "systems": runs,
        "rows": score_rows(questions, runs),
        "question_set": [asdict(question) for question in questions],
    }
    args.results.mkdir(parents=True, exist_ok=True)
    (args.results / "questions.json").write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    (args.results / "questions.md").write_text(markdown(report), encoding="utf-8")
    print(markdown(report))


if __name__ == "__main__":
    main()
