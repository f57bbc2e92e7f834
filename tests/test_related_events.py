"""Related coverage tells one event from one subject: two reports of a match are related, another match is not."""

from __future__ import annotations

from pathlib import Path

import pytest

from indexer.build.pipeline import build_index
from indexer.engine.index_set import open_index_set
from indexer.related import MIN_RELATED_SCORE, related_articles, score_stories, stories

# Riverton 2-1 Ashford told twice (riverton-match in en, ko, bn; riverton-report in ko, bn); Northgate 3-1
# Millbrook of the same Saturday in nearly the same words (en, ko, bn); a harbour storm (tests/data_related/README.md).
CORPUS = Path(__file__).parent / "data_related"


@pytest.fixture(scope="module")
def matches(tmp_path_factory):
    folder = tmp_path_factory.mktemp("matches")
    build_index(folder, [CORPUS])
    return open_index_set(folder)


@pytest.mark.parametrize("lang", ["en", "ko", "bn"])
def test_another_match_of_the_same_saturday_is_not_shown_though_its_words_are_alike(matches, lang):
    found = related_articles(matches, f"northgate-match-{lang}")
    assert found["related"] == []
    # Its words alone would have listed the Riverton match: what keeps it out is that no team or player is shared.
    scored = {entry["group"]: entry for entry in score_stories(matches, stories(matches)["northgate-match"])}
    assert scored["riverton-match"]["text"] >= MIN_RELATED_SCORE > scored["riverton-match"]["score"]


@pytest.mark.parametrize("lang", ["en", "ko", "bn"])
def test_another_report_of_the_same_match_is_shown(matches, lang):
    found = related_articles(matches, f"riverton-match-{lang}")
    assert [story["group"] for story in found["related"]] == ["riverton-report"]


def test_a_report_in_scripts_without_capitals_meets_the_match_on_the_spellings_of_its_names(matches):
    # riverton-report is Korean and Bengali only: its names are known through the English article of the match.
    scored = {entry["group"]: entry for entry in score_stories(matches, stories(matches)["riverton-report"])}
    assert scored["riverton-match"]["score"] >= MIN_RELATED_SCORE > scored.get("northgate-match", {"score": 0})["score"]
