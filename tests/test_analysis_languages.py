"""Per-language chains: the stems and grams a reader's base forms and inflections meet at, and their guards."""

from __future__ import annotations

import icu
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indexer.analysis import GRAM, STEM, WORD, analyzer_for
from indexer.analysis.bengali import normalize_bengali, stem_bengali

CHAINS = ["bn", "ko", "zh", "ja", "th", "en", "ar", "hi", "vi", "ru"]


def by_role(lang, text, role):
    return [t.text for t in analyzer_for(lang)(text) if t.role == role]


def words_with_parts(lang, text):
    """Each surface word with the stems and grams the chain gives it, as (surface, [(term, role)…])."""
    words = {}
    for token in analyzer_for(lang)(text):
        surface = text[token.start : token.end]
        entry = words.setdefault(token.pos, (surface, []))
        assert entry[0] == surface, "every token of a word carries the whole word's span"
        if token.role != WORD:
            entry[1].append((token.text, token.role))
    return [words[pos] for pos in sorted(words)]


@pytest.mark.parametrize(
    ("lang", "text", "stems"),
    [
        # the Bengali seed: শিশু, কেন্দ্র and সমাজকর্ম meet their inflected forms
        ("bn", "কেন্দ্রে বেড়ে ওঠা শিশুদের জন্য", ["কেন্দ্র", "বেড়", "ওঠ", "শিশু"]),
        ("bn", "সমাজকর্মীদের সম্মান জানানোর ক্ষেত্রে", ["সমাজকর্ম", "জানান", "ক্ষেত্র"]),
        # NTREX: plural, genitive, locative after a vowel, progressive verb
        ("bn", "দলের আসেম্বলি সদস্যরা আশঙ্কা করছেন", ["দল", "আসেম্বল", "সদস্য", "আশঙ্ক", "কর"]),
        ("bn", "সংস্থাগুলিকে ইন্দোনেশিয়ার এলাকায়", ["সংস্থ", "ইন্দোনেশিয়", "এলাক"]),
        # the Korean seed: particles and endings go, compounds split, base forms of predicates
        ("ko", "사회복지센터는 센터에서 자란 어린이에게", ["사회", "복지", "센터", "센터", "자라다", "어린이"]),
        ("ko", "웨일스 국회로 바꾸기 위한 계획 때문에 일어났다.", ["국회", "바꾸다", "위하다", "때문", "일어나다"]),
        # Snowball languages
        ("en", "Welsh assembly members worried", ["assembl", "member", "worri"]),
        ("hi", "लड़कियों के अस्पतालों में", ["लड़क", "क", "अस्पताल", "म"]),
        ("ar", "المدارس", ["مدارس"]),
    ],
)
def test_inflected_words_get_their_stems(lang, text, stems):
    # expected stems are written as typed; NFKC decomposes ড় and য়, which the Bengali chain composes again
    assert by_role(lang, text, STEM) == [normalize_bengali(stem) for stem in stems]


def test_a_stem_spans_the_whole_surface_word_it_came_from():
    assert words_with_parts("ko", "센터에서") == [("센터에서", [("센터", STEM)])]
    assert words_with_parts("bn", "শিশুদের") == [("শিশুদের", [("শিশু", STEM)])]
    assert words_with_parts("bn", "বিষয়গুলিকেও") == [("বিষয়গুলিকেও", [(normalize_bengali("বিষয়"), STEM)])]


@pytest.mark.parametrize(
    ("lang", "query", "document"),
    [
        ("ko", "센터", "센터에서 자란 어린이"),
        ("ko", "사회복지", "시 사회복지센터는 회원들이"),
        ("ko", "돕다", "친구를 도왔다"),
        ("ko", "사회복지", "사회복지사는 말했다"),
        ("ko", "스터리지", "다니엘 스터리지가 런던에서 구했다"),  # Kiwi reads the two-word name as one noun
        ("bn", "শিশু", "কেন্দ্রে বেড়ে ওঠা শিশুদের জন্য"),
        ("bn", "কেন্দ্র", "কেন্দ্রে বেড়ে ওঠা শিশুদের জন্য"),
        ("bn", "সমাজকর্ম", "সমাজকর্মীদের সম্মান"),
        ("bn", "শিশুকে", "শিশুদের জন্য"),
        ("zh", "北京", "北京市的首都"),
        ("en", "elections", "the election was held"),
    ],
)
def test_a_base_or_other_form_query_word_finds_the_document_word(lang, query, document):
    """The query side asks, per word: its exact term, or all its stems, or all its grams."""
    indexed = {t.text for t in analyzer_for(lang)(document)}
    query_tokens = list(analyzer_for(lang)(query, "query"))
    word = {t.text for t in query_tokens if t.role == WORD}
    stems = {t.text for t in query_tokens if t.role == STEM}
    grams = {t.text for t in query_tokens if t.role == GRAM}
    assert word <= indexed or (stems and stems <= indexed) or (grams and grams <= indexed)


def test_an_uninflected_word_gets_no_stem_equal_to_itself():
    assert by_role("ko", "센터", STEM) == []
    assert by_role("bn", "শিশু", STEM) == []
    assert by_role("en", "run", STEM) == []


def test_josa_and_eomi_are_not_stems():
    stems = by_role("ko", "임종석이 여의도 시위를 주도한 혐의로 지명수배 된 날은?", STEM)
    assert {"이", "를", "로", "은", "ᆫ", "하"}.isdisjoint(stems)
    assert {"임종석", "시위", "주도", "혐의", "지명", "수배", "날"} <= set(stems)


