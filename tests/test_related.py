"""Related coverage and the coverage view on a small corpus: stories on one subject in several languages, and others."""

from __future__ import annotations

import json
import re

import pytest

from indexer.align.keys import keys_of
from indexer.analysis import analyzer_for
from indexer.analysis.names import name_key
from indexer.build.pipeline import build_index, remove_articles
from indexer.documents import Article
from indexer.engine.index_set import open_index_set
from indexer.related import MIN_RELATED_SCORE, catalogue, coverage, related_articles
from search_app import create_app

from .conftest import run_cli
from .test_api import validate

# Story "vote": the Welsh Assembly's new name, in English, Korean and Bengali (the article under study is Korean).
# Story "passed": the later vote on the same subject, in English and Korean, from the same source.
# Story "in-force": the same subject in Bengali only, from another source.
# Stories "shark", "cricket" and "budget": other subjects.
# fmt: off
CORPUS = [
    ("vote/en", "en", "vote", "bbc", "2019-05-01", "Welsh Assembly members worried about new name", [
        "Members of the Welsh Assembly are worried that the new name Welsh Parliament could invite ridicule.",
        "The assembly has 60 members and the change is planned for 2020.",
        "Elin Jones, the presiding officer, said the law would be brought forward.",
    ]),
    ("vote/ko", "ko", "vote", "bbc", "2019-05-01", "웨일스 의회 의원들, 새 명칭 걱정", [
        "웨일스 의회 의원들은 새 이름인 웨일스 의회가 조롱을 부를 수 있다고 걱정하고 있다.",
        "의회 의원은 60명이며 변경은 2020년에 계획되어 있다.",
        "엘린 존스 의장은 법안이 제출될 것이라고 말했다.",
    ]),
    ("vote/bn", "bn", "vote", "bbc", "2019-05-02", "নতুন নাম নিয়ে চিন্তিত ওয়েলশ অ্যাসেম্বলির সদস্যরা", [
        "ওয়েলশ অ্যাসেম্বলির সদস্যরা চিন্তিত যে নতুন নাম ওয়েলশ পার্লামেন্ট উপহাসের কারণ হতে পারে।",
        "অ্যাসেম্বলিতে ৬০ জন সদস্য রয়েছেন এবং ২০২০ সালে এই পরিবর্তনের পরিকল্পনা করা হয়েছে।",
        "প্রিসাইডিং অফিসার এলিন জোন্স বলেছেন আইনটি আনা হবে।",
    ]),
    ("passed/en", "en", "passed", "bbc", "2020-01-15", "Welsh Assembly votes to become the Welsh Parliament", [
        "Members of the Welsh Assembly voted for the new name Welsh Parliament in 2020.",
        "Elin Jones said the 60 members would now be called MSs.",
    ]),
    ("passed/ko", "ko", "passed", "bbc", "2020-01-15", "웨일스 의회, 새 이름 의결", [
        "웨일스 의회 의원들은 2020년 새 이름인 웨일스 의회를 의결했다.",
        "엘린 존스 의장은 60명의 의원이 이제 MS로 불린다고 말했다.",
    ]),
    ("in-force/bn", "bn", "in-force", "prothomalo", "2020-02-01", "ওয়েলশ পার্লামেন্টের নতুন নাম কার্যকর", [
        "ওয়েলশ অ্যাসেম্বলির নাম বদলে ওয়েলশ পার্লামেন্ট রাখা হয়েছে।",
        "এলিন জোন্স বলেছেন ৬০ জন সদস্যের নতুন পদবি হবে।",
    ]),
    ("shark/en", "en", "shark", "upi", "2019-09-10", "Shark bites boy diving for lobster in California", [
        "A 13-year-old boy was bitten by a shark while diving for lobster off Encinitas, California.",
    ]),
    ("shark/ko", "ko", "shark", "upi", "2019-09-10", "캘리포니아에서 바닷가재 잡던 소년 상어에 물려", [
        "13세 소년이 캘리포니아 엔시니타스 앞바다에서 바닷가재를 잡다가 상어에 물렸다.",
    ]),
    ("cricket/bn", "bn", "cricket", "prothomalo", "2020-03-01", "ঢাকায় ক্রিকেট সিরিজ শুরু", [
        "বাংলাদেশ ও জিম্বাবুয়ের মধ্যে ক্রিকেট সিরিজ ঢাকায় শুরু হয়েছে।",
    ]),
    ("budget/en", "en", "budget", "reuters", "2021-06-01", "City council passes school budget", [
        "The council passed a budget of 4 million dollars for schools.",
    ]),
]
# fmt: on
KOREAN = "vote/ko"


@pytest.fixture(scope="module")
def related_index(tmp_path_factory):
    folder = tmp_path_factory.mktemp("related")
    records = [
        {"id": i, "lang": lang, "group": group, "source": source, "published": day, "title": title, "paragraphs": text}
        for i, lang, group, source, day, title, text in CORPUS
    ]
    corpus = folder / "news.jsonl"
    corpus.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    build_index(folder / "index", [corpus])
    return folder / "index"


