"""Related coverage benchmark: `python -m bench.related` writes bench/results/related.{md,json}.

Translation discovery stands in for cross-language relatedness: the NTREX sample (60
stories in 9 languages) is indexed with every article its own story (group keys hidden),
so the known-translation bridge cannot help and only keys that survive translation can.
For each article in language A, the articles of language B are ranked by `related_articles`
(and, as the baseline, by shared numbers alone); the true translation's rank gives Recall@1
and MRR. Ties count against the method: the translation must score strictly above the rest.
Timing compares one related query with one search, and the article page with its panel
with the search page, on the same index.
"""

from __future__ import annotations

import json
import platform
import shutil
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path

from indexer.build.pipeline import build_index
from indexer.corpus import read_corpus
from indexer.documents import Article
from indexer.engine.index_set import IndexSet, open_index_set
from indexer.related import catalogue, key_evidence, related_articles
from indexer.search import search
from search_app import create_app

ROOT = Path(__file__).resolve().parent.parent
NTREX = ROOT / "seeds" / "ntrex-sample"
RESULTS = ROOT / "bench" / "results"
PAIRS = [("bn", "ko"), ("ko", "bn"), ("bn", "en"), ("ko", "en"), ("en", "bn"), ("en", "ko")]
# Recall@1 the issue asks of every pair.
TARGET_RECALL = 0.80
# Articles whose related query and search are timed (the first ones of each benchmarked language).
TIMED_ARTICLES = 20
# Everything one language has, so no article of it is cut off before its rank is read.
ALL = 10_000


def write_hidden_groups(folder: Path) -> tuple[Path, dict[str, str]]:
    """Write the NTREX sample as JSON Lines with every article its own group; return it and each id's story."""
    corpus = folder / "ntrex-hidden.jsonl"
    story_of = {}
    with corpus.open("w", encoding="utf-8") as out:
        for article in read_corpus([NTREX]):
            if isinstance(article, Article):
                story_of[article.id] = article.group
                record = {"id": article.id, "title": article.title, "paragraphs": list(article.paragraphs)}
                record.update(lang=article.lang, group=article.id, source=article.source)
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return corpus, story_of


def rank_of(scores: dict[str, float], truth: str) -> int | None:
    """The truth's rank among scored articles, ties counted against it; None when it was not scored."""
    if truth not in scores:
        return None
    return 1 + sum(1 for doc_id, score in scores.items() if doc_id != truth and score >= scores[truth])


def related_scores(index_set: IndexSet, doc_id: str, lang: str) -> dict[str, float]:
    """Setu's relatedness of every article of `lang` to `doc_id`."""
    found = related_articles(index_set, doc_id, limit=ALL, lang=lang)
    return {a["doc_id"]: a["score"] for story in found["related"] for a in story["articles"] if a["lang"] == lang}


def number_scores(index_set: IndexSet, doc_id: str, lang: str) -> dict[str, float]:
    """The baseline: the cosine of idf-weighted shared numbers alone."""
    evidence = key_evidence(index_set, [doc_id], channels=("numbers",))
    return {other: found["numbers"] for other, found in evidence.items() if other.endswith(f"-{lang}")}


def discovery(index_set: IndexSet, story_of: dict[str, str]) -> dict[str, dict]:
    """Recall@1 and MRR of the true translation for every pair, by Setu and by the baseline."""
    results = {}
    for source, target in PAIRS:
        pair = {}
        for method, scorer in (("setu", related_scores), ("numbers only", number_scores)):
            ranks = [
                rank_of(scorer(index_set, doc_id, target), f"{story}-{target}")
                for doc_id, story in sorted(story_of.items())
                if doc_id.endswith(f"-{source}")
            ]
            pair[method] = {
                "recall_at_1": round(sum(rank == 1 for rank in ranks) / len(ranks), 4),
                "mrr": round(sum(1 / rank for rank in ranks if rank) / len(ranks), 4),
                "articles": len(ranks),
            }
        results[f"{source}→{target}"] = pair
    return results


def median_ms(calls) -> float:
    """Median milliseconds of each call, after one warm-up call of each."""
    for call in calls:
        call()
    times = []
    for call in calls:
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(times), 2)


def timing(index_set: IndexSet, index_dir: Path, story_of: dict[str, str]) -> dict:
    """Median time of a related query beside a search for the same article's headline; then the same as pages."""
    timed = [doc_id for lang in ("bn", "ko", "en") for doc_id in sorted(story_of) if doc_id.endswith(f"-{lang}")]
    timed = timed[:: max(1, len(timed) // TIMED_ARTICLES)][:TIMED_ARTICLES]
    headlines = {doc_id: catalogue(index_set)[doc_id].title for doc_id in timed}

    def search_page(doc_id: str) -> None:
        client.get("/", query_string={"q": headlines[doc_id]}).close()

    client = create_app({"INDEX_DIR": str(index_dir), "TESTING": True}).test_client()
    return {
        "related_ms": median_ms([lambda d=d: related_articles(index_set, d) for d in timed]),
        "search_ms": median_ms([lambda d=d: search(index_set, headlines[d]) for d in timed]),
        "article_page_ms": median_ms([lambda d=d: client.get(f"/articles/{d}").close() for d in timed]),
        "search_page_ms": median_ms([lambda d=d: search_page(d) for d in timed]),
        "articles_timed": len(timed),
    }


def write_results(results: dict) -> None:
    """Write the JSON results and a Markdown table of them."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "related.json").write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    lines = [
        "# Related coverage: translation discovery with group keys hidden",
        "",
        f"`python -m bench.related`; machine: {platform.machine()}, Python {platform.python_version()}, "
        f"{date.today().isoformat()}. NTREX sample, 60 stories × 9 languages, every article its own story.",
        f"For each article in A, every article in B is ranked; target Recall@1 ≥ {TARGET_RECALL:.2f}.",
        "",
        "| pair | Setu Recall@1 | Setu MRR | numbers only Recall@1 | numbers only MRR | articles |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for pair, methods in results["discovery"].items():
        setu, numbers = methods["setu"], methods["numbers only"]
        lines.append(
            f"| {pair} | {setu['recall_at_1']:.3f} | {setu['mrr']:.3f} | {numbers['recall_at_1']:.3f} "
            f"| {numbers['mrr']:.3f} | {setu['articles']} |"
        )
    t = results["timing"]
    lines += [
        "",
        f"Median over {t['articles_timed']} bn/ko/en articles, one warm-up each, on the same 540-article index:",
        "",
        "| what | median ms |",
        "|---|---:|",
        f"| related query (`related_articles`) | {t['related_ms']:.1f} |",
        f"| search for the article's headline (`search`) | {t['search_ms']:.1f} |",
        f"| article page with its related panel (`/articles/<id>`) | {t['article_page_ms']:.1f} |",
        f"| search page for the headline (`/?q=`) | {t['search_page_ms']:.1f} |",
        "",
    ]
    (RESULTS / "related.md").write_text("\n".join(lines), encoding="utf-8")


def main() -> None:
    """Build the hidden-group index, run discovery and timing, and write the results."""
    folder = Path(tempfile.mkdtemp(prefix="setu-related-"))
    try:
        corpus, story_of = write_hidden_groups(folder)
        build_index(folder / "index", [corpus])
        index_set = open_index_set(folder / "index")
        results = {"discovery": discovery(index_set, story_of), "timing": timing(index_set, folder / "index", story_of)}
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    write_results(results)
    print((RESULTS / "related.md").read_text(encoding="utf-8"))


if __name__ == "__main__":
    main()
