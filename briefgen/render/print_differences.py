"""Where sources differ, in the PDF: the differences of :mod:`briefgen.model.differences` (the site's page reads
the same, :mod:`briefgen.render.differences`), as a section listing every source side by side, and the marker on
each differing fact of an entity's facts table, linked to its entry (the entry links back to the entity)."""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from urllib.parse import urlsplit

from briefgen.diagnostics import Span
from briefgen.model.differences import Difference
from briefgen.model.types import Fact, Model
from briefgen.render.differences import PAGE, TITLE, difference_rows, differences_of
from briefgen.render.printdata import Run, first_pages

ANCHOR = "differences"
"""The section's anchor."""

Runs = tuple[Run, ...]


def entry_anchor(row_anchor: str) -> str:
    """The PDF anchor of a difference whose site anchor is ``row_anchor``: ``dif-<subject>-<measure>-<year>``."""
    return f"dif-{row_anchor}"


@dataclass(frozen=True)
class DifferenceSideView:
    """One source's account of a disputed measure."""

    value: str
    """The value as the source puts it."""
    figure: str | None
    """The figure read from it with its approximation words ("some 19,000"), when compared as figures and it reads
    differently from the value."""
    date: str
    """When the value holds, formatted ('' when undated)."""
    outlet: str
    """The source article's outlet, or the outside reference's title for general knowledge."""
    quote: str | None
    """The source's own words, when the fact records them."""
    source: Runs
    """Where in the source: the cited paragraph (``¶12``, linked to it, with its page), or for general knowledge the
    host of the outside reference's address, linked to it (empty without an address)."""
    general: bool
    """A general-knowledge fact (not from the captures)."""


@dataclass(frozen=True)
class DifferenceView:
    """One disagreement: a measure of one entity on which sources give values that disagree."""

    anchor: str
    """Its anchor, ``dif-<subject>-<measure>-<year>`` (the facts table of the entity links here)."""
    title: str
    """"<entity name>: <measure>"."""
    running: str
    """The title as the running header prints it (shortened)."""
    subject: Runs
    """The entity, referenced (its section, with its page)."""
    measure: str
    """What is measured (the first fact's ``measure:``, else its property)."""
    numeric: bool
    """Compared as figures (else by their words)."""
    sides: tuple[DifferenceSideView, ...]
    """Every comparable source, by date."""


@dataclass(frozen=True)
class DifferencesView:
    """The "Where sources differ" section (``d.differences``; absent when no sources differ)."""

    anchor: str
    """Its anchor, ``differences``."""
    title: str
    """"Where sources differ"."""
    intro: str
    """How facts are compared (window, tolerance), as on the site page."""
    entries: tuple[DifferenceView, ...]
    """The disagreements, subject by subject."""


@dataclass(frozen=True)
class PrintDifferences:
    """The differences of the entities a PDF prints, with the anchor of each."""

    found: tuple[tuple[str, Difference], ...]
    """Each difference with its anchor, subject by subject."""

    def flags(self) -> dict[Span, str]:
        """Where each differing fact is written → the anchor of its entry (to mark it in the facts table)."""
        return {span: anchor for anchor, d in self.found for span in d.spans()}


def print_differences(model: Model, entities: Collection[str]) -> PrintDifferences:
    """The differences about ``entities`` (those printed), anchored as the site anchors them."""
    diffs = [d for d in differences_of(model) if d.subject in entities]
    rows = difference_rows(model, PAGE, diffs)
    return PrintDifferences(tuple((entry_anchor(r.anchor), d) for r, d in zip(rows, diffs, strict=True)))


def intro_text(model: Model, n: int) -> str:
    """What the section shows and how facts are compared (the site page's words)."""
    c = model.config.differences
    window = f"{c.window_days // 365} years" if c.window_days % 365 == 0 else f"{c.window_days} days"
    return (
        f"{n} measure{'s' if n != 1 else ''} on which the sources give values that disagree, at dates close "
        f"enough to compare (within {window}). Figures agree within their own approximation (\u201csome "
        f"19,000\u201d: \u00b1{c.tolerance * 100:g}\u00a0%; a round figure stands for what rounds to it); words "
        "that differ only in spelling or case agree. Each value is given with its source; the marker "
        "\u201csources differ\u201d in an entry\u2019s facts leads here."
    )


def _where(f: Fact, paragraph_href: Callable[[str, int | None], str | None]) -> Runs:
    """The paragraph a fact cites as ``¶n``, linked as every reference of the PDF (in it: with its page; outside a
    pack: to the site, else plain), or the outside reference's address."""
    if f.citation is None:  # the site's host names the address (in full it would not fit the column)
        url = f.spec.reference.url if f.spec.reference else None
        return (Run(urlsplit(url).netloc or url, url=url),) if url else ()
    label = f"\u00b6{f.citation.paragraph}" if f.citation.paragraph else "the article"
    href = paragraph_href(f.citation.article, f.citation.paragraph)
    if href is None:
        return (Run(label, em=True),)
    if href.startswith("#"):
        return (Run(label, link=href[1:], page=href[1:]),)
    return (Run(label, url=href),)


def differences_print(
    model: Model,
    found: PrintDifferences,
    ref: Callable[[str], Runs],
    paragraph_href: Callable[[str, int | None], str | None],
    running_max: int = 48,
) -> DifferencesView | None:
    """The section, or None when no printed entity has sources that differ. ``ref`` references an entity;
    ``paragraph_href`` gives the ``#anchor`` (or site address, or None) of an article's paragraph."""
    if not found.found:
        return None
    diffs = [d for _, d in found.found]
    entries = []
    for (anchor, d), row in zip(found.found, difference_rows(model, PAGE, diffs), strict=True):
        sides = []
        for s, r in zip(d.sides, row.sides, strict=True):
            sides.append(
                DifferenceSideView(
                    r.value,
                    r.figure if r.figure and r.figure != r.value else None,
                    r.date,
                    r.outlet,
                    r.quote,
                    _where(s.fact, paragraph_href),
                    s.fact.citation is None,
                )
            )
        title = f"{row.subject.text}: {d.measure}"
        running = title if len(title) <= running_max else title[: running_max - 1].rstrip() + "\u2026"
        entries.append(
            first_pages(
                DifferenceView(anchor, title, running, ref(d.subject), d.measure, d.numeric, tuple(sides)), {anchor}
            )
        )
    return DifferencesView(ANCHOR, TITLE, intro_text(model, len(entries)), tuple(entries))
