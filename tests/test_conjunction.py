"""An And of terms (a word's grams) and a phrase walked by indexer.engine.conjunction: the passages holding every
term (at consecutive positions, for a phrase), each scored as Whoosh's own matcher tree scores it, over posting
lists of several blocks."""

from __future__ import annotations

import json

import pytest
from whoosh import query as q
from whoosh.query.compound import DefaultOr

from indexer.build.pipeline import build_index, remove_articles
from indexer.engine.collect import column
from indexer.engine.conjunction import TermsConjunction, conjunction_matcher
from indexer.engine.index_set import open_index_set

# Articles in the archive: the commonest word is in 300 of them, more than two of Whoosh's posting blocks (128).
ARTICLES = 600
# The made-up words and which articles hold them (article n holds a word when n is a multiple of its step),
# each said a varying number of times so that their weights differ.
STEPS = {"zorbix": 2, "quellan": 3, "vantro": 5, "plindor": 7}


def _archive(folder):
    stories = []
    for n in range(ARTICLES):
        words = [word for word, step in STEPS.items() if n % step == 0]
        said = " ".join(word for word in words for _ in range(1 + (n // 7) % 4))
        text = f"Item {n} of the ledger. {said}".strip()
        stories.append({"id": f"item-{n}", "lang": "en", "title": f"Ledger item {n}", "paragraphs": [text]})
    (folder / "archive.jsonl").write_text("\n".join(json.dumps(s) for s in stories) + "\n", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("conjunction")
    build_index(folder / "index", [_archive(folder)])
    return folder / "index"


def _walk(matcher, reader) -> list[tuple[str, float]]:
    ids = column(reader, "doc_id")
    found = []
    while matcher.is_active():
        found.append((ids[matcher.id()], matcher.score()))
        matcher.next()
    return found


def _holding(*words: str) -> list[str]:
    """The articles holding every word, by the archive's own construction."""
    return [f"item-{n}" for n in range(ARTICLES) if all(n % STEPS[word] == 0 for word in words)]


@pytest.mark.parametrize(
    "words", [("zorbix", "quellan"), ("quellan", "zorbix", "vantro"), ("plindor", "zorbix"), tuple(STEPS)]
)
@pytest.mark.parametrize("boost", [1.0, 2.5])
def test_a_conjunction_finds_and_scores_the_passages_whoosh_does(index_dir, words, boost):
    query = q.And([q.Term("text", word) for word in words], boost=boost)
    with open_index_set(index_dir).searcher("en") as searcher:
        ours = conjunction_matcher(query, searcher, searcher.context())
        assert isinstance(ours, TermsConjunction)
        found = _walk(ours, searcher.reader())
        whooshs = _walk(query.matcher(searcher, searcher.context()), searcher.reader())
    assert [doc_id for doc_id, _ in found] == _holding(*words)
    assert [doc_id for doc_id, _ in found] == [doc_id for doc_id, _ in whooshs]
    assert [score for _, score in found] == pytest.approx([score for _, score in whooshs], rel=1e-12)
    assert len({round(score, 9) for _, score in found}) > 1  # the weights differ: a constant score would pass


def test_a_conjunction_skips_ahead_as_whooshs_does(index_dir):
    query = q.And([q.Term("text", "zorbix"), q.Term("text", "quellan")])
    with open_index_set(index_dir).searcher("en") as searcher:
        ours = conjunction_matcher(query, searcher, searcher.context())
        whooshs = query.matcher(searcher, searcher.context())
        for target in (0, 1, 250, 251, 400, 590):
            ours.skip_to(target)
            whooshs.skip_to(target)
            assert ours.is_active() and ours.id() == whooshs.id() >= target
        ours.skip_to(ARTICLES - 1)  # past the last article holding both (594)
        assert not ours.is_active()


def test_a_conjunction_with_a_word_no_passage_holds_matches_nothing(index_dir):
    query = q.And([q.Term("text", "zorbix"), q.Term("text", "nowhereword")])
    with open_index_set(index_dir).searcher("en") as searcher:
        assert not conjunction_matcher(query, searcher, searcher.context()).is_active()


def test_after_a_removal_the_removed_articles_are_not_matched(tmp_path):
    """Whoosh filters a segment's deleted passages out of its matchers; the conjunction leaves those to it."""
    build_index(tmp_path / "index", [_archive(tmp_path)])
    remove_articles(tmp_path / "index", ["item-0", "item-6"])
    query = q.And([q.Term("text", "zorbix"), q.Term("text", "quellan")])
    with open_index_set(tmp_path / "index").searcher("en") as searcher:
        found = _walk(conjunction_matcher(query, searcher, searcher.context()), searcher.reader())
    kept = [doc_id for doc_id in _holding("zorbix", "quellan") if doc_id not in {"item-0", "item-6"}]
    assert [doc_id for doc_id, _ in found] == kept


# How the phrase archive's article n says its words, by n % 5: in order, reversed, apart, another word first, not.
PHRASINGS = [
    "the zorbix quellan vantro came",
    "the quellan zorbix came",
    "the zorbix came and then quellan",
    "the plindor quellan came",
    "nothing came",
]


@pytest.fixture(scope="module")
def phrase_index(tmp_path_factory):
    folder = tmp_path_factory.mktemp("phrases")
    stories = [
        {"id": f"item-{n}", "lang": "en", "title": f"Ledger item {n}",
         "paragraphs": [f"Item {n}: {PHRASINGS[n % 5]}" + " and zorbix" * ((n // 5) % 3)]}
        for n in range(ARTICLES)
    ]  # fmt: skip
    (folder / "archive.jsonl").write_text("\n".join(json.dumps(s) for s in stories) + "\n", encoding="utf-8")
    build_index(folder / "index", [folder])
    return folder / "index"


def _phrase(*slots) -> q.Query:
    terms = [
        DefaultOr([q.Term("text", w) for w in slot]) if isinstance(slot, tuple) else q.Term("text", slot)
        for slot in slots
    ]
    return q.Sequence(terms)


@pytest.mark.parametrize(
    "slots, phrasings",
    [
        (("zorbix", "quellan"), {0}),
        (("quellan", "zorbix"), {1}),
        (("zorbix", "quellan", "vantro"), {0}),
        ((("zorbix", "plindor"), "quellan"), {0, 3}),  # a position matching either of two terms (a word, its base)
    ],
)
def test_a_phrase_finds_its_words_in_order_and_scores_as_whoosh_does(phrase_index, slots, phrasings):
    query = _phrase(*slots)
    with open_index_set(phrase_index).searcher("en") as searcher:
        ours = conjunction_matcher(query, searcher, searcher.context())
        assert isinstance(ours, TermsConjunction)
        found = _walk(ours, searcher.reader())
        whooshs = _walk(query.matcher(searcher, searcher.context()), searcher.reader())
    assert [doc_id for doc_id, _ in found] == [f"item-{n}" for n in range(ARTICLES) if n % 5 in phrasings]
    assert found == whooshs  # the same scores to the last bit: summed in the order of Whoosh's tree
    assert len({round(score, 9) for _, score in found}) > 1
