"""Top-k search: MaxScore's skipping (and Whoosh's pruning, for other queries) keeps exactly the passages scoring
every match keeps."""

from __future__ import annotations

import json

import pytest

from indexer.build.pipeline import add_articles
from indexer.engine import collect, postings
from indexer.engine.collect import column, scores_of, top_matches
from indexer.engine.index_set import open_index_set
from indexer.engine.queries import expanded_terms, prefix
from indexer.engine.scoring import searcher_of
from indexer.search.plan import plan_query
from indexer.search.query import parse_query


def scores_of_every_match(searcher, query) -> dict[int, float]:
    """Every passage `query` matches with its score, from Whoosh's own matcher tree: the reference."""
    matcher, scores = query.matcher(searcher), {}
    while matcher.is_active():
        scores[matcher.id()] = matcher.score()
        matcher.next()
    return scores


# Passages kept: few enough that the heap fills early and its rising minimum prunes and skips.
KEPT = 5
# Matches between prunings of the matcher tree: far fewer than these queries match, so it is pruned mid-search.
PRUNING_EVERY = 3


@pytest.mark.parametrize(
    ("lang", "query"),
    [
        ("en", "the library said"),
        ("en", "s*"),
        ("ko", "사회복지 센터"),
        ("ko", "사*"),
        ("bn", "শিশু কেন্দ্র"),
        ("bn", "ক*"),
    ],
)
def test_the_top_passages_are_the_best_scored_of_all_matches(index_set, lang, query, monkeypatch):
    monkeypatch.setattr(collect, "MATCHES_BETWEEN_PRUNING", PRUNING_EVERY)
    plan = plan_query(parse_query(query), lang, index_set.analyzer(lang))
    with index_set.searcher(lang) as searcher:
        every = scores_of_every_match(searcher, plan.query())
        top = top_matches(searcher, plan.query(), KEPT, None, None)
    best = sorted(every.values(), reverse=True)[:KEPT]
    assert len(every) > KEPT + PRUNING_EVERY  # enough matches that pruning had something to leave out
    assert [round(score, 9) for _, score in top.scored] == [round(score, 9) for score in best]
    assert all(round(every[docnum], 9) == round(score, 9) for docnum, score in top.scored)


@pytest.mark.parametrize(("lang", "query"), [("en", "the library said"), ("ko", "사*"), ("bn", "শিশু কেন্দ্র")])
def test_the_top_articles_are_those_of_the_best_passages(index_set, lang, query):
    """Collapsed by article, a better passage of an article already kept replaces it and lowers the heap's
    minimum for a moment: passages skipped before must still not have been better than the final top's."""
    plan = plan_query(parse_query(query), lang, index_set.analyzer(lang))
    with index_set.searcher(lang) as searcher:
        every = scores_of_every_match(searcher, plan.query())
        ids = column(searcher.reader(), "doc_id")
        top = top_matches(searcher, plan.query(), KEPT, "doc_id", None)
    best: dict[str, float] = {}
    for docnum, score in every.items():
        best[ids[docnum]] = max(best.get(ids[docnum], 0.0), score)
    assert len(best) > KEPT
    assert [round(score, 9) for _, score in top.scored] == sorted((round(s, 9) for s in best.values()), reverse=True)[
        :KEPT
    ]
    assert len({ids[docnum] for docnum, _ in top.scored}) == KEPT  # one passage per article


@pytest.mark.parametrize(("lang", "query"), [("en", "the library said"), ("en", "s*"), ("ko", "사*"), ("bn", "ক*")])
def test_a_top_k_search_counts_every_match_or_says_its_count_is_a_lower_bound(index_set, lang, query):
    """A passage scored below the top still counts; one MaxScore never drew (it matched only words too weak to
    reach the top) does not, and the total then says it is at least the commonest term's passages."""
    plan = plan_query(parse_query(query), lang, index_set.analyzer(lang))
    with index_set.searcher(lang) as searcher:
        every = scores_of_every_match(searcher, plan.query())
        top = top_matches(searcher, plan.query(), KEPT, None, None)
        reader = searcher.reader()
        commonest = max(
            reader.doc_frequency(fieldname, text) for fieldname, text in expanded_terms(plan.query(), reader)
        )
    assert top.total == len(every) if top.exact else commonest <= top.total < len(every)
    assert top.exact == (query == "the library said")  # a prefix's 150 completions: some too weak to draw from


