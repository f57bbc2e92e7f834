"""The coverage view for editors, a to-do list: stories missing the most translations first; and what is indexed.

Stories are the generation's translation groups (`related.stories`, read once per generation). An
editor works down the list: the stories lacking the most languages (or lacking the chosen one) come
first, the newest first among equals, so the top row is always the next translation to commission.
"""

from __future__ import annotations

from indexer.engine.index_set import IndexSet
from indexer.related.stories import Card, catalogue, stories


def coverage(
    index_set: IndexSet,
    source: str | None = None,
    start: str | None = None,
    end: str | None = None,
    missing: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> dict:
    """Stories with the languages they exist in and those they lack, those lacking the most first.

    A story matches `source` and the dates `start`..`end` (ISO, inclusive) when one of its
    articles does; `missing` keeps the stories without an article in that language.
    """
    languages = index_set.languages
    chosen = [
        members
        for members in stories(index_set).values()
        if _matches(members, source, start, end) and (missing is None or all(m.lang != missing for m in members))
    ]
    chosen.sort(key=lambda members: (members[0].group,))
    chosen.sort(key=lambda members: (len({m.lang for m in members}), _newest_first(members)))
    return {
        "languages": languages,
        "total": len(chosen),
        "stories": [_coverage_entry(members, languages) for members in chosen[offset : offset + limit]],
    }


def collection_summary(index_set: IndexSet, recent: int) -> dict:
    """What is indexed, for the home page: the range of publication dates and the `recent` newest stories
    (in the order of the index when none has a date)."""
    dates = sorted(card.published[:10] for card in catalogue(index_set).values() if card.published)
    grouped = sorted(stories(index_set).values(), key=lambda members: members[0].group)
    grouped.sort(key=_newest_first)
    return {
        "first_published": dates[0] if dates else None,
        "last_published": dates[-1] if dates else None,
        "stories": [_coverage_entry(members, index_set.languages) for members in grouped[:recent]],
    }


def _matches(members: list[Card], source: str | None, start: str | None, end: str | None) -> bool:
    """Whether one article of the story is from `source` and published within start..end."""
    for member in members:
        if source is not None and member.source.lower() != source.lower():
            continue
        if (start or end) and not (member.published and (start or "") <= member.published <= (end or "9999")):
            continue
        return True
    return False


def _newest(members: list[Card]) -> str:
    return max((member.published or "" for member in members), default="")


def _newest_first(members: list[Card]) -> tuple:
    """A sort key putting newer stories first and undated ones last."""
    newest = _newest(members)
    return (not newest, tuple(-ord(char) for char in newest))


def _coverage_entry(members: list[Card], languages: list[str]) -> dict:
    """One story for the coverage view: its articles, the languages it has, and those it lacks."""
    present = sorted({member.lang for member in members})
    return {
        "group": members[0].group,
        "published": _newest(members) or None,
        "sources": sorted({member.source for member in members if member.source}),
        "languages": present,
        "missing": [lang for lang in languages if lang not in present],
        "articles": [{"doc_id": m.doc_id, "lang": m.lang, "title": m.title} for m in members],
    }
