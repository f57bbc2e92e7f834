"""Dates in the order of results: newest first (`sort=date`), or a preference for recent news (`recency`).

`recency=N` multiplies each hit's score by a decay on its age, Elasticsearch's `exp` decay with a floor:

    weight = RECENCY_FLOOR + (1 - RECENCY_FLOOR) * 0.5 ** (age_days / N)

so an article N days older than the newest candidate keeps a bit over half its score and a much older
one RECENCY_FLOOR of it; an undated article counts as the oldest. Ages are counted from the newest
candidate, not from today, so an archive is ranked the same whenever it is searched.
"""

from __future__ import annotations

from datetime import date

from indexer.engine.collect import column
from indexer.search.ranking import Candidate, CandidateList

RELEVANCE, BY_DATE = "relevance", "date"
SORT_CHOICES = (RELEVANCE, BY_DATE)
# The share of its score an undated or very old article keeps under a recency preference.
RECENCY_FLOOR = 0.2
# Longest half-life `recency` takes, in days (a century).
MAX_RECENCY_DAYS = 36_500


def published_dates(index_set, lists: list[CandidateList]) -> dict[tuple[str, int], str]:
    """Each candidate's publication date (ISO text, empty when it has none), read from the date column."""
    dates = {}
    for found in lists:
        if not found.candidates:
            continue
        with index_set.searcher(found.lang) as searcher:
            published = column(searcher.reader(), "published")
            for candidate in found.candidates:
                value = published[candidate.docnum]
                dates[found.lang, candidate.docnum] = value.decode("utf-8") if isinstance(value, bytes) else value
    return dates


def recency_weight(dates: dict[tuple[str, int], str], half_life_days: float):
    """The weight `ranking.order` gives each candidate's score for a recency preference (see the module)."""
    days = {key: _day(value) for key, value in dates.items()}
    newest = max((day for day in days.values() if day is not None), default=None)

    def weight(lang: str, candidate: Candidate) -> float:
        day = days.get((lang, candidate.docnum))
        if day is None or newest is None:
            return RECENCY_FLOOR
        return RECENCY_FLOOR + (1 - RECENCY_FLOOR) * 0.5 ** ((newest - day).days / half_life_days)

    return weight


def newest_first(ordered: list[tuple[str, Candidate, float]], beside: list, dates: dict[tuple[str, int], str]):
    """The ranked hits newest first, with the list `beside` them (empty, or one item per hit) in the same order;
    hits of one date (and undated ones, last) keep their ranked order."""
    at = sorted(range(len(ordered)), key=lambda n: dates.get((ordered[n][0], ordered[n][1].docnum)) or "", reverse=True)
    return [ordered[n] for n in at], [beside[n] for n in at] if beside else []


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None
