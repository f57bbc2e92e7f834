"""The reader's pages through Flask's test client: results, translations, side by side, interface language, escaping."""

from __future__ import annotations

import html
import json
import re
from html.parser import HTMLParser

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo

from indexer.build.pipeline import build_index
from search_app import create_app
from search_app.pages import aligned_rows

from .conftest import ROOT

KOREAN_SEED = "001_e7969bfd07bd7312"
BENGALI_SEED = "000_aaa99257ef590384"
TRANSLATIONS = ROOT / "search_app" / "translations"


@pytest.fixture(scope="module")
def client(built_index):
    return create_app({"INDEX_DIR": str(built_index), "TESTING": True}).test_client()


def page(client, url: str, status: int = 200, **headers) -> str:
    response = client.get(url, headers=headers)
    assert response.status_code == status, response.get_data(as_text=True)[:2000]
    assert response.mimetype == "text/html"
    return response.get_data(as_text=True)


def hit_blocks(text: str) -> list[str]:
    return re.findall(r'<li class="hit">.*?</li>\s*(?=<li class="hit">|</ol>)', text, flags=re.S)


def test_search_shows_highlighted_korean_passages_for_사회복지(client):
    text = page(client, "/?q=사회복지")
    hits = hit_blocks(text)
    assert hits, "no results listed"
    assert 'class="passage snippet" lang="ko" dir="auto"' in hits[0]
    assert "<mark>사회복지</mark>" in hits[0]
    assert 'value="사회복지"' in text
    assert "Searched in" in text and '<span lang="ko">한국어</span>' in text


def test_each_hit_names_its_translations_on_one_line_each_linking_side_by_side_at_the_passage(client, index_set):
    first = hit_blocks(page(client, "/?q=사회복지"))[0]
    line = re.search(r'<p class="translations">.*?</p>', first, flags=re.S).group(0)
    link = re.search(r'<a class="side-by-side-link[^"]*" data-lang="bn".*?</a>', line, flags=re.S).group(0)
    assert f'href="/articles/{KOREAN_SEED}?with={BENGALI_SEED}#p-' in link
    # The top hit is the Korean seed's first paragraph (the Social Work Day meeting "in a warm, friendly
    # atmosphere"); its Bengali translation, read in seeds/000_aaa99257ef590384.txt, shows on hover.
    assert "সমাজকর্ম দিবস উদযাপনের সভাটি একটি উষ্ণ এবং বন্ধুত্বপূর্ণ পরিবেশে" in html.unescape(link)
    assert ">বাংলা</a>" in link
    assert "<details" not in line


def test_result_metadata_names_language_source_and_date(client):
    text = page(client, "/?q=도서관&lang=ko")
    assert '<span class="hit-language" lang="ko">한국어</span>' in text
    assert "Example News" in text
    assert "Mar 5, 2024" in text


def test_article_page_shows_the_text_with_its_language_and_translations(client):
    text = page(client, f"/articles/{BENGALI_SEED}")
    assert '<h1 class="article-title" lang="bn" dir="auto">' in text
    assert '<p id="p-0" class="paragraph" lang="bn" dir="auto">' in text
    assert f'href="/articles/{BENGALI_SEED}?with={KOREAN_SEED}">Read side by side</a>' in text


def test_article_ids_may_contain_slashes(client):
    text = page(client, "/articles/articles/vi/bao-can-tho")
    assert 'lang="vi"' in text


def test_side_by_side_puts_paragraphs_of_both_languages_in_rows(client):
    text = page(client, f"/articles/{KOREAN_SEED}?with={BENGALI_SEED}")
    rows = re.findall(r'<div class="aligned-row">(.*?)\n    </div>', text, flags=re.S)
    assert len(rows) >= 3
    first = rows[0]
    assert 'id="p-0" class="paragraph" lang="ko"' in first and 'lang="bn"' in first
    assert 'tabindex="0" data-partners="t-' in first
    assert "data-side-by-side" in text


def test_side_by_side_with_an_unknown_translation_says_so(client):
    text = page(client, f"/articles/{KOREAN_SEED}?with=no-such-article")
    assert "There is no article no-such-article to show beside this one." in text


def test_unknown_article_is_a_404_page(client):
    text = page(client, "/articles/no/such/article", status=404)
    assert "Nothing is here" in text and "no/such/article" in text


def test_accept_language_bengali_gives_the_bengali_interface(client):
    client.delete_cookie("ui")
    text = page(client, "/?q=사회복지", **{"Accept-Language": "bn-BD,bn;q=0.9,en;q=0.5"})
    assert '<html lang="bn">' in text
    assert "খুঁজুন" in text and "১টি নিবন্ধ পাওয়া গেছে" in text  # in Bengali digits, as the article text writes them


