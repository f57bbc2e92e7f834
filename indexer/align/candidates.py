"""Candidate translations: articles outside one story that the aligner's own evidence says translate each other.

Cheap checks first (languages, lengths the language pair predicts, dates), then both ways of a full alignment.
"""

from __future__ import annotations

import math
from datetime import date
from typing import NamedTuple

from indexer.align.paragraphs import LengthModel, align_paragraphs, alignment_confidence
from indexer.align.profiles import Profile

# Candidate translations: telling anchors they must share, and the least confidence worth recording and showing.
# Hidden-group NTREX build (bench/results/related.md): 1 of 4,086 pairs at 0.7 or more was wrong, 0 of 1,838 at 0.9.
CANDIDATE_MIN_SHARED = 2
# …or this share of the telling anchors of the article with fewer (a short article may have one or two).
CANDIDATE_MIN_OVERLAP = 0.5
CANDIDATE_MIN_CONFIDENCE = 0.7
# Least ratio of an article's paragraph count to the other's, before aligning them.
CANDIDATE_MIN_PARAGRAPH_AGREEMENT = 0.6
# Least ratio of an article's length to the length a translation of the other would have, before aligning them.
CANDIDATE_MIN_LENGTH_AGREEMENT = 0.5
# Days apart two translations may be published without doubt, and the scale doubt grows on after that.
CANDIDATE_DATE_SLACK_DAYS = 3
CANDIDATE_DATE_SCALE_DAYS = 14
# How much a missing publication date weakens a candidate: not at all, a missing date is no evidence either way.
UNDATED_AGREEMENT = 1.0


class CandidateProfile(NamedTuple):
    """What candidate search reads of an article: far less than a Profile, so it is cheap to load for every pair.

    A named tuple, not a dataclass: a build makes one per pair of articles scored (millions).
    """

    id: str
    lang: str
    group: str
    published: str
    length: int
    candidate_anchors: frozenset[str]


def plausible_candidate(
    source: Profile | CandidateProfile, other: Profile | CandidateProfile, model: LengthModel | None = None
) -> bool:
    """Whether two articles are worth aligning as candidate translations: other languages, lengths near what the
    language pair predicts (when the corpus knows the pair), dates near. Cheap, so it runs on every pair found."""
    if source.lang == other.lang:
        return False
    if model is not None:
        expected = model.ratio * source.length
        if min(expected, other.length) < CANDIDATE_MIN_LENGTH_AGREEMENT * max(expected, other.length, 1):
            return False
    return _date_agreement(source.published, other.published) >= CANDIDATE_MIN_CONFIDENCE


def _similar_shape(source: Profile, other: Profile) -> bool:
    """Whether two articles have about as many paragraphs as translations do (translators merge and split few)."""
    fewer, more = sorted((len(source.paragraphs), len(other.paragraphs)))
    return fewer >= CANDIDATE_MIN_PARAGRAPH_AGREEMENT * more


def candidate_confidence(source: Profile, other: Profile, model: LengthModel | None = None) -> float:
    """How likely two articles outside one story are translations (0 to 1): how well each aligns with the other.

    The aligner's own evidence: sentence beads whose lengths agree and whose anchors match, both ways
    (the weaker way counts), times the agreement of their dates. 0 below CANDIDATE_MIN_CONFIDENCE.
    """
    if not plausible_candidate(source, other, model) or not _similar_shape(source, other):
        return 0.0
    forward, backward = align_paragraphs(source, other, model)
    aligned = min(alignment_confidence(source, forward), alignment_confidence(other, backward))
    confidence = aligned * _date_agreement(source.published, other.published)
    return round(confidence, 3) if confidence >= CANDIDATE_MIN_CONFIDENCE else 0.0


def _date_agreement(first: str, second: str) -> float:
    """1 for articles published within a few days of each other, less the further apart they are."""
    if not first or not second:
        return UNDATED_AGREEMENT
    days = abs((date.fromisoformat(first[:10]) - date.fromisoformat(second[:10])).days)
    return math.exp(-max(0, days - CANDIDATE_DATE_SLACK_DAYS) / CANDIDATE_DATE_SCALE_DAYS)