@pytest.fixture(scope="module")
def client(related_index):
    return create_app({"INDEX_DIR": str(related_index), "TESTING": True}).test_client()


@pytest.mark.parametrize(
    "words",
    [
        ("ওয়েলশ", "웨일스", "Welsh"),
        ("ট্রাম্প", "트럼프", "Trump"),
        ("এলিন", "엘린", "Elin"),
        ("로봇", "robot"),  # Korean writes a loanword's last t as ㅅ, which ICU reads s
        ("싱가포르", "Singapore"),  # ICU writes ㅇ before ㄱ as ng-g (sing-gapoleu)
    ],
)
def test_a_name_gets_one_key_in_every_script(words):
    assert len({name_key(word) for word in words}) == 1


def test_a_korean_article_is_related_to_the_same_subject_in_several_languages_grouped_by_story(related_index):
    found = related_articles(open_index_set(related_index), KOREAN)
    stories = {story["group"]: story for story in found["related"]}
    assert list(stories)[:2] in (["passed", "in-force"], ["in-force", "passed"])
    assert stories["passed"]["languages"] == ["en", "ko"]
    assert {a["doc_id"] for a in stories["passed"]["articles"]} == {"passed/en", "passed/ko"}
    assert stories["in-force"]["languages"] == ["bn"]
    assert len(found["related"]) == len(stories), "one entry per story"


@pytest.mark.parametrize(
    ("article", "follow_up"), [("vote/ko", "passed"), ("vote/ko", "in-force"), ("passed/en", "vote")]
)
def test_a_story_and_its_follow_up_find_each_other_with_one_score_both_ways(related_index, article, follow_up):
    index_set = open_index_set(related_index)
    found = {story["group"]: story["score"] for story in related_articles(index_set, article)["related"]}
    first_of_follow_up = next(d for d, card in catalogue(index_set).items() if card.group == follow_up)
    back = {story["group"]: story["score"] for story in related_articles(index_set, first_of_follow_up)["related"]}
    story = catalogue(index_set)[article].group
    assert found[follow_up] >= MIN_RELATED_SCORE and back[story] == found[follow_up]


@pytest.mark.parametrize("article", ["shark/en", "shark/ko", "cricket/bn", "budget/en"])
def test_a_story_nothing_else_covers_has_an_empty_panel_that_says_so(related_index, client, article):
    assert related_articles(open_index_set(related_index), article)["related"] == []
    panel = related_panel(client.get(f"/articles/{article}").get_data(as_text=True))
    assert "No related coverage found." in panel and "related-story" not in panel


def test_the_readme_example_shows_no_unrelated_story(index_set):
    # The seed story (social work in Cần Thơ) is the only one of its subject in seeds/: none of the NTREX stories is.
    found = related_articles(index_set, "001_e7969bfd07bd7312")
    assert found["related"] == [] and found["threshold"] == MIN_RELATED_SCORE
    assert {t["doc_id"] for t in found["translations"]} >= {"000_aaa99257ef590384"}


@pytest.mark.parametrize(
    ("lang", "word", "base"), [("ko", "의원들은", "의원"), ("en", "members", "member"), ("bn", "সদস্যরা", "সদস্য")]
)
def test_an_article_counts_a_words_stem_not_the_word_and_its_stem(lang, word, base):
    analyzer = analyzer_for(lang)
    keys = keys_of(Article(f"x-{lang}", word, (word,), lang, "x"), lambda text: analyzer(text))
    assert keys.terms == {base: 2}


def test_the_articles_own_translations_are_listed_apart_not_as_related(related_index):
    found = related_articles(open_index_set(related_index), KOREAN)
    assert {t["doc_id"]: t["lang"] for t in found["translations"]} == {"vote/en": "en", "vote/bn": "bn"}
    assert "vote" not in {story["group"] for story in found["related"]}


def test_other_subjects_are_not_related(related_index):
    found = related_articles(open_index_set(related_index), KOREAN)
    assert {"shark", "cricket", "budget"}.isdisjoint(story["group"] for story in found["related"])


def test_a_language_limits_the_related_stories_to_those_covered_in_it(related_index):
    found = related_articles(open_index_set(related_index), KOREAN, lang="bn")
    assert [story["group"] for story in found["related"]] == ["in-force"]


def test_an_unknown_article_has_no_related_list(related_index):
    assert related_articles(open_index_set(related_index), "no/such") is None


def test_a_removed_article_is_no_longer_related(related_index, tmp_path):
    copy = tmp_path / "index"
    build_index(copy, [related_index.parent / "news.jsonl"])
    remove_articles(copy, ["in-force/bn"])
    found = related_articles(open_index_set(copy), KOREAN)
    assert "in-force" not in {story["group"] for story in found["related"]}


def test_coverage_lists_the_stories_lacking_a_bengali_version(related_index):
    view = coverage(open_index_set(related_index), missing="bn")
    assert [story["group"] for story in view["stories"]] == ["budget", "passed", "shark"]
    passed = view["stories"][1]
    assert passed["languages"] == ["en", "ko"] and passed["missing"] == ["bn"]