def test_the_ui_parameter_switches_the_interface_keeps_it_in_links_and_remembers_it(built_index):
    client = create_app({"INDEX_DIR": str(built_index), "TESTING": True}).test_client()
    text = page(client, "/?q=사회복지&ui=ko", **{"Accept-Language": "bn"})
    assert '<html lang="ko">' in text and "검색어" in text and "기사 1건을 찾았습니다" in text
    assert f'href="/articles/{KOREAN_SEED}?ui=ko#p-' in text
    assert '<input type="hidden" name="ui" value="ko">' in text
    remembered = page(client, "/", **{"Accept-Language": "bn"})
    assert '<html lang="ko">' in remembered


def test_interface_switch_links_keep_the_current_search(client):
    text = page(client, "/?q=사회복지&lang=ko")
    assert 'href="/?q=%EC%82%AC%ED%9A%8C%EB%B3%B5%EC%A7%80&amp;lang=ko&amp;ui=bn" lang="bn"' in text


def test_every_interface_string_is_translated_in_bengali_and_korean():
    with open(ROOT / "babel.cfg", encoding="utf-8") as config:
        method_map, options_map = parse_mapping_cfg(config)
    extracted = {
        message[2] if isinstance(message[2], str) else message[2][0]
        for message in extract_from_dir(ROOT / "search_app", method_map, options_map)
    }
    assert len(extracted) > 40
    for code in ("bn", "ko"):
        with open(TRANSLATIONS / code / "LC_MESSAGES" / "messages.mo", "rb") as compiled:
            catalog = read_mo(compiled)
        translated = {m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id and m.string}
        assert extracted <= translated, (code, sorted(extracted - translated))


class PageOutline(HTMLParser):
    """Collects what assistive technology relies on: landmarks, form controls and their labels."""

    def __init__(self):
        super().__init__()
        self.tags, self.controls, self.labelled = set(), set(), set()

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.tags.add(tag)
        if tag in ("input", "select", "textarea") and attributes.get("type") != "hidden":
            self.controls.add(attributes.get("id"))
        if tag == "label":
            self.labelled.add(attributes.get("for"))


@pytest.mark.parametrize("url", ["/", "/?q=사회복지", f"/articles/{KOREAN_SEED}?with={BENGALI_SEED}", "/articles/none"])
def test_pages_have_landmarks_and_every_control_has_a_label(client, url):
    outline = PageOutline()
    outline.feed(client.get(url).get_data(as_text=True))
    assert {"header", "nav", "main", "footer", "h1"} <= outline.tags
    assert outline.controls <= outline.labelled


def test_every_stylesheet_url_is_served(client):
    stylesheet = page_bytes(client, "/static/setu.css").decode("utf-8")
    urls = re.findall(r'url\("([^"]+)"\)', stylesheet)
    assert urls
    for url in urls:
        assert page_bytes(client, f"/static/{url}")


def page_bytes(client, url: str) -> bytes:
    with client.get(url) as response:
        assert response.status_code == 200, url
        return response.get_data()


def test_no_results_suggests_all_languages(client):
    text = page(client, "/?q=zzqxw&lang=ko")
    assert "Nothing found" in text
    assert 'href="/?q=zzqxw&amp;lang=all">Search all languages</a>' in text


def test_no_results_suggests_dropping_each_word(client):
    text = page(client, '/?q=zzqx+"wwqy+vvkz"&lang=all')
    assert 'Leave out zzqx: <a href="/?q=%22wwqy+vvkz%22&amp;lang=all" dir="auto">&#34;wwqy vvkz&#34;</a>' in text
    assert "Leave out &#34;wwqy vvkz&#34;:" in text
    assert "Search all languages" not in text


def test_a_query_read_as_plain_words_is_explained(client):
    text = page(client, '/?q="사회복지')
    assert "so every word was searched as a plain word" in text
    assert "<mark>사회복지</mark>" in text


def test_results_matching_most_words_are_explained(client):
    text = page(client, "/?q=사회복지+zzqxw")
    assert "No article has all of your words, so these articles have most of them." in text


def test_a_count_that_is_a_lower_bound_says_at_least(client):
    """A top-k search stops counting passages too weak to reach the page: the page says so, not a false figure."""
    counted = page(client, "/?q=s*&lang=en&limit=2")  # a prefix's rarest completions are never drawn
    assert re.search(r"At least \d+ articles found", counted)
    assert re.search(r"Showing 1–2 of at least \d+", counted)
    every = page(client, "/?q=year&lang=en&limit=2")
    assert re.search(r">\s*\d+ articles found", every) and "At least" not in every
    assert re.search(r"Showing 1–2 of \d+<", every)


