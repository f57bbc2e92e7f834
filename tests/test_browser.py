"""End to end: the real WSGI server on 127.0.0.1 and Debian's headless Chromium, driven by Playwright.

Screenshots are saved in tests/artifacts/ for a person to look at.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from .conftest import ROOT

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "tests" / "artifacts"
# How long the server may take to answer /healthz after it starts.
SERVER_START_SECONDS = 20
# How long a page or element may take to appear before a step fails.
STEP_TIMEOUT_MS = 10_000

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed at /usr/bin/chromium")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_healthy(base_url: str, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + SERVER_START_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"the server exited: {server.stderr.read()}")
        try:
            with urllib.request.urlopen(f"{base_url}/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"the server did not answer {base_url}/healthz within {SERVER_START_SECONDS} s")


@pytest.fixture(scope="module")
def base_url(built_index):
    """The address of `python -m search_app` serving the session index, stopped when the tests end."""
    port = free_port()
    command = [sys.executable, "-m", "search_app", "--index-dir", str(built_index), "--host", "127.0.0.1"]
    server = subprocess.Popen(
        [*command, "--port", str(port)], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    try:
        url = f"http://127.0.0.1:{port}"
        wait_until_healthy(url, server)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        server.stderr.close()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
        )
        yield chromium
        chromium.close()


@pytest.fixture
def tab(browser):
    """A fresh English-speaking tab with its own cookies."""
    context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(STEP_TIMEOUT_MS)
    yield context.new_page()
    context.close()


def screenshot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def search_for(page, base_url: str, words: str) -> None:
    page.goto(base_url + "/")
    page.get_by_label("Search words").fill(words)
    page.get_by_role("button", name="Search").click()
    page.wait_for_selector(".hit")


def test_a_reader_searches_사회복지_and_opens_the_bengali_translation_beside_it(tab, base_url):
    search_for(tab, base_url, "사회복지")
    marks = tab.locator('.hit .passage[lang="ko"] mark')
    assert marks.count() > 0
    assert any("사회복지" in marked for marked in marks.all_inner_texts())
    screenshot(tab, "1-search-results-사회복지")

    hit = tab.locator(".hit").first
    whole = hit.locator(".full-passage")
    assert not whole.is_visible()
    hit.locator(".passage-more summary").click()  # the whole passage, one click away
    assert whole.is_visible() and "사회복지" in whole.inner_text()
    bengali = hit.locator('.side-by-side-link[data-lang="bn"]')
    screenshot(tab, "2-whole-passage-in-place")

    bengali.click()
    tab.wait_for_selector("[data-side-by-side]")
    assert tab.locator('.aligned-left .paragraph[lang="ko"]').count() > 0
    assert tab.locator('.aligned-right .paragraph[lang="bn"]').count() > 0
    first = tab.locator(".aligned-left .paragraph").first
    first.click()
    partners = first.get_attribute("data-partners").split()
    assert partners, "the first paragraph has no partner"
    assert "is-partner" in tab.locator(f"#{partners[0]}").get_attribute("class")
    screenshot(tab, "3-side-by-side-korean-bengali")


def test_the_keyboard_reaches_the_skip_link_then_the_search_box(tab, base_url):
    tab.goto(base_url + "/?q=사회복지")
    tab.keyboard.press("Tab")
    assert tab.evaluate("document.activeElement.textContent") == "Skip to content"
    assert tab.get_by_role("link", name="Skip to content").is_visible()
    tab.keyboard.press("Enter")
    tab.keyboard.press("Tab")
    assert tab.evaluate("document.activeElement.id") == "q"


def test_keyboard_focus_highlights_a_paragraphs_partners(tab, base_url):
    tab.goto(f"{base_url}/articles/001_e7969bfd07bd7312?with=000_aaa99257ef590384")
    tab.locator("#p-0").focus()
    tab.keyboard.press("Tab")
    focused = tab.evaluate("document.activeElement.id")
    assert focused.startswith("t-")
    partners = tab.locator(f"#{focused}").get_attribute("data-partners").split()
    for partner in partners:
        assert "is-partner" in tab.locator(f"#{partner}").get_attribute("class")


def test_switching_the_interface_to_bengali_keeps_the_search(tab, base_url):
    search_for(tab, base_url, "사회복지")
    tab.get_by_role("navigation", name="Interface language").get_by_role("link", name="বাংলা").click()
    tab.wait_for_selector('html[lang="bn"]')
    assert tab.get_by_role("button", name="খুঁজুন").is_visible()
    assert tab.get_by_label("যে শব্দগুলো খুঁজবেন").input_value() == "사회복지"
    assert tab.locator('.hit .passage[lang="ko"] mark').count() > 0
    screenshot(tab, "4-bengali-interface")


def test_on_a_phone_the_side_by_side_view_stacks_aligned_paragraphs(browser, base_url):
    context = browser.new_context(locale="ko-KR", viewport={"width": 390, "height": 844}, is_mobile=True)
    try:
        phone = context.new_page()
        phone.goto(f"{base_url}/articles/001_e7969bfd07bd7312?with=000_aaa99257ef590384")
        assert phone.locator("html").get_attribute("lang") == "ko"
        korean, bengali = phone.locator("#p-0").bounding_box(), phone.locator("#t-0").bounding_box()
        assert bengali["y"] >= korean["y"] + korean["height"]
        assert korean["width"] <= 390 and bengali["width"] <= 390
        screenshot(phone, "5-phone-side-by-side-korean-ui")
    finally:
        context.close()


# Lines a hit's snippet may take on a phone.
PHONE_SNIPPET_LINES = 4


@pytest.mark.parametrize("words", ["사회복지", "সমাজকর্ম", "election", "Brexit"])
def test_on_a_phone_each_hits_snippet_takes_at_most_four_lines(browser, base_url, words):
    context = browser.new_context(locale="en-US", viewport={"width": 390, "height": 844}, is_mobile=True)
    try:
        phone = context.new_page()
        phone.goto(f"{base_url}/?q={words}")
        phone.wait_for_selector(".hit")
        lines = phone.eval_on_selector_all(
            ".hit .snippet",
            "els => els.map(e => e.getBoundingClientRect().height / parseFloat(getComputedStyle(e).lineHeight))",
        )
        assert lines and max(lines) <= PHONE_SNIPPET_LINES + 0.5, lines
        screenshot(phone, f"6-phone-results-{words}")
    finally:
        context.close()


def test_a_facet_click_narrows_the_results_to_its_count(tab, base_url):
    tab.goto(f"{base_url}/?q=ferry&lang=en")
    before = tab.locator(".hit").count()
    facet = tab.locator('.facet[data-facet="source"] .facet-value[data-value="Harbour Times"]')
    assert facet.locator(".facet-count").inner_text() == "2"  # tests/dated: ferry-night-en, ferry-terminal-en
    facet.click()
    tab.wait_for_url("**source:*")
    sources = tab.locator(".hit .hit-source").all_inner_texts()
    assert len(sources) == 2 < before
    assert set(sources) == {"Harbour Times"}
    assert "source:" in tab.get_by_label("Search words").input_value()  # the narrowing shows in the box


def test_without_javascript_a_reader_searches_opens_a_whole_passage_and_narrows(browser, base_url):
    context = browser.new_context(locale="en-US", java_script_enabled=False, viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.goto(base_url + "/")
        page.get_by_label("Search words").fill("사회복지")
        page.get_by_role("button", name="Search").click()
        page.wait_for_selector(".hit")
        page.locator(".hit .passage-more summary").first.click()
        assert page.locator(".hit .full-passage").first.is_visible()
        page.goto(f"{base_url}/?q=ferry&lang=en")
        page.locator('.facet[data-facet="month"] .facet-value[data-value="2024-02"]').click()
        page.wait_for_url("**published*")
        assert page.locator(".hit").count() == 2
    finally:
        context.close()


def test_the_search_box_suggests_사회복지_for_사회복ㅈ_and_the_keyboard_picks_it(tab, base_url):
    tab.goto(base_url + "/")
    box = tab.get_by_role("combobox", name="Search words")
    results_top = tab.locator("#q-hint").bounding_box()["y"]
    box.press_sequentially("사회복ㅈ")
    listbox = tab.get_by_role("listbox", name="Suggestions")
    listbox.wait_for()
    assert box.get_attribute("aria-expanded") == "true"
    assert "사회복지" in listbox.get_by_role("option").all_inner_texts()
    assert tab.locator("#q-hint").bounding_box()["y"] == results_top, "opening the list moved the page"
    screenshot(tab, "6-suggestions-사회복ㅈ")

    tab.keyboard.press("ArrowDown")
    first = listbox.get_by_role("option").first
    assert first.get_attribute("aria-selected") == "true"
    assert box.get_attribute("aria-activedescendant") == first.get_attribute("id")
    chosen = first.inner_text()
    tab.keyboard.press("Enter")
    tab.wait_for_selector(".hit")
    assert tab.get_by_label("Search words").input_value() == chosen

    tab.get_by_label("Search words").fill("")
    tab.get_by_label("Search words").press_sequentially("ㅅㅎㅂ")
    listbox.wait_for()
    tab.keyboard.press("Escape")
    assert listbox.is_hidden()
    assert tab.get_by_label("Search words").get_attribute("aria-expanded") == "false"
