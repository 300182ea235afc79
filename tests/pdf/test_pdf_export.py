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
from conftest import ROOT, copy_briefing, require_tool, run_cli
from pdfread import flat, link_texts, links, named_destinations, outline, page_texts, pdffonts, pdfinfo, toc_entries
from pypdf import PdfReader

from briefgen.build import compile_briefing
from briefgen.diagnostics import Diagnostics
from briefgen.model.types import Model
from briefgen.render.differences import differences_of
from briefgen.render.print import select

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
    assert re.search(rb'pdfuaid:part(="1"|>1<)', root["/Metadata"].get_object().get_data())


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


def _printed_order(m: Model, kind_id: str) -> list:
    """The entities of a kind in the order the PDF prints them: by date for a kind on the timeline, else by name."""
    kind = m.config.kind(kind_id)
    ents = m.entities_of(kind_id)
    if kind is not None and kind.timeline:
        def first(x):
            fv = x.spec.field(kind.timeline)
            v = fv.value if fv is not None else None
            return str(v[0] if isinstance(v, tuple) and v else v or "9999")
        ents = sorted(ents, key=lambda x: (first(x), x.spec.name.casefold()))
    return ents


def test_outline_follows_sections_and_entities(exports) -> None:
    e = exports["demo"]
    tree = e.outline
    m = e.model
    kinds = [k for k in m.config.kinds if m.entities_of(k.id)]
    differ = ["Where sources differ"] if differences_of(m) else []  # after the chapters (tests/pdf/test_pdf_differences.py)
    expected_top = ["Contents", "Overview", *[k.plural for k in kinds], *differ, "Timeline", "Maps and connections",
                    "Source articles", "Sources", "Index"]
    assert [o.title for o in tree] == expected_top
    by_title = {o.title: o for o in tree}
    for k in kinds:
        assert [c.title for c in by_title[k.plural].children] == [x.spec.name for x in _printed_order(m, k.id)]
    assert [c.title for c in by_title["Source articles"].children] == [a.title for a in m.articles.values()]
    assert by_title["Overview"].children, "the overview's own headings are bookmarked under it"
    dests = e.dests
    for k in kinds:
        for child, x in zip(by_title[k.plural].children, _printed_order(m, k.id)):
            assert child.page == dests[f"ent-{x.spec.id}"], child.title
    pages = [o.page for o in tree]
    assert pages == sorted(pages)


def test_timeline_kinds_are_in_date_order(exports) -> None:
    """Meetings (a kind with 'timeline:') follow each other by date in their chapter, not by name."""
    e = exports["demo"]
    m = e.model
    meetings = {o.title: o for o in e.outline}["Meetings"].children
    dates = []
    for child in meetings:
        x = next(x for x in m.entities_of("meeting") if x.spec.name == child.title)
        dates.append(str(x.spec.field("date").value[0]))
    assert dates == sorted(dates) and len(dates) > 3
    assert [c.title for c in meetings] != sorted(c.title for c in meetings), "the demo's meetings are not alphabetical"


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
    """A note's source ("Outlet, date, ¶9") links to the page where that paragraph of the article is printed."""
    from briefgen.render.markdown import citation_label

    e = exports["demo"]
    texts = e.flat_texts
    labels = {}
    for a in e.model.articles.values():
        for p in a.paragraphs:
            from briefgen.model.types import Citation
            labels[flat(citation_label(e.model, Citation(a.slug, p.number, None)))] = (a, p)
    checked = 0
    for link, words in link_texts(e.reader, e.pdf):
        key = flat(words)
        if link.uri is not None or key not in labels:
            continue
        a, p = labels[key]
        page = link.dest_page if link.dest_page is not None else e.dests.get(link.dest or "")
        assert page is not None, (key, link)
        start = " ".join(p.text.split()[:4])
        assert start in texts[page] or start in flat(texts[page] + " " + texts[min(page + 1, len(texts) - 1)]), \
            f"{key}: paragraph not on page {page + 1}"
        checked += 1
    assert checked > 50


