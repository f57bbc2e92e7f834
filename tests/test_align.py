"""Translation groups and paragraph alignment: hand-made cases, the seed pair, the stored links and their shapes."""

from __future__ import annotations

import json

import pytest

from indexer.align.candidates import candidate_confidence
from indexer.align.paragraphs import align_paragraphs, estimate_length_models
from indexer.align.profiles import profile_of, translation_groups
from indexer.align.store import LinkReader, LinkWriter
from indexer.build.pipeline import add_articles, remove_articles
from indexer.corpus import read_corpus
from indexer.documents import Article
from indexer.engine.index_set import open_index_set
from indexer.search import get_article

from .conftest import SEEDS, run_cli

BENGALI_SEED = "000_aaa99257ef590384"
KOREAN_SEED = "001_e7969bfd07bd7312"


@pytest.fixture(scope="module")
def ntrex() -> dict[tuple[str, str], Article]:
    """The NTREX sample's articles by (story, language): one sentence a paragraph."""
    return {(a.group, a.lang): a for a in read_corpus([SEEDS / "ntrex-sample"]) if isinstance(a, Article)}


@pytest.fixture(scope="module")
def models(ntrex):
    """Length ratios estimated from the whole NTREX sample, as a build of it would."""
    profiles = [profile_of(article) for article in ntrex.values()]
    return estimate_length_models(
        [(p.lang, p.length) for p in story] for story in translation_groups(profiles).values()
    )


def regrouped(article: Article, paragraphs: list[list[int]], group: str = "story") -> Article:
    """The article with its sentences (by number) grouped into the given paragraphs."""
    return Article(
        id=f"{article.id}-{group}",
        title=article.title,
        paragraphs=tuple(" ".join(article.paragraphs[n] for n in sentences) for sentences in paragraphs),
        lang=article.lang,
        group=group,
    )


def indexes(links) -> list[list[int]]:
    return [sorted(found.indexes) for found in links]


STORY = "bbc.381790"


@pytest.mark.parametrize(
    ("story", "lang", "source_paragraphs", "target_paragraphs", "forward", "backward"),
    [
        pytest.param(
            STORY, "ko", [[0], [1], [2], [3]], [[0], [1, 2], [3]], [[0], [1], [1], [2]], [[0], [1, 2], [3]], id="merged"
        ),
        pytest.param(
            STORY, "ko", [[0], [1, 2], [3]], [[0], [1], [2], [3]], [[0], [1, 2], [3]], [[0], [1], [1], [2]], id="split"
        ),
        pytest.param(
            "upi.176266",
            "bn",
            [[0], [1], [2, 3], [4], [5]],
            [[0], [1], [4], [5]],
            [[0], [1], [], [2], [3]],
            [[0], [1], [3], [4]],
            id="dropped",
        ),
    ],
)
def test_paragraphs_link_across_merges_splits_and_drops(
    ntrex, models, story, lang, source_paragraphs, target_paragraphs, forward, backward
):
    source = profile_of(regrouped(ntrex[story, "en"], source_paragraphs))
    target = profile_of(regrouped(ntrex[story, lang], target_paragraphs))
    found_forward, found_backward = align_paragraphs(source, target, models["en", lang])
    assert indexes(found_forward) == forward
    assert indexes(found_backward) == backward
    assert all(0 <= found.confidence <= 1 for found in found_forward + found_backward)


def test_a_story_in_three_languages_links_every_pair_and_a_lone_article_links_nothing(ntrex, tmp_path):
    writer = LinkWriter(tmp_path)
    for lang in ("bn", "ko", "ja"):
        writer.add(regrouped(ntrex[STORY, lang], [[0, 1], [2], [3, 4]]))
    writer.add(regrouped(ntrex["upi.176266", "en"], [[0], [1]], group="alone"))
    writer.finish()
    reader = LinkReader(tmp_path)
    links = reader.paragraph_links(f"{STORY}-bn-story")
    assert sorted(links) == [0, 1, 2]
    for number, entries in links.items():
        assert sorted(e["lang"] for e in entries) == ["ja", "ko"]
        assert all(e["indexes"] == [number] for e in entries)
    assert [t["lang"] for t in reader.translations(f"{STORY}-ko-story")] in (["bn", "ja"], ["ja", "bn"])
    assert reader.paragraph_links("upi.176266-en-alone") == {}
    assert reader.translations("upi.176266-en-alone") == []


