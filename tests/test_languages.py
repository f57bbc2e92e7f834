"""Language codes and detection: codes normalized once, the script decides before statistics."""

from __future__ import annotations

import langdetect
import pytest

from indexer.languages import (
    Detection,
    UnknownLanguage,
    canonical_language,
    detect_langs,
    detect_language,
    english_name,
    native_name,
)


@pytest.mark.parametrize(
    ("code", "canonical"),
    [
        ("ben", "bn"),
        ("kor", "ko"),
        ("eng-US", "en"),
        ("zho-CN", "zh"),
        ("zh-cn", "zh"),
        ("arb", "ar"),
        ("jpn", "ja"),
        ("tha", "th"),
        ("vie", "vi"),
        ("hin", "hi"),
        ("BN", "bn"),
        ("pt_BR", "pt"),
    ],
)
def test_codes_are_normalized_to_bcp47(code, canonical):
    assert canonical_language(code) == canonical


@pytest.mark.parametrize("code", ["", "xx-notalanguage", "qqq"])
def test_unknown_codes_are_refused(code):
    with pytest.raises(UnknownLanguage):
        canonical_language(code)


def test_names_come_in_english_and_in_the_language_itself():
    assert english_name("ko") == "Korean"
    assert native_name("ko") == "한국어"
    assert native_name("bn") == "বাংলা"


@pytest.mark.parametrize(
    ("text", "lang", "how"),
    [
        ("센터", "ko", "script"),
        ("社会 센터에서 일했다", "ko", "script"),  # Hangul with Han is Korean, never Japanese
        ("শিশু", "bn", "script"),
        ("東京は日本の首都です", "ja", "script"),
        ("ฉลาม", "th", "script"),
        ("The council approved the new library plan on Tuesday evening.", "en", "statistics"),
        ("Buổi họp mặt kỷ niệm Ngày Công tác xã hội diễn ra trong không khí ấm áp.", "vi", "statistics"),
        ("首尔市议会周二晚上批准了新图书馆计划。", "zh", "statistics"),
        ("केंद्र शहर के अस्पतालों में सामाजिक कार्य मॉडल की गुणवत्ता में सुधार करता है।", "hi", "statistics"),
    ],
)
def test_detection_trusts_the_script_then_statistics(text, lang, how):
    detection = detect_language(text)
    assert (detection.lang, detection.how) == (lang, how)


@pytest.mark.parametrize("text", ["ANH PHUONG", "MWP", "12", "", "!!!"])
def test_short_or_letterless_text_is_unsure(text):
    assert detect_language(text).how == "unsure"
    assert detect_language(text, guess_when_unsure=False) == Detection(None, "unsure")


def test_a_short_latin_word_gets_a_guess_only_when_asked_for_one():
    assert detect_language("shark").lang is not None  # langdetect's guess (Somali), marked unsure
    assert detect_language("shark", guess_when_unsure=False).lang is None
    assert detect_language("사회복지", guess_when_unsure=False) == Detection("ko", "script")


def test_detection_is_repeatable():
    text = "Xin chào các bạn"
    assert len({detect_language(text) for _ in range(5)}) == 1


@pytest.mark.parametrize(
    "text",
    [
        "tsunami death toll",
        "which paper did theresa may tell",
        "Người dân đã sơ tán khỏi khu vực",
        "the ferry sank near the harbour on Monday",
        "Brexit",
        "বন্যায় ক্ষতিগ্রস্ত মানুষ",
        "사회복지센터에서 만났다",
        "洪水で多くの家が流された",
    ],
)
def test_detection_answers_as_langdetect_itself_does(text):
    ours = [(found.lang, found.prob) for found in detect_langs(text)]
    assert ours == [(found.lang, found.prob) for found in langdetect.detect_langs(text)]
