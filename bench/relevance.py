"""Relevance benchmark: `python -m bench.relevance` writes bench/results/relevance.{md,json}.

Known-item search over the NTREX sample: each query is three content words of
one passage; the relevant results are that passage (passage level) and its
article (article level). Bengali and Korean get four kinds of query: the words
exactly as written; their base forms (Korean nouns without particles from Kiwi,
Bengali words without a case, plural or classifier ending); other inflected
forms than the text has (another real ending or particle); and a whole question
a reader might type, templated around the base forms. Other languages get the
exact kind. Each kind is run against three builds of the same sample: Whoosh's
StandardAnalyzer, the ICU baseline, and Setu's language chains.

Its base, other and question forms are made with Kiwi and with the Bengali stemmer's own
ending lists, so Setu matches them by construction: it checks that known-item search does
not regress, and ranking is not decided on it (bench.questions, written by hand, is for that).
"""

from __future__ import annotations

import json
import random
import shutil
import tempfile
import time
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from kiwipiepy import Kiwi

from indexer.analysis import IcuTokenizer
from indexer.build.pipeline import build_index
from indexer.corpus import read_corpus
from indexer.documents import Article
from indexer.engine.index_set import open_index_set
from indexer.engine.schema import WHOOSH_STANDARD
from indexer.generations import current_generation, folder_size
from indexer.search import search

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "seeds" / "ntrex-sample"
RESULTS = ROOT / "bench" / "results"
ANALYSES = (WHOOSH_STANDARD, "icu", "setu")
KINDS = ("exact", "base", "other", "question")
# Results looked at per query (MRR@10, Recall@10).
CUTOFF = 10
# Content words per query.
WORDS_PER_QUERY = 3
# The most frequent words of a language count as function words and are never picked.
FUNCTION_WORDS = 60
SEED = 20191
VOWEL_SIGNS = frozenset("\u09be\u09bf\u09c0\u09c1\u09c2\u09c3\u09c7\u09c8\u09cb\u09cc")
# Bengali nominal endings a reader drops or swaps: (ending, whether the stem before it ends in a vowel).
BENGALI_ENDINGS = (("দের", None), ("ের", False), ("কে", None), ("তে", None), ("গুলো", None), ("গুলি", None),
                   ("টি", None), ("টা", None), ("রা", None), ("র", True), ("য়", True), ("ে", False))  # fmt: skip
BENGALI_SWAPS = {True: ("র", "কে", "তে"), False: ("ের", "কে", "ে")}
BENGALI_QUESTIONS = ("{0} ও {1} নিয়ে {2} সম্পর্কে কী বলা হয়েছে?", "কেন {0} {1} {2} নিয়ে আলোচনা হচ্ছে?")
KOREAN_SWAPS = (("은", "는"), ("이", "가"), ("을", "를"), ("과", "와"), ("의", "의"), ("에서", "에서"), ("도", "도"))


@dataclass
class Query:
    lang: str
    kind: str
    text: str
    doc_id: str
    position: int


def has_final_consonant(syllable: str) -> bool:
    return 0xAC00 <= ord(syllable) <= 0xD7A3 and (ord(syllable) - 0xAC00) % 28 != 0


def josa(word: str, pair: tuple[str, str]) -> str:
    """The particle of a pair that fits after `word` (은 after a final consonant, 는 after a vowel)."""
    return pair[0] if has_final_consonant(word[-1]) else pair[1]


