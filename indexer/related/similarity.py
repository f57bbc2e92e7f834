"""How alike two stories are, for related coverage: like with like, each language with itself.

A story is its articles, one or more per language. Two stories are compared in every language
both have (English with English, Bengali with Bengali), so a story's translations are the bridge
into the languages its other article lacks; the story's similarity is the mean over those
languages of a cosine of content-term weights. A term's weight is (1 + log tf) · idf², where
idf is the rarity of the term among its language's passages; stop words, function words (terms
in more than MAX_TERM_SHARE of passages) and numbers are left out. Numbers only raise a score
that text has already earned, and only the specific ones (see `specific_numbers`).
Text alone tells a subject, not an event: two stabbings in two towns share the words of crime
(suspicion, murder, arrest). So the score also asks that the stories share names (`names_similarity`:
the same cosine over the terms that are names, `indexer.related.names`): it is the weaker of the
two (`event_similarity`).
Everything here is symmetric: similarity(A, B) == similarity(B, A). Pure functions; no index.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from functools import cache

from indexer.align.keys import base_forms
from indexer.analysis import analyzer_for
from indexer.analysis.stopwords import stop_words

# A term in more than this share of a language's passages is a function word there (particles of
# Japanese and Chinese, Hindi postpositions, Vietnamese and English function words the lists lack).
MAX_TERM_SHARE = 0.1
# Passages a language needs before a share of them says a term is a function word: in a handful, topic words are.
MIN_PASSAGES_FOR_SHARE = 100
# Rarity counts squared, as in more-like-this (once in the query, once in the match): the judged set's
# related and unrelated pairs overlap with idf alone (common topic words make any two crime stories alike).
IDF_POWER = 2
# How much sharing every specific number would raise a story's text similarity (at most ×(1 + this)).
NUMBER_BOOST = 0.25
# Numbers this long (after digit folding) and more are specific; shorter ones (31, 13) are everywhere.
SPECIFIC_NUMBER_DIGITS = 3
# Years say when, not what: any number in this range counts as a year.
YEARS = range(1900, 2100)
# The similarity of names (`names_similarity`) onto the text's scale: a story scores the weaker of the two, so at
# MIN_RELATED_SCORE (0.12) it must share names at 0.15 or more. Fixed on the judged set (bench/data/related/README.md):
# reports of one event shared names at 0.17 and more (three pairs excepted, whose text is below the threshold too),
# two Premier League matches of one Saturday at 0.09, two stabbings in two towns at 0.015 or less.
NAMES_SCALE = 0.8


def term_weight(count: int, document_frequency: int, documents: int) -> float:
    """A content term's weight in one article: dampened count times rarity; 0 for a function word."""
    if not document_frequency or document_frequency >= documents:
        return 0.0
    if documents >= MIN_PASSAGES_FOR_SHARE and document_frequency > MAX_TERM_SHARE * documents:
        return 0.0
    return (1 + math.log(count)) * math.log(documents / document_frequency) ** IDF_POWER


@cache
def stop_terms(lang: str) -> frozenset[str]:
    """The language's stop words as listed and as analyzed: an article's terms are base forms (বলেন → বল)."""
    listed = stop_words(lang)
    analyzer = analyzer_for(lang)
    return listed | frozenset(term for word in listed for term in base_forms(analyzer(word)))


def content_terms(counts: Mapping[str, int], lang: str) -> dict[str, int]:
    """An article's analyzed terms without its language's stop words, numbers and letterless tokens."""
    stop = stop_terms(lang)
    return {
        term: count
        for term, count in counts.items()
        if term not in stop and any(character.isalpha() for character in term)
    }


def weigh_terms(counts: Mapping[str, int], lang: str, frequency: Callable[[str], int], documents: int) -> dict:
    """An article's content terms with their weights, scaled to unit length, given each term's passage count.

    Unit length makes a cosine a dot product: a related query compares one story with hundreds.
    """
    weights = {}
    for term, count in content_terms(counts, lang).items():
        weight = term_weight(count, frequency(term), documents)
        if weight:
            weights[term] = weight
    norm = math.sqrt(sum(weight * weight for weight in weights.values()))
    return {term: weight / norm for term, weight in weights.items()}


def cosine(first: Mapping[str, float], second: Mapping[str, float]) -> float:
    """The cosine of two term weightings of unit length (`weigh_terms`); 0 when either is empty."""
    if len(first) > len(second):
        first, second = second, first
    return sum(weight * second[term] for term, weight in first.items() if term in second)


def specific_numbers(anchors: Iterable[str]) -> frozenset[str]:
    """The anchors that are numbers specific enough to tell a story (832, 26750), years and small numbers left out.

    >>> sorted(specific_numbers(["2018", "31", "832", "26750", "welsh"]))
    ['26750', '832']
    """
    return frozenset(
        anchor
        for anchor in anchors
        if anchor.isdigit() and len(anchor) >= SPECIFIC_NUMBER_DIGITS and int(anchor) not in YEARS
    )


def story_similarity(
    mine: Mapping[str, Mapping[str, float]],
    theirs: Mapping[str, Mapping[str, float]],
    my_numbers: frozenset[str] = frozenset(),
    their_numbers: frozenset[str] = frozenset(),
) -> tuple[float, dict[str, float]]:
    """Two stories' similarity, given each one's term weights by language, and the cosine in each language shared.

    The mean cosine over the languages both have, raised by up to NUMBER_BOOST for the specific
    numbers they share; 0 when they have no language in common.
    """
    by_language = {lang: cosine(mine[lang], theirs[lang]) for lang in sorted(mine.keys() & theirs.keys())}
    if not by_language:
        return 0.0, {}
    text = sum(by_language.values()) / len(by_language)
    shared = len(my_numbers & their_numbers)
    numbers = shared / math.sqrt(len(my_numbers) * len(their_numbers)) if shared else 0.0
    return text * (1 + NUMBER_BOOST * numbers), by_language


def names_similarity(
    mine: Mapping[str, Mapping[str, float]],
    theirs: Mapping[str, Mapping[str, float]],
    my_names: Mapping[str, frozenset[str]],
    their_names: Mapping[str, frozenset[str]],
) -> float | None:
    """How alike two stories' names are: the mean over shared languages of the cosine of their term weights kept
    to the terms either story has as names there; None when neither has names known (no script marking them)."""
    if not any(my_names.values()) and not any(their_names.values()):
        return None
    languages = sorted(mine.keys() & theirs.keys())
    if not languages:
        return 0.0
    total = 0.0
    for lang in languages:
        names = my_names.get(lang, frozenset()) | their_names.get(lang, frozenset())
        total += cosine(_kept(mine[lang], names), _kept(theirs[lang], names))
    return total / len(languages)


def _kept(weights: Mapping[str, float], terms: frozenset[str]) -> dict[str, float]:
    """The weights of the given terms only, scaled to unit length again."""
    kept = {term: weight for term, weight in weights.items() if term in terms}
    norm = math.sqrt(sum(weight * weight for weight in kept.values()))
    return {term: weight / norm for term, weight in kept.items()} if norm else {}


def event_similarity(text: float, names: float | None, scale: float = NAMES_SCALE) -> float:
    """The score of two stories from their text and their names: the weaker of the two (names times `scale`), as
    both must say it is one event; the text's alone when no names are known.

    >>> event_similarity(0.2, 0.3), event_similarity(0.2, 0.1), event_similarity(0.2, None)
    (0.2, 0.08, 0.2)
    """
    if names is None:
        return text
    return min(text, scale * names)
