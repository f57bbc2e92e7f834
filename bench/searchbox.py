"""The search box on words typed as readers type them: `python -m bench.searchbox` writes bench/results/searchbox.md.

Each word of bench/data/searchbox/searchbox.jsonl (picked by hand from an article of seeds/, with its
hand-written misspelling and romanized Bengali, and the typed forms keyboard facts give) is searched
alone through the real server over the real CLI build of seeds/: R@10 is the share of searches whose
top 10 articles hold the word's article, beside the correctly spelled word's own figure. Suggestions:
the share of words typed midway (and Korean initials) whose word is among the top 10 suggestions, and
the suggestion endpoint's latency through HTTP beside /api/v1/languages' (a trivial endpoint) in the same run.
After other words: the question set's keyword queries typed to the middle of their last word, whether the
query is suggested and whether each suggestion's words are all written in one article (read from the corpus,
not through Setu).
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
from indexer.corpus import read_corpus
from indexer.documents import Article

DATA = ROOT / "bench" / "data" / "searchbox" / "searchbox.jsonl"
RESULTS = ROOT / "bench" / "results" / "searchbox.md"
QUESTIONS = ROOT / "bench" / "data" / "questions"
SEEDS = ROOT / "seeds"
# Latency samples per endpoint at least: every typed prefix is asked this many times over.
MIN_SAMPLES = 200
# What each edit kind searches for, and with which `lang` (None: auto-detect, as the reader's box does).
KINDS = {
    "correct": ("word", None),
    "misspelled": ("misspelled", None),
    "misspelled twice": ("misspelled twice", None),
    "midway": ("midway", None),
    "initials": ("initials", None),
    "keyboard": ("keyboard", None),
    "romanized (lang=bn)": ("romanized", "bn"),
    "romanized (auto)": ("romanized", None),
}
# The typed forms whose word is looked for among the suggestions.
SUGGESTED = ("midway", "initials", "keyboard")
# kiwipiepy's typo settings measured against Setu's own correction.
KIWI_TYPO_SETTINGS = ("basic", "basic_with_continual")
TARGETS = {
    ("bn", "misspelled"): 0.92, ("ko", "misspelled"): 0.90, ("en", "misspelled"): 0.85,
    ("ko", "keyboard"): 0.95, ("bn", "romanized (lang=bn)"): 0.7,
    ("bn", "midway"): 0.9, ("ko", "midway"): 0.98, ("ko", "initials"): 0.5,
}  # fmt: skip


def get(base: str, path: str, **query) -> dict:
    with urllib.request.urlopen(f"{base}{path}?{urllib.parse.urlencode(query)}", timeout=30) as response:
        return json.loads(response.read())


def same_word(a: str, b: str) -> bool:
    return folded(a) == folded(b)


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
    """Per (lang, kind) whether the word is among the top 10 suggestions for its midway form, initials or keys."""
    hits = defaultdict(list)
    for row in words:
        for kind in SUGGESTED:
            if row.get(kind):
                texts = [s["text"] for s in get(base, "/api/v1/suggest", q=row[kind], limit=10)["suggestions"]]
                hits[row["lang"], kind].append(any(same_word(text, row["word"]) for text in texts))
    return hits


def latency(base: str, words: list[dict]) -> dict[str, list[float]]:
    """Milliseconds per request through HTTP: suggestions for every typed prefix, and /api/v1/languages; and
    suggestions after other words (`several_typed`)."""
    typed = [row[kind] for row in words for kind in ("midway", "initials") if row.get(kind)]
    rounds = -(-MIN_SAMPLES // len(typed))
    samples = {"suggest": [], "languages (baseline)": [], "suggest, after other words": []}
    for _ in range(rounds):
        for text in typed:
            started = time.perf_counter()
            get(base, "/api/v1/suggest", q=text)
            samples["suggest"].append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            get(base, "/api/v1/languages")
            samples["languages (baseline)"].append((time.perf_counter() - started) * 1000)
    several = [text for _, _, text in several_typed()]
    for _ in range(-(-MIN_SAMPLES // len(several))):
        for text in several:
            started = time.perf_counter()
            get(base, "/api/v1/suggest", q=text)
            samples["suggest, after other words"].append((time.perf_counter() - started) * 1000)
    return samples


def question_revisions(base: str) -> dict[tuple[str, str], list[bool]]:
    """Per (lang, variant) of the judged question set (bench/data/questions/), whether the search revised a word:
    the box's reach into queries written in whole words."""
    revised = defaultdict(list)
    for path in sorted(QUESTIONS.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            question = json.loads(line)
            answer = get(base, "/api/v1/search", q=question["query"], lang=question["lang"], limit=10)
            revised[question["lang"], question.get("variant", "as written")].append("revised_words" in answer)
    return revised


def several_typed() -> list[tuple[str, str, str]]:
    """The question set's keyword queries of several words (bench/data/questions/, as written), each as
    (language, query, the query typed to the middle of its last word)."""
    typed = []
    for path in sorted(QUESTIONS.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            question = json.loads(line)
            words = question["query"].split()
            if question["kind"] == "keyword" and not question.get("variant") and len(words) > 1:
                midway = " ".join([*words[:-1], words[-1][: -(-len(words[-1]) // 2)]])
                typed.append((question["lang"], question["query"], midway))
    return typed


def several_words(base: str, texts: dict[str, list[str]]) -> dict[str, tuple[list[bool], list[bool]]]:
    """Per language, for each of `several_typed`: whether the query is among the top 10 suggestions, and for each
    suggestion shown whether one article of `texts` (each language's articles, folded) writes all its words."""
    found = defaultdict(lambda: ([], []))
    for lang, query, typed in several_typed():
        shown = [s["text"] for s in get(base, "/api/v1/suggest", q=typed, limit=10)["suggestions"]]
        meant, held = found[lang]
        meant.append(any(same_word(text, query) for text in shown))
        for text in shown:
            pieces = [folded(piece) for piece in text.split()]
            held.append(any(all(piece in article for piece in pieces) for article in texts[lang]))
    return dict(found)


def folded(text: str) -> str:
    return unicodedata.normalize("NFC", text).casefold()


def article_texts() -> dict[str, list[str]]:
    """Each language's articles of seeds/, headline and paragraphs as one folded text."""
    texts = defaultdict(list)
    for item in read_corpus([SEEDS]):
        if isinstance(item, Article):
            texts[item.lang].append(folded(" ".join([item.title, *item.paragraphs])))
    return texts


def kiwi_typo_model(words: list[dict]) -> dict[str, list[bool]]:
    """Per Kiwi typo setting, whether Kiwi's typo-aware analysis of each Korean misspelling gives the nouns
    of the word meant (kiwipiepy's typo model, since 0.23), to set beside Setu's one-jamo corrections."""
    from kiwipiepy import Kiwi

    kiwi = Kiwi()

    def nouns(text: str, typos: str | None = None) -> str:
        return "".join(t.form for t in kiwi.tokenize(text, typos=typos) if t.tag.startswith("NN"))

    korean = [row for row in words if row["lang"] == "ko"]
    return {
        typos: [nouns(row["misspelled"], typos) == nouns(row["word"]) for row in korean] for typos in KIWI_TYPO_SETTINGS
    }


def share(values: list[bool], digits: int = 2) -> str:
    return f"{sum(values) / len(values):.{digits}f}" if values else "–"


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p * len(ordered)))]


def report(words, found, revised, suggested, samples, kiwi, questions, baseline, several) -> str:
    """The results page: relevance per edit kind, then corrections, reach, suggestions and latency."""
    lines = relevance_lines(words, found, revised, baseline) + correction_lines(revised, kiwi, questions)
    return "\n".join(lines + several_words_lines(several) + suggestion_lines(suggested, samples))


def several_words_lines(several: dict) -> list[str]:
    """Suggestions after other words, beside the baseline's when given."""
    lines = [
        "",
        "Suggestions after other words: the question set's keyword queries of several words, typed to the middle "
        "of their last word. Meant: the query among the top 10 suggestions; held: the share of the suggestions "
        "shown whose every word one article of seeds/ writes (as written, case and Unicode form folded).",
        "",
        "| lang | n | meant in top 10 | suggestions shown | held | baseline: meant | shown | held |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for lang, ((meant, held), baseline) in sorted(several.items()):
        before = [share(baseline[0]), str(len(baseline[1])), share(baseline[1])] if baseline else ["", "", ""]
        lines.append(
            f"| {lang} | {len(meant)} | {share(meant)} | {len(held)} | {share(held)} | " + " | ".join(before) + " |"
        )
    return lines


def relevance_lines(words, found, revised, baseline) -> list[str]:
    langs = sorted({row["lang"] for row in words})
    lines = [
        "# The search box: words typed as readers type them",
        "",
        f"Written by `python -m bench.searchbox`. {len(words)} words ("
        + ", ".join(f"{lang} {sum(r['lang'] == lang for r in words)}" for lang in langs)
        + ") from bench/data/searchbox/, each searched alone over the CLI build of seeds/ through the real server "
        "(`GET /api/v1/search?q=…&limit=10`, per article). R@10: the word's article among the top 10. "
        "Revised: share of searches the response says it revised; right: share whose first candidate is the "
        "intended word. Target: the issue's. Baseline: the same searches on the checkout given by "
        "--baseline-root (built and served the same way, in the same run), when given.",
        "",
        "| lang | typed as | n | R@10 | correct word's R@10 | revised | right | target | baseline R@10 |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for lang in langs:
        for kind in KINDS:
            if found.get((lang, kind)):
                flags = revised[lang, kind]
                target = TARGETS.get((lang, kind))
                lines.append(
                    f"| {lang} | {kind} | {len(found[lang, kind])} | {share(found[lang, kind])} | "
                    f"{share(found[lang, 'correct'])} | {share([r for r, _ in flags])} | "
                    f"{share([g for _, g in flags])} | {target if target else ''} | "
                    f"{share(baseline[lang, kind]) if baseline else ''} |"
                )
    return lines


def correction_lines(revised, kiwi, questions) -> list[str]:
    lines = [
        "",
        "Korean misspellings put right (n = "
        + str(len(revised["ko", "misspelled"]))
        + "): Setu's first candidate is the word meant (one jamo off over the vocabulary), against Kiwi's "
        "typo-aware analysis giving the nouns of the word meant.",
        "",
        "| corrector | share right |",
        "|---|---|",
        f"| Setu (jamo edit distance 1 over the vocabulary) | {share([g for _, g in revised['ko', 'misspelled']])} |",
    ]
    lines += [f"| Kiwi, typos={typos!r} | {share(values)} |" for typos, values in kiwi.items()]
    lines += [
        "",
        "Reach into whole-word queries: the share of the judged question set's queries (bench/data/questions/, "
        "questions and keywords) in which some word was revised, beside the baseline's when given.",
        "",
        "| lang | queries | n | revised | baseline revised |",
        "|---|---|---|---|---|",
    ]
    lines += [
        f"| {lang} | {variant} | {len(v)} | {share(v, 3)} | {share(b, 3) if b else ''} |"
        for (lang, variant), (v, b) in sorted(questions.items())
    ]
    return lines


def suggestion_lines(suggested, samples) -> list[str]:
    lines = ["", "Suggestions (`GET /api/v1/suggest?q=…&limit=10`): the word among the top 10.", ""]
    lines += ["| lang | typed as | n | word in top 10 | target |", "|---|---|---|---|---|"]
    for (lang, kind), values in sorted(suggested.items()):
        target = {"midway": "0.9" if lang in ("bn", "ko") else "", "initials": "0.7", "keyboard": ""}[kind]
        lines.append(f"| {lang} | {kind} | {len(values)} | {share(values)} | {target} |")
    lines += ["", "Latency through HTTP (one client, sequential; a 2-core machine shared with other work):", ""]
    lines += ["| endpoint | n | median ms | p95 ms |", "|---|---|---|---|"]
    for name, values in samples.items():
        lines.append(f"| {name} | {len(values)} | {statistics.median(values):.2f} | {percentile(values, 0.95):.2f} |")
    ratio = percentile(samples["suggest"], 0.95) / percentile(samples["languages (baseline)"], 0.95)
    return lines + ["", f"Suggest p95 / languages p95 in the same run: {ratio:.2f}.", ""]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", type=Path, default=RESULTS)
    parser.add_argument("--baseline-root", type=Path, help="an earlier checkout whose search to measure alongside")
    args = parser.parse_args()
    words = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines() if line.strip()]
    texts = article_texts()
    with seeds_index() as index_dir, serving(index_dir) as (base, _):
        found, revised = relevance(base, words)
        suggested = suggestions(base, words)
        samples = latency(base, words)
        questions = question_revisions(base)
        several = several_words(base, texts)
    baseline, baseline_questions, baseline_several = None, {}, {}
    if args.baseline_root:
        with seeds_index(args.baseline_root) as index_dir, serving(index_dir, root=args.baseline_root) as (base, _):
            baseline, baseline_questions = relevance(base, words)[0], question_revisions(base)
            baseline_several = several_words(base, texts)
    args.results.parent.mkdir(parents=True, exist_ok=True)
    reach = {key: (values, baseline_questions.get(key, [])) for key, values in questions.items()}
    several_pairs = {lang: (value, baseline_several.get(lang)) for lang, value in several.items()}
    kiwi = kiwi_typo_model(words)
    report_text = report(words, found, revised, suggested, samples, kiwi, reach, baseline, several_pairs)
    args.results.write_text(report_text, encoding="utf-8")
    print(args.results.read_text(encoding="utf-8"))


if __name__ == "__main__":
    main()
