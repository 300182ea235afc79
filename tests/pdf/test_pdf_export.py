"""The PDF as a reader (and a PDF tool) meets it: real exports through the command line, read back with pypdf,
poppler (pdfinfo, pdftotext, pdffonts) and qpdf.

Three exports run once for the module, in parallel: the whole demo, and a small pack of a copy of the demo with
``site_url`` set, twice (different hash seeds) for the byte-identity check. Other cases use the small golden base.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from pypdf import PdfReader

from briefgen.build import compile_briefing
from briefgen.diagnostics import Diagnostics
from briefgen.model.types import Model
from briefgen.render.print import select
from conftest import ROOT, copy_briefing, require_tool, run_cli
from pdfread import flat, links, named_destinations, outline, page_texts, pdffonts, pdfinfo, toc_entries

pytestmark = pytest.mark.slow

BASE = ROOT / "tests" / "golden" / "build" / "_base"
HOSTILE = ROOT / "tests" / "golden" / "build" / "hostile-capture"
SITE_URL = "https://briefings.example.org/kurils/"
PACK = "kono-brief"


@dataclass
class Export:
    """One export, read back once (the tests share it)."""

    root: Path
    pdf: Path
    stderr: str
    model: Model

    @functools.cached_property
    def reader(self) -> PdfReader:
        return PdfReader(self.pdf)

    @functools.cached_property
    def texts(self) -> list[str]:
        """pdftotext -layout, per page."""
        return page_texts(self.pdf)

    @functools.cached_property
    def flat_texts(self) -> list[str]:
        """pdftotext (reading order), per page, whitespace folded."""
        return [flat(t) for t in page_texts(self.pdf, layout=False)]

    @functools.cached_property
    def dests(self) -> dict[str, int]:
        return named_destinations(self.reader)

    @functools.cached_property
    def outline(self):
        return outline(self.reader)

    @functools.cached_property
    def links(self):
        return links(self.reader)


def _spawn(args: list[str], seed: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    return subprocess.Popen([sys.executable, "-m", "briefgen", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env)


def _model(root: Path) -> Model:
    diags = Diagnostics()
    compiled = compile_briefing(root, diags)
    assert compiled.model is not None
    return compiled.model


@pytest.fixture(scope="module")
def exports(tmp_path_factory) -> dict[str, Export]:
    pytest.importorskip("weasyprint")
    base = tmp_path_factory.mktemp("pdf")
    demo = copy_briefing(base / "demo")
    packed = copy_briefing(base / "packed")
    yml = packed / "content" / "briefing.yml"
    text = yml.read_text()
    text = text.replace("case: exact\n", f"case: exact\nsite_url: {SITE_URL}\n", 1)
    text = text.replace("packs:\n", f"packs:\n  {PACK}:\n    title: Kono brief\n    entities: [kono]\n", 1)
    yml.write_text(text)
    jobs = {
        "demo": (demo, demo / "site" / "briefing.pdf", _spawn(["-C", str(demo), "pdf"], "1")),
        "pack": (packed, base / "p1.pdf", _spawn(["-C", str(packed), "pdf", "--pack", PACK, "-o", str(base / "p1.pdf")], "2")),
        "pack2": (packed, base / "p2.pdf", _spawn(["-C", str(packed), "pdf", "--pack", PACK, "-o", str(base / "p2.pdf")], "3")),
    }
    out = {}
    for name, (root, pdf, proc) in jobs.items():
        _, stderr = proc.communicate(timeout=600)
        assert proc.returncode == 0, f"{name}: {stderr}"
        out[name] = Export(root, pdf, stderr, _model(root))
    return out


# -- the whole demo ----------------------------------------------------------------------------------------

def test_cli_reports_what_it_wrote(exports) -> None:
    e = exports["demo"]
    assert re.search(r"briefgen: wrote site/briefing\.pdf in [\d.]+ s: \d+ pages", e.stderr), e.stderr
    assert "Traceback" not in e.stderr and "warning[" not in e.stderr


def test_pdf_is_valid_tagged_with_metadata(exports) -> None:
    e = exports["demo"]
    qpdf = require_tool("qpdf")
    check = subprocess.run([qpdf, "--check", str(e.pdf)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    info = pdfinfo(e.pdf)
    c = e.model.config
    assert info["Title"] == c.title
    assert info["Author"] == ", ".join(c.authors)
    assert info["Tagged"] == "yes"
    assert info["CreationDate"].startswith(c.as_of) and info["ModDate"].startswith(c.as_of)
    root = e.reader.trailer["/Root"]
    assert root["/Lang"] == c.language
    assert bool(root["/MarkInfo"]["/Marked"]) and "/StructTreeRoot" in root
    assert b'pdfuaid:part="1"' in root["/Metadata"].get_object().get_data()


def test_every_font_is_embedded(exports) -> None:
    fonts = pdffonts(exports["demo"].pdf)
    assert fonts
    for f in fonts:
        assert f["emb"] == "yes", f
        assert "DejaVu" in f["name"], f


def test_every_entity_appears_by_name(exports) -> None:
    e = exports["demo"]
    text = " ".join(e.flat_texts)
    missing = [x.spec.name for x in e.model.entities.values() if flat(x.spec.name) not in text]
    assert not missing


def test_marking_title_and_page_numbers_on_every_page(exports) -> None:
    e = exports["demo"]
    texts = e.texts
    n = len(texts)
    marking = e.model.config.marking
    for i, t in enumerate(texts):
        lines = [ln.strip() for ln in t.splitlines() if ln.strip()]
        assert lines[0] == marking and lines[-1] == marking, f"page {i + 1}: marking not at top and bottom"
        if i > 0:
            assert f"Page {i + 1} of {n}" in t, f"page {i + 1}: no 'Page N of M'"
            assert e.model.config.title.split(" / ")[0] in t, f"page {i + 1}: no running title"


def test_outline_follows_sections_and_entities(exports) -> None:
    e = exports["demo"]
    tree = e.outline
    m = e.model
    kinds = [k for k in m.config.kinds if m.entities_of(k.id)]
    expected_top = ["Contents", "Overview", *[k.plural for k in kinds], "Timeline", "Source articles", "Sources", "Index"]
    assert [o.title for o in tree] == expected_top
    by_title = {o.title: o for o in tree}
    for k in kinds:
        assert [c.title for c in by_title[k.plural].children] == [x.spec.name for x in m.entities_of(k.id)]
    assert [c.title for c in by_title["Source articles"].children] == [a.title for a in m.articles.values()]
    assert by_title["Overview"].children, "the overview's own headings are bookmarked under it"
    dests = e.dests
    for k in kinds:
        for child, x in zip(by_title[k.plural].children, m.entities_of(k.id)):
            assert child.page == dests[f"ent-{x.spec.id}"], child.title
    pages = [o.page for o in tree]
    assert pages == sorted(pages)


def test_toc_page_numbers_are_where_the_headings_are(exports) -> None:
    e = exports["demo"]
    texts = e.texts
    tree = e.outline
    first = next(o.page for o in tree if o.title == "Contents")
    stop = next(o.page for o in tree if o.title == "Overview")
    entries = toc_entries(texts, first, stop)
    printed = {}
    for label, page in entries:
        printed.setdefault(label, page)
    dests = e.dests
    checked = 0
    for x in e.model.entities.values():
        name = flat(x.spec.name)
        assert name in printed, f"{name} not in the table of contents"
        page = printed[name]
        assert page == dests[f"ent-{x.spec.id}"] + 1, name
        assert name in flat(texts[page - 1]), f"{name}: heading not on page {page}"
        checked += 1
    for o in tree[1:]:
        assert printed[o.title] == o.page + 1, o.title
        assert o.title in texts[o.page], o.title
    assert checked == len(e.model.entities)


def test_internal_links_resolve(exports) -> None:
    e = exports["demo"]
    dests = e.dests
    n_pages = len(e.reader.pages)
    internal = 0
    for link in e.links:
        if link.uri is not None:
            assert link.uri.startswith(("https://", "http://")), link
            continue
        internal += 1
        if link.dest is not None:
            assert link.dest in dests, link
        else:
            assert link.dest_page is not None and 0 <= link.dest_page < n_pages, link
    assert internal > 500


def test_cross_references_give_the_page(exports) -> None:
    e = exports["demo"]
    dests = e.dests
    text = " ".join(e.flat_texts)
    for eid in ("kunashir", "lavrov", "russia", "peace-treaty"):
        name = e.model.entities[eid].spec.name
        page = dests[f"ent-{eid}"] + 1
        assert f"{name} (p. {page})" in text, f"no '{name} (p. {page})'"
        for other in re.findall(r"(?:^|[,;:(] )" + re.escape(name) + r" \(p\. (\d+)\)", text):
            assert int(other) == page, f"'{name} (p. {other})' but its section is on page {page}"


def test_page_numbers_shorter_than_their_placeholder_leave_no_gap(exports) -> None:
    # 64 pages: placeholders are two digits wide; "(p. 8)" is followed by its punctuation with no space between
    text = "\n".join(exports["demo"].texts)
    assert re.search(r"\(p\. \d\)[.,;:')]", text), "no one-digit page reference directly followed by punctuation"
    gaps = re.findall(r"\(p\. \d\) +[.,;:')]", text)
    assert not gaps, gaps[:5]


def test_notes_link_to_the_cited_paragraph(exports) -> None:
    e = exports["demo"]
    dests = e.dests
    texts = e.flat_texts
    para_links = {link.dest for link in e.links if link.dest and re.fullmatch(r"art-.+_p\d+", link.dest)}
    assert len(para_links) > 50
    for dest in sorted(para_links)[:: max(1, len(para_links) // 12)]:
        slug, _, number = dest[4:].rpartition("_p")
        para = e.model.articles[slug].paragraphs[int(number) - 1]
        words = " ".join(para.text.split()[:4])
        assert words in flat(texts[dests[dest]]), f"{dest}: paragraph not on page {dests[dest] + 1}"


def test_index_lists_entities_with_their_pages(exports) -> None:
    e = exports["demo"]
    tree = e.outline
    start = next(o.page for o in tree if o.title == "Index")
    texts = e.flat_texts
    index = flat(" ".join(texts[start:]))
    dests = e.dests
    for eid in ("kunashir", "lavrov", "putin"):
        x = e.model.entities[eid]
        page = dests[f"ent-{eid}"] + 1
        assert re.search(re.escape(x.spec.name) + r" \(" + x.kind.label.lower() + r"\) " + str(page) + r"\b", index), x.spec.name


# -- packs ------------------------------------------------------------------------------------------------------

def test_two_exports_are_byte_identical(exports) -> None:
    assert exports["pack"].pdf.read_bytes() == exports["pack2"].pdf.read_bytes()


def test_pack_holds_its_entities_and_points_outside_to_the_site(exports) -> None:
    e = exports["pack"]
    sel = select(e.model, PACK, Diagnostics())
    text = " ".join(e.flat_texts)
    assert "Kono brief" in text and "About this pack" in text
    tree = e.outline
    names = {c.title for o in tree for c in o.children}
    assert names >= {e.model.entities[i].spec.name for i in sel.entities}
    assert len(e.reader.pages) < 20
    dests = e.dests
    n_pages = len(e.reader.pages)
    outside = 0
    for link in e.links:
        if link.uri is not None:
            if link.uri.startswith(SITE_URL):
                outside += 1
                assert re.fullmatch(re.escape(SITE_URL) + r"[a-z0-9-]+/[a-z0-9-]+\.html(#p\d+)?", link.uri), link.uri
            continue
        assert (link.dest in dests) if link.dest else (link.dest_page is not None and link.dest_page < n_pages), link
    assert outside > 0, "references outside the pack lead to the published site"


# -- errors, hostile content, build --pdf (small briefings) ------------------------------------------------------

def _small(tmp_path: Path) -> Path:
    root = tmp_path / "b"
    shutil.copytree(BASE / "content", root / "content")
    return root


def test_unknown_pack_is_a_located_error_and_keeps_the_pdf(tmp_path: Path) -> None:
    root = _small(tmp_path)
    yml = root / "content" / "briefing.yml"
    yml.write_text(yml.read_text() + "packs:\n  alice-visit: {title: Alice's visit, entities: [alice]}\n")
    out = tmp_path / "old.pdf"
    out.write_bytes(b"%PDF-1.7 previous export")
    proc = run_cli("-C", str(root), "pdf", "--pack", "alice-vist", "-o", str(out))
    assert proc.returncode == 1
    assert re.search(r"^content/briefing\.yml:\d+:\d+: error\[unknown-pack\]: .*'alice-vist'", proc.stderr, re.M), proc.stderr
    assert "hint: did you mean 'alice-visit'?" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert out.read_bytes() == b"%PDF-1.7 previous export"


def test_failed_export_never_destroys_the_previous_pdf(tmp_path: Path) -> None:
    root = _small(tmp_path)
    tpl = root / "templates" / "print"
    tpl.mkdir(parents=True)
    (tpl / "briefing.html.j2").write_text("<html>\n<body>\n{{ doc.title }\n</body>\n</html>\n")
    site = root / "site"
    site.mkdir()
    (site / "briefing.pdf").write_bytes(b"%PDF previous")
    proc = run_cli("-C", str(root), "pdf")
    assert proc.returncode == 1
    assert re.search(r"^templates/print/briefing\.html\.j2:3:\d+: error\[template\]", proc.stderr, re.M), proc.stderr
    assert "left as it was" in proc.stderr and "Traceback" not in proc.stderr
    assert (site / "briefing.pdf").read_bytes() == b"%PDF previous"
    assert sorted(p.name for p in site.iterdir()) == ["briefing.pdf"], "no temporary file left behind"


def test_unwritable_output_is_a_located_error(tmp_path: Path) -> None:
    root = _small(tmp_path)
    target = tmp_path / "a-folder.pdf"
    target.mkdir()
    proc = run_cli("-C", str(root), "pdf", "-o", str(target))
    assert proc.returncode == 1
    assert "error[pdf-write]" in proc.stderr and "Traceback" not in proc.stderr
    assert target.is_dir() and not list(tmp_path.glob(".a-folder.pdf.tmp-*"))


SVG = ('<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="40" height="20">'
       '<image href="file:///etc/passwd" width="10" height="10"/>'
       '<image xlink:href="http://169.254.169.254/latest/meta-data/" width="10" height="10"/></svg>')


def test_hostile_resources_embed_nothing_and_the_export_succeeds(tmp_path: Path) -> None:
    import base64

    root = _small(tmp_path)
    shutil.copytree(HOSTILE / "content", root / "content", dirs_exist_ok=True)
    arts = root / "content" / "articles"
    (arts / "evil.md").write_text("---\ntitle: Evil capture\noutlet: Nowhere\ndate: 2020-01-13\n---\n\n"
                                  "Alice Example said this. ![p](/etc/passwd) ![q](../../../../etc/passwd)\n\n"
                                  '<img src="file:///etc/passwd"> <link rel="stylesheet" href="http://169.254.169.254/x.css">\n')
    (arts / "evil2.html").write_text('<html><head><title>Evil page</title><link rel="stylesheet" '
                                     'href="http://169.254.169.254/latest/meta-data/x.css"></head><body><article>'
                                     "<h1>Evil page</h1><p>Alice Example met Bob in Strelsau, the story says at length"
                                     " so that the extractor keeps this paragraph as the article body text.</p>"
                                     '<img src="file:///etc/passwd"><iframe src="http://169.254.169.254/"></iframe>'
                                     "<p>Another paragraph of the story about Ruritania and its foreign minister.</p>"
                                     "</article></body></html>")
    (arts / "evil2.yml").write_text("date: 2020-01-14\n")
    ov = root / "content" / "overview.md"
    data = base64.b64encode(SVG.encode()).decode()
    ov.write_text(ov.read_text() + f"\n![map](data:image/svg+xml;base64,{data})\n")
    tpl = root / "templates" / "print"
    tpl.mkdir(parents=True)
    css = (ROOT / "templates" / "print" / "print.css").read_text()
    (tpl / "print.css").write_text('@import url("http://169.254.169.254/latest/meta-data/");\n' + css
                                   + '\n.cover { background: url("file:///etc/passwd"); }\n'
                                   + '@font-face { font-family: Evil; src: url("https://example.org/evil.woff2"); }\n')
    out = tmp_path / "hostile.pdf"
    proc = run_cli("-C", str(root), "pdf", "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    refused = set(re.findall(r"warning\[pdf-resource-refused\]: not embedded in the PDF: '([^']+)'", proc.stderr))
    assert {"file:///etc/passwd", "http://169.254.169.254/latest/meta-data/"} <= refused, proc.stderr
    assert "warning[pdf-image]" in proc.stderr
    qpdf = require_tool("qpdf")
    plain = tmp_path / "plain.pdf"
    subprocess.run([qpdf, "--qdf", "--object-streams=disable", str(out), str(plain)], check=True)
    raw = plain.read_bytes()
    assert b"root:x:0:0" not in raw and b"/bin/bash" not in raw
    images = [obj for obj in raw.split(b"endobj") if b"/Subtype /Image" in obj]
    # the only images: the stylesheet's own leader dots of the contents (two 60x142 PNGs and their alpha masks)
    assert len(images) <= 4 and all(b"/Width 60" in o and b"/Height 142" in o for o in images), "an image was embedded"
    text = flat(" ".join(page_texts(out, layout=False)))
    assert "<script>alert('title')</script>" in text, "article text is printed as text"


@pytest.fixture(scope="module")
def small_build(tmp_path_factory) -> Path:
    root = _small(tmp_path_factory.mktemp("build-pdf"))
    proc = run_cli("-C", str(root), "build", "--pdf")
    assert proc.returncode == 0, proc.stderr
    return root


def test_build_pdf_writes_it_into_the_site(small_build: Path) -> None:
    pdf = small_build / "site" / "briefing.pdf"
    assert pdf.read_bytes().startswith(b"%PDF-1.7")
    assert pdfinfo(pdf)["Title"] == "Golden case briefing"


def test_build_pdf_links_the_pdf_from_the_home_page(small_build: Path) -> None:
    assert 'href="briefing.pdf"' in (small_build / "site" / "index.html").read_text()


def test_pdf_true_in_briefing_yml_puts_the_pdf_in_every_build(tmp_path: Path) -> None:
    root = _small(tmp_path)
    yml = root / "content" / "briefing.yml"
    assert run_cli("-C", str(root), "build", "--pdf").returncode == 0
    plain = run_cli("-C", str(root), "build")  # without pdf: true, a plain build drops the PDF, and says so
    assert plain.returncode == 0, plain.stderr
    assert not (root / "site" / "briefing.pdf").exists()
    assert 'href="briefing.pdf"' not in (root / "site" / "index.html").read_text()
    assert "site/briefing.pdf of the previous build is gone" in plain.stderr and "pdf: true" in plain.stderr

    yml.write_text(yml.read_text() + "pdf: true\n")
    for _ in range(2):  # the second build finds nothing changed (build cache): the PDF stays
        proc = run_cli("-C", str(root), "build")
        assert proc.returncode == 0, proc.stderr
        pdf = root / "site" / "briefing.pdf"
        assert pdf.read_bytes().startswith(b"%PDF-1.7")
        assert 'href="briefing.pdf"' in (root / "site" / "index.html").read_text()
        assert "is gone" not in proc.stderr
    first_line = run_cli("-C", str(root), "build", "--no-cache").stderr.splitlines()[0]
    pages = len(PdfReader(pdf).pages)
    assert re.fullmatch(rf"briefgen: built site/ in [\d.]+ s: \d+ pages, .*; site/briefing\.pdf: {pages} pages, "
                        rf"\d+ KiB; 0 errors, 0 warnings", first_line), first_line


def test_pdf_in_briefing_yml_must_be_true_or_false(tmp_path: Path) -> None:
    root = _small(tmp_path)
    yml = root / "content" / "briefing.yml"
    yml.write_text(yml.read_text() + "pdf: yes\n")
    proc = run_cli("-C", str(root), "build")
    assert proc.returncode == 1
    assert re.search(r"content/briefing\.yml:\d+:6: error\[bad-bool\]: 'yes' is not true or false for 'pdf'",
                     proc.stderr), proc.stderr


# -- page numbers: one layout ---------------------------------------------------------------------------------

def test_page_references_need_one_layout_and_a_wrong_width_guess_changes_nothing(monkeypatch) -> None:
    pytest.importorskip("weasyprint")
    import briefgen.emit.pdf as pdf
    from briefgen.render.print import build_print

    diags = Diagnostics()
    doc = build_print(_model(BASE), BASE, diags)
    assert doc is not None
    timings: dict = {}
    data, pages, _ = pdf.render_pdf(doc, diags, timings)
    assert timings["passes"] == 1 and timings["page_layouts"] == pages, timings
    right = len(str(pages))
    monkeypatch.setattr(pdf, "_estimate_digits", lambda html: right + 1)
    again: dict = {}
    data2, pages2, _ = pdf.render_pdf(doc, diags, again)
    assert again["passes"] == 2 and pages2 == pages
    assert data2 == data  # laid out again with placeholders of the right width: the same PDF


def test_placeholders_replace_only_the_page_of_the_own_target() -> None:
    from briefgen.emit.pdf import PLACEHOLDER, _placeholder_css

    css, found = _placeholder_css('a::after { content: "(p. " target-counter(attr(href url), page) ")"; }\n'
                                  'b::after { content: target-counter(attr(data-x url), page); }', 2)
    assert found and f'"{PLACEHOLDER * 2}"' in css and "target-counter(attr(data-x url), page)" in css
    assert _placeholder_css("p { color: red; }", 2) == ("p { color: red; }", False)


# -- speed-ups that must not change the document --------------------------------------------------------------

def test_serialisation_shortcuts_change_only_the_compression_and_are_undone(monkeypatch) -> None:
    pytest.importorskip("weasyprint")
    import contextlib
    import gc

    import pydyf

    import briefgen.emit.pdf as pdf
    from briefgen.render.print import build_print

    diags = Diagnostics()
    doc = build_print(_model(BASE), BASE, diags)
    assert doc is not None
    zlib_before, refs_before = pydyf.zlib, pydyf.PDF.__dict__["page_references"]
    data, _, _ = pdf.render_pdf(doc, diags)
    assert pydyf.zlib is zlib_before and pydyf.PDF.__dict__["page_references"] is refs_before
    assert gc.isenabled()  # the collector is back on after the export
    gc.disable()
    try:
        assert pdf.render_pdf(doc, diags)[0] == data
        assert not gc.isenabled()  # ... and stays off when it was off
    finally:
        gc.enable()
    with monkeypatch.context() as m:  # pydyf's own level with the cached page references: pydyf's own bytes
        m.setattr(pdf, "COMPRESS_LEVEL", 9)
        cached = pdf.render_pdf(doc, diags)[0]
        m.setattr(pdf, "_lighter_serialisation", contextlib.nullcontext)
        plain = pdf.render_pdf(doc, diags)[0]
    assert cached == plain != data
