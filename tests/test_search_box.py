"""The search box: suggestions, and words searched as what the reader meant (midway, misspelled, wrong keyboard,
romanized Bengali), on the session index of tests/data and seeds/."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from indexer import add_articles, remove_articles, search, suggest
from indexer.analysis.bengali import normalize_bengali
from indexer.analysis.hangul import initials, keys_from_latin, keystrokes
from indexer.build.pipeline import build_index
from indexer.corpus import read_corpus
from indexer.documents import Article
from indexer.engine.index_set import open_index_set
from search_app import create_app

from .conftest import DATA, SEEDS
from .test_api import validate

SOCIAL_WORK_KO = "001_e7969bfd07bd7312"
SOCIAL_WORK_BN = "000_aaa99257ef590384"
CLINIC = Path(__file__).parent / "searchbox"


@pytest.fixture(scope="module")
def client(built_index):
    return create_app({"INDEX_DIR": str(built_index), "TESTING": True}).test_client()


@pytest.mark.parametrize(
    ("typed", "lang", "expected"),
    [
        ("사회복ㅈ", "ko", "사회복지"),  # the last syllable typed midway
        ("ㅅㅎㅂㅈ", "ko", "사회복지"),  # initials (초성) alone
        ("청소년 사회복ㅈ", "ko", "청소년 사회복지"),  # the last word is completed, the others kept
        ("সমাজক", "bn", "সমাজকর্মীদের"),
        ("gover", "en", "government"),
        ("tkghlqhr", "ko", "사회복지"),  # 사회복 typed with the keyboard left in Latin mode
    ],
)
def test_suggestions_complete_the_word_being_typed(index_set, typed, lang, expected):
    found = suggest(index_set, typed)["suggestions"]
    assert expected in [s["text"] for s in found]
    assert {s["lang"] for s in found} == {lang}
    assert all(s["count"] >= 1 for s in found)


def test_suggestions_are_whole_words_never_a_split_bengali_cluster(index_set):
    found = [s["text"] for s in suggest(index_set, "শি", "bn", limit=50)["suggestions"]]
    assert "শিশুদের" in found
    texts = " ".join(
        normalize_bengali(" ".join([a.title, *a.paragraphs]))
        for a in read_corpus([SEEDS])
        if isinstance(a, Article) and a.lang == "bn"
    )
    for text in found:  # each one stands in some article with no Bengali letter or sign right before or after it
        assert re.search(f"(?<![\u0980-\u09ff]){re.escape(text)}(?![\u0980-\u09ff])", texts), text


def test_the_suggest_endpoint_answers_in_its_documented_shape(client):
    data = validate(client.get("/api/v1/suggest?q=사회복ㅈ&limit=3"), "/api/v1/suggest")
    assert len(data["suggestions"]) == 3
    assert data["suggestions"][0]["text"].startswith("사회복지")


@pytest.mark.parametrize(
    "query", ["", "q=", "q=%20%20", "q=" + "가" * 101, "q=%ff", "q=a&limit=0", "q=a&lang=xx-nowhere"]
)
def test_a_bad_suggest_request_gets_the_json_400(client, query):
    response = client.get(f"/api/v1/suggest?{query}")
    assert response.status_code == 400
    assert set(validate(response, "/api/v1/suggest")["error"]) == {"code", "message"}


def test_a_language_with_no_index_gets_no_suggestions_not_an_error(client):
    response = client.get("/api/v1/suggest?q=bonj&lang=fr")
    assert validate(response, "/api/v1/suggest")["suggestions"] == []


@pytest.mark.parametrize(
    ("typed", "lang", "meant", "because", "article"),
    [
        ("사회복ㅈ", "auto", "사회복지", "prefix", SOCIAL_WORK_KO),
        ("ㅅㅎㅂㅈ", "auto", "사회복지", "prefix", SOCIAL_WORK_KO),
        ("সমাজক", "auto", "সমাজকর্মীদের", "prefix", SOCIAL_WORK_BN),
        ("청소뇬", "auto", "청소년", "spelling", SOCIAL_WORK_KO),  # one jamo off
        ("শিসুদের", "auto", "শিশুদের", "spelling", SOCIAL_WORK_BN),  # স for শ
        ("শিশূদের", "auto", "শিশুদের", "spelling", SOCIAL_WORK_BN),  # ূ for ু
        ("tkghlqhrwl", "auto", "사회복지", "keyboard", SOCIAL_WORK_KO),  # 사회복지 with the keyboard in Latin mode
        ("shishuder", "bn", "শিশুদের", "romanized", SOCIAL_WORK_BN),
        ("ghotona", "auto", "ঘটনা", "romanized", "bbc.381669-bn"),  # t for ট, o for the inherent vowel
    ],
)
def test_a_word_that_matches_nothing_is_searched_as_what_was_meant(index_set, typed, lang, meant, because, article):
    answer = search(index_set, typed, lang)
    revised = answer["revised_words"][0]
    assert (revised["word"], revised["because"]) == (typed, because)
    assert meant in revised["searched_as"]
    assert meant in answer["searched_for"]
    assert article in [hit["doc_id"] for hit in answer["hits"]]
    if because != "prefix":
        assert answer["did_you_mean"] == revised["searched_as"][0]


def test_an_english_typo_is_corrected_and_the_page_says_so(client):
    data = validate(client.get("/api/v1/search?q=goverment&lang=en"), "/api/v1/search")
    assert data["did_you_mean"] == "government"
    assert data["hits"]
    page = client.get("/?q=goverment&lang=en").get_data(as_text=True)
    assert "this searched for: government" in page


@pytest.mark.parametrize(("word", "lang"), [("사회복지", "ko"), ("센터", "ko"), ("শিশুদের", "bn"), ("government", "en")])
def test_a_word_that_exists_is_never_revised(index_set, word, lang):
    answer = search(index_set, word, lang)
    assert answer["hits"]
    assert "revised_words" not in answer and "did_you_mean" not in answer


@pytest.mark.parametrize(
    ("query", "lang"),
    [
        ("국호를 바꾸려면", "ko"),  # 국호 + 를: a noun and a particle the index has, though not this eojeol
        ("누가 기록했나요", "ko"),  # a question word: a stop word, never revised
        ("게임에서 맡은 배역", "ko"),  # 맡은 (맡다) is no word of the index, but a well-formed verb
        ("ক্যাভানার শুনানি কেমন", "bn"),  # a question word
        ("ওয়েস্ট মাগা টুপি", "bn"),  # মাগা (MAGA) is too short to be taken for মাথা one letter away
    ],
)
def test_whole_words_of_a_question_are_not_taken_for_slips(index_set, query, lang):
    revised = [r["word"] for r in search(index_set, query, lang).get("revised_words", [])]
    assert revised == []


def test_the_vocabulary_follows_add_and_remove(writable_index, tmp_path):
    corpus = tmp_path / "more.jsonl"
    corpus.write_text('{"id": "ko-new", "lang": "ko", "title": "해바라기 축제", "paragraphs": ["해바라기가 핀다."]}\n')
    add_articles(writable_index, [corpus])
    assert "해바라기" in [s["text"] for s in suggest(open_index_set(writable_index), "해바ㄹ")["suggestions"]]
    remove_articles(writable_index, ["ko-new"])
    assert suggest(open_index_set(writable_index), "해바ㄹ")["suggestions"] == []
    add_articles(writable_index, [DATA / "jsonl"])  # replacing articles counts their words once
    counts = {s["text"]: s["count"] for s in suggest(open_index_set(writable_index), "도서", "ko")["suggestions"]}
    assert counts["도서관"] == 1


@pytest.mark.parametrize(
    ("word", "keys", "first_consonants", "latin"),
    [
        ("사회복지", "ㅅㅏㅎㅗㅣㅂㅗㄱㅈㅣ", "ㅅㅎㅂㅈ", "tkghlqhrwl"),
        ("안녕", "ㅇㅏㄴㄴㅕㅇ", "ㅇㄴ", "dkssud"),
        ("닭", "ㄷㅏㄹㄱ", "ㄷ", "ekfr"),
    ],
)
def test_hangul_is_spelled_as_its_two_set_keystrokes(word, keys, first_consonants, latin):
    assert keystrokes(word) == keys
    assert initials(word) == first_consonants
    assert keys_from_latin(latin) == keys


@pytest.mark.parametrize("query", ["which paper did theresa may tell", "how did police link simpson to the killing"])
def test_an_english_word_the_index_lacks_is_not_read_as_korean_or_bengali(index_set, query):
    answer = search(index_set, query)
    assert answer["lang"]["used"] == "en"
    assert all(r["lang"] == "en" for r in answer.get("revised_words", []))


@pytest.fixture(scope="module")
def clinic(tmp_path_factory):
    """An index of tests/searchbox: a slip left once beside the word it spoils, and phrases of two articles."""
    index_dir = tmp_path_factory.mktemp("clinic")
    build_index(index_dir, [CLINIC])
    return open_index_set(index_dir)


@pytest.mark.parametrize(
    ("typed", "meant", "article"),
    [
        ("dissarmamant", "disarmament", "cnbc.com.6769-en"),  # a doubled s, a for e
        ("Huricaine", "hurricane", "abcnews.306815-en"),  # a dropped r, an added i
        ("maskulinaty", "masculinity", "dailymail.co.uk.298738-en"),  # k for c, a for i
    ],
)
def test_a_long_latin_word_two_slips_off_is_searched_as_what_was_meant(index_set, typed, meant, article):
    answer = search(index_set, typed, "en")
    assert answer["did_you_mean"] == meant
    assert answer["revised_words"][0]["because"] == "spelling"
    assert article in [hit["doc_id"] for hit in answer["hits"]]


@pytest.mark.parametrize("word", ["rename", "celebs", "sketch"])  # words the index lacks, two edits from others
def test_a_short_latin_word_is_not_taken_for_two_slips(index_set, word):
    assert "did_you_mean" not in search(index_set, word, "en")


@pytest.mark.parametrize("lang", ["ko", "all"])
def test_a_korean_word_of_the_dictionary_is_searched_as_typed_not_corrected(index_set, lang):
    """폭발 (explosion) is in no seeds/ article, but it is a word: it is not searched as 포괄 (inclusion), one jamo
    away. 사회복지샌터, which no dictionary holds, is still corrected, and so is 랍스타, a word of the dictionary
    too, to its other spelling 랍스터 (the same consonants)."""
    answer = search(index_set, "화산 폭발", lang)
    assert "did_you_mean" not in answer and "revised_words" not in answer
    assert "abcnews.306764-ko" in [hit["doc_id"] for hit in answer["hits"]]  # the volcano story, by 화산
    assert search(index_set, "사회복지샌터", "ko")["did_you_mean"] == "사회복지센터"
    assert search(index_set, "랍스타", "ko")["did_you_mean"] == "랍스터"


@pytest.mark.parametrize(
    ("typed", "meant", "article"),
    [("hospitel", "hospital", "clinic-en-1"), ("쓰나비", "쓰나미", "clinic-ko-1"), ("হাশপাতাল", "হাসপাতাল", "clinic-bn-1")],
)
def test_a_rare_slip_beside_a_common_word_is_searched_as_both_itself_first(clinic, typed, meant, article):
    answer = search(clinic, typed)
    assert answer["hits"][0]["doc_id"] == article  # the word as typed ranks first ...
    assert len(answer["hits"]) == 4  # ... and the common word's other articles follow
    assert answer["searched_for"] == f"{typed} OR {meant}"
    assert answer["did_you_mean"] == meant


def test_a_slip_the_ntrex_korean_text_holds_is_searched_as_the_word_it_spoils(client):
    data = validate(client.get("/api/v1/search?q=쓰나비&lang=ko"), "/api/v1/search")
    assert data["did_you_mean"] == "쓰나미"  # 쓰나비 is once in nytimes.184837-ko, whose headline writes 쓰나미
    assert data["revised_words"][0]["because"] == "rare"
    assert [hit["doc_id"] for hit in data["hits"]][0] == "nytimes.184837-ko"
    assert len(data["hits"]) > 1
    page = client.get("/?q=쓰나비&lang=ko").get_data(as_text=True)
    assert "so this also searched for: 쓰나비 OR 쓰나미" in page


@pytest.mark.parametrize(
    ("word", "lang"),
    [
        ("교회", "ko"),  # church, one jamo from the commoner 기회 (chance), which its articles do not write
        ("농부", "ko"),  # farmer, beside 동부 (east)
        ("farmer", "en"),  # beside former
        ("schools", "en"),  # beside school, which its own stem finds
    ],
)
def test_a_rare_real_word_is_searched_as_typed(index_set, word, lang):
    answer = search(index_set, word, lang)
    assert answer["hits"]
    assert "revised_words" not in answer


@pytest.mark.parametrize(
    ("typed", "phrase", "lang", "commoner_word"),
    [
        ("social wo", "social work", "en", "social workers"),
        ("사회복지 세", "사회복지 센터", "ko", "사회복지 세계"),  # the second word's last syllable typed midway
        ("사회복지 센", "사회복지 센터", "ko", "사회복지 센터를"),
    ],
)
def test_a_phrase_two_articles_hold_is_suggested_before_commoner_words(clinic, typed, phrase, lang, commoner_word):
    found = suggest(clinic, typed)["suggestions"]
    assert found[0] == {"text": phrase, "lang": lang, "count": 2}
    assert commoner_word in [s["text"] for s in found[1:]]


@pytest.mark.parametrize(
    ("typed", "suggested", "articles", "left_out"),
    [
        ("সমাজকর্ম প", "সমাজকর্ম প্রাঙ্গণে", 2, "সমাজকর্ম প্রথম"),  # প্রথম (first): in no article saying সমাজকর্ম
        ("social p", "social place", 1, "social park"),  # the car park's article says nothing social
    ],
)
def test_a_completion_no_article_holds_beside_the_words_typed_before_is_not_suggested(
    clinic, typed, suggested, articles, left_out
):
    found = {s["text"]: s["count"] for s in suggest(clinic, typed)["suggestions"]}
    assert suggested in found and left_out not in found
    assert found[suggested] == articles  # counted by the articles holding both words
    alone = [s["text"] for s in suggest(clinic, typed.rpartition(" ")[2])["suggestions"]]
    assert left_out.rpartition(" ")[2] in alone  # typed alone, the last word completes to it


def test_a_stop_word_is_no_completion_after_other_words(clinic):
    """The search leaves out "the" beside other words, so "hospital the" would search "hospital" alone."""
    assert "the" in [s["text"] for s in suggest(clinic, "th")["suggestions"]]
    assert "hospital the" not in [s["text"] for s in suggest(clinic, "hospital th")["suggestions"]]


def test_phrases_follow_add_and_remove(tmp_path):
    index_dir = tmp_path / "index"
    build_index(index_dir, [CLINIC])
    remove_articles(index_dir, ["clinic-ko-2"])  # 사회복지 센터 is left in one article: no longer a phrase
    first = suggest(open_index_set(index_dir), "사회복지 세")["suggestions"][0]
    assert (first["text"], first["count"]) == ("사회복지 센터", 1)  # the word beside 사회복지, in one article
    more = tmp_path / "more.jsonl"
    more.write_text(
        '{"id": "ko-new", "lang": "ko", "title": "사회복지 센터 새 단장", "paragraphs": ["새로 열었다."]}\n'
    )
    add_articles(index_dir, [more, CLINIC])  # the removed article back, and a new one: three articles
    first = suggest(open_index_set(index_dir), "사회복지 세")["suggestions"][0]
    assert (first["text"], first["count"]) == ("사회복지 센터", 3)
