"""The judged related-coverage figures with the score's tunables chosen on other stories than they are measured on.

MIN_RELATED_SCORE and NAMES_SCALE were fixed on the judged set itself, so its in-sample figures are
optimistic. Here the stories are split in two halves at random (SPLITS times, each half in turn):
the pair (threshold, names scale) is chosen on one half's stories, on a grid, by how many of the
issue's targets it meets there and then by recall@5 less the share of stories without related
coverage showing something; the figures are measured on the other half's. Every story's list is
scored once, before any threshold (`score_stories`), and re-scored for each pair from its text and
names similarity (`event_similarity`).
"""

from __future__ import annotations

import random
import statistics

from bench.related_judged import OPENED_LANGUAGES, opened_articles, panel_figures
from indexer.related import score_stories, stories
from indexer.related.similarity import event_similarity

# Random splits of the stories in two halves; each half chooses once and is measured on once.
SPLITS = 10
# The grid the tunables are chosen on.
THRESHOLDS = [round(0.06 + 0.005 * step, 3) for step in range(29)]
NAMES_SCALE_GRID = (0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.2)
# The targets on the figures of all articles opened.
TARGETS = {"precision_at_1": 0.9, "recall_at_5": 0.85, "precision_at_5": 0.7}
MAX_WITHOUT_SHOWING = 0.10
FIGURES = ("precision_at_1", "recall_at_5", "precision_at_5", "without_showing_any")


def story_entries(index_set, groups) -> dict[str, list[tuple[str, float, float | None, float]]]:
    """Each story's scored neighbours before any threshold: (story, text, names, score)."""
    entries = {}
    for group in groups:
        found = score_stories(index_set, stories(index_set)[group])
        entries[group] = [(entry["group"], entry["text"], entry["names"], entry["score"]) for entry in found]
    return entries


def panels(entries: dict[str, list[tuple]], threshold: float, scale: float) -> dict[str, list[str]]:
    """Each story's panel with these tunables: the neighbours scoring at least `threshold`, best first."""
    lists = {}
    for group, found in entries.items():
        # Key-only entries (no language in common, text 0) keep the keys' score, which names do not touch.
        rescored = [
            (event_similarity(text, names, scale) if text else score, other) for other, text, names, score in found
        ]
        rescored.sort(key=lambda scored: (-scored[0], scored[1]))
        lists[group] = [other for score, other in rescored if score >= threshold and score > 0]
    return lists


def _story_panels(lists: dict[str, list[str]]):
    """A grid cell's panels, one per story whichever of its articles is opened (the score is story against story)."""
    return lambda group, _doc_id: lists[group]


def cross_validated(index_set, judged: dict[str, dict[str, str]]) -> dict:
    """Figures per language measured on held-out stories (mean over folds), with the tunables each fold chose; and
    the same for the text alone (names not asked for, as before they were: only the threshold is chosen)."""
    opened = opened_articles(index_set)
    groups = sorted({group for pairs in opened.values() for group, _ in pairs})
    entries = story_entries(index_set, groups)
    grid = {(t, n): _story_panels(panels(entries, t, n)) for t in THRESHOLDS for n in NAMES_SCALE_GRID}
    text_only = {g: [(other, text, None, score) for other, text, _, score in found] for g, found in entries.items()}
    text_grid = {(t, None): _story_panels(panels(text_only, t, 0.0)) for t in THRESHOLDS}
    return {**_folds(opened, groups, grid, judged), "text_only": _folds(opened, groups, text_grid, judged)}


def _folds(opened: dict, groups: list[str], grid: dict[tuple, dict], judged: dict[str, dict[str, str]]) -> dict:
    """Choose on one half of the stories, measure on the other, for SPLITS random halvings."""
    measured: dict[str, list[dict]] = {lang: [] for lang in (*OPENED_LANGUAGES, "all")}
    chosen = []
    for split in range(SPLITS):
        shuffled = groups[:]
        random.Random(split).shuffle(shuffled)
        halves = (set(shuffled[: len(groups) // 2]), set(shuffled[len(groups) // 2 :]))
        for choosing, held_out in (halves, halves[::-1]):
            choosing_articles = _within(opened, choosing, None)
            best = max(grid, key=lambda pair: _merit(panel_figures(choosing_articles, grid[pair], judged)))
            chosen.append(best)
            for lang in OPENED_LANGUAGES:
                measured[lang].append(panel_figures(_within(opened, held_out, lang), grid[best], judged))
            measured["all"].append(panel_figures(_within(opened, held_out, None), grid[best], judged))
    figures = {lang: {key: _mean(fold[key] for fold in folds) for key in FIGURES} for lang, folds in measured.items()}
    return {
        "figures": figures,
        "folds": len(chosen),
        "thresholds": [pair[0] for pair in chosen],
        "names_scale": [pair[1] for pair in chosen],
    }


def _within(opened: dict[str, list[tuple[str, str]]], groups: set[str], lang: str | None) -> list[tuple[str, str]]:
    """The articles opened (in `lang`, or in any benchmarked language) whose story is one of `groups`."""
    languages = OPENED_LANGUAGES if lang is None else (lang,)
    return [pair for language in languages for pair in opened[language] if pair[0] in groups]


def _merit(found: dict) -> tuple:
    """How well a choice does on the choosing half: the targets it meets, then recall less the empty panels' misses."""
    met = sum((found[key] or 0) >= target for key, target in TARGETS.items())
    met += (found["without_showing_any"] or 0) <= MAX_WITHOUT_SHOWING
    return met, (found["recall_at_5"] or 0) - (found["without_showing_any"] or 0)


def _mean(values) -> float | None:
    present = [value for value in values if value is not None]
    return round(statistics.mean(present), 4) if present else None
