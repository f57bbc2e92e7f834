"""One result per story: a search over several languages lists each translation group once, at its best.

Ranked by relevance, a story scores the sum of its languages' best scores (each language's scaled to its
best, `ranking.order`), CombSUM: a story whose translations each match the query's words in their own
language has more evidence than one article matching by chance, as a mistranslated word does. Stories
holding every word of a keyword query stay first, judged in the reader's own language where the story has
an article in it. Sorted by date, the order is kept as it is, a story in the place of its first article.
The languages its other articles matched in are named beside it. The article shown is the one in a
language searched in the reader's own words, when the story has one among the matches (a Bengali reader
searching every language reads the Bengali article, not its Arabic translation), else the first. Stories
are counted among the candidates the ranking kept, so the count is exact only when every language's
candidates were all.
"""

from __future__ import annotations

from collections import Counter
from contextlib import ExitStack
from dataclasses import dataclass, field

from indexer.search.ranking import PER_ARTICLE, SCORE_DIGITS, Candidate, CandidateList

# `collapse` values: one hit per story, or the ranking's hits as they are.
STORY, NO_COLLAPSE = "story", "none"
COLLAPSE_CHOICES = (STORY, NO_COLLAPSE)


@dataclass
class StoryOrder:
    """Hits in their final order (one per story when collapsed), each story's other matched languages beside
    them, and the total with whether it is exact."""

    entries: list[tuple[str, Candidate, float]] = field(default_factory=list)
    also_matched: list[list[str]] = field(default_factory=list)
    exact: bool = True
    total: int = 0


def default_collapse(languages: tuple[str, ...], per: str) -> str:
    """Collapse by story when several languages are searched article by article (`lang=all`)."""
    return STORY if len(languages) > 1 and per == PER_ARTICLE else NO_COLLAPSE


def collapse_stories(
    index_set,
    ordered: list[tuple[str, Candidate, float]],
    lists: list[CandidateList],
    own: frozenset[str] = frozenset(),
    combine: bool = False,
) -> StoryOrder:
    """Each story once, shown by its best-ranked article in a language of `own` (searched untranslated) if any,
    else its best-ranked; the languages of its other articles noted. In the order of its first article, or
    with `combine` by the sum of its languages' best scores (see the module's docstring)."""
    kept = Counter(lang for lang, _, _ in ordered)
    grouped = []
    with ExitStack() as stack:
        searchers: dict = {}
        for lang, candidate, score in ordered:
            if lang not in searchers:
                searchers[lang] = stack.enter_context(index_set.searcher(lang))
            group = searchers[lang].stored_fields(candidate.docnum)["group"] or candidate.doc_id
            grouped.append((group, lang, candidate, score))
    translated = own and any(lang not in own for _, lang, _, _ in grouped)  # else every story is judged at home
    members = index_set.links.groups_members(sorted({group for group, *_ in grouped})) if translated else {}
    stories: dict[str, _Story] = {}
    for place, (group, lang, candidate, score) in enumerate(grouped):
        if group not in stories:  # a story with an article in the reader's language is judged by it
            home = bool(own) and (lang in own or any(member in own for _, member in members.get(group, ())))
            stories[group] = _Story(place, (lang, candidate, score), own if home else None)
        stories[group].add(lang, candidate, score, own)
    found = sorted(stories.values(), key=_Story.combined_order if combine else _Story.ranked_order)
    return StoryOrder(
        [story.entry(combine) for story in found],
        [story.others for story in found],
        all(found.exact and found.total <= kept[found.lang] for found in lists),
        len(found),
    )


@dataclass
class _Story:
    """One story's articles met in the ranking's order: where the first was, the one shown, each language's
    best score, and the languages of the others."""

    first: int
    shown: tuple[str, Candidate, float]
    # The languages whose article holding every word of a keyword query lists the story before the rest: the
    # reader's own where the story has an article in one (its translations may hold a mistranslation of each
    # word), else any (None).
    judged: frozenset[str] | None
    holds_every_word: bool = False
    best: dict[str, float] = field(default_factory=dict)
    others: list[str] = field(default_factory=list)

    def add(self, lang: str, candidate: Candidate, score: float, own: frozenset[str]) -> None:
        judged = self.judged is None or lang in self.judged
        self.holds_every_word = self.holds_every_word or (candidate.listed_first and judged)
        self.best[lang] = max(self.best.get(lang, score), score)
        shown_lang = self.shown[0]
        if shown_lang == lang:
            return
        if lang in own and shown_lang not in own:  # the reader's own language, in the story's place
            self.shown = (lang, candidate, self.shown[2])
            self.others = [shown_lang, *(other for other in self.others if other != lang)]
        elif lang not in self.others:
            self.others.append(lang)

    def combined(self) -> float:
        return round(sum(score for _, score in sorted(self.best.items())), SCORE_DIGITS)

    def ranked_order(self) -> int:
        return self.first

    def combined_order(self) -> tuple:
        return (not self.holds_every_word, -self.combined(), self.first)

    def entry(self, combine: bool) -> tuple[str, Candidate, float]:
        lang, candidate, score = self.shown
        return (lang, candidate, self.combined() if combine else score)
