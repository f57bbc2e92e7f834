"""The ICU analysis chain: whole words, code-point offsets, normalization and digit folding."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from indexer.analysis import WORD, analyzer_for
from indexer.documents import UnpairedSurrogate


def surfaces(lang, text):
    return [text[t.start : t.end] for t in analyzer_for(lang)(text) if t.role == WORD]


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        ("bn", "কেন্দ্রে বেড়ে ওঠা বিষয়ভিত্তিক", ["কেন্দ্রে", "বেড়ে", "ওঠা", "বিষয়ভিত্তিক"]),
        ("ko", "사회복지센터는 센터에서", ["사회복지센터는", "센터에서"]),
        ("th", "ฉลามทำร้ายเด็ก", ["ฉลาม", "ทำร้าย", "เด็ก"]),
        ("ja", "東京は日本の首都", ["東京", "は", "日本", "の", "首都"]),
        ("zh", "北京是中国的首都", ["北京", "是", "中国", "的", "首都"]),
    ],
)
def test_words_come_out_whole_with_their_surface_spans(lang, text, expected):
    assert surfaces(lang, text) == expected


def test_terms_are_the_nfkc_casefolded_surface():
    # NFKC splits Thai SARA AM into NIKHAHIT + SARA AA: the same at index and query time.
    assert analyzer_for("th").terms("ทำร้าย") == ["\u0e17\u0e4d\u0e32\u0e23\u0e49\u0e32\u0e22"]


def test_offsets_stay_right_after_emoji_and_other_astral_characters():
    text = "😀 센터 𝒜 শিশু 😀😀 ฉลาม"
    tokens = [t for t in analyzer_for("ko")(text) if t.role == WORD]
    assert [text[t.start : t.end] for t in tokens] == ["센터", "𝒜", "শিশু", "ฉลาม"]
    assert [t.text for t in tokens][:2] == ["센터", "a"]
    assert [t.pos for t in tokens] == [0, 1, 2, 3]


def test_digits_of_every_script_fold_to_ascii():
    assert analyzer_for("bn").terms("১২ জন") == ["12", "জন"]
    assert analyzer_for("hi").terms("६ अस्पताल")[:2] == ["6", "अस्पताल"]
    assert analyzer_for("ar").terms("٢٠٢٤") == ["2024"]


def test_width_case_and_compatibility_forms_are_normalized():
    assert analyzer_for("vi").terms("Ｓtraße ﬁle MWP") == ["strasse", "file", "mwp"]


def test_the_same_language_returns_the_same_shared_analyzer():
    assert analyzer_for("bn") is analyzer_for("bn")


@given(st.text(alphabet=st.characters(exclude_categories=())), st.sampled_from(["bn", "ko", "ja", "en", "th"]))
def test_text_with_surrogates_analyzes_or_is_rejected_cleanly(text, lang):
    has_surrogate = any(0xD800 <= ord(char) <= 0xDFFF for char in text)
    try:
        tokens = list(analyzer_for(lang)(text))
    except UnpairedSurrogate:
        assert has_surrogate
    else:
        assert not has_surrogate
        assert all(0 <= t.start < t.end <= len(text) for t in tokens)


@pytest.mark.parametrize("lang", ["th", "en", "bn"])
def test_a_word_break_inside_a_grapheme_cluster_is_widened_to_the_whole_cluster(lang):
    text = "?\u0e33ab ภาษา"  # a Thai SARA AM after "?" extends its cluster, but ICU breaks words between them
    tokens = list(analyzer_for(lang)(text))
    assert (tokens[0].start, tokens[0].end) == (0, 4)
    assert [text[t.start : t.end] for t in tokens if t.role == WORD][-1] == "ภาษา"
