"""The alignment store's candidate search: which anchors it follows, and updates agreeing with fresh builds."""

from __future__ import annotations

import sqlite3

from indexer.align.store import MAX_ANCHOR_ARTICLES, STORE, LinkReader, LinkWriter
from indexer.corpus import read_corpus
from indexer.documents import Article

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
        writer.add(_article("story-ko", "ko", "Qwertyuio Zyxwvut."))
        for article in extra:
            writer.add(article)
        writer.finish()
    assert [c["doc_id"] for c in LinkReader(tmp_path / "rare").candidates("story-bn")] == ["story-ko"]
    # Zyxwvut is now in more than MAX_ANCHOR_ARTICLES articles: one telling anchor is left, two are needed.
    assert LinkReader(tmp_path / "common").candidates("story-bn") == []


def test_an_update_finds_the_candidates_a_fresh_build_finds(tmp_path):
    articles = sorted((a for a in read_corpus([SEEDS]) if isinstance(a, Article)), key=lambda a: a.id)
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