def test_coverage_filters_by_source_and_dates(related_index):
    index_set = open_index_set(related_index)
    assert [s["group"] for s in coverage(index_set, source="BBC", missing="bn")["stories"]] == ["passed"]
    in_2019 = coverage(index_set, start="2019-01-01", end="2019-12-31", missing="bn")
    assert [s["group"] for s in in_2019["stories"]] == ["shark"]
    assert [s["group"] for s in coverage(index_set, source="prothomalo")["stories"]] == ["cricket", "in-force"]


def test_the_related_endpoint_answers_as_documented(client):
    data = validate(client.get(f"/api/v1/related/{KOREAN}?limit=1"), "/api/v1/related/{doc_id}")
    assert len(data["related"]) == 1 and data["article"]["doc_id"] == KOREAN
    assert data["threshold"] == MIN_RELATED_SCORE and data["related"][0]["score"] >= data["threshold"]
    missing = client.get("/api/v1/related/no/such")
    assert validate(missing, "/api/v1/related/{doc_id}")["error"]["code"] == "not_found"
    bad = client.get(f"/api/v1/related/{KOREAN}?lang=xx-nope")
    assert bad.status_code == 400 and "'lang'" in validate(bad, "/api/v1/related/{doc_id}")["error"]["message"]


def test_the_coverage_endpoint_answers_as_documented(client):
    data = validate(client.get("/api/v1/coverage?missing=bn&source=bbc"), "/api/v1/coverage")
    assert [story["group"] for story in data["stories"]] == ["passed"] and data["total"] == 1


@pytest.mark.parametrize(
    ("query_string", "message"),
    [
        ("from=2020-13-01", "'from' must be a date"),
        ("from=", "'from' must be a date"),
        ("to=yesterday", "'to' must be a date"),
        ("from=2021-01-01&to=2020-01-01", "'from' must not be after 'to'"),
        ("missing=xx-nope", "'missing'"),
        ("limit=0", "'limit' must be between 1 and 100"),
    ],
)
def test_bad_coverage_filters_get_400(client, query_string, message):
    response = client.get("/api/v1/coverage?" + query_string)
    assert response.status_code == 400
    assert message in validate(response, "/api/v1/coverage")["error"]["message"]


def test_the_cli_prints_the_related_list_as_json(related_index):
    printed = json.loads(run_cli("related", "--index-dir", str(related_index), "--json", KOREAN).stdout)
    assert printed["article"]["doc_id"] == KOREAN
    assert {"passed", "in-force"} <= {story["group"] for story in printed["related"]}
    assert run_cli("related", "--index-dir", str(related_index), "no/such", check=False).returncode == 1


def related_panel(text: str) -> str:
    return re.search(r'<section class="related-coverage".*?</section>', text, flags=re.S).group(0)


def test_the_article_page_shows_related_coverage_apart_from_its_translations(client):
    text = client.get(f"/articles/{KOREAN}").get_data(as_text=True)
    panel = related_panel(text)
    assert "Related coverage" in panel
    assert '<a href="/articles/passed/en" lang="en" dir="auto">Welsh Assembly votes to become' in panel
    assert 'lang="bn" dir="auto">ওয়েলশ পার্লামেন্টের নতুন নাম কার্যকর</a>' in panel
    assert "/articles/vote/en" not in panel and "/articles/vote/en" in text


def test_the_panel_speaks_the_interface_language(related_index):
    client = create_app({"INDEX_DIR": str(related_index), "TESTING": True}).test_client()
    panel = related_panel(client.get(f"/articles/{KOREAN}?ui=ko").get_data(as_text=True))
    assert "관련 보도" in panel


def test_the_coverage_page_lists_stories_lacking_bengali_with_the_same_filters(client):
    response = client.get("/coverage?missing=bn&source=bbc")
    text = response.get_data(as_text=True)
    assert response.status_code == 200 and "1 story" in text
    assert 'lang="en" dir="auto">Welsh Assembly votes to become the Welsh Parliament</a>' in text  # one title a row
    assert 'href="/articles/passed/ko" lang="ko" hreflang="ko">한국어</a>' in text  # a badge per language it has
    assert '<span class="badge badge-missing" data-lang="bn"><s lang="bn">বাংলা</s>' in text  # the one it lacks
    assert "웨일스 의회 의원들, 새 명칭 걱정" not in text
    assert '<option value="bn" lang="bn" selected>' in text


def test_the_coverage_form_may_leave_fields_blank(client):
    response = client.get("/coverage?source=&from=&to=&missing=bn")
    assert response.status_code == 200 and "3 stories" in response.get_data(as_text=True)


def test_the_coverage_page_explains_a_bad_filter(client):
    response = client.get("/coverage?from=2020-02-30")
    assert response.status_code == 400 and 'role="alert"' in response.get_data(as_text=True)


def test_the_new_pages_have_no_inline_script_or_style(client):
    for url in (f"/articles/{KOREAN}", "/coverage?missing=bn"):
        text = client.get(url).get_data(as_text=True)
        assert "style=" not in text and not re.search(r"<script(?![^>]*\bsrc=)", text)
