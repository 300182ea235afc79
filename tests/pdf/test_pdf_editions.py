"""The edition in the PDF, read back: the cover and every page name the edition, and a PDF compared with an earlier
edition opens (after the contents) with "What's new since edition N", the same items as the site's page, each
linked to where it stands in the PDF.

Two copies of the demo (edition 1): one is built, then edited by the scripted edits of the editions tests
(tests/editions/cases/scripted/edits.yml) plus a new article with a title that looks like Typst markup, and built
again with ``--pdf`` (compared with the site/ it replaces); the other is built, edited by the "unchanged" case
and exported with ``briefgen pdf``. The first copy's own edition-1 PDF has no such section.
"""

from __future__ import annotations

import dataclasses
import html
import importlib.util
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, copy_briefing
from pdfread import flat, links, named_destinations, outline, page_texts, toc_entries
from pypdf import PdfReader

from briefgen.build import compile_briefing
from briefgen.diagnostics import Diagnostics
from briefgen.model.manifest import read_since
from briefgen.render.print import build_print, entity_anchor
from briefgen.render.printdata import Run

pytestmark = pytest.mark.slow

CASES = ROOT / "tests" / "editions" / "cases"
HOSTILE_TITLE = 'Talks #read("/etc/passwd") $x$ <lbl> @ref [*not bold*] \\ end'
HOSTILE_SLUG = "2020-01-16-test-wire-hostile"