class FormMaker:
    """Base and other forms of a surface word, or None when the word carries no ending to drop."""

    def __init__(self, lang: str, rng: random.Random, vocabulary: set[str]):
        self.lang, self.rng, self.vocabulary = lang, rng, vocabulary
        self.kiwi = Kiwi() if lang == "ko" else None

    def forms(self, word: str) -> tuple[str, str] | None:
        return self._korean(word) if self.lang == "ko" else self._bengali(word)

    def _bengali(self, word: str) -> tuple[str, str] | None:
        """Drop a nominal ending whose stem the sample also has as a word of its own (জনমতে → জনমত, not জনম)."""
        for ending, after_vowel in BENGALI_ENDINGS:
            base = word[: -len(ending)]
            if not word.endswith(ending) or len(base) < 3 or base not in self.vocabulary:
                continue
            ends_in_vowel = base[-1] in VOWEL_SIGNS
            if after_vowel is not None and after_vowel != ends_in_vowel:
                continue
            swaps = [e for e in BENGALI_SWAPS[ends_in_vowel] if e != ending]
            return base, base + self.rng.choice(swaps)
        return None

    def _korean(self, word: str) -> tuple[str, str] | None:
        tokens = self.kiwi.tokenize(word)
        if len(tokens) < 2 or not tokens[-1].tag.startswith("J") or not tokens[0].tag.startswith("NN"):
            return None
        if not all(t.tag.startswith("NN") or t.tag in ("XSN",) for t in tokens[:-1]):
            return None
        base = word[: tokens[-1].start]
        if len(base) < 2 or not all("\uac00" <= syllable <= "\ud7a3" for syllable in base):
            return None
        swaps = [pair for pair in KOREAN_SWAPS if josa(base, pair) != tokens[-1].form]
        return base, base + josa(base, self.rng.choice(swaps))


def content_words(lang: str, text: str, function_words: set[str]) -> list[str]:
    """The passage's distinct words of letters and marks only, two characters or more, less function words."""
    words = [t.text for t in IcuTokenizer(lang)(text)]
    return [
        w
        for w in dict.fromkeys(words)
        if len(w) >= 2 and all(unicodedata.category(c)[0] in "LM" for c in w) and w not in function_words
    ]


def make_queries(lang: str, articles: list[Article]) -> list[Query]:
    """One query set per article: three words from one passage, in each kind the language has."""
    rng = random.Random(f"{SEED}-{lang}")
    counts = Counter(t.text for a in articles for p in a.paragraphs for t in IcuTokenizer(lang)(p))
    function_words = {word for word, _ in counts.most_common(FUNCTION_WORDS)}
    forms = FormMaker(lang, rng, set(counts)) if lang in ("bn", "ko") else None
    queries = []
    for article in articles:
        options = list(enumerate(article.paragraphs))
        rng.shuffle(options)
        for position, paragraph in options:
            words = content_words(lang, paragraph, function_words)
            if forms is None:
                if len(words) >= WORDS_PER_QUERY:
                    picked = rng.sample(words, WORDS_PER_QUERY)
                    queries.append(Query(lang, "exact", " ".join(picked), article.id, position))
                    break
                continue
            inflected = [(w, f) for w in words if (f := forms.forms(w))]
            if len(inflected) < 2:
                continue
            picked = rng.sample(inflected, min(WORDS_PER_QUERY, len(inflected)))
            exact = [w for w, _ in picked]
            base = [f[0] for _, f in picked]
            other = [f[1] for _, f in picked]
            for kind, chosen in (("exact", exact), ("base", base), ("other", other)):
                queries.append(Query(lang, kind, " ".join(chosen), article.id, position))
            queries.append(Query(lang, "question", question(lang, base, rng), article.id, position))
            break
    return queries


def question(lang: str, base: list[str], rng: random.Random) -> str:
    words = (base * 2)[:3]
    if lang == "bn":
        return rng.choice(BENGALI_QUESTIONS).format(*words)
    a, b, c = words
    if rng.random() < 0.5:
        return f"{a}{josa(a, ('과', '와'))} {b}, {c}에 대해 무엇이라고 했나요?"
    return f"{a}{josa(a, ('은', '는'))} 왜 {b}{josa(b, ('을', '를'))} {c}에서 다루었나요?"


def reciprocal_rank(hits: list[dict], query: Query, per: str) -> float:
    for rank, hit in enumerate(hits, 1):
        if hit["doc_id"] == query.doc_id and (per == "article" or hit["passage"]["index"] == query.position):
            return 1 / rank
    return 0.0


