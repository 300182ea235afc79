"""Untrusted capture text and metadata never become markup in the built site (real MkDocs build)."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import run_cli
from test_golden_build import CASES, assemble


class Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts.append(data)


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory) -> Path:
    root = assemble(CASES / "hostile-capture", tmp_path_factory.mktemp("hostile") / "b")
    proc = run_cli("-C", str(root), "build")
    assert proc.returncode == 0, proc.stderr
    return root / "site"


def content_area(html: str) -> str:
    """The part of a page rendered from our Markdown (Material wraps it in <article class="md-content__inner">)."""
    start = html.index('<article class="md-content__inner')
    return html[start:html.index("</article>", start)]


def parse(path: Path) -> Collect:
    c = Collect()
    c.feed(content_area(path.read_text()))
    return c


def test_page_titles_carry_no_markup(hostile_site: Path) -> None:
    html = (hostile_site / "articles" / "hostile.html").read_text()
    title = html[html.index("<title>"):html.index("</title>")]
    assert "<b" not in title and "onmouseover" not in title.split("‹")[0]


@pytest.mark.parametrize("page", ["articles/hostile.html", "articles/index.html", "sources.html", "index.html",
                                  "actors/alice.html", "meetings/hostile-talks.html"])
def test_no_capture_markup_in_page(hostile_site: Path, page: str) -> None:
    doc = parse(hostile_site / page)
    for tag, attrs in doc.tags:
        assert tag not in ("iframe", "object", "embed", "form", "base", "meta", "link", "style", "script"), tag
        for name, value in attrs.items():
            assert not name.startswith("on"), f"{tag} has event handler {name}={value}"
            if name in ("href", "src", "action", "formaction"):
                v = (value or "").strip().lower()
                assert not v.startswith(("javascript:", "vbscript:", "data:")), f"{tag} {name}={value}"
        if tag == "img":
            assert attrs.get("src", "").startswith(("../", "assets", "data:image/svg")) or "x" != attrs.get("src"), attrs
        if tag == "style":
            pytest.fail("a <style> element came from content")
    assert not any("alert(" in s for s in doc.scripts), "a script from the capture ended up in the page"


def test_injections_show_literally(hostile_site: Path) -> None:
    html = (hostile_site / "articles" / "hostile.html").read_text()
    for literal in ("&lt;script&gt;alert(", "&lt;img src=x onerror=alert(1)&gt;", "[^1]: A footnote", "!!! note",
                    "--8&lt;-- ", "{: onclick=", "*[HTML]: Hyper Text", "[ref]: javascript:alert(5)", "# Not a heading"):
        assert literal in html, literal
    assert 'class="footnote' not in html and 'class="admonition note"' not in html.split("bg-notes")[0]
    assert "<abbr" not in html


def test_a_quote_written_in_a_meeting_shows_literally(hostile_site: Path) -> None:
    """The meeting's quote of Alice (words, context, source label from the capture) is text on both pages."""
    for page in ("meetings/hostile-talks.html", "actors/alice.html"):
        html = content_area((hostile_site / page).read_text())
        for literal in ("said &lt;img src=x onerror=alert(1)&gt; and &lt;iframe", "&lt;script&gt;alert(11)&lt;/script&gt;",
                        "[ctx](javascript:alert(12))", "&lt;script&gt;alert(9)&lt;/script&gt;, 11 January 2020, ¶2"):
            assert literal in html, (page, literal)
    meeting = parse(hostile_site / "meetings" / "hostile-talks.html")
    assert ("a", {"href": "../actors/alice.html"}) in meeting.tags  # the speaker, linked
