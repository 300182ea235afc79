"""The figures in the PDF (issue 14, item 5): the site's maps, timelines, graphs and charts as vector SVG.

The demo is exported once with the real command line and read back: every figure the print data holds is in the
PDF as a tagged figure with its text alternative, its labels are text on the page of its caption (a figure never
splits), nothing is a raster image, and every figure stays inside the text column of an A4 page. The ``figures:``
switches and packs are checked on the print data.
"""

from __future__ import annotations

import html
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import copy_briefing, require_tool, run_cli
from pdfread import Word, flat, outline, page_texts, words
from pypdf import PdfReader

from briefgen.build import compile_briefing
from briefgen.diagnostics import Diagnostics
from briefgen.model.types import Model
from briefgen.render.print import PrintData, PrintDocument, build_print
from briefgen.render.printfigures import FigureView

pytestmark = pytest.mark.slow

MM = 72 / 25.4
A4_WIDTH = 210 * MM
LEFT, RIGHT = 24 * MM, 20 * MM
"""The print template's page: A4, margins 24 mm left and 20 mm right."""


@dataclass
class Export:
    root: Path
    pdf: Path
    data: PrintData
    model: Model


def _print(root: Path, pack: str | None = None) -> tuple[Model, PrintDocument]:
    diags = Diagnostics()
    compiled = compile_briefing(root, diags)
    assert compiled.model is not None and not diags.has_errors(), diags.items
    doc = build_print(compiled.model, root, diags, pack)
    assert doc is not None, diags.items
    return compiled.model, doc


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Export:
    root = copy_briefing(tmp_path_factory.mktemp("figures") / "demo")
    out = root / "briefing.pdf"
    proc = run_cli("-C", str(root), "pdf", "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    model, doc = _print(root)
    return Export(root, out, doc.data, model)


def all_figures(data: PrintData) -> list[FigureView]:
    figs = [f for k in data.kinds for e in k.entities for f in e.figures]
    if data.timeline_figure is not None:
        figs.append(data.timeline_figure)
    if data.figures is not None:
        figs.extend(data.figures.figures)
    return figs


def labels(svg: str) -> list[str]:
    """The text an SVG figure draws: every ``<tspan>``, and every ``<text>`` without one."""
    out = []
    for m in re.finditer(r"<text\b[^>]*>(.*?)</text>", svg, re.S):
        inner = m.group(1)
        spans = re.findall(r"<tspan\b[^>]*>(.*?)</tspan>", inner, re.S)
        out.extend(html.unescape(s) for s in (spans or [inner]))
    return [t for t in out if t.strip()]


def structure_figures(reader: PdfReader) -> list[str]:
    """The /Alt of every /Figure element of the structure tree, in order."""
    alts: list[str] = []

    def walk(node) -> None:
        node = node.get_object() if hasattr(node, "get_object") else node
        if isinstance(node, list):
            for kid in node:
                walk(kid)
            return
        if not isinstance(node, dict):
            return
        if node.get("/S") == "/Figure":
            alts.append(str(node.get("/Alt", "")))
        if "/K" in node:
            walk(node["/K"])
    walk(reader.trailer["/Root"]["/StructTreeRoot"])
    return alts


def caption_page(texts: list[str], f: FigureView, titles: tuple[str, ...] = ()) -> int:
    """The page showing ``f``'s caption (``titles``: the other captions, one of which may begin with it —
    "Connections of Munich" and "Connections of Munich Security Conference")."""
    longer = [t for t in titles if t != f.title and f.title in t]
    found = [i for i, t in enumerate(texts) if t.count(f.title) > sum(t.count(x) for x in longer)]
    assert found, f"no page shows the caption {f.title!r}"
    return found[0]


# -- the demo ----------------------------------------------------------------------------------------------

def test_demo_has_every_kind_of_figure(demo: Export) -> None:
    figs = all_figures(demo.data)
    assert {f.kind for f in figs} == {"map", "timeline", "connections", "chart"}
    assert demo.data.figures is not None and demo.data.timeline_figure is not None
    iturup = next(e for k in demo.data.kinds for e in k.entities if e.id == "iturup")
    assert [f.kind for f in iturup.figures][:1] == ["map"]


def test_every_figure_is_tagged_with_its_text_alternative(demo: Export) -> None:
    figs = all_figures(demo.data)
    alts = structure_figures(PdfReader(demo.pdf))
    assert sorted(alts) == sorted(f.alt for f in figs)
    for f in figs:
        assert f.alt.startswith(f.title) and len(f.alt) > len(f.title) + 20, f.alt
    iturup_map = next(f for k in demo.data.kinds for e in k.entities if e.id == "iturup" for f in e.figures
                      if f.kind == "map")
    # the alternative carries the data: the contested names and the coordinates, not a pointer to a table
    assert "Etorofu" in iturup_map.alt and "45.03° N, 147.62° E" in iturup_map.alt
    assert "table below" not in iturup_map.alt


def test_labels_are_text_on_the_page_of_their_caption(demo: Export) -> None:
    """The PDF read back shows the figures' labels; all of a figure's labels are on its caption's page, so no
    figure splits across pages."""
    texts = [flat(t) for t in page_texts(demo.pdf, layout=False)]
    checked = 0
    figs = all_figures(demo.data)
    titles = tuple(f.title for f in figs)
    for f in figs:
        page = caption_page(texts, f, titles)
        for label in labels(f.svg):
            assert flat(label) in texts[page], f"{f.title}: label {label!r} not on page {page + 1}"
            checked += 1
    assert checked > 300
    # the contested islands under both names, on the page of Iturup's locator map
    iturup_map = next(f for k in demo.data.kinds for e in k.entities if e.id == "iturup" for f in e.figures
                      if f.kind == "map")
    page = texts[caption_page(texts, iturup_map)]
    assert "Russia: Iturup" in page and "Japan: Etorofu" in page


def test_figures_are_vectors_not_images(demo: Export) -> None:
    qpdf = require_tool("qpdf")
    raw = subprocess.run([qpdf, "--qdf", "--object-streams=disable", str(demo.pdf), "-"], capture_output=True,
                         check=True).stdout
    assert b"/Subtype /Image" not in raw, "a raster image in the PDF"
    # the briefing map's land and coasts are paths on its page
    texts = [flat(t) for t in page_texts(demo.pdf, layout=False)]
    assert demo.data.figures is not None
    page = caption_page(texts, demo.data.figures.figures[0])
    content = PdfReader(demo.pdf).pages[page].get_contents().get_data()
    assert len(re.findall(rb"\s[lc]\s", content)) > 1000


def test_figures_fit_the_text_column(demo: Export) -> None:
    """Every word of a figure's labels lies inside the text column of its A4 page."""
    texts = [flat(t) for t in page_texts(demo.pdf, layout=False)]
    figs = all_figures(demo.data)
    on_page: dict[int, set[str]] = {}
    for f in figs:
        page = caption_page(texts, f, tuple(g.title for g in figs))
        on_page.setdefault(page, set()).update(w for label in labels(f.svg) for w in label.split())
    boxes: list[Word] = [w for w in words(demo.pdf) if w.text in on_page.get(w.page, ())]
    assert len(boxes) > 300
    for w in boxes:
        assert LEFT - 1 <= w.x0 and w.x1 <= A4_WIDTH - RIGHT + 1, (w.page + 1, w.text, w.x0, w.x1)


def test_chapters_with_figures(demo: Export) -> None:
    reader = PdfReader(demo.pdf)
    top = {o.title: o.page for o in outline(reader)}
    assert demo.data.figures is not None and demo.data.timeline_figure is not None
    chapter = demo.data.figures
    assert chapter.title == "Maps and connections" and chapter.title in top
    texts = [flat(t) for t in page_texts(demo.pdf, layout=False)]
    assert caption_page(texts, chapter.figures[0]) == top[chapter.title]
    assert [f.kind for f in chapter.figures][-1] == "connections"
    assert "Natural Earth" in texts[top[chapter.title]]  # the base map's attribution is printed with it
    # the visual timeline opens the timeline chapter
    assert caption_page(texts, demo.data.timeline_figure) == top["Timeline"]
    # an entity's charts come after its facts table, its other figures before it
    charted = [e for k in demo.data.kinds for e in k.entities if any(f.kind == "chart" for f in e.figures)]
    assert charted, "the demo charts the islands' population"
    joined = " ".join(texts)
    for e in charted:
        chart = next(f for f in e.figures if f.kind == "chart")
        graph = next(f for f in e.figures if f.kind == "connections")
        at = joined.index(graph.title)
        facts = joined.index(" Facts Property ", at)  # the facts table's heading and first column
        assert at < facts < joined.index(chart.title, facts), e.id


# -- switches and packs (print data) ------------------------------------------------------------------------

def _switched(tmp_path: Path, briefing: str, kind: str | None = None) -> PrintData:
    root = copy_briefing(tmp_path / "b")
    yml = root / "content" / "briefing.yml"
    text = yml.read_text()
    assert text.count("\nkinds:\n") == 1
    text = text.replace("\nkinds:\n", f"\nfigures: {briefing}\nkinds:\n", 1)
    if kind is not None:
        kid, switches = kind.split("=", 1)
        text = re.sub(rf"(\n  {kid}:\n)", rf"\1    figures: {switches}\n", text, count=1)
        assert f"    figures: {switches}" in text
    yml.write_text(text)
    return _print(root)[1].data


def test_figure_switches_leave_figures_out(tmp_path: Path) -> None:
    data = _switched(tmp_path, "{maps: false}", "actor={connections: false}")
    figs = all_figures(data)
    assert figs and "map" not in {f.kind for f in figs}
    actors = next(k for k in data.kinds if k.id == "actor")
    assert all(f.kind != "connections" for e in actors.entities for f in e.figures)
    assert any(f.kind == "connections" for k in data.kinds if k.id != "actor" for e in k.entities for f in e.figures)
    assert data.figures is not None and data.figures.title == "Connections"


def test_no_figures_when_all_are_switched_off(tmp_path: Path) -> None:
    data = _switched(tmp_path, "{maps: false, timeline: false, connections: false, charts: false}")
    assert all_figures(data) == [] and data.figures is None and data.timeline_figure is None
    assert "figures" not in {t.anchor for t in data.toc}


def test_a_pack_has_its_entities_figures_only(demo: Export) -> None:
    _, doc = _print(demo.root, "moscow-talks")
    assert doc.data.figures is None and doc.data.timeline_figure is None
    assert any(e.figures for k in doc.data.kinds for e in k.entities)