def build(analysis: str, workdir: Path) -> dict:
    index_dir = workdir / analysis
    started = time.perf_counter()
    build_index(index_dir, [SAMPLE], analysis=analysis)
    seconds = time.perf_counter() - started
    generation = current_generation(index_dir)
    sizes = {lang.name: folder_size(lang) for lang in generation.iterdir() if lang.is_dir()}
    return {"dir": index_dir, "seconds": round(seconds, 2), "bytes": sum(sizes.values()), "bytes_by_lang": sizes}


def evaluate(index_set, queries: list[Query]) -> dict:
    scores = {}
    for per in ("passage", "article"):
        ranks = [
            reciprocal_rank(search(index_set, query.text, lang=query.lang, limit=CUTOFF, per=per)["hits"], query, per)
            for query in queries
        ]
        scores[per] = {
            "mrr": round(sum(ranks) / len(ranks), 3),
            "recall": round(sum(r > 0 for r in ranks) / len(ranks), 3),
        }
    return scores


def main() -> None:
    articles: dict[str, list[Article]] = {}
    for item in read_corpus([SAMPLE]):
        if isinstance(item, Article):
            articles.setdefault(item.lang, []).append(item)
    queries = {lang: make_queries(lang, found) for lang, found in sorted(articles.items())}
    workdir = Path(tempfile.mkdtemp(prefix="setu-relevance-"))
    report = {"queries": {lang: [vars(q) for q in qs] for lang, qs in queries.items()}, "builds": {}, "scores": {}}
    try:
        for analysis in ANALYSES:
            built = build(analysis, workdir)
            report["builds"][analysis] = {key: value for key, value in built.items() if key != "dir"}
            index_set = open_index_set(built["dir"])
            for lang, language_queries in queries.items():
                for kind in KINDS:
                    chosen = [q for q in language_queries if q.kind == kind]
                    if chosen:
                        scores = evaluate(index_set, chosen)
                        report["scores"].setdefault(lang, {}).setdefault(kind, {})[analysis] = {
                            **scores,
                            "queries": len(chosen),
                        }
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "relevance.json").write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n")
    (RESULTS / "relevance.md").write_text(markdown(report))
    print(markdown(report))


def markdown(report: dict) -> str:
    names = {WHOOSH_STANDARD: "Whoosh standard", "icu": "ICU only", "setu": "Setu"}
    lines = [
        "# Relevance: known-item search on the NTREX sample",
        "",
        "Written by `python -m bench.relevance`. Each query: three content words of one passage "
        f"(seeded, {FUNCTION_WORDS} most frequent words of the language excluded). MRR@{CUTOFF} and "
        f"Recall@{CUTOFF}, passage level (that passage) and article level (that article). "
        "Question queries are templated around the passage's base forms.",
        "",
        "| lang | kind | n | " + " | ".join(f"{names[a]} P-MRR / P-R / A-MRR / A-R" for a in ANALYSES) + " |",
        "|---|---|---|" + "---|" * len(ANALYSES),
    ]
    for lang, kinds in report["scores"].items():
        for kind, by_analysis in kinds.items():
            cells = []
            for analysis in ANALYSES:
                s = by_analysis[analysis]
                cells.append(
                    f"{s['passage']['mrr']:.3f} / {s['passage']['recall']:.3f} / "
                    f"{s['article']['mrr']:.3f} / {s['article']['recall']:.3f}"
                )
            n = by_analysis[ANALYSES[0]]["queries"]
            lines.append(f"| {lang} | {kind} | {n} | " + " | ".join(cells) + " |")
    lines += ["", "| analysis | build seconds | index bytes | bn bytes | ko bytes |", "|---|---|---|---|---|"]
    for analysis, built in report["builds"].items():
        by_lang = built["bytes_by_lang"]
        lines.append(
            f"| {names[analysis]} | {built['seconds']} | {built['bytes']} | {by_lang.get('bn', 0)} | "
            f"{by_lang.get('ko', 0)} |"
        )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
