"""After ``briefgen serve`` swaps a rebuilt page's content in place, Material's page components work on the new
content: the table of contents follows the reader's scrolling (its "active" link), as after a real load."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import copy_briefing, require_tool
from servehelp import ServeProcess

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
ACTIVE = "md-nav__link--active"


def _active_toc(page) -> list[str]:
    """The hrefs of the table-of-contents links Material marks active."""
    return page.eval_on_selector_all(f".md-sidebar--secondary a.{ACTIVE}", "els => els.map(e => e.getAttribute('href'))")


def _scroll_to(page, anchor: str) -> None:
    page.evaluate("id => document.getElementById(id).scrollIntoView()", anchor)
    page.mouse.wheel(0, 1)  # a real scroll event, as a reader's


def test_table_of_contents_follows_scrolling_after_in_place_swap(tmp_path: Path) -> None:
    chromium = require_tool("chromium")
    from playwright.sync_api import expect, sync_playwright

    root = copy_briefing(tmp_path / "demo")
    actors = root / "content" / "entities" / "actors.yml"
    text = actors.read_text()
    assert "  summary: |\n    President of Russia." in text
    with ServeProcess(root, tmp_path / "tmp") as sp:
        sp.wait_for(r"built \d+ pages", timeout=120)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=chromium, args=ARGS)
            try:
                # wide enough for the table of contents beside the text, short enough to scroll
                page = browser.new_page(viewport={"width": 1400, "height": 500})
                page.goto(sp.url + "actors/putin.html")
                content = page.locator("article")
                # the component works on the page as loaded (this is what the swap must keep)
                _scroll_to(page, "mentioned-in")
                page.wait_for_function(f"() => document.querySelector('.md-sidebar--secondary a.{ACTIVE}[href=\"#mentioned-in\"]')",
                                       timeout=10_000)

                page.evaluate("window.__stillHere = 1")
                y = page.evaluate("window.scrollY")
                assert y > 300
                actors.write_text(text.replace("  summary: |\n    President of Russia.",
                                               "  summary: |\n    Head of state of Russia.", 1))
                expect(content).to_contain_text("Head of state of Russia.", timeout=30_000)
                assert page.evaluate("window.__stillHere") == 1  # swapped in place, not reloaded
                assert abs(page.evaluate("window.scrollY") - y) < 40  # where the reader was (remounting keeps it)

                # scrolling in the swapped content moves the table of contents' highlight, both ways
                _scroll_to(page, "facts")
                page.wait_for_function(f"() => document.querySelector('.md-sidebar--secondary a.{ACTIVE}[href=\"#facts\"]')",
                                       timeout=10_000)
                _scroll_to(page, "mentioned-in")
                page.wait_for_function(f"() => document.querySelector('.md-sidebar--secondary a.{ACTIVE}[href=\"#mentioned-in\"]')",
                                       timeout=10_000)
                assert "#facts" not in _active_toc(page)
            finally:
                browser.close()
        rc = sp.stop()
    assert rc == 0 and "Traceback" not in sp.output, sp.output
