"""What a figure is, for any page or document that shows one."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Row:
    """One line of a figure's text alternative: the data the picture draws, as words."""

    cells: tuple[str, ...]
    """Plain text, one per column of :attr:`Figure.columns`."""
    href: str | None = None
    """Where the first cell links to (relative to the page), if anywhere."""


@dataclass(frozen=True)
class Figure:
    """A picture drawn at build time: a static SVG with its text alternative."""

    kind: str
    """``map``, ``timeline``, ``connections`` or ``chart`` (the switch that turns it off, see docs/figures.md)."""
    id: str
    """Id of the figure on its page (``fig-…``); the SVG's title and description ids derive from it."""
    title: str
    """One line naming what is shown (the SVG's ``<title>`` and the caption)."""
    desc: str
    """What the picture shows, in a sentence or two (the SVG's ``<desc>``)."""
    svg: str
    """The ``<svg>`` element (self-contained: its own styles; links relative to the page)."""
    columns: tuple[str, ...]
    """Headings of the text alternative's table."""
    rows: tuple[Row, ...]
    """The same data as the picture, as a table: everything drawn is here, also what found no room in it."""
    note: str = ""
    """A line under the figure: the map's attribution, what a summarised graph left out."""
    width: float = 0.0
    """Width of the SVG's view box (px at 100 %); the PDF scales it to its column."""
    height: float = 0.0
    """Height of the SVG's view box."""
    summary: str = ""
    """What the picture shows, as :attr:`desc` says it but without what only the site has (links, the table
    beside it): for an output that prints no table, such as the PDF's text alternative."""