def _apply():
    """The edit steps of the editions tests (tests/editions/test_editions.py: ``apply``), one definition for both."""
    spec = importlib.util.spec_from_file_location("editions_steps", ROOT / "tests" / "editions" / "test_editions.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.apply


def _edit(root: Path, case: str, extra: list[dict] = ()) -> None:
    apply = _apply()
    for step in [*yaml.safe_load((CASES / case / "edits.yml").read_text(encoding="utf-8")), *extra]:
        apply(root, step)


def _run(*args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "briefgen", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def _wait(*procs: subprocess.Popen) -> None:
    for p in procs:
        _, err = p.communicate(timeout=600)
        assert p.returncode == 0, err
        assert "Traceback" not in err and "warning[" not in err, err


class Read:
    """A PDF read back once."""

    def __init__(self, pdf: Path, site_page: Path | None = None, root: Path | None = None) -> None:
        self.pdf = pdf
        self.root = root
        """The briefing folder, for a PDF built in it."""
        self.site_page = site_page
        """The site's "What's new" page of the same build (build/docs/whatsnew.md), when built."""
        self.reader = PdfReader(pdf)
        self.texts = page_texts(pdf)
        self.flat = [flat(t) for t in page_texts(pdf, layout=False)]
        self.dests = named_destinations(self.reader)
        self.outline = outline(self.reader)
        self.links = links(self.reader)


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory) -> dict[str, Read]:
    base = tmp_path_factory.mktemp("pdf-editions")
    scripted = copy_briefing(base / "scripted")
    unchanged = copy_briefing(base / "unchanged")
    _wait(_run("-C", str(scripted), "build", "-q", "--pdf"), _run("-C", str(unchanged), "build", "-q"))
    shutil.copy(scripted / "site" / "briefing.pdf", base / "edition-1.pdf")
    _edit(scripted, "scripted", [
        {"write": {"file": f"content/articles/{HOSTILE_SLUG}.txt", "text": "Sergei Lavrov spoke again.\n"}},
        {"write": {"file": f"content/articles/{HOSTILE_SLUG}.yml",
                   "text": f"title: '{HOSTILE_TITLE}'\noutlet: Test Wire\ndate: 2020-01-16\n"}}])
    _edit(unchanged, "unchanged")
    _wait(_run("-C", str(scripted), "build", "-q", "--pdf"),
          _run("-C", str(unchanged), "pdf", "-q", "-o", str(base / "unchanged.pdf")))
    return {"first": Read(base / "edition-1.pdf"),
            "scripted": Read(scripted / "site" / "briefing.pdf", scripted / "build" / "docs" / "whatsnew.md", scripted),
            "unchanged": Read(base / "unchanged.pdf")}


def _section(r: Read, anchor: str, next_anchor: str) -> str:
    """The text (reading order, whitespace folded) of the pages from ``anchor``'s page to before ``next_anchor``'s."""
    return " ".join(r.flat[r.dests[anchor]:r.dests[next_anchor]])


def test_cover_and_every_page_name_the_edition(pdfs) -> None:
    for name, line in (("first", "Edition 1"), ("scripted", "Edition 2 of 20 January 2020"),
                       ("unchanged", "Edition 2")):
        r = pdfs[name]
        cover = r.flat[0]
        assert line in cover, name
        assert cover.index("The Kuril Islands") < cover.index(line) < cover.index("As of"), name
        for i, text in enumerate(r.texts[1:], 2):
            # the footer: "<edition> · As of <date>" beside "Page N of M"
            footer = [ln for ln in text.splitlines() if f"Page {i} of {len(r.texts)}" in ln]
            assert footer and f"{line} · As of 20 December 2019" in footer[0], (name, i)
    assert "Edition 2 of" not in " ".join(pdfs["unchanged"].flat)  # dated as of its as_of: the date is not repeated


def test_without_an_earlier_edition_there_is_no_whats_new(pdfs) -> None:
    r = pdfs["first"]
    assert "whatsnew" not in r.dests
    assert not any("What's new" in t for t in r.flat)
    assert [o.title for o in r.outline][:2] == ["Contents", "Overview"]


def test_the_pdf_opens_with_whats_new_after_the_contents(pdfs) -> None:
    r = pdfs["scripted"]
    top = [o.title for o in r.outline]
    assert top[:3] == ["Contents", "What's new since edition 1", "Overview"]
    pages = {o.title: o.page for o in r.outline}
    assert pages["Contents"] < r.dests["whatsnew"] < pages["Overview"] < pages["Actors"]
    assert r.flat[r.dests["whatsnew"]].count("What's new since edition 1") >= 1
    # the contents list it first, with the page it is on
    entries = dict(toc_entries(r.texts, pages["Contents"], r.dests["whatsnew"]))
    assert entries["What's new since edition 1"] == r.dests["whatsnew"] + 1
    assert next(iter(entries)) == "What's new since edition 1"


def _site_items(page: Path) -> list[str]:
    """The items of the site's "What's new" page, as plain text."""
    text = page.read_text(encoding="utf-8").replace("<q>", "\u201c").replace("</q>", "\u201d")
    return [html.unescape(re.sub(r"<[^>]+>", "", li)) for li in re.findall(r"<li>(.*?)</li>", text)]


def test_whats_new_lists_the_same_items_as_the_site(pdfs) -> None:
    r = pdfs["scripted"]
    section = _section(r, "whatsnew", "overview")
    # the intro, then the groups in the site page's order
    assert "Edition 2 of 20 January 2020 (as of 20 December 2019) compared with edition 1 of 20 December 2019: " \
           "2 new articles, 1 fact changed, 1 figure moved, 1 rename, 2 entity details changed, 1 removal." in section
    heads = ["New articles", "Facts changed", "Figures that moved", "Entities changed", "Quotes removed"]
    assert [section.index(h) for h in heads] == sorted(section.index(h) for h in heads)
    assert r.site_page is not None
    items = _site_items(r.site_page)
    assert len(items) == 8
    # each item of the site, in the same order, once the pages the PDF adds ("Lavrov in Tokyo (p. 52)") are left out
    unpaged = re.sub(r" \(p\. \d+\)", "", section)
    at = [unpaged.find(item) for item in items]
    assert -1 not in at, [item for item, i in zip(items, at) if i < 0]
    assert at == sorted(at)
    assert "some 19,000 Russians → some 20,000 Russians (+1,000, +5.3%)" in section
    assert "the second → his second of the year" in section
    assert "its id changed from “nogami” to “kotaro-nogami”" in section
    # a title that looks like Typst markup is printed as it is written
    assert HOSTILE_TITLE in section


def test_whats_new_links_to_where_things_stand(pdfs) -> None:
    r = pdfs["scripted"]
    first, stop = r.dests["whatsnew"], r.dests["overview"]
    here = {a.dest for a in r.links if first <= a.page < stop and a.dest}
    expected = {"art-2020-01-15-test-wire-lavrov-tokyo", f"art-{HOSTILE_SLUG}", "ent-meeting-2016-09-02-vladivostok",
                "ent-disputed-islands", "ent-kotaro-nogami", "ent-lavrov", "ent-soviet-union", "ent-putin"}
    assert expected <= here, expected - here
    assert all(d in r.dests for d in here)
    # the cited paragraphs (¶7, ¶16, ¶4: explicit destinations) land on the page of the paragraph's own words
    landed = [a.dest_page for a in r.links if first <= a.page < stop and a.dest is None and a.uri is None]
    assert len(landed) == 3
    for page, words in zip(landed, ("his second this year", "home to some 19,000 Russians", "neither party will feel")):
        assert page is not None and words in r.flat[page], words
    section = _section(r, "whatsnew", "overview")
    # "(p. N)": the page each is on
    for text, dest in (("Lavrov in Tokyo", "art-2020-01-15-test-wire-lavrov-tokyo"), ("Kotaro Nogami", "ent-kotaro-nogami")):
        assert f"{text} (p. {r.dests[dest] + 1})" in section, text
    assert f"¶16 (p. {landed[1] + 1})" in section


def test_an_unchanged_briefing_says_nothing_changed(pdfs) -> None:
    r = pdfs["unchanged"]
    assert [o.title for o in r.outline][:3] == ["Contents", "What's new since edition 1", "Overview"]
    section = _section(r, "whatsnew", "overview")
    assert "Nothing changed since edition 1 of 20 December 2019: edition 2 publishes the same articles, entities, " \
           "facts and quotes." in section
    assert "New articles" not in section and "•" not in section
    assert not [a for a in r.links if r.dests["whatsnew"] <= a.page < r.dests["overview"]]


def _runs(value) -> list[Run]:
    if isinstance(value, Run):
        return [value]
    if isinstance(value, tuple):
        return [r for v in value for r in _runs(v)]
    if hasattr(value, "__dataclass_fields__"):
        return [r for name in value.__dataclass_fields__ for r in _runs(getattr(value, name))]
    return []


@pytest.mark.parametrize("site_url", [None, "https://briefings.example.org/kurils/"])
def test_a_pack_tells_the_whole_briefings_changes_without_dangling_links(pdfs, site_url) -> None:
    """In a pack, what is outside it is in italics (or on the site), never a link to a section the PDF lacks."""
    root = pdfs["scripted"].root
    diags = Diagnostics()
    compiled = compile_briefing(root, diags, since=read_since(root, None, diags))  # compared as `briefgen pdf` does
    assert compiled.model is not None and compiled.model.changes is not None
    model = dataclasses.replace(compiled.model, config=dataclasses.replace(compiled.model.config, site_url=site_url))
    doc = build_print(model, root, diags, "moscow-talks")
    assert doc is not None and doc.data.whatsnew is not None and not diags.has_errors()
    w = doc.data.whatsnew
    assert "the whole briefing" in w.intro
    printed = {e.anchor for k in doc.data.kinds for e in k.entities} | {a.anchor for a in doc.data.articles} | \
        {p.anchor for a in doc.data.articles for p in a.paragraphs}
    runs = _runs(w)
    assert {r.link for r in runs if r.link} <= printed
    nogami = next(r for r in runs if r.text == "Kotaro Nogami")  # not in the pack
    assert entity_anchor("kotaro-nogami") not in printed and nogami.link is None
    if site_url:
        assert nogami.url == site_url + "actors/kotaro-nogami.html"
    else:
        assert nogami.em and nogami.url is None
