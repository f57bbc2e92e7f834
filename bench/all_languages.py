"""Searching every language at once: `python -m bench.all_languages` writes bench/results/all_languages.{md,json}.

`lang=all` searches each language's index (translating the query where it is not the reader's language) and
lists each story once. Two hand-written query sets, each query's story known, are asked with `lang=all`:
the cross-language known-item queries (bench/data/crosslang, on the NTREX sample less one article per story,
as bench.crosslang builds it), and the question set (bench/data/questions, on seeds/). Scored by the story's
MRR@10 and Recall@10, and by how often a found story is shown by its article in the language the query is
written in. Against, in the same run, the ranking's own order with each story at its first article
(`collapse=none`, the first article of each story kept): how `lang=all` listed stories before stories
were scored by all their languages.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
from collections import defaultdict
from pathlib import Path

from bench.crosslang import SEEDS, read_queries, write_split_corpus
from bench.questions import load_questions
from bench.serving import ROOT
from indexer import get_article
from indexer.build.pipeline import build_index
from indexer.engine.index_set import open_index_set
from indexer.search.front import MAX_LIMIT, search

RESULTS = ROOT / "bench" / "results"
QUESTIONS = ROOT / "bench" / "data" / "questions"
# Stories looked at per query.
CUTOFF = 10
SYSTEMS = ("first article", "setu")


def stories_listed(index_set, query: str, system: str) -> list[tuple[str, str]]:
    """The first CUTOFF stories `lang=all` lists for `query`, as (story, language of the article shown)."""
    if system == "setu":
        hits = search(index_set, query, "all", limit=CUTOFF)["hits"]
    else:  # the ranking's order, each story where its first article is, shown by it
        hits = search(index_set, query, "all", limit=MAX_LIMIT, collapse="none")["hits"]
    listed: dict[str, str] = {}
    for hit in hits:
        listed.setdefault(hit["group"] or hit["doc_id"], hit["lang"])
    return list(listed.items())[:CUTOFF]


def outcome(index_set, query: str, lang: str, story: str) -> dict:
    """Per system, the story's 1/rank (0 when not listed) and whether it is shown in the query's language."""
    found = {}
    for system in SYSTEMS:
        listed = stories_listed(index_set, query, system)
        rank = next((rank for rank, (group, _) in enumerate(listed, 1) if group == story), None)
        found[system] = {"rr": 1 / rank if rank else 0.0, "own": rank is not None and listed[rank - 1][1] == lang}
    return found


def score(split_set, seeds_set) -> list[dict]:
    """Every query of both sets with its outcome per system."""
    rows = []
    for query in read_queries():
        row = {"set": "crosslang", "cell": f"crosslang {query.lang}", "query": query.text, "story": query.story}
        rows.append({**row, **outcome(split_set, query.text, query.lang, query.story)})
    groups: dict[str, str] = {}
    for question in load_questions(QUESTIONS):
        if question.doc_id not in groups:
            article = get_article(seeds_set, question.doc_id)
            groups[question.doc_id] = (article or {}).get("group") or question.doc_id
        story = groups[question.doc_id]
        row = {"set": "questions", "cell": f"questions {question.lang} {question.kind}", "query": question.query}
        rows.append({**row, "story": story, **outcome(seeds_set, question.query, question.lang, story)})
    return rows


def summarize(rows: list[dict]) -> list[dict]:
    """Per cell (query set and language, and kind for questions), each system's MRR@10, Recall@10 and share of
    found stories shown in the query's language."""
    cells = defaultdict(list)
    for row in rows:
        cells[row["cell"]].append(row)
        cells[f"{row['set']} all"].append(row)
    summary = []
    for cell in sorted(cells, key=lambda name: (name.split()[0], name.endswith(" all"), name)):
        members = cells[cell]
        entry = {"cell": cell, "n": len(members)}
        for system in SYSTEMS:
            found = [row[system] for row in members if row[system]["rr"]]
            entry[system] = {
                "mrr": round(statistics.mean(row[system]["rr"] for row in members), 3),
                "recall": round(len(found) / len(members), 3),
                "own": round(statistics.mean(f["own"] for f in found), 3) if found else 0.0,
            }
        summary.append(entry)
    return summary


def write_markdown(path: Path, summary: list[dict]) -> None:
    lines = [
        "# Searching every language at once (`lang=all`)",
        "",
        "Written by `python -m bench.all_languages`. Hand-written queries whose story is known, asked with "
        "`lang=all`: bench/data/crosslang's on the NTREX sample less one article per story (as bench.crosslang "
        "builds it), bench/data/questions' on seeds/. Story MRR@10 / Recall@10 / share of found stories shown "
        "by their article in the query's own language. First article: the ranking's order, each story at "
        "its first article and shown by it (how `lang=all` listed stories before). Setu: each story scored "
        "by the sum of its languages' best scores, shown in the reader's language where it has an article "
        "matching.",
        "",
        "| queries | n | first article | Setu |",
        "|---|---|---|---|",
    ]
    for entry in summary:
        cells = [f"{entry[s]['mrr']:.3f} / {entry[s]['recall']:.3f} / {entry[s]['own']:.3f}" for s in SYSTEMS]
        name = f"**{entry['cell']}**" if entry["cell"].endswith(" all") else entry["cell"]
        lines.append(f"| {name} | {entry['n']} | " + " | ".join(cells) + " |")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", type=Path, default=RESULTS, help="folder for all_languages.md and .json")
    parser.add_argument("--scratch", type=Path, help="folder to keep the indexes in, reused if there")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temporary:
        scratch = args.scratch or Path(temporary)
        if not (scratch / "split").exists():
            (scratch / "corpus").mkdir(parents=True, exist_ok=True)
            write_split_corpus(scratch / "corpus")
            build_index(scratch / "split", [scratch / "corpus"])
        if not (scratch / "seeds").exists():
            build_index(scratch / "seeds", [SEEDS])
        rows = score(open_index_set(scratch / "split"), open_index_set(scratch / "seeds"))
    summary = summarize(rows)
    args.results.mkdir(parents=True, exist_ok=True)
    report = {"summary": summary, "rows": rows}
    (args.results / "all_languages.json").write_text(json.dumps(report, ensure_ascii=False, indent=1), "utf-8")
    write_markdown(args.results / "all_languages.md", summary)
    print((args.results / "all_languages.md").read_text(encoding="utf-8"))


if __name__ == "__main__":
    main()