def test_chinese_and_japanese_words_get_character_bigrams():
    assert words_with_parts("zh", "北京市") == [("北京市", [("北京", GRAM), ("京市", GRAM)])]
    assert by_role("ja", "東京は", GRAM) == []  # a two-character word is its own bigram
    assert by_role("ja", "インターネット", GRAM)[:2] == ["イン", "ンタ"]


@pytest.mark.parametrize(
    ("variant", "canonical"),
    [
        ("বে\u09a1\u09bcে", "বেড়ে"),  # ড + nukta is ড়
        ("\u09a2\u09bcাকা", "ঢ়াকা"),  # ঢ + nukta is ঢ়
        ("বিষ\u09af\u09bc", "বিষয়"),  # য + nukta is য়
        ("\u0985\u09beমি", "আমি"),  # অ + া is আ
        ("ভবিষ্য\u09a4\u09cd\u200d", "ভবিষ্যৎ"),  # old khanda ta: ta, virama, ZWJ
        ("র\u200c\u09cd\u09afাব", "র্যাব"),  # ZWNJ (or ZWJ) between letters is dropped
        ("কো", "কো"),  # ো, typed as two signs, is one
    ],
)
def test_bengali_spelling_variants_analyze_the_same(variant, canonical):
    assert analyzer_for("bn").terms(variant) == analyzer_for("bn").terms(canonical)


def test_bengali_composed_letters_survive_nfkc_decomposition():
    assert normalize_bengali("বেড়ে") == "বে\u09dcে"
    assert normalize_bengali("সময়") == "সম\u09df"


@pytest.mark.parametrize(
    "word",
    [
        "সাগর",  # র after a consonant is the word's own (sea)
        "শহর",
        "সময়",  # so is য় (time)
        "দেশ",
        "শিশু",  # ু ends nouns
        "তিনি",  # "he", not তিন "three"
        "কে",  # one akshara is never stemmed
        "সৎ",
        "প্রকল্প",
    ],
)
def test_bengali_stemmer_leaves_base_words_alone(word):
    assert stem_bengali(normalize_bengali(word)) == normalize_bengali(word)


@pytest.mark.parametrize(
    ("word", "stem"),
    [
        ("থেকে", "থেক"),  # কে would leave one akshara: only the vowel sign comes off
        ("হাতে", "হাত"),
        ("অনুসারীদের", "অনুসার"),  # র behind another ending is the word's own
        ("ডলারের", "ডলার"),
        ("ভবিষ্যতের", "ভবিষ্য"),  # khanda ta: ভবিষ্যৎ meets ভবিষ্যতে
        ("ভবিষ্যৎ", "ভবিষ্য"),
        ("কর্তে", "কর্ত"),  # তে would leave কর্, cut after a virama: only the vowel sign comes off
    ],
)
def test_bengali_stemmer_does_not_overstem(word, stem):
    assert stem_bengali(normalize_bengali(word)) == normalize_bengali(stem)


@given(st.text(alphabet=st.characters(codec="utf-8")))
def test_every_bengali_stem_keeps_two_akshara_or_is_the_word(word):
    from indexer.analysis.bengali import MIN_STEM_AKSHARA, akshara_count

    stem = stem_bengali(word)
    assert stem == word or (akshara_count(stem) >= MIN_STEM_AKSHARA and not stem.endswith("\u09cd"))


def grapheme_boundaries(text):
    iterator = icu.BreakIterator.createCharacterInstance(icu.Locale.getRoot())
    iterator.setText(text)
    boundaries = {0, *iterator}
    if any(ord(c) > 0xFFFF for c in text):  # ICU counts UTF-16 units; compare in code points
        units = [0]
        for char in text:
            units.append(units[-1] + (2 if ord(char) > 0xFFFF else 1))
        boundaries = {index for index, unit in enumerate(units) if unit in boundaries}
    return boundaries


# Text drawn mostly from the scripts these chains treat specially, with anything else mixed in.
MIXED_TEXT = st.text(
    alphabet=st.one_of(
        st.sampled_from("কেন্দ্রেশিশুদেরৎ়্\u200c\u200dািীে센터에서사회복지 北京市インターネット ১২ ABC.,?"),
        st.characters(codec="utf-8"),
    ),
    max_size=40,
)


@settings(max_examples=60, deadline=None)
@given(MIXED_TEXT, st.sampled_from(CHAINS))
def test_any_text_analyzes_into_whole_words_on_grapheme_boundaries(text, lang):
    boundaries = grapheme_boundaries(text)
    previous = (-1, 0)
    for token in analyzer_for(lang)(text):
        assert token.text
        assert 0 <= token.start < token.end <= len(text)
        assert token.start in boundaries and token.end in boundaries
        if token.pos == previous[0]:
            assert token.role != WORD and (token.start, token.end) == previous[1]
        else:
            assert token.role == WORD and token.pos > previous[0]
            previous = (token.pos, (token.start, token.end))


@given(st.text(alphabet=st.one_of(st.sampled_from("ডঢযঅতর়া্\u200c\u200dৎে"), st.characters(codec="utf-8"))))
def test_bengali_normalization_is_idempotent(text):
    once = normalize_bengali(text)
    assert normalize_bengali(once) == once
