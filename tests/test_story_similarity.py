"""Story-with-story similarity on hand-made term weights: like with like, symmetric, numbers never alone."""

from __future__ import annotations

import pytest

from indexer.related.names import story_names
from indexer.related.similarity import (
    content_terms,
    event_similarity,
    names_similarity,
    story_similarity,
    term_weight,
)

TSUNAMI = {"en": {"tsunami": 0.8, "palu": 0.6}, "bn": {"সুনামি": 1.0}}
FOLLOW_UP = {"en": {"tsunami": 0.6, "toll": 0.8}}
MATCH = {"en": {"rangers": 0.6, "livingston": 0.8}, "ko": {"레인저스": 1.0}}


def test_stories_are_compared_in_the_languages_both_have_and_agree_both_ways():
    score, by_language = story_similarity(TSUNAMI, FOLLOW_UP)
    assert list(by_language) == ["en"] and score == pytest.approx(0.48)
    assert story_similarity(FOLLOW_UP, TSUNAMI)[0] == score


def test_a_shared_specific_number_raises_a_score_text_earned_but_never_makes_one():
    with_number = story_similarity(TSUNAMI, FOLLOW_UP, frozenset({"832"}), frozenset({"832"}))[0]
    assert with_number > story_similarity(TSUNAMI, FOLLOW_UP)[0]
    assert story_similarity(TSUNAMI, MATCH, frozenset({"832"}), frozenset({"832"}))[0] == 0.0


def test_stories_with_no_language_in_common_have_no_text_similarity():
    assert story_similarity({"bn": {"সুনামি": 1.0}}, {"ko": {"쓰나미": 1.0}}) == (0.0, {})


@pytest.mark.parametrize(
    ("lang", "counts", "kept"),
    [("en", {"the": 9, "tsunami": 2, "2018": 1}, {"tsunami"}), ("bn", {"আমরা": 5, "সুনামি": 2}, {"সুনামি"})],
)
def test_stop_words_and_numbers_are_not_content(lang, counts, kept):
    assert set(content_terms(counts, lang)) == kept


def test_a_term_in_most_passages_of_a_large_index_weighs_nothing():
    assert term_weight(1, 900, 1000) == 0.0 < term_weight(1, 9, 1000)


WRITTEN_NAMES = {"en": [{"Palu": ["palu"], "Sutopo": ["sutopo"]}]}


@pytest.mark.parametrize(
    ("lang", "terms", "names"),
    [
        ("en", ["palu", "sutopo", "tsunami"], {"palu", "sutopo"}),
        ("ko", ["팔루", "수토포", "쓰나미"], {"팔루", "수토포"}),
        ("bn", ["পালু", "সুতোপো", "সুনামি"], {"পালু", "সুতোপো"}),
    ],
)
def test_a_storys_names_are_the_words_it_writes_as_names_and_their_transliterations(lang, terms, names):
    assert story_names(WRITTEN_NAMES, {lang: terms})[lang] == names


def test_two_stories_sharing_the_words_of_a_subject_but_no_names_score_nothing():
    # Two matches of one Saturday: football's words in common, the teams and players not.
    derby = {"en": {"striker": 0.5, "header": 0.5, "riverton": 0.5, "varga": 0.5}}
    cup = {"en": {"striker": 0.5, "header": 0.5, "northgate": 0.5, "duarte": 0.5}}
    names = ({"en": frozenset({"riverton", "varga"})}, {"en": frozenset({"northgate", "duarte"})})
    text = story_similarity(derby, cup)[0]
    assert text == pytest.approx(0.5)
    assert names_similarity(derby, cup, *names) == 0.0 and event_similarity(text, 0.0) == 0.0


def test_stories_told_only_in_scripts_without_capitals_are_scored_on_their_text():
    first, second = {"bn": {"সুনামি": 0.6, "পালু": 0.8}}, {"bn": {"সুনামি": 1.0}}
    names = names_similarity(first, second, {"bn": frozenset()}, {})
    assert names is None and event_similarity(0.6, names) == 0.6
