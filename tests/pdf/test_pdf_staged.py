"""A staged compile (docs/pdf.md, "Staged compiles": where every target lands found first, in processes of their
own, then the PDF made with those pages and places as data) prints what the ordinary compile prints: the same text
on every page, "(p. N)" included, and every link leading to the same page. A large briefing is compiled so (its
memory); here the demo is forced through it and read back beside its ordinary export. A template override that
cannot tell where targets land falls back to the ordinary compile."""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

import pytest
from conftest import copy_briefing
from pdfread import links, named_destinations, page_texts
from pypdf import PdfReader

from briefgen.build import compile_briefing
from briefgen.diagnostics import Diagnostics
from briefgen.emit.pdf import STAGED_MIN_REFERENCES, render_pdf, write_json
from briefgen.emit.typstchild import TypstChild
from briefgen.model.manifest import read_since
from briefgen.render.print import build_print


def export(root: Path, dest: Path, staged: bool) -> tuple[Path, dict]:
    """The briefing at ``root`` exported to ``dest`` (staged or not): the PDF and the Typst child's answer."""
    diags = Diagnostics()
    compiled = compile_briefing(root, diags, since=read_since(root, None, diags), render_pages_too=False)
    assert compiled.model is not None, [d.format() for d in diags.items]
    doc = build_print(compiled.model, root, diags, None)
    assert doc is not None
    work = dest.parent / f"work-{dest.stem}"
    work.mkdir()
    child = TypstChild(work)
    try:
        done = render_pdf(doc, work, diags, child, staged=staged)
        assert done is not None, [d.format() for d in diags.items]
        shutil.copyfile(done[0], dest)
    finally:
        child.close()
    return dest, child.outcome


def targets(pdf: Path) -> list[tuple[int, int | None, str | None]]:
    """Every link of ``pdf``: its page, the page it leads to (named destinations resolved), its outside address."""
    reader = PdfReader(pdf)
    named = named_destinations(reader)
    return [(a.page, a.dest_page if a.dest_page is not None else named.get(a.dest or ""), a.uri) for a in links(reader)]


@pytest.fixture(scope="module")
def both(tmp_path_factory) -> tuple[Path, dict, Path]:
    tmp = tmp_path_factory.mktemp("staged")
    root = copy_briefing(tmp / "demo")
    staged, outcome = export(root, tmp / "staged.pdf", staged=True)
    ordinary, native = export(root, tmp / "ordinary.pdf", staged=False)
    assert native["mode"] == "native"
    return staged, outcome, ordinary


def test_a_staged_compile_prints_the_same_pages(both) -> None:
    staged, outcome, ordinary = both
    assert outcome["mode"] == "final" and outcome["steps"] >= 2, outcome
    got, want = page_texts(staged), page_texts(ordinary)
    assert len(got) == len(want)
    assert got == want
    assert len(re.findall(r"\(p\.\s\d+\)", "\n".join(got))) > 100, "page references printed with their numbers"


def test_a_staged_compile_links_to_the_same_pages(both) -> None:
    staged, _, ordinary = both
    got, want = targets(staged), targets(ordinary)
    assert len(got) == len(want) > 1000
    assert got == want
    assert all(page is not None or uri for _, page, uri in got), "every internal link resolves"


def test_a_staged_compile_is_deterministic(both, tmp_path: Path) -> None:
    staged, _, _ = both
    root = copy_briefing(tmp_path / "demo")
    again, _ = export(root, tmp_path / "again.pdf", staged=True)
    assert again.read_bytes() == staged.read_bytes()


def test_an_override_without_the_positions_falls_back(tmp_path: Path) -> None:
    root = copy_briefing(tmp_path / "demo")
    own = root / "templates" / "print"
    own.mkdir(parents=True, exist_ok=True)
    template = (Path(__file__).resolve().parents[2] / "templates" / "print" / "briefing.typ").read_text()
    cut = template.index("// -- where the targets landed")
    (own / "briefing.typ").write_text(template[:cut])
    pdf, outcome = export(root, tmp_path / "fallback.pdf", staged=True)
    assert outcome["mode"] == "native", outcome
    assert re.search(r"\(p\.\s\d+\)", "\n".join(page_texts(pdf)))


def test_the_demo_is_one_compile(tmp_path: Path) -> None:
    # staging takes about twice the CPU: the demo (about 2,100 references) is compiled at once
    root = copy_briefing(tmp_path / "demo")
    diags = Diagnostics()
    compiled = compile_briefing(root, diags, render_pages_too=False)
    assert compiled.model is not None
    doc = build_print(compiled.model, root, diags, None)
    assert doc is not None
    refs: list[str] = []
    write_json(doc.data, io.StringIO(), None, refs)
    assert 1000 < len(refs) < STAGED_MIN_REFERENCES
    assert {"ent-kunashir", "ent-russia"} <= set(refs)
