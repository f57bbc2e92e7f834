"""The judged related-coverage set (bench/data/related/) and the figures an editor would notice on it.

A story's judged neighbours are `related` or `borderline`; every pair not listed is unrelated.
Borderline entries neither help nor hurt precision and recall (they are dropped from the list
before it is scored), but they do count as "showing something" for a story with no related coverage.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from indexer.align.store import LinkReader
from indexer.documents import Article
from indexer.related import related_articles, stories

ROOT = Path(__file__).resolve().parent.parent
JUDGED = ROOT / "bench" / "data" / "related"
WRITTEN = JUDGED / "written"
# The languages of the article opened that the figures are given for.
OPENED_LANGUAGES = ("bn", "ko", "en")
# Entries of the related panel that are scored (precision@5, recall@5).
TOP = 5


def read_judgments(path: Path = JUDGED / "judgments.tsv") -> dict[str, dict[str, str]]:
    """Each story's judged neighbours (both ways): story → {other story: 'related' or 'borderline'}."""
    judged: dict[str, dict[str, str]] = defaultdict(dict)
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        first, second, judgment, _why = line.split("\t")
        judged[first][second] = judged[second][first] = judgment
    return judged


def opened_articles(index_set) -> dict[str, list[tuple[str, str]]]:
    """The articles an editor opens, by language (bn, ko, en): each as (its story, its id)."""
    opened = defaultdict(list)
    for group, members in stories(index_set).items():
        for member in members:
            if member.lang in OPENED_LANGUAGES:
                opened[member.lang].append((group, member.doc_id))
    return opened


def judged_figures(index_set, judged: dict[str, dict[str, str]]) -> dict[str, dict]:
    """Precision@1/@5, recall@5 and the share of stories without related coverage showing anything, per language."""
    opened = opened_articles(index_set)
    shown, thresholds = {}, set()
    for _group, doc_id in (pair for lang in OPENED_LANGUAGES for pair in opened[lang]):
        found = related_articles(index_set, doc_id, limit=TOP)
        thresholds.add(found.get("threshold"))
        shown[doc_id] = [story["group"] for story in found["related"]]  # by article: a panel is the article's
    threshold = sorted(map(str, thresholds))[0] if len(thresholds) == 1 else None

    def panel_of(_group: str, doc_id: str) -> list[str]:
        return shown[doc_id]

    figures = {lang: panel_figures(opened[lang], panel_of, judged) for lang in OPENED_LANGUAGES}
    figures["all"] = panel_figures([pair for lang in OPENED_LANGUAGES for pair in opened[lang]], panel_of, judged)
    return {lang: {**found, "threshold": threshold} for lang, found in figures.items()}


def panel_figures(opened: list[tuple[str, str]], panel_of, judged: dict) -> dict:
    """The figures over the articles opened, each (its story, its id), given the stories each one's panel lists:
    `panel_of(story, article)`."""
    counts = defaultdict(int)
    for group, doc_id in opened:
        shown = panel_of(group, doc_id)[:TOP]
        mine = judged.get(group, {})
        scored = [other for other in shown if mine.get(other) != "borderline"]
        right = [other for other in scored if mine.get(other) == "related"]
        counts["shown"] += len(scored)
        counts["right"] += len(right)
        counts["borderline"] += len(shown) - len(scored)
        related = [other for other, judgment in mine.items() if judgment == "related"]
        if related:
            counts["with"] += 1
            counts["with_shown"] += bool(scored)
            counts["first_right"] += bool(scored) and mine.get(scored[0]) == "related"
            counts["found"] += len(right)
            counts["findable"] += min(TOP, len(related))
        else:
            counts["without"] += 1
            counts["without_showing"] += bool(shown)
            counts["without_showing_unrelated"] += bool(scored)
    return {
        "articles": len(opened),
        "with_related": counts["with"],
        "precision_at_1": _share(counts["first_right"], counts["with_shown"]),
        "recall_at_5": _share(counts["found"], counts["findable"]),
        "precision_at_5": _share(counts["right"], counts["shown"]),
        "without_related": counts["without"],
        "without_showing_any": _share(counts["without_showing"], counts["without"]),
        "without_showing_unrelated": _share(counts["without_showing_unrelated"], counts["without"]),
        "entries_scored": counts["shown"],
        "entries_borderline": counts["borderline"],
    }


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def candidate_figures(index_set, articles: list[Article], story_of: dict[str, str]) -> dict:
    """Candidates' precision and recall against the true translations (`story_of`: each id's real story).

    Also how often a candidate shown with confidence ≥ 0.9 is right.
    """
    reader = LinkReader(index_set.links.path.parent)
    by_story = defaultdict(set)
    for article in articles:
        by_story[story_of[article.id]].add(article.id)
    shown = right = confident = confident_right = truths = with_any = 0
    for article in articles:
        found = reader.candidates(article.id)
        true = by_story[story_of[article.id]] - {article.id} - _grouped_with(index_set, article)
        truths += len(true)
        with_any += bool(found)
        for candidate in found:
            correct = candidate["doc_id"] in true
            shown, right = shown + 1, right + correct
            if candidate["confidence"] >= 0.9:
                confident, confident_right = confident + 1, confident_right + correct
    return {
        "articles": len(articles),
        "articles_with_candidates": with_any,
        "rows": shown,
        "precision": _share(right, shown),
        "recall": _share(right, truths),
        "true_translations_ungrouped": truths,
        "rows_at_0.9": confident,
        "precision_at_0.9": _share(confident_right, confident),
    }


def _grouped_with(index_set, article: Article) -> set[str]:
    """The article's translations its own story already holds: nothing left to discover there."""
    return {member.doc_id for member in stories(index_set).get(article.group, [])}