def test_index_lists_entities_with_their_pages(exports) -> None:
    """People by surname ("Lavrov, Sergei"), with their own page first and then every page naming them; other
    names that read differently (aliases, names in other languages) point to the entry."""
    e = exports["demo"]
    tree = e.outline
    start = next(o.page for o in tree if o.title == "Index")
    texts = e.flat_texts
    index = flat(" ".join(texts[start:]))
    dests = e.dests
    for eid, entry in (("kunashir", "Kunashir"), ("lavrov", "Lavrov, Sergei"), ("putin", "Putin, Vladimir")):
        x = e.model.entities[eid]
        page = dests[f"ent-{eid}"] + 1
        m = re.search(re.escape(entry) + r" \(" + x.kind.label.lower() + r"\) " + str(page) + r"((?:, \d+)*)", index)
        assert m, entry
        others = [int(n) for n in re.findall(r"\d+", m.group(1))]
        assert others == sorted(set(others)) and len(others) >= 3, f"{entry}: every page naming it ({others})"
        for n in others:  # each is a page where the name (or an alias of it) is printed
            aliases = [x.spec.name, *(a.text for a in x.spec.aliases)]
            assert any(flat(al) in texts[n - 1] for al in aliases), f"{entry}: page {n} does not name it"
    assert "Hoppō Ryōdo, see Southern Kurils / Northern Territories" in index
    assert "Sergei Lavrov (actor)" not in index


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
    (tpl / "briefing.typ").write_text('#let d = json("data.json")\n= Title\n#d.doc.title(\n')
    site = root / "site"
    site.mkdir()
    (site / "briefing.pdf").write_bytes(b"%PDF previous")
    proc = run_cli("-C", str(root), "pdf")
    assert proc.returncode == 1
    assert re.search(r"^templates/print/briefing\.typ:3:\d+: error\[template\]: print template: ", proc.stderr, re.M), \
        proc.stderr
    assert "hint: " in proc.stderr
    assert "left as it was" in proc.stderr and "Traceback" not in proc.stderr
    assert (site / "briefing.pdf").read_bytes() == b"%PDF previous"
    assert sorted(p.name for p in site.iterdir()) == ["briefing.pdf"], "no temporary file left behind"


def test_an_error_in_a_file_the_template_includes_is_located_there(tmp_path: Path) -> None:
    root = _small(tmp_path)
    tpl = root / "templates" / "print"
    tpl.mkdir(parents=True)
    (tpl / "parts.typ").write_text("#let shout(x) = upper(x)\n#let broken = missing-function(1)\n")
    (tpl / "briefing.typ").write_text('#import "parts.typ": shout\n#shout("x")\n')
    proc = run_cli("-C", str(root), "pdf", "-o", str(tmp_path / "x.pdf"))
    assert proc.returncode == 1
    assert re.search(r"^templates/print/parts\.typ:2:\d+: error\[template\]: print template: unknown variable: "
                     r"missing-function", proc.stderr, re.M), proc.stderr
    assert not (tmp_path / "x.pdf").exists()


def test_unwritable_output_is_a_located_error(tmp_path: Path) -> None:
    root = _small(tmp_path)
    target = tmp_path / "a-folder.pdf"
    target.mkdir()
    proc = run_cli("-C", str(root), "pdf", "-o", str(target))
    assert proc.returncode == 1
    assert "error[pdf-write]" in proc.stderr and "Traceback" not in proc.stderr
    assert target.is_dir() and not list(tmp_path.glob(".a-folder.pdf.tmp-*"))


HOSTILE_TEXT = ['#import "@preview/cetz:0.3.0"', '#read("/etc/passwd")', '#include "/etc/passwd"', "$x^2$",
                "@lavrov", "<label>", "a \\ b", "#set page(width: 1cm)", '#link("file:///etc/passwd")[x]', "*bold* _em_",
                "`raw` ```block```", "#{ panic() }", "// not a comment", "/* nor this */", "]", "[", "}"]


