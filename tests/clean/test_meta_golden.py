"""Golden cases of text-capture metadata: one YAML file per metadata form under ``tests/golden/meta/``.

A case file holds ``notes`` (why the expectation is what an analyst wants), ``capture`` (the text capture) and
``expected``: per field detected (title, date, byline, outlet) its ``value``, the ``line`` it was read from, ``how``
it was found and ``warning`` — the code the model stage reports when the annotation does not set the field
(``meta-uncertain``, ``meta-conflict``) or null. A field not listed must not be detected; ``removed`` lists the
capture lines removed as metadata, with their reasons. Adding a case = adding a file. ``BRIEFGEN_UPDATE_GOLDEN=1``
writes the current output into ``expected`` (review it by hand).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml

from briefgen.clean import CleaningOverrides, clean_capture
from briefgen.clean.types import MetaSource
from briefgen.diagnostics import Diagnostics

CASES = Path(__file__).resolve().parent.parent / "golden" / "meta"
UPDATE = os.environ.get("BRIEFGEN_UPDATE_GOLDEN") == "1"


def warning_code(src: MetaSource) -> str | None:
    if src.value is None or (not src.sure and src.conflict is None):
        return "meta-uncertain"
    return "meta-conflict" if src.conflict is not None else None


def actual(case: dict) -> dict:
    result = clean_capture(case["capture"], "txt", "capture.txt", CleaningOverrides(), Diagnostics())
    fields = {s.field: {"value": s.value, "line": s.span.line, "how": s.how, "warning": warning_code(s)}
              for s in result.detected.sources}
    removed = [f"{r.span.line}: {r.reason}" for r in result.removed if r.category == "metadata"]
    return {"fields": fields, "removed": removed}


@pytest.mark.parametrize("path", sorted(CASES.glob("*.yml")), ids=lambda p: p.stem)
def test_meta_case(path: Path) -> None:
    case = yaml.safe_load(path.read_text(encoding="utf-8"))
    got = actual(case)
    if UPDATE:
        case["expected"] = got["fields"]
        case["removed"] = got["removed"]
        path.write_text(yaml.safe_dump(case, allow_unicode=True, sort_keys=False, width=110), encoding="utf-8")
    assert got["fields"] == case.get("expected", {}), f"{path.name}: detected {got['fields']}"
    assert got["removed"] == case.get("removed", []), f"{path.name}: removed {got['removed']}"


def test_every_form_has_a_case() -> None:
    names = {p.stem for p in CASES.glob("*.yml")}
    assert {"iso-date", "month-name-date", "day-month-year", "numeric-ambiguous", "published-and-updated",
            "dateline-city", "dateline-two-cities", "breadcrumb-before-headline", "masthead",
            "copyright-outlet"} <= names
