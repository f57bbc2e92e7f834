"""One result per story: a search over several languages lists each translation group once, at its best.

The ranking (`ranking.order`) is kept as it is: walking its order, a story's first article is the one
shown, and the languages its other articles matched in are named beside it. Stories are counted among
the candidates the ranking kept, so the count is exact only when every language's candidates were all.
"""

from __future__ import annotations

from collections import Counter
from contextlib import ExitStack
from dataclasses import dataclass, field

from indexer.search.ranking import PER_ARTICLE, Candidate, CandidateList

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


def collapse_stories(index_set, ordered: list[tuple[str, Candidate, float]], lists: list[CandidateList]) -> StoryOrder:
    """Keep each story's best-ranked article of `ordered`; note the languages of the story's others."""
    kept = Counter(lang for lang, _, _ in ordered)
    stories = StoryOrder(exact=all(found.exact and found.total <= kept[found.lang] for found in lists))
    position: dict[str, int] = {}
    with ExitStack() as stack:
        searchers: dict = {}
        for lang, candidate, score in ordered:
            if lang not in searchers:
                searchers[lang] = stack.enter_context(index_set.searcher(lang))
            group = searchers[lang].stored_fields(candidate.docnum)["group"] or candidate.doc_id
            if group in position:
                seen = stories.also_matched[position[group]]
                if lang not in seen and lang != stories.entries[position[group]][0]:
                    seen.append(lang)
                continue
            position[group] = len(stories.entries)
            stories.entries.append((lang, candidate, score))
            stories.also_matched.append([])
    stories.total = len(stories.entries)
    return stories
