"""Dates in the order of results: newest first (`sort=date`), or a preference for recent news (`recency`).

`sort=date` lists every passage holding all the query's words newest first, however many match (the
ranking collects them by date: ranking.rank_passages), then the best-ranked passages holding only some.

`recency=N` multiplies each hit's score by a decay on its age, Elasticsearch's `exp` decay with a floor:

    weight = RECENCY_FLOOR + (1 - RECENCY_FLOOR) * 0.5 ** (age_days / N)

so an article N days older than the newest candidate keeps a bit over half its score and a much older
one RECENCY_FLOOR of it; an undated article counts as the oldest. Ages are counted from the newest
candidate, not from today, so an archive is ranked the same whenever it is searched.
"""

from __future__ import annotations

from datetime import date

from indexer.engine.collect import column
from indexer.search.ranking import (
    PER_ARTICLE,
    SCORE_DIGITS,
    Candidate,
    CandidateList,
    best_by_bm25,
    shown_scores,
)

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
        if not (found.candidates or found.newest):
            continue
        with index_set.searcher(found.lang) as searcher:
            published = column(searcher.reader(), "published")
            for candidate in (*found.candidates, *found.newest):
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


def newest_first(
    lists: list[CandidateList], dates: dict[tuple[str, int], str], per: str
) -> list[tuple[str, Candidate, float]]:
    """Every language's candidates for `sort="date"`: the newest holding every query word first, then the
    best-ranked ones holding some; each part newest first (undated last), one date's hits by score. Each part is
    cut per language as one index cuts it, so a cluster's merged shard answers list the same."""
    entries = []
    for found in lists:
        newest = _by_date(found.lang, found.newest, dates)[: found.cut]
        listed = {_entry_key(candidate, per) for candidate in newest}
        some = [c for c in best_by_bm25(found) if not c.all_words and _entry_key(c, per) not in listed]
        entries += shown_scores(found.lang, newest + _by_date(found.lang, some, dates), len(lists) > 1)
    entries.sort(key=lambda entry: (-round(entry[2], SCORE_DIGITS), entry[0], entry[1].doc_id, entry[1].docnum))
    entries.sort(key=lambda entry: dates.get((entry[0], entry[1].docnum)) or "", reverse=True)  # stable: ties kept
    entries.sort(key=lambda entry: not entry[1].all_words)
    return entries


def _by_date(lang: str, candidates: list[Candidate], dates: dict[tuple[str, int], str]) -> list[Candidate]:
    """Newest first, one date's by BM25F, then by passage number: the order Whoosh's date sort keeps them in."""
    ordered = sorted(candidates, key=lambda c: (-round(c.bm25, SCORE_DIGITS), c.docnum))
    return sorted(ordered, key=lambda c: dates.get((lang, c.docnum)) or "", reverse=True)


def _entry_key(candidate: Candidate, per: str):
    """What makes a hit one entry: its article, or with per="passage" the passage."""
    return candidate.doc_id if per == PER_ARTICLE else candidate.docnum


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None
