"""Every page of the hostile corpus in Chromium: no dialog opens and no payload runs.

Payloads of the corpus call ``alert()`` and set ``window.__pwned``. Each page is opened from file://, every
element gets mouseover/focus events, every <details> is opened, and search results for payload words are
shown; then no dialog may have opened, ``window.__pwned`` must be unset and the page must have thrown nothing.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from hardening_support import HOSTILE, NOT_OPENED_FROM_DISK, build_copy, chromium, file_url, html_pages, search

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PROVOKE = """() => {
  for (const el of document.querySelectorAll('body *')) {
    for (const type of ['mouseover', 'mouseenter', 'focus', 'focusin']) {
      el.dispatchEvent(new Event(type, {bubbles: true}));
    }
  }
  for (const d of document.querySelectorAll('details')) d.open = true;
}"""


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    return build_copy(HOSTILE / "content", tmp_path_factory.mktemp("hostile-browser") / "b") / "site"


@pytest.fixture(scope="module")
def page():
    with chromium() as browser:
        context = browser.new_context()
        p = context.new_page()
        p.dialogs, p.errors = [], []
        p.on("dialog", lambda d: (p.dialogs.append(f"{d.type}: {d.message}"), d.dismiss()))
        p.on("pageerror", lambda e: p.errors.append(str(e)))
        yield p
        context.close()


def test_no_page_runs_a_payload(site: Path, page) -> None:
    problems = []
    pages = [p for p in html_pages(site) if p.relative_to(site).as_posix() not in NOT_OPENED_FROM_DISK]
    assert len(pages) >= 10
    for path in pages:
        page.dialogs.clear()
        page.errors.clear()
        page.goto(file_url(path), wait_until="load")
        page.evaluate(PROVOKE)
        page.wait_for_timeout(30)
        pwned = page.evaluate("() => window.__pwned === undefined ? null : String(window.__pwned)")
        rel = path.relative_to(site).as_posix()
        if pwned is not None:
            problems.append(f"{rel}: window.__pwned = {pwned}")
        problems += [f"{rel}: dialog {d}" for d in page.dialogs]
        problems += [f"{rel}: page error {e}" for e in page.errors]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("query", ["onerror", "injected", "Headline", "footnote"])
def test_search_results_for_payload_words_run_nothing(site: Path, page, query: str) -> None:
    """Material renders result excerpts as HTML: results holding payload text must show it as text."""
    page.dialogs.clear()
    assert search(page, file_url(site / "index.html"), query) >= 1
    page.evaluate(PROVOKE)
    page.wait_for_timeout(50)
    assert page.evaluate("() => window.__pwned === undefined"), page.evaluate("() => String(window.__pwned)")
    assert not page.dialogs
    assert page.locator(".md-search-result img, .md-search-result iframe, .md-search-result script").count() == 0
