"""``briefgen pdf`` after ``briefgen build`` takes the figures the build kept (``build/.cache/figures.pickle``)
instead of drawing them again: a kept figure, marked here, is the one the PDF prints."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from conftest import copy_briefing, run_cli
from pdfread import page_texts

from briefgen.cache import Store
from briefgen.render.figures.types import Figure
from briefgen.stagecache import FIGURES_STORE, kept_figures


def test_pdf_prints_the_figures_the_build_kept(tmp_path: Path) -> None:
    root = copy_briefing(tmp_path / "b")
    built = run_cli("-C", str(root), "build")
    assert built.returncode == 0, built.stderr
    kept = kept_figures(root / "build")
    assert len(kept) > 10, "the build keeps the figures its pages used"
    # Mark every kept figure's caption: only a figure taken from the file (not drawn again) carries the mark.
    marked = {inp: dataclasses.replace(fig, title=f"KEPTMARK {fig.title}") for inp, fig in kept.items()
              if isinstance(fig, Figure)}
    Store(root / "build" / ".cache" / f"{FIGURES_STORE}.pickle", data={"figures": marked}).save()
    out = tmp_path / "kept.pdf"
    done = run_cli("-C", str(root), "pdf", "-o", str(out))
    assert done.returncode == 0, done.stderr
    assert "KEPTMARK" in "\n".join(page_texts(out, layout=False))
    # Without the file every figure is drawn again: no mark.
    (root / "build" / ".cache" / f"{FIGURES_STORE}.pickle").unlink()
    fresh = tmp_path / "fresh.pdf"
    assert run_cli("-C", str(root), "pdf", "-o", str(fresh)).returncode == 0
    assert "KEPTMARK" not in "\n".join(page_texts(fresh, layout=False))


def test_pdf_keeps_the_figures_it_drew_for_the_next_export(tmp_path: Path) -> None:
    """With no build before it, ``briefgen pdf`` keeps what it drew: the next export (and the next build) takes it
    instead of drawing it again; the site built afterwards is the one a ``--no-cache`` build writes."""
    root = copy_briefing(tmp_path / "b")
    first = tmp_path / "first.pdf"
    assert not (root / "build").exists()
    done = run_cli("-C", str(root), "pdf", "-o", str(first))
    assert done.returncode == 0, done.stderr
    drawn = kept_figures(root / "build")
    assert len(drawn) > 10, "the export keeps the figures it drew"
    marked = {inp: dataclasses.replace(fig, title=f"KEPTMARK {fig.title}") for inp, fig in drawn.items()
              if isinstance(fig, Figure)}
    Store(root / "build" / ".cache" / f"{FIGURES_STORE}.pickle", data={"figures": marked}).save()
    again = tmp_path / "again.pdf"
    assert run_cli("-C", str(root), "pdf", "-o", str(again)).returncode == 0
    assert "KEPTMARK" in "\n".join(page_texts(again, layout=False))
    # an unmarked store again (as the first export left it): a build after it equals a build from nothing
    Store(root / "build" / ".cache" / f"{FIGURES_STORE}.pickle", data={"figures": drawn}).save()
    assert run_cli("-C", str(root), "build").returncode == 0
    cached = {p.relative_to(root / "site"): p.read_bytes() for p in (root / "site").rglob("*") if p.is_file()}
    assert run_cli("-C", str(root), "build", "--no-cache").returncode == 0
    clean = {p.relative_to(root / "site"): p.read_bytes() for p in (root / "site").rglob("*") if p.is_file()}
    assert cached == clean
