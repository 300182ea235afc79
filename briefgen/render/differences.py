"""The "Where sources differ" page: each disagreement found by model/differences.py with every source side by side.

The page exists only when sources differ somewhere; entity pages link each differing fact to its entry here.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass

from briefgen.model.differences import Difference, find_differences
from briefgen.model.types import Model
from briefgen.render import format as fmt
from briefgen.render.urls import relurl
from briefgen.render.views import Link, SourceRef, source_ref
from briefgen.slug import slugify

PAGE = "differences.md"
"""Where the page is written."""
TITLE = "Where sources differ"
"""Its title (and its entry in the navigation)."""


@dataclass(frozen=True)
class SideRow:
    """One source's account of a disputed measure."""

    value: str
    """The value as the source puts it."""
    figure: str | None
    """The figure read from it with its approximation words ("some 19,000"), when compared as figures."""
    date: str
    """Formatted date the value holds for ('' when undated)."""
    outlet: str
    """The source article's outlet, or the reference's title for general knowledge."""
    source: SourceRef
    """The source, linked to its paragraph."""
    quote: str | None
    """The verbatim supporting words."""


@dataclass(frozen=True)
class DifferenceRow:
    """One disagreement on the page."""

    anchor: str
    """Its id on the page."""
    subject: Link
    """The entity it is about."""
    measure: str
    """What is measured."""
    numeric: bool
    """Compared as figures (else by words)."""
    sides: tuple[SideRow, ...]
    """Every source, by date."""


def anchor_of(d: Difference) -> str:
    """The id of a difference's entry on the page: subject, measure and the first date, e.g.
    ``disputed-islands-population-2016``."""
    first = d.sides[0].fact.date
    return slugify(f"{d.subject} {d.measure} {first[:4] if first else ''}".strip())


def anchors_of(differences: list[Difference]) -> list[str]:
    """The ids of the entries of ``differences`` (in order), unique: the same measure of one subject disputed twice
    in one year, far apart, gets ``-2``, ``-3``… (the facts tables link to these ids, so both use this)."""
    anchors: list[str] = []
    seen: set[str] = set()
    for d in differences:
        base = anchor = anchor_of(d)
        n = 1
        while anchor in seen:
            n += 1
            anchor = f"{base}-{n}"
        seen.add(anchor)
        anchors.append(anchor)
    return anchors


_last: list[tuple[weakref.ref[Model], tuple[Difference, ...]]] = []
"""The last plain model asked about and its differences: the navigation, the page list and the pages ask for the
same model's (a recording view of the model is never answered from here, so its reads are recorded)."""


def differences_of(model: Model) -> list[Difference]:
    """Every difference of the model, subject by subject."""
    plain = type(model) is Model
    if plain and _last and _last[0][0]() is model:
        return list(_last[0][1])
    found = tuple(d for ds in find_differences(model.facts, model.config.differences).values() for d in ds)
    if plain:
        _last[:] = [(weakref.ref(model), found)]
    return list(found)


def difference_rows(model: Model, page: str, differences: list[Difference]) -> list[DifferenceRow]:
    rows = []
    for d, anchor in zip(differences, anchors_of(differences), strict=True):
        e = model.entities[d.subject]
        sides = []
        for s in d.sides:
            f = s.fact
            outlet = (
                (model.articles[f.citation.article].outlet or "Unknown outlet")
                if f.citation
                else (f.spec.reference.title if f.spec.reference else "no source")
            )
            sides.append(
                SideRow(
                    f.spec.value,
                    s.amount.text if s.amount else None,
                    fmt.fmt_date(f.date) if f.date else "",
                    outlet,
                    source_ref(model, page, f.citation, f.spec.reference),
                    f.spec.quote,
                )
            )
        rows.append(DifferenceRow(anchor, Link(e.spec.name, relurl(page, e.page)), d.measure, d.numeric, tuple(sides)))
    return rows
