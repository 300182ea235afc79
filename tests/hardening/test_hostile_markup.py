"""The hostile corpus (tests/hardening/corpus/hostile) through a real build: no payload becomes markup.

The corpus puts script/iframe/object/embed/form/base/meta/style tags, on*= handlers, javascript:/vbscript:/data:
URLs and Markdown injections (attr_list, footnotes, abbreviations, link definitions, admonitions, snippet
includes, HTML comments, tables, headings) into every field that reaches a page: capture text of .txt, .html
(trafilatura) and .md captures, title/outlet/byline detected from captures or given in annotations and front
matter, entity names, aliases, fields, facts, quotes, kind labels, the briefing's title, subtitle, marking and
authors. Every page is parsed whole (Material's own markup included) and must contain only the markup our
templates and Material write. tests/test_untrusted.py covers the golden hostile-capture case; this goes wider.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from briefgen.cli import main as briefgen_main
from hardening_support import HOSTILE, PageScan, base_briefing, build_copy, dangerous_url, html_pages, scan_page

URL_ATTRS = ("href", "src", "action", "formaction", "data", "poster", "background", "xlink:href", "srcset", "cite")
BANNED_IN_BODY = {"iframe", "frame", "frameset", "object", "embed", "applet", "base", "meta", "link", "style", "img",
                  "abbr", "math", "video", "audio", "source", "textarea", "select", "dialog", "template"}
MATERIAL_FORMS = ({"name": "search"}, {"data-md-component": "palette"})
CANARY = ("__pwned", "alert(", "msgbox(")


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> Path:
    return build_copy(HOSTILE / "content", tmp_path_factory.mktemp("hostile") / "b")


def test_every_capture_and_entity_has_a_page(hostile: Path) -> None:
    site = hostile / "site"
    for capture in (HOSTILE / "content" / "articles").iterdir():
        if capture.suffix in (".txt", ".html", ".md"):
            assert (site / "articles" / f"{capture.stem}.html").is_file(), capture.name
    pages = {p.relative_to(site).as_posix() for p in html_pages(site)}
    assert {"meetings/talks.html", "index.html", "timeline.html", "sources.html"} <= pages
    assert any(p.endswith("/alice.html") for p in pages) and any(p.endswith("/eve.html") for p in pages)


def violations(doc: PageScan, one_h1: bool = False) -> list[str]:
    """Markup in a page that neither our templates nor Material write. ``one_h1``: the page may have only its
    title as <h1> (article pages: a '# line' in a capture must not become a heading; author Markdown in entity
    fields may legitimately hold headings)."""
    out = []
    h1 = 0
    for el in doc.elements:
        where = f"{el!r}"
        for name, value in el.attrs.items():
            if name.startswith("on"):
                out.append(f"event handler {name}= on {where}")
            if name in URL_ATTRS and dangerous_url(value):
                out.append(f"{name}={value[:40]!r} on {where}")
            if name == "style" and ("url(" in value or "expression(" in value):
                out.append(f"style with url() on {where}")
        if el.in_body and el.tag in BANNED_IN_BODY:
            out.append(f"element <{el.tag}> in the body: {where}")
        if el.tag == "script":
            src = el.attrs.get("src")
            if src is not None and not re.fullmatch(r"/?(\.\./)*assets/javascripts/[\w.-]+\.js", src):
                out.append(f"script from {src!r}")
        if el.tag == "form" and not any(all(el.attrs.get(k) == v for k, v in f.items()) for f in MATERIAL_FORMS):
            out.append(f"a form that is not Material's: {where}")
        if el.tag == "form" and "action" in el.attrs:
            out.append(f"form with an action: {where}")
        if el.tag == "details" and el.attrs.get("class", "").split()[:1] not in (["bg-removed"], ["bg-removed-one"],
                                                                                 ["bg-detected"], ["bg-why"],
                                                                                 ["bg-figure-data"]):
            out.append(f"details element from content: {where}")
        if el.tag == "sup" and el.attrs.get("class") != "bg-cite":
            out.append(f"superscript (footnote?) from content: {where}")
        if "admonition" in el.attrs.get("class", "").split() and "bg-notes" not in el.attrs.get("class", ""):
            out.append(f"admonition from content: {where}")
        if el.attrs.get("id") in ("custom-id", "fn:1", "fnref:1") or {"cls", "x"} & set(el.attrs.get("class", "").split()):
            out.append(f"attr_list/footnote id or class: {where}")
        if el.tag == "svg" and not ("xmlns" in el.attrs and "viewbox" in el.attrs):
            out.append(f"svg from content: {where}")
        h1 += el.tag == "h1"
    if one_h1 and h1 > 1:
        out.append(f"{h1} <h1> elements (a Markdown heading was injected)")
    for script in doc.scripts:
        if any(c in script for c in CANARY):
            out.append(f"inline script from content: {script[:80]!r}")
    return out


def test_no_page_carries_injected_markup(hostile: Path) -> None:
    site = hostile / "site"
    problems = []
    for page in html_pages(site):
        rel = page.relative_to(site).as_posix()
        problems += [f"{rel}: {v}" for v in violations(scan_page(page), one_h1=rel.startswith("articles/"))]
    assert not problems, "\n".join(problems[:30])


def test_titles_and_meta_carry_no_markup(hostile: Path) -> None:
    """Page titles, the site name, description and author reach <title>, <meta> and attributes as plain text."""
    for page in html_pages(hostile / "site"):
        html = page.read_text()
        title = html[html.index("<title>") + 7:html.index("</title>")]
        assert "<" not in title and ">" not in title, (page, title)
        for m in re.finditer(r'<meta name="(description|author)" content="([^"]*)">', html):
            assert "<" not in m.group(2) and ">" not in m.group(2), (page, m.group(0))
        head = html[:html.index("<body")]
        assert head.count("<meta ") == len(re.findall(r"<meta [^>]*>", head))


@pytest.mark.parametrize("page, literals", [
    ("articles/hostile-txt.html", [
        "&lt;img src=x onerror=\"window.__pwned='img';alert('img')\"&gt;",
        "&lt;iframe src=\"javascript:parent.__pwned='iframe'\"&gt;&lt;/iframe&gt;",
        "&lt;object data=", "&lt;embed src=", "&lt;form action=", "[here](javascript:window.__pwned='md-link')",
        "[^1]: A footnote definition", "!!! note", "*[HTML]: Hyper Text Markup Language", "[ref]: javascript:alert(5)",
        "--8&lt;-- \"/etc/passwd\"", "&lt;!-- a comment --&gt; | a | table |", "# Not a heading",
        "{#custom-id .cls onmouseover=alert(6)}", "&lt;style&gt;body{display:none}&lt;/style&gt;&lt;base href=",
        "&lt;meta http-equiv=", "&lt;details open ontoggle=",
        "&amp;lt;script&amp;gt;alert('entity')&amp;lt;/script&amp;gt;",  # entities in a .txt are text, shown as typed
    ]),
    ("articles/hostile-page.html", [
        "&lt;img src=x onerror=\"window.__pwned='html-text'\"&gt;",  # entities in HTML decode to text, shown as such
        "[md](javascript:alert('html-md')) {: onclick=\"x\" } *[HTML]: H --8&lt;--",
        "&lt;style&gt;body{display:none}&lt;/style&gt;",
    ]),
    ("articles/hostile-md.html", [
        "&lt;script&gt;window.__pwned='md-body'&lt;/script&gt;", "&lt;img src=x onerror=",
        "[javascript link](javascript:window.__pwned='md-link')", "{: onclick=", "*[MD]: Markdown", "!!! warning",
        "--8&lt;-- ", "&lt;!-- comment --&gt;",
    ]),
    ("articles/hostile-detected.html", ["&lt;script&gt;alert('det')&lt;/script&gt;", "[a link](javascript:alert('det-link'))"]),
    ("index.html", ["&lt;script&gt;window.__pwned='overview'&lt;/script&gt;", "{: onclick=", "!!! danger", "--8&lt;--"]),
])
def test_payloads_are_shown_as_text(hostile: Path, page: str, literals: list[str]) -> None:
    html = (hostile / "site" / page).read_text()
    missing = [lit for lit in literals if lit not in html]
    assert not missing, f"{page}: not shown literally: {missing}"


def test_metadata_fields_are_text_everywhere(hostile: Path) -> None:
    """title/outlet/byline/date_note/origin from annotations, front matter, meta tags and capture text."""
    site = hostile / "site"
    sources = (site / "sources.html").read_text()
    for literal in ("&lt;script&gt;window.__pwned=&#39;outlet&#39;", "*[by]: injected &lt;img", "noted &lt;script&gt;",
                    "MD outlet &lt;img", "Outlet &lt;script&gt;alert(&#39;html-outlet&#39;)&lt;/script&gt; {: .x }"):
        assert literal.replace("&#39;", "'") in sources.replace("&#39;", "'").replace("&#x27;", "'"), literal


def test_search_index_holds_no_markup(hostile: Path) -> None:
    """Material renders search results from the index as HTML: the index text must be escaped like the pages."""
    index = json.loads((hostile / "site" / "search" / "search_index.json").read_text())
    problems = []
    for doc in index["docs"]:
        for field in ("title", "text"):
            scan = PageScan()
            scan.feed(doc.get(field, ""))
            # the search plugin drops attributes (our <sup class="bg-cite"> arrives as <sup>)
            problems += [f"{doc['location']} {field}: {v}" for v in violations(scan) if "superscript" not in v]
            problems += [f"{doc['location']} {field}: <{e.tag}>" for e in scan.elements if e.tag in ("script", "img", "iframe")]
    assert not problems, "\n".join(problems[:20])
    assert (hostile / "site" / "search" / "search_index.js").read_text().startswith("var __index = {")


# -- URLs: the loader refuses anything but http(s), with a located error ------------------------------------

BAD_URLS = ["javascript:alert(1)", "JaVaScRiPt:alert(1)", "vbscript:msgbox(1)", "data:text/html,<script>alert(1)</script>",
            "file:///etc/passwd", "ftp://example.org/x", "//evil.example/x", "\\\\evil.example\\x", "https://a b.example/",
            'https://example.org/"onmouseover="alert(1)', "https://example.org/<script>", " javascript:alert(1)", "https:alert(1)"]


def _check(root: Path, capsys) -> tuple[int, str]:
    code = briefgen_main(["-C", str(root), "check"])
    return code, capsys.readouterr().err


@pytest.mark.parametrize("url", BAD_URLS)
def test_non_http_url_in_annotation_is_refused(url: str, tmp_path: Path, capsys) -> None:
    root = base_briefing(tmp_path / "b")
    ann = root / "content" / "articles" / "talks.yml"
    ann.write_text(ann.read_text() + f"url: {json.dumps(url)}\n")
    code, err = _check(root, capsys)
    assert code == 1
    assert "content/articles/talks.yml:4:6: error[bad-url]:" in err, err
    assert "Traceback" not in err


@pytest.mark.parametrize("where", ["front-matter", "reference", "url-field", "site_url"])
def test_non_http_urls_refused_in_every_url_field(where: str, tmp_path: Path, capsys) -> None:
    root = base_briefing(tmp_path / "b")
    content = root / "content"
    if where == "front-matter":
        (content / "articles" / "memo.md").write_text('---\ntitle: Memo\nurl: "javascript:alert(1)"\n---\nAlice said hello.\n')
        # a capture's own front matter is not ours to edit: a warning, and the value is never a link
        expected = "content/articles/memo.md:3:6: warning[front-matter-url]"
    elif where == "reference":
        (content / "entities" / "ref.yml").write_text(
            "- id: zed\n  kind: actor\n  name: Zed\n  facts:\n"
            "    - {property: p, value: v, reference: {title: T, url: 'data:text/html,x'}}\n")
        expected = "content/entities/ref.yml:5:58: error[bad-url]"
    elif where == "url-field":
        briefing = content / "briefing.yml"
        briefing.write_text(briefing.read_text().replace("      side: {type: text}", "      side: {type: text}\n      home: {type: url}"))
        (content / "entities" / "home.yml").write_text("- id: zed\n  kind: actor\n  name: Zed\n  home: vbscript:msgbox(1)\n")
        expected = "content/entities/home.yml:4:9: error[bad-url]"
    else:
        briefing = content / "briefing.yml"
        briefing.write_text(briefing.read_text() + "site_url: 'javascript:alert(1)'\n")
        expected = "content/briefing.yml:29:11: error[bad-url]"
    code, err = _check(root, capsys)
    assert code == (0 if where == "front-matter" else 1) and expected in err, err


def test_urls_in_html_meta_tags_that_are_not_http_are_dropped(hostile: Path) -> None:
    """A capture's og:url of javascript: is not an annotation: it is ignored (never shown as a link)."""
    html = (hostile / "site" / "articles" / "hostile-page.html").read_text()
    assert "og-url" not in html
