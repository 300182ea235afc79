"""``figures:`` switches, for the whole briefing and per kind, through the real pipeline (compile_briefing and the
MkDocs navigation): a switched-off figure is on no page, and a switched-off kind is left out of the
briefing-wide figure of that kind."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from briefgen.build import compile_briefing
from briefgen.diagnostics import Diagnostics
from briefgen.emit.project import nav

GOLDEN = Path(__file__).resolve().parent.parent / "golden" / "build"


def compiled(tmp_path: Path, briefing_extra: str = "", kind_extra: dict[str, str] | None = None):
    root = tmp_path / "b"
    shutil.copytree(GOLDEN / "_base" / "content", root / "content")
    shutil.copytree(GOLDEN / "basic" / "content", root / "content", dirs_exist_ok=True)
    cfg = root / "content" / "briefing.yml"
    text = cfg.read_text(encoding="utf-8")
    for kind, extra in (kind_extra or {}).items():
        text = text.replace(f"    plural: {kind}\n", f"    plural: {kind}\n    figures: {extra}\n")
    cfg.write_text(text + briefing_extra, encoding="utf-8")
    diags = Diagnostics()
    c = compile_briefing(root, diags)
    assert not diags.has_errors(), [d.format() for d in diags.items]
    assert c.model is not None
    return c.model, {p.path: p.markdown for p in c.pages}


def test_every_figure_by_default(tmp_path: Path) -> None:
    model, pages = compiled(tmp_path)
    assert "bg-figure-map" in pages["places/capital.md"] and "bg-figure-map" in pages["meetings/strelsau-talks.md"]
    assert "bg-figure-connections" in pages["actors/alice.md"] and "bg-figure-timeline" in pages["actors/alice.md"]
    assert "bg-figure-chart" in pages["places/population.md"]
    assert "bg-figure-timeline" in pages["timeline.md"]
    assert "map.md" in pages and "connections.md" in pages
    assert {"Map": "map.md"} in nav(model) and {"Connections": "connections.md"} in nav(model)


@pytest.mark.parametrize("switch, css, page", [("maps", "bg-figure-map", "map.md"),
                                               ("connections", "bg-figure-connections", "connections.md"),
                                               ("charts", "bg-figure-chart", None),
                                               ("timeline", "bg-figure-timeline", None)])
def test_a_figure_off_for_the_briefing(tmp_path: Path, switch: str, css: str, page: str | None) -> None:
    model, pages = compiled(tmp_path, f"figures: {{{switch}: false}}\n")
    assert not [p for p, md in pages.items() if css in md]
    others = {"bg-figure-map", "bg-figure-connections", "bg-figure-chart", "bg-figure-timeline"} - {css}
    assert all(any(c in md for md in pages.values()) for c in others)  # the others stay
    if page is not None:
        assert page not in pages and all(page not in item.values() for item in nav(model))


def test_a_figure_off_for_one_kind(tmp_path: Path) -> None:
    _, pages = compiled(tmp_path, kind_extra={"Meetings": "{connections: false, maps: false}"})
    meeting = pages["meetings/strelsau-talks.md"]
    assert "bg-figure-connections" not in meeting and "bg-figure-map" not in meeting
    assert "bg-figure-timeline" in meeting or "bg-figure-timeline" in pages["timeline.md"]
    # meetings are left out of the other entities' graphs and of the briefing's graph, and off the map page
    assert "Alice–Bob talks" not in pages["connections.md"] and "Alice Example" in pages["connections.md"]
    graph = pages["actors/alice.md"].split('id="fig-connections"')[1].split("</figure>")[0]
    assert "Ruritania" in graph and "strelsau-talks" not in graph
    assert "bg-figure-map" in pages["places/capital.md"] and "meeting" not in pages["map.md"].split("<svg")[1].split("</svg>")[0]


def test_bad_switch_is_a_located_error(tmp_path: Path) -> None:
    root = tmp_path / "b"
    shutil.copytree(GOLDEN / "_base" / "content", root / "content")
    cfg = root / "content" / "briefing.yml"
    cfg.write_text(cfg.read_text(encoding="utf-8") + "figures: {map: false, charts: no}\n", encoding="utf-8")
    diags = Diagnostics()
    compile_briefing(root, diags)
    got = sorted(d.format().splitlines()[0] for d in diags.items)
    assert any(g.startswith("content/briefing.yml:") and "unknown-key" in g and "'map'" in g for g in got), got
    assert any("bad-bool" in g for g in got), got
