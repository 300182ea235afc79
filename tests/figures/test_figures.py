"""Figures (briefgen/render/figures): golden SVGs of small inputs, determinism, label placement.

Each case is ``cases/<name>.yml`` — ``figure:`` (map, timeline, graph or chart) and ``input:`` (the fields of that
figure's input dataclass) — with the expected SVG in ``cases/<name>.svg`` and its text alternative (title,
description, table, note) in ``cases/<name>.txt``. Adding a case is adding a YAML file;
BRIEFGEN_UPDATE_GOLDEN=1 writes the expected files (review the diff!).
"""

from __future__ import annotations

import dataclasses
import json
import os
import random
import subprocess
import sys
import types
import typing
from pathlib import Path

import pytest
import yaml

from briefgen.render.figures.charts import ChartInput, draw_chart, number_in
from briefgen.render.figures.graph import GraphInput, draw_graph
from briefgen.render.figures.maps import MapInput, draw_map
from briefgen.render.figures.svg import Box, Labeller, print_svg
from briefgen.render.figures.timeline import TimelineInput, draw_timeline
from briefgen.render.figures.types import Figure
from conftest import UPDATE

CASES = Path(__file__).parent / "cases"
KINDS = {"map": (MapInput, draw_map), "timeline": (TimelineInput, draw_timeline), "graph": (GraphInput, draw_graph),
         "chart": (ChartInput, draw_chart)}


def build(tp, data):
    """A value of type ``tp`` from plain YAML data (dataclasses from mappings, tuples from lists)."""
    origin = typing.get_origin(tp)
    if dataclasses.is_dataclass(tp):
        hints = typing.get_type_hints(tp)
        return tp(**{k: build(hints[k], v) for k, v in data.items()})
    if origin is tuple:
        args = typing.get_args(tp)
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(build(args[0], x) for x in data)
        return tuple(build(a, x) for a, x in zip(args, data))
    if origin in (typing.Union, types.UnionType):
        if data is None:
            return None
        return build(next(a for a in typing.get_args(tp) if a is not type(None)), data)
    if tp is float:
        return float(data)
    return data


def case_names() -> list[str]:
    return sorted(p.stem for p in CASES.glob("*.yml"))


def draw(name: str) -> Figure:
    case = yaml.safe_load((CASES / f"{name}.yml").read_text(encoding="utf-8"))
    cls, fn = KINDS[case["figure"]]
    return fn(build(cls, case["input"]))


def alternative(f: Figure) -> str:
    lines = [f"title: {f.title}", f"desc: {f.desc}", f"note: {f.note}", " | ".join(f.columns)]
    lines += [" | ".join(r.cells) + (f"  -> {r.href}" if r.href else "") for r in f.rows]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("name", case_names())
def test_golden_figure(name: str) -> None:
    f = draw(name)
    svg_file, txt_file = CASES / f"{name}.svg", CASES / f"{name}.txt"
    if UPDATE:
        svg_file.write_text(f.svg + "\n", encoding="utf-8")
        txt_file.write_text(alternative(f), encoding="utf-8")
    assert f.svg + "\n" == svg_file.read_text(encoding="utf-8"), f"{name}: SVG differs from {svg_file.name}"
    assert alternative(f) == txt_file.read_text(encoding="utf-8")
    # every figure names itself for assistive technology, and its untrusted text is escaped
    assert f'aria-labelledby="{f.id}-t"' in f.svg and f'<title id="{f.id}-t">' in f.svg and f'<desc id="{f.id}-d">' in f.svg
    assert "<islands>" not in f.svg and "<with>" not in f.svg and "<general>" not in f.svg
    # outside the site (the PDF) no colour is left to a CSS variable
    assert "var(" not in print_svg(f.svg)


def test_same_input_same_bytes_in_another_process() -> None:
    """Layouts (networkx's seeded spring layout, the label placement) give the same bytes in a fresh interpreter
    with another hash seed."""
    here = {name: draw(name).svg for name in case_names()}
    code = ("import json, sys; sys.path[:0] = [sys.argv[1], sys.argv[2]]; import test_figures as t; "
            "print(json.dumps({n: t.draw(n).svg for n in t.case_names()}))")
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    out = subprocess.run([sys.executable, "-c", code, str(Path(__file__).parent), str(Path(__file__).parent.parent)],
                         capture_output=True, text=True, env=env, check=True)
    assert json.loads(out.stdout) == here


def test_labels_never_overlap_and_stay_inside() -> None:
    rng = random.Random(4)
    lab = Labeller(400, 300)
    boxes = []
    for i in range(120):
        x, y = rng.uniform(0, 400), rng.uniform(0, 300)
        got = lab.place(x, y, [f"Label number {i}", "second line"] if i % 3 == 0 else [f"Place {i}"])
        if got is not None:
            boxes.append(got.box)
    assert 10 < len(boxes) < 120  # some found room, some did not
    for i, a in enumerate(boxes):
        assert a.inside(400, 300)
        for b in boxes[i + 1:]:
            assert not a.overlaps(b, gap=0), (a, b)


def test_blocked_marks_keep_labels_off() -> None:
    lab = Labeller(200, 100)
    lab.block(Box(0, 0, 200, 45))
    got = lab.place(100, 50, ["Below the block"])
    assert got is not None and got.box.y0 >= 45


def test_number_in_values() -> None:
    assert number_in("some 19,000 Russians") == 19000
    assert number_in("approximately 6,400") == 6400
    assert number_in("10,503.2 km² (whole chain, 56 islands)") == 10503.2
    assert number_in("1.2 million people") == 1_200_000
    assert number_in("45.03° N, 147.62° E (approximate centre)") is None
    assert number_in("no civilian population") is None