def test_pages_of_results_link_to_each_other(client):
    first = page(client, "/?q=year&lang=en&limit=2")
    assert len(hit_blocks(first)) == 2
    assert "Showing 1–2 of" in first
    assert 'href="/?q=year&amp;lang=en&amp;limit=2&amp;offset=2" rel="next"' in first
    assert 'rel="prev"' not in first
    second = page(client, "/?q=year&lang=en&limit=2&offset=2")
    assert '<ol class="hits" start="3">' in second
    assert 'href="/?q=year&amp;lang=en&amp;limit=2" rel="prev"' in second


def test_a_page_past_the_last_result_links_back_to_the_first(client):
    text = page(client, "/?q=year&lang=en&offset=500")
    assert "This page is past the last result." in text
    assert 'href="/?q=year&amp;lang=en">Go to the first page of results</a>' in text


@pytest.mark.parametrize(
    ("query", "named"),
    [("limit=abc", "limit"), ("limit=0", "limit"), ("offset=-1", "offset"), ("lang=xx-nothing", "lang")],
)
def test_bad_parameters_show_a_message_not_a_crash(client, query, named):
    text = page(client, f"/?q=사회복지&{query}", status=400)
    assert "This search could not be run because a setting in the address is not valid." in text
    assert f"parameter &#39;{named}&#39;" in text
    assert 'role="alert"' in text and "<mark>" not in text


HOSTILE = [
    {
        "id": "hostile/en",
        "lang": "en",
        "group": "hostile-story",
        "title": "<script>alert(1)</script> harbour news",
        "paragraphs": ["The harbour reopened <img src=x onerror=alert(1)> on Monday.", "Ships returned."],
        "byline": "<img src=x onerror=alert(2)>",
        "source": "<b>Example</b>",
        "url": "javascript:alert(3)",
    },
    {
        "id": "hostile/ko",
        "lang": "ko",
        "group": "hostile-story",
        "title": "<script>alert(4)</script> 항구 소식",
        "paragraphs": ["항구가 월요일에 다시 열렸다 <img src=x onerror=alert(5)>.", "배들이 돌아왔다."],
        "url": "https://example.com/<script>",
    },
]


@pytest.fixture(scope="module")
def hostile_client(tmp_path_factory):
    corpus = tmp_path_factory.mktemp("hostile")
    lines = "\n".join(json.dumps(article, ensure_ascii=False) for article in HOSTILE)
    (corpus / "hostile.jsonl").write_text(lines + "\n", encoding="utf-8")
    index_dir = corpus / "index"
    build_index(index_dir, [corpus / "hostile.jsonl"])
    return create_app({"INDEX_DIR": str(index_dir), "TESTING": True}).test_client()


def assert_no_live_markup(text: str) -> None:
    assert "<script>alert" not in text
    assert "<img src=x" not in text
    assert "<b>Example</b>" not in text
    assert 'href="javascript:' not in text.replace("'", '"')


def test_corpus_markup_in_results_is_shown_as_text(hostile_client):
    text = page(hostile_client, "/?q=harbour&lang=en")
    assert_no_live_markup(text)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "&lt;img src=x onerror=alert(1)&gt;" in text
    assert "&lt;img src=x onerror=alert(2)&gt;" in text
    assert "&lt;img src=x onerror=alert(5)&gt;" in text  # the Korean translation's linked passage


def test_corpus_markup_in_articles_is_shown_as_text_and_only_web_urls_are_links(hostile_client):
    text = page(hostile_client, "/articles/hostile/en?with=hostile/ko")
    assert_no_live_markup(text)
    assert '<span class="unlinked-url">javascript:alert(3)</span>' in text
    assert '<a href="https://example.com/&lt;script&gt;"' in text
    assert "&lt;img src=x onerror=alert(5)&gt;" in text


def test_a_query_with_markup_is_shown_as_text(hostile_client):
    text = page(hostile_client, "/?q=<script>alert(9)</script>+zzqx")
    assert "<script>alert(9)" not in text
    assert "&lt;script&gt;alert(9)&lt;/script&gt;" in text


def test_aligned_rows_follow_links_and_keep_both_columns_in_order():
    left = {"doc_id": "a", "paragraphs": [{"index": i, "text": f"a{i}", "links": []} for i in range(4)]}
    right = {"doc_id": "b", "paragraphs": [{"index": i, "text": f"b{i}", "links": []} for i in range(4)]}
    links = {0: [0], 1: [1, 2], 3: [3]}  # a1 was split into b1 and b2; a2 has no translation
    for i, targets in links.items():
        left["paragraphs"][i]["links"] = [{"doc_id": "b", "lang": "x", "indexes": targets, "confidence": 0.9}]
    layout = aligned_rows(left, right)
    shape = [([p["text"] for p in row["left"]], [p["text"] for p in row["right"]]) for row in layout["rows"]]
    assert shape == [(["a0"], ["b0"]), (["a1"], ["b1", "b2"]), (["a2"], []), (["a3"], ["b3"])]
    assert layout["rows"][1]["left"][0]["partners"] == ["t-1", "t-2"]
    assert layout["rows"][1]["right"][1]["partners"] == ["p-1"]
    assert layout["by_order"] is False