def test_an_untagged_translation_is_a_candidate_and_an_unrelated_article_is_not():
    seeds = {a.id: a for a in read_corpus([SEEDS]) if isinstance(a, Article)}
    bengali = profile_of(seeds[BENGALI_SEED])
    untagged = profile_of(Article(**{**_fields(seeds[KOREAN_SEED]), "group": "somewhere-else"}))
    unrelated = profile_of(seeds["cnbc.com.6790-ko"])
    assert candidate_confidence(bengali, untagged) > 0  # recorded: above the least confidence worth keeping
    assert candidate_confidence(bengali, unrelated) == 0.0


def _fields(article: Article) -> dict:
    return {name: getattr(article, name) for name in ("id", "title", "paragraphs", "lang", "group", "url")}


def test_the_seed_pair_links_paragraph_by_paragraph(index_set):
    article = get_article(index_set, BENGALI_SEED)
    korean = get_article(index_set, KOREAN_SEED)
    for paragraph in article["paragraphs"]:
        link = next(link for link in paragraph["links"] if link["doc_id"] == KOREAN_SEED)
        assert link["indexes"] == [paragraph["index"]]
    clubs = next(p for p in article["paragraphs"] if "২৩টি পিঙ্ক ইয়ুথ ক্লাব" in p["text"])
    linked = next(link for link in clubs["links"] if link["doc_id"] == KOREAN_SEED)["indexes"][0]
    assert "23개 청소년 클럽" in korean["paragraphs"][linked]["text"]


def test_show_json_lists_links_translations_and_candidates(built_index):
    article = json.loads(run_cli("show", "--index-dir", str(built_index), "--json", BENGALI_SEED).stdout)
    for paragraph in article["paragraphs"]:
        assert set(paragraph) == {"index", "text", "links"}
        for link in paragraph["links"]:
            assert set(link) == {"doc_id", "lang", "indexes", "confidence"}
            assert 0 <= link["confidence"] <= 1
    assert article["translations"][0]["doc_id"] == KOREAN_SEED
    assert {"doc_id", "lang", "confidence"} <= set(article["translations"][0])
    confidences = [t["confidence"] for t in article["translations"]]
    assert confidences == sorted(confidences, reverse=True)
    assert isinstance(article["candidates"], list)


def test_a_search_hit_carries_the_linked_passage_of_each_translation(built_index, index_set):
    result = json.loads(run_cli("search", "--index-dir", str(built_index), "--json", "পিঙ্ক").stdout)
    hit = next(h for h in result["hits"] if h["doc_id"] == BENGALI_SEED)
    korean = next(t for t in hit["translations"] if t["doc_id"] == KOREAN_SEED)
    assert set(korean) == {"doc_id", "lang", "title", "url", "passage"}
    assert korean["passage"]["indexes"] == [hit["passage"]["index"]]
    assert "23개 청소년 클럽" in korean["passage"]["text"]


def test_removing_and_adding_back_a_translation_updates_the_links(writable_index, tmp_path):
    def languages_linked() -> set[str]:
        article = get_article(open_index_set(writable_index), "jl-ko-1")
        return {link["lang"] for p in article["paragraphs"] for link in p["links"]}

    assert languages_linked() == {"en", "zh"}
    remove_articles(writable_index, ["jl-en-1"])
    assert languages_linked() == {"zh"}
    english = tmp_path / "english.jsonl"
    english.write_text(
        json.dumps(
            {
                "id": "jl-en-1",
                "title": "Seoul approves new library budget",
                "group": "library-story",
                "paragraphs": [
                    "The Seoul city council approved the new library plan on Tuesday evening.",
                    "The library opens next spring.",
                ],
            }
        )
        + "\n",
        encoding="utf-8",
    )
    add_articles(writable_index, [english])
    assert languages_linked() == {"en", "zh"}
