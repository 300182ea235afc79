"""``briefgen serve`` in a real browser (Debian Chromium driven by Playwright): live reload, error overlay."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest

from conftest import require_tool
from servehelp import ServeProcess, small_briefing

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
HOSTILE = '- id: x\n  kind: "<img src=x onerror=window.__pwned=1>"\n  name: X\n'


def test_edit_reloads_error_shows_banner_fix_clears_it(tmp_path: Path) -> None:
    chromium = require_tool("chromium")
    from playwright.sync_api import expect, sync_playwright

    root = small_briefing(tmp_path / "b")
    base = root / "content" / "entities" / "base.yml"
    good = base.read_text()
    with ServeProcess(root, tmp_path / "tmp") as sp:
        sp.wait_for(r"built \d+ pages")
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=chromium, args=ARGS)
            try:
                page = browser.new_page()
                outside: list[str] = []
                page.on("request", lambda r: outside.append(r.url)
                        if urlsplit(r.url).hostname not in ("127.0.0.1", None) and not r.url.startswith("data:") else None)
                page.goto(sp.url + "actors/alice.html")
                content = page.locator("article")
                expect(content).to_contain_text("Foreign minister of")

                # an edit of an annotation: the open page shows it by itself, its content swapped in place (the
                # page is not reloaded, so what the reader did there stays)
                page.evaluate("window.__stillHere = 1")
                base.write_text(good.replace("Foreign minister of", "Chief diplomat of"))
                expect(content).to_contain_text("Chief diplomat of", timeout=15_000)
                assert page.evaluate("window.__stillHere") == 1

                # broken YAML: a banner with the located diagnostic, over the last good content
                base.write_text(good + "- id: [broken\n")
                banner = page.locator("#briefgen-errors")
                expect(banner).to_be_visible(timeout=15_000)
                expect(banner).to_contain_text("content/entities/base.yml:")
                expect(banner).to_contain_text("error[yaml-")
                expect(content).to_contain_text("Chief diplomat of")
                assert page.evaluate("window.__stillHere") == 1  # not reloaded: the last good page stays

                # diagnostics carry user text: shown as text, never as markup
                base.write_text(good + HOSTILE)
                expect(banner).to_contain_text("<img src=x onerror=window.__pwned=1>", timeout=15_000)
                assert banner.locator("img").count() == 0
                assert page.evaluate("window.__pwned") is None

                # fixed: the banner goes away (the content is what it was, so no reload is needed)
                base.write_text(good.replace("Foreign minister of", "Chief diplomat of"))
                expect(banner).to_have_count(0, timeout=15_000)
                expect(content).to_contain_text("Chief diplomat of")
                # a new entity is a new page, added without a full build (the navigation lists only the index
                # pages; the sitemap, which no page shows, follows): the open page, whose text changed too, is
                # swapped in place, and the new page is served
                base.write_text(good.replace("Foreign minister of", "Chief envoy of")
                                + "- id: zed\n  kind: actor\n  name: Zed\n")
                expect(content).to_contain_text("Chief envoy of", timeout=30_000)
                assert page.evaluate("window.__stillHere") == 1
                status, body, _ = sp.get("/actors/zed.html")
                assert status == 200 and b"Zed" in body

                # a page removed while it is open: the browser is told, and reloads (to the site's 404 page)
                page.goto(sp.url + "actors/zed.html")
                expect(content).to_contain_text("Zed")
                page.evaluate("window.__stillHere = 2")
                base.write_text(good.replace("Foreign minister of", "Chief envoy of"))
                expect(page.locator("body")).to_contain_text("404", timeout=30_000)
                assert page.evaluate("window.__stillHere") is None
                page.goto(sp.url + "actors/alice.html")
                page.evaluate("window.__stillHere = 3")

                # a new title changes every page's header (mkdocs.yml): a full build and a real reload
                briefing = root / "content" / "briefing.yml"
                briefing.write_text(briefing.read_text().replace("title: Golden case briefing",
                                                                 "title: Renamed case briefing", 1))
                expect(page.locator(".md-header")).to_contain_text("Renamed case briefing", timeout=30_000)
                assert page.evaluate("window.__stillHere") is None
                assert outside == [], outside
            finally:
                browser.close()
        rc = sp.stop()
    assert rc == 0 and "Traceback" not in sp.output, sp.output
