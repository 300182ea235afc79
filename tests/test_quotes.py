"""A quote not found in its article: the closest passage and its differences (cases as data in
tests/golden/quotes/closest.yml), and the hint of the error a build reports."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from briefgen.clean.types import Paragraph
from briefgen.diagnostics import Span
from briefgen.model.locate import closest_passage

CASES = yaml.safe_load((Path(__file__).parent / "golden" / "quotes" / "closest.yml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_closest_passage(case: dict) -> None:
    paragraphs = tuple(Paragraph(i, t, Span("a.txt", 2 * i + 1)) for i, t in enumerate(case["paragraphs"], 1))
    got = closest_passage(paragraphs, case["quote"])
    if case["paragraph"] is None:
        assert got is None
        return
    assert got is not None
    assert (got.paragraph, got.passage, list(got.differences)) == (case["paragraph"], case["passage"], case["differences"])
    assert got.span == paragraphs[got.paragraph - 1].span
    assert f"\u00b6{got.paragraph} (a.txt:{2 * got.paragraph + 1}:1)" in got.hint()


def test_closest_passage_cost_is_bounded() -> None:
    """A long quote against a long article: linear in the article, the quote cut to its first words."""
    text = " ".join(f"word{i % 997}" for i in range(50_000))
    paragraphs = (Paragraph(1, text, Span("a.txt")),)
    got = closest_passage(paragraphs, " ".join(f"word{i}" for i in range(500, 1500)))
    assert got is not None and got.common == 1.0
