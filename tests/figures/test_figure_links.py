"""Every link of every figure of the demo site works from ``file://`` in Chromium (no server, no JavaScript):
the page it names exists and opens, and clicking a mark or label inside an SVG follows it."""

from __future__ import annotations

import sys
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "hardening"))
from hardening_support import chromium, file_url  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.slow]

LINKS = """() => Array.from(document.querySelectorAll('figure.bg-figure a')).map(a => ({
  href: new URL(a.getAttribute('href'), location.href).href,
  svg: a.namespaceURI === 'http://www.w3.org/2000/svg',
  fig: a.closest('figure').id}))"""


def test_every_figure_link_opens_from_file_urls(built_demo: Path) -> None:
    site = built_demo / "site"
    pages = sorted(p for p in site.rglob("*.html") if "bg-figure" in p.read_text(encoding="utf-8"))
    kinds = {k for p in pages for k in ("bg-figure-map", "bg-figure-timeline", "bg-figure-connections", "bg-figure-chart")
             if k in p.read_text(encoding="utf-8")}
    assert {"bg-figure-map", "bg-figure-timeline", "bg-figure-connections", "bg-figure-chart"} <= kinds
    assert site / "map.html" in pages and site / "connections.html" in pages
    targets: dict[str, str] = {}
    broken = []
    with chromium() as browser:
        page = browser.new_page()
        svg_links = 0
        for p in pages:
            page.goto(file_url(p))
            for link in page.evaluate(LINKS):
                url = link["href"]
                svg_links += link["svg"]
                parts = urlsplit(url)
                if parts.scheme != "file":
                    continue  # a general-knowledge reference (outside the site)
                target = Path(unquote(parts.path))
                if not target.is_file():
                    broken.append(f"{p.relative_to(site)} #{link['fig']}: {url}")
                elif parts.fragment:
                    targets[url] = f"{p.relative_to(site)} #{link['fig']}"
                else:
                    targets.setdefault(url, f"{p.relative_to(site)} #{link['fig']}")
        assert not broken, "\n".join(broken)
        assert svg_links > 100
        # every distinct target opens in the browser (and its anchor, if any, is on it)
        for url, where in sorted(targets.items()):
            page.goto(url)
            assert page.title(), f"{where}: {url} opened no page"
            frag = urlsplit(url).fragment
            if frag:
                assert page.locator(f"[id='{frag}']").count() == 1, f"{where}: {url}: no #{frag}"
        # clicking inside an SVG follows the link: a place on the map, an event on the timeline, a node of a graph
        for start, selector in (("map.html", "#fig-map svg a:has(text)"), ("timeline.html", "#fig-timeline svg a:has(text)"),
                                ("connections.html", "#fig-connections svg a:has(text)")):
            page.goto(file_url(site / start))
            first = page.locator(selector).first
            href = first.get_attribute("href")
            with page.expect_navigation():
                first.locator("text").first.click()
            assert page.url == (file_url(site / start).rsplit("/", 1)[0] + "/" + href), (start, href, page.url)
