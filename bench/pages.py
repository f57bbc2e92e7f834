"""Page heights and hits above the fold in Chromium at 1280 and 390 px, and the README's screenshots.

    .venv/bin/python -m bench.pages --index-dir var/index [--out pages] [--screenshots docs/screenshots]

Serves the index with `python -m search_app` on 127.0.0.1, opens each page at a desktop and a phone
viewport, and writes `bench/results/<out>.md`: the page's full height and how many hits (or coverage
rows) start above the fold. With `--screenshots`, saves what the viewport shows of the search, article,
coverage and home pages (the README's screenshots).
"""

from __future__ import annotations

import argparse
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
CHROMIUM = "/usr/bin/chromium"
# Viewports measured: a desktop window and a phone (iPhone 12-14 width).
VIEWPORTS = {"1280": (1280, 900), "390": (390, 844)}
# The pages measured: name, path, the selector of one result on it, and the README screenshot's name (or None).
PAGES = [
    ("search-election", "/?q=election", ".hit", "search"),
    ("search-brexit-all", "/?q=Brexit&lang=all", ".hit", None),
    ("search-사회복지", "/?q=" + quote("사회복지"), ".hit", None),
    ("article", "/articles/001_e7969bfd07bd7312", ".paragraph", "article"),
    ("coverage", "/coverage", ".coverage-story", "coverage"),
    ("home", "/", ".hit, .home-story", "home"),
]
# How long the server may take to answer /healthz.
SERVER_START_SECONDS = 30


def free_port() -> int:
    """A TCP port on 127.0.0.1 nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(index_dir: Path) -> tuple[subprocess.Popen, str]:
    """`python -m search_app` with one worker on a free port, and its address once it answers."""
    port = free_port()
    command = [sys.executable, "-m", "search_app", "--index-dir", str(index_dir), "--port", str(port), "--workers", "1"]
    server = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + SERVER_START_SECONDS
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2):
                return server, base
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit(f"the server did not start on {base}")


def measure(base: str, screenshots: Path | None) -> list[dict]:
    """Each page's height and results above the fold, at each viewport."""
    from playwright.sync_api import sync_playwright

    rows = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
        )
        for label, (width, height) in VIEWPORTS.items():
            context = browser.new_context(locale="en-US", viewport={"width": width, "height": height})
            page = context.new_page()
            for name, path, selector, shot in PAGES:
                page.goto(base + path)
                tops = page.eval_on_selector_all(selector, "els => els.map(e => e.getBoundingClientRect().top)")
                rows.append(
                    {
                        "page": name,
                        "width": label,
                        "height": page.evaluate("document.documentElement.scrollHeight"),
                        "results": len(tops),
                        "above_fold": sum(1 for top in tops if top < height),
                    }
                )
                if screenshots is not None and shot:  # what a reader sees first: the viewport, not the whole page
                    screenshots.mkdir(parents=True, exist_ok=True)
                    page.screenshot(path=str(screenshots / f"{shot}-{label}.png"))
            context.close()
        browser.close()
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.pages", description=__doc__.splitlines()[0])
    parser.add_argument("--index-dir", required=True, type=Path)
    parser.add_argument("--out", default="pages")
    parser.add_argument("--screenshots", type=Path)
    args = parser.parse_args(argv)
    server, base = start_server(args.index_dir)
    try:
        rows = measure(base, args.screenshots)
    finally:
        server.terminate()
        server.wait(timeout=10)
    lines = [
        f"# Page heights in Chromium ({args.index_dir.name}); fold = viewport height (900 / 844 px)",
        "",
        "| page | width | height px | results on page | results above the fold |",
        "|---|---|---|---|---|",
        *(f"| {r['page']} | {r['width']} | {r['height']} | {r['results']} | {r['above_fold']} |" for r in rows),
    ]
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{args.out}.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
