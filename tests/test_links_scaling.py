"""The alignment store's candidate search: which anchors it follows, and updates agreeing with fresh builds."""

from __future__ import annotations

import sqlite3
from dataclasses import replace

from indexer.align.store import MAX_ANCHOR_ARTICLES, STORE, LinkReader, LinkWriter
from indexer.corpus import read_corpus
from indexer.documents import Article
from indexer.related import catalogue

from .conftest import SEEDS


def _article(doc_id: str, lang: str, text: str) -> Article:
    return Article(doc_id, "news", (text,), lang, group=doc_id, published="2020-05-01")


def _candidates(folder, of: set[str]) -> set[tuple[str, str]]:
    with sqlite3.connect(folder / STORE) as db:
        return {pair for pair in db.execute("SELECT doc_id, other_id FROM candidates") if of & set(pair)}


def test_an_anchor_many_articles_have_does_not_make_a_candidate(tmp_path):
    common = [_article(f"crowd-{n}", "en", "Zyxwvut.") for n in range(MAX_ANCHOR_ARTICLES)]
    for folder, extra in ((tmp_path / "rare", []), (tmp_path / "common", common)):
        folder.mkdir()
        writer = LinkWriter(folder)
        writer.add(_article("story-bn", "bn", "Qwertyuio Zyxwvut."))
        writer.add(_article("story-ko", "ko", "Asdfghjkl Zyxwvut."))
        for article in extra:
            writer.add(article)
        writer.finish()
    assert [c["doc_id"] for c in LinkReader(tmp_path / "rare").candidates("story-bn")] == ["story-ko"]
    # Zyxwvut, the one anchor the two share, is now in more than MAX_ANCHOR_ARTICLES articles: it tells nothing.
    assert LinkReader(tmp_path / "common").candidates("story-bn") == []


def test_an_update_finds_the_candidates_a_fresh_build_finds(tmp_path):
    # The NTREX sample in three languages with its groups hidden: every translation is left to be found.
    read = (a for a in read_corpus([SEEDS / "ntrex-sample"]) if isinstance(a, Article) and a.lang in ("bn", "ko", "en"))
    articles = sorted((replace(a, group=a.id) for a in read), key=lambda a: a.id)
    fresh, updated = tmp_path / "fresh", tmp_path / "updated"
    fresh.mkdir()
    updated.mkdir()
    writer = LinkWriter(fresh)
    for article in articles:
        writer.add(article)
    writer.finish()
    for part in (articles[::2], articles[1::2]):  # the second writer scores new articles against stored ones
        writer = LinkWriter(updated)
        for article in part:
            writer.add(article)
        writer.finish()
    # Pairs scored by the first writer had only its articles' length ratios; the second writer's had them all.
    second = {article.id for article in articles[1::2]}
    assert _candidates(fresh, second)
    assert _candidates(updated, second) == _candidates(fresh, second)


def _ntrex(stories: int, langs=("bn", "ko", "en")) -> list[Article]:
    """The first NTREX stories of the sample in a few languages, each article alone in its group."""
    read = [a for a in read_corpus([SEEDS / "ntrex-sample"]) if isinstance(a, Article) and a.lang in langs]
    chosen = sorted({a.group for a in read})[:stories]
    return [replace(a, group=a.id) for a in read if a.group in chosen]


def test_untagged_translations_are_proposed_one_per_language_and_no_other_story(tmp_path):
    articles = _ntrex(6)
    writer = LinkWriter(tmp_path)
    for article in articles:
        writer.add(article)
    writer.finish()
    reader = LinkReader(tmp_path)
    for article in articles:
        story = article.id.rsplit("-", 1)[0]
        found = reader.candidates(article.id)
        assert {c["doc_id"] for c in found} == {
            f"{story}-{lang}" for lang in ("bn", "ko", "en") if lang != article.lang
        }
        assert all(0 < c["confidence"] <= 1 for c in found)


def test_no_candidate_is_proposed_in_a_language_the_story_already_has(tmp_path):
    story = _ntrex(1)
    loose_copy = replace(next(a for a in story if a.lang == "en"), id="loose-copy-en")
    writer = LinkWriter(tmp_path)
    for article in [*(replace(a, group="one-story") for a in story), loose_copy]:
        writer.add(article)
    writer.finish()
    reader = LinkReader(tmp_path)
    assert [reader.candidates(a.id) for a in [*story, loose_copy]] == [[], [], [], []]


def test_removing_a_translation_opens_its_language_to_candidates_as_a_fresh_build_would(tmp_path):
    story = [replace(a, group="one-story") for a in _ntrex(1)]
    english = next(a for a in story if a.lang == "en")
    loose_copy = replace(english, id="loose-copy-en", group="loose-copy-en")
    writer = LinkWriter(tmp_path)
    for article in [*story, loose_copy]:
        writer.add(article)
    writer.finish()
    writer = LinkWriter(tmp_path)
    writer.remove(english.id)
    writer.finish()
    reader = LinkReader(tmp_path)
    assert {a.id: [c["doc_id"] for c in reader.candidates(a.id)] for a in story if a is not english} == {
        a.id: ["loose-copy-en"] for a in story if a is not english
    }


def test_no_candidates_on_a_fully_grouped_corpus(index_set):
    # seeds/: the NTREX sample in 9 languages and the seed story, every translation in its story.
    assert [doc_id for doc_id in catalogue(index_set) if index_set.links.candidates(doc_id)] == []