def test_one_prefix_query_expands_to_the_words_of_each_index_it_is_asked_of(index_set):
    query = prefix("text", "sa")
    expanded = []
    for lang in ("en", "vi", "en"):
        with index_set.searcher(lang) as searcher:
            expanded.append({text for _, text in expanded_terms(query, searcher.reader())})
    assert "said" in expanded[0] and "said" not in expanded[1]  # the English seeds' word, not Vietnamese
    assert expanded[1] and all(text.startswith("sa") for text in expanded[1])
    assert expanded[2] == expanded[0]


def test_a_shards_best_possible_score_allows_for_the_whole_languages_longer_passages(index_set):
    """A cluster shard scores with its language's statistics; its terms' bounds, which MaxScore skips by, must
    hold under them too: scored against a longer average passage, every posting scores higher."""
    with index_set.searcher("en") as searcher:
        reader = searcher.reader()
        count = reader.doc_count_all()
        statistics = {"doc_count": count, "field_length": {"text": 10 * reader.field_length("text")},
                      "doc_frequencies": {}}  # fmt: skip
        shard = searcher_of(reader, statistics)
        postings = shard.postings("text", "library")
        bound = postings.max_quality()
        scores = []
        while postings.is_active():
            scores.append(postings.score())
            postings.next()
    assert scores and max(scores) <= bound


def test_an_index_of_several_segments_scores_as_whoosh_does(writable_index, tmp_path):
    """After `add`, a language's index has a second segment: each term is scored in the segment it is in."""
    update = tmp_path / "update.jsonl"
    article = {"id": "tortoise", "title": "The tortoise and the library", "paragraphs": ["The tortoise read."]}
    update.write_text(json.dumps({**article, "lang": "en"}) + "\n", encoding="utf-8")
    add_articles(writable_index, [update])
    index_set = open_index_set(writable_index)
    plan = plan_query(parse_query("the tortoise library"), "en", index_set.analyzer("en"))
    with index_set.searcher("en") as searcher:
        assert len(searcher.reader().leaf_readers()) > 1
        for query in [plan.query(), *(clause.query for clause in plan.stopped)]:
            every = scores_of_every_match(searcher, query)
            scored = scores_of(searcher, query, list(range(searcher.doc_count_all())))
            assert every and scored.keys() == every.keys()
            assert all(round(scored[docnum], 9) == round(score, 9) for docnum, score in every.items())
            top = top_matches(searcher, query, KEPT, None, None)
            assert [round(s, 9) for _, s in top.scored] == sorted((round(s, 9) for s in every.values()), reverse=True)[
                :KEPT
            ]


def test_stop_words_kept_whole_stay_within_their_bound_and_score_as_whoosh_does(index_set, monkeypatch):
    """A stop word's postings are kept whole for the candidates' scores; past the bound the oldest go."""
    kept = postings.KeptPostings(limit=1)
    monkeypatch.setattr(postings, "_KEPT", kept)
    with index_set.searcher("en") as searcher:
        docnums = list(range(searcher.doc_count_all()))
        for word in ("the", "of"):
            query = plan_query(parse_query(f"library {word}"), "en", index_set.analyzer("en")).stopped[0].query
            every = scores_of_every_match(searcher, query)
            scored = scores_of(searcher, query, docnums)
            assert every and {d: round(s, 9) for d, s in scored.items()} == {d: round(s, 9) for d, s in every.items()}
            assert len(kept) == 1 and next(iter(kept))[2] == word.encode()