def test_aligned_rows_pair_paragraphs_by_order_without_links():
    left = {"doc_id": "a", "paragraphs": [{"index": i, "text": f"a{i}"} for i in range(3)]}
    right = {"doc_id": "b", "paragraphs": [{"index": i, "text": f"b{i}"} for i in range(2)]}
    layout = aligned_rows(left, right)
    shape = [([p["text"] for p in row["left"]], [p["text"] for p in row["right"]]) for row in layout["rows"]]
    assert shape == [(["a0"], ["b0"]), (["a1"], ["b1"]), (["a2"], [])]
    assert layout["by_order"] is True


def test_the_site_has_an_icon_where_browsers_look_for_it(client):
    with client.get("/favicon.ico") as response:
        assert response.status_code == 200 and response.mimetype == "image/svg+xml"
        assert b"<svg" in response.data
    assert 'rel="icon"' in page(client, "/")


def test_the_results_page_offers_facet_filters_as_narrowed_searches_and_the_date_order(client):
    text = page(client, "/?q=ferry&lang=en")
    assert 'href="/?q=ferry+source:%22Delta+Daily%22&amp;lang=en"' in text
    assert 'href="/?q=ferry+published:2024-02&amp;lang=en"' in text
    assert 'href="/?q=ferry&amp;lang=en&amp;sort=date">Newest first</a>' in text
    assert '<time class="hit-date" datetime="2024-02-20">Feb 20, 2024</time>' in text


def test_a_search_without_dates_offers_no_date_order(client):
    assert "Newest first" not in page(client, "/?q=사회복지")


@pytest.mark.parametrize(
    "ui, count, day",
    [
        ("bn", "৫টি নিবন্ধ পাওয়া গেছে", "২০ ফেব, ২০২৪"),
        ("ko", "기사 5건을 찾았습니다", "2024년 2월 20일"),
        ("en", "5 articles", "Feb 20, 2024"),
    ],
)
def test_counts_and_dates_are_written_in_the_interface_languages_digits(client, ui, count, day):
    text = page(client, f"/?q=ferry&lang=en&ui={ui}")
    assert count in text and day in text


def test_the_coverage_page_lists_the_stories_lacking_the_most_languages_first_and_is_linked_from_the_header(client):
    text = page(client, "/coverage")
    missing = [int(n) for n in re.findall(r'<tr class="coverage-story" data-missing="(\d+)">', text)]
    assert missing and missing == sorted(missing, reverse=True)
    assert missing[0] == 8  # a story in one language of the nine: the dated corpus's English-only ones
    assert '<a href="/coverage" aria-current="page">Coverage</a>' in text
    assert '<a href="/coverage" >Coverage</a>' in page(client, "/?q=ferry")


def test_the_home_page_says_what_is_indexed_and_offers_searches_that_find_something(client):
    text = page(client, "/")
    assert "Setu holds news in 9 languages" in text
    assert "Published from Nov 2, 2023 to Mar 5, 2024." in text  # the dated test corpora's range
    examples = re.findall(r'<a class="example-search" href="([^"]+)" lang="(\w+)">', text)
    assert {lang for _, lang in examples} == {"bn", "ko", "en"}
    for url, _ in examples:
        assert hit_blocks(page(client, html.unescape(url))), url
    assert text.count('<li class="home-story">') == 5
    assert "New ferry terminal opens at the harbour" in text


def test_example_searches_that_find_nothing_are_not_offered(built_index):
    examples = (("en", "zzyzxnotaword"), ("ko", "사회복지"))
    app = create_app({"INDEX_DIR": str(built_index), "TESTING": True, "EXAMPLE_SEARCHES": examples})
    text = page(app.test_client(), "/")
    assert "zzyzxnotaword" not in text and "사회복지" in text


def test_over_all_languages_a_story_is_one_hit_and_its_other_matching_languages_are_marked(client):
    # Untranslated, so the word itself is what matches: only the Thai and Vietnamese texts write it in Latin
    # (translated, the story matches in every language, and is still one hit).
    hits = hit_blocks(page(client, "/?q=Brexit&lang=all&translate=false"))
    reuters = [hit for hit in hits if "reuters.218882" in hit]
    assert len(reuters) == 1  # not once per language
    marked = re.findall(r'data-lang="(\w+)"[^>]*>[^<]*</a><span class="also-matched-mark"', reuters[0], flags=re.S)
    assert set(marked) == {"th", "vi"}
