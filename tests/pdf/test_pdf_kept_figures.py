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