def test_capture_text_is_printed_literally_and_runs_nothing(tmp_path: Path) -> None:
    """Typst syntax in a capture, an annotation and the overview is text in the PDF: nothing is evaluated,
    read or imported."""
    root = _small(tmp_path)
    shutil.copytree(HOSTILE / "content", root / "content", dirs_exist_ok=True)
    arts = root / "content" / "articles"
    body = "\n\n".join(f"Alice Example wrote {t} in paragraph {i}." for i, t in enumerate(HOSTILE_TEXT))
    (arts / "evil.txt").write_text(body + "\n")
    (arts / "evil.yml").write_text("title: 'Evil #read(\"/etc/passwd\") $x$'\noutlet: Nowhere\ndate: 2020-01-13\n"
                                   "notes: 'Note with #include \"/etc/passwd\" and <label> and @ref'\n")
    ov = root / "content" / "overview.md"
    ov.write_text(ov.read_text() + '\nOverview with `#read("/etc/passwd")` and \\#import and $math$ and @cite-like.\n')
    out = tmp_path / "hostile.pdf"
    proc = run_cli("-C", str(root), "pdf", "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    text = flat(" ".join(page_texts(out, layout=False)))
    for i, t in enumerate(HOSTILE_TEXT):
        assert flat(f"wrote {t} in paragraph {i}.") in text, t
    assert 'Evil #read("/etc/passwd") $x$' in text
    assert 'Note with #include "/etc/passwd" and <label> and @ref' in text
    assert "<script>alert('title')</script>" in text, "article text is printed as text"
    assert "root:x:0:0" not in text and "/bin/bash" not in text
    qpdf = require_tool("qpdf")
    plain = tmp_path / "plain.pdf"
    subprocess.run([qpdf, "--qdf", "--object-streams=disable", str(out), str(plain)], check=True)
    raw = plain.read_bytes()
    assert b"root:x:0:0" not in raw and b"/bin/bash" not in raw


def test_a_template_cannot_read_outside_its_folder_nor_download(tmp_path: Path) -> None:
    """An override that reads /etc/passwd, a file of the briefing outside templates/print/, or imports a package:
    a located error, never the file's content, never a download."""
    root = _small(tmp_path)
    tpl = root / "templates" / "print"
    tpl.mkdir(parents=True)
    (tpl / "escape.txt").symlink_to("/etc/passwd")
    cases = {
        '#read("/etc/passwd")': "file not found",
        '#read("../../content/briefing.yml")': "",
        '#import "@preview/cetz:0.3.0"': "",
    }
    for source, message in cases.items():
        (tpl / "briefing.typ").write_text(f'#set document(title: "x")\n{source}\n')
        proc = run_cli("-C", str(root), "pdf", "-o", str(tmp_path / "x.pdf"))
        assert proc.returncode == 1, source
        assert re.search(r"^templates/print/briefing\.typ:2:\d+: error\[template\]: print template: " + message,
                         proc.stderr, re.M), proc.stderr
        assert "root:x:0:0" not in proc.stderr and "Traceback" not in proc.stderr
    (tpl / "briefing.typ").write_text('#set document(title: "x")\n#read("escape.txt")\n')
    proc = run_cli("-C", str(root), "pdf", "-o", str(tmp_path / "x.pdf"))
    assert "warning[pdf-resource-refused]" in proc.stderr and "escape.txt" in proc.stderr
    assert proc.returncode == 1 and "root:x:0:0" not in proc.stderr


def test_markdown_images_are_left_out_with_a_located_warning(tmp_path: Path) -> None:
    root = _small(tmp_path)
    ov = root / "content" / "overview.md"
    ov.write_text(ov.read_text() + "\n![passwd](/etc/passwd) ![map](../../../../etc/shadow)\n")
    out = tmp_path / "img.pdf"
    proc = run_cli("-C", str(root), "pdf", "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    assert len(re.findall(r"^content/overview\.md:\d+:\d+: warning\[pdf-image\]", proc.stderr, re.M)) == 2, proc.stderr
    text = flat(" ".join(page_texts(out, layout=False)))
    assert "[image: passwd]" in text and "[image: map]" in text


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




# -- reading quality (issue 17, item 4), read back from the demo ----------------------------------------------

def _body_lines(page_text: str) -> list[str]:
    """The lines of a page between its running header (marking, title line) and its footer (page line, marking)."""
    lines = [ln.strip() for ln in page_text.splitlines() if ln.strip()]
    return lines[2:-2]


def test_an_entity_heading_never_ends_a_page(exports) -> None:
    """Every entity's (and article's) heading has at least three lines of its own section after it on its page."""
    e = exports["demo"]
    texts = e.texts
    checked = 0
    headings = [(f"ent-{x.spec.id}", x.spec.name) for x in e.model.entities.values()]
    headings += [(f"art-{a.slug}", a.title) for a in e.model.articles.values()]
    for anchor, name in headings:
        page = e.dests[anchor]
        lines = _body_lines(texts[page])
        at = next((i for i, ln in enumerate(lines) if flat(ln).startswith(flat(name)[:40])), None)
        assert at is not None, f"{name}: heading not found on page {page + 1}"
        assert len(lines) - at - 1 >= 3, f"{name}: heading in the last lines of page {page + 1}"
        checked += 1
    assert checked == len(headings)


def test_running_header_names_chapter_and_entity_on_one_line(exports) -> None:
    e = exports["demo"]
    texts = e.texts
    m = e.model
    first_on_page: dict[int, tuple[str, str]] = {}
    for k in m.config.kinds:
        for x in _printed_order(m, k.id):
            first_on_page.setdefault(e.dests[f"ent-{x.spec.id}"], (k.plural, x.spec.name))
    assert len(first_on_page) > 20
    title = m.config.title
    for page, (chapter, name) in first_on_page.items():
        header = [ln for ln in texts[page].splitlines() if ln.strip()][1]
        # one line: the title, the chapter and the entity (a long name cut short with "…")
        assert title in header and f"{chapter} · {name[:40]}" in header, f"page {page + 1}: {header!r}"
    for page in range(min(first_on_page), max(first_on_page)):
        if page not in first_on_page:  # no entity starts here: the header names the one continuing onto it
            last = max(p for p in first_on_page if p < page)
            header = [ln for ln in texts[page].splitlines() if ln.strip()][1]
            names = [x.spec.name for x in e.model.entities.values() if e.dests[f"ent-{x.spec.id}"] == last]
            assert any(f" · {n[:40]}" in header for n in names), f"page {page + 1}: {header!r}"


def test_a_page_reference_follows_the_possessive(exports) -> None:
    text = " ".join(exports["demo"].flat_texts)
    assert re.search(r"\w['\u2019]s \(p\. \d+\)", text), "no possessive reference (\"Russia's (p. 11)\")"
    wrong = re.findall(r"\(p\. \d+\)['\u2019]s\b", text)
    assert not wrong, wrong[:5]


def test_a_note_number_never_starts_a_line(exports) -> None:
    """Note calls (superscript numbers) always have a word before them on their line."""
    from statistics import median

    from pdfread import words

    all_words = words(exports["demo"].pdf)
    by_page: dict[int, list] = {}
    for w in all_words:
        by_page.setdefault(w.page, []).append(w)
    calls = 0
    for page, ws in by_page.items():
        size = median(w.y1 - w.y0 for w in ws)
        for w in ws:
            if not re.fullmatch(r"\d+[,.;:]?", w.text) or (w.y1 - w.y0) > 0.7 * size:
                continue
            calls += 1
            before = [o for o in ws if o is not w and o.x1 <= w.x0 + 1.5 and o.y0 <= w.y1 and o.y1 >= w.y0
                      and w.x0 - o.x1 < 20]
            assert before, f"page {page + 1}: note call {w.text!r} starts a line"
    assert calls > 20


def test_names_in_other_scripts_print_with_a_real_font(tmp_path: Path) -> None:
    """Japanese in a capture prints (Noto CJK, embedded); a character no font has is one warning per entity, at
    the entity's place in content/."""
    root = _small(tmp_path)
    ents = root / "content" / "entities"
    f = next(ents.glob("*.yml"))
    text = f.read_text()
    assert "aliases: [Alice," in text
    f.write_text(text.replace("aliases: [Alice,", "aliases: [北方領土, \U0001DF00\U0001DF01, Alice,", 1))
    out = tmp_path / "cjk.pdf"
    proc = run_cli("-C", str(root), "pdf", "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    warned = re.findall(r"^(content/entities/[^:]+):(\d+):\d+: warning\[pdf-font\]: (.*)$", proc.stderr, re.M)
    assert len(warned) == 1, proc.stderr
    assert warned[0][0] == f"content/entities/{f.name}" and "\U0001DF00" in warned[0][2] and "\ufffd" in warned[0][2]
    assert "北" not in warned[0][2], "a character a font has is not reported"
    assert "hint: install a font" in proc.stderr and "docs/pdf.md" in proc.stderr
    assert "北方領土" in flat(" ".join(page_texts(out, layout=False)))
    fonts = pdffonts(out)
    assert any("CJK" in x["name"] for x in fonts) and all(x["emb"] == "yes" for x in fonts)


def test_what_a_killed_export_left_is_removed_and_site_gets_no_temporary_file(tmp_path: Path) -> None:
    """An export killed while copying the PDF leaves ``.briefing.pdf.tmp-<pid>``: now in build/ (same file system
    as site/), before this version beside the PDF in site/. The next export removes both and writes only the PDF."""
    root = _small(tmp_path)
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()  # a process no longer running
    left = [root / "build" / f".briefing.pdf.tmp-{gone.pid}", root / "site" / f".briefing.pdf.tmp-{gone.pid}"]
    for path in left:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"%PDF-1.7 half")
    proc = run_cli("-C", str(root), "pdf")
    assert proc.returncode == 0, proc.stderr
    assert not any(p.exists() for p in left)
    assert sorted(p.name for p in (root / "site").iterdir()) == ["briefing.pdf"]
    assert not list((root / "build").glob(".briefing.pdf.tmp-*"))
