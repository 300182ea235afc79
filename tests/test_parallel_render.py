"""Pages rendered on two processes (``briefgen build --no-cache``, ``check``: briefgen.parallel_clean.render_all)
are the pages one process renders, with the same diagnostics in the same order: with none, with errors in
author Markdown on several pages, and with a broken template override (one error for every page it breaks)."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefgen import parallel_clean
from briefgen.build import compile_briefing
from briefgen.diagnostics import Diagnostics
from briefgen.render.pages import render_pages
from conftest import copy_briefing

BAD_PROSE = """
- id: test-envoy
  kind: actor
  name: Test Envoy
  summary: |
    Met [someone](entity:no-such-entity) and cited [@no-such-article "words"] at [a place](ftp://example.org).
"""


def both(root: Path) -> tuple[tuple, tuple]:
    compiled = compile_briefing(root, Diagnostics(), render_pages_too=False)
    assert compiled.model is not None
    one, two = Diagnostics(), Diagnostics()
    alone = render_pages(compiled.model, root, one)
    shared = parallel_clean.render_all(compiled.model, root, two, workers=2)
    return (alone, one.items), (shared, two.items)


@pytest.fixture(autouse=True)
def share_every_briefing(monkeypatch) -> None:
    monkeypatch.setattr(parallel_clean, "MIN_PAGES", 1)
    monkeypatch.setattr(parallel_clean, "CHUNK", 3)  # every kind of page in both processes


def test_the_demo_renders_the_same(tmp_path: Path) -> None:
    alone, shared = both(copy_briefing(tmp_path / "demo"))
    assert len(alone[0]) > 50 and alone == shared


def test_errors_in_author_markdown_are_reported_alike(tmp_path: Path) -> None:
    root = copy_briefing(tmp_path / "demo")
    (root / "content/entities/zz-test.yml").write_text(BAD_PROSE, encoding="utf-8")
    alone, shared = both(root)
    codes = [d.code for d in alone[1]]
    assert {"unknown-entity", "unknown-article", "bad-link"} <= set(codes)
    assert alone == shared


def test_a_broken_template_is_reported_once_as_one_process_reports_it(tmp_path: Path) -> None:
    root = copy_briefing(tmp_path / "demo")
    (root / "templates").mkdir()
    (root / "templates/entity.md.j2").write_text("{{ title }}\n\n{{ no_such_variable.x }}\n", encoding="utf-8")
    alone, shared = both(root)
    faults = [d for d in alone[1] if d.code == "template"]
    assert len(faults) == 1 and faults[0].span.path == "templates/entity.md.j2"
    assert alone == shared
