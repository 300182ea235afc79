"""The figures of the print edition: the site's maps, timelines, graphs and charts as vector SVG for Typst.

The PDF draws the same figures as the site (:mod:`briefgen.render.figures.make`), asked for with the site's
links, so that a build that has just rendered the site finds every figure in the figure cache instead of drawing
it again. Typst shows no link inside an SVG, so the links in them do nothing in the PDF. Each figure reaches the
template as data (:class:`FigureView`): the SVG standing alone (:func:`~briefgen.render.figures.svg.print_svg`: its
styles inside it, light colours), its caption and its text alternative, which carries the figure's data in
words (the PDF prints no table beside a figure: that data is already in the section around it).
"""

from __future__ import annotations

from dataclasses import dataclass

from briefgen.model.types import Entity, Model
from briefgen.render.figures import make
from briefgen.render.figures.svg import print_svg
from briefgen.render.figures.types import Figure

CHAPTER_ANCHOR = "figures"
"""Anchor of the chapter of briefing-wide maps and connections (``figures``)."""

TIMELINE_PAGE = "timeline.md"
MAP_PAGE = "map.md"
CONNECTIONS_PAGE = "connections.md"
"""The site pages the briefing-wide figures are on (their links are relative to these: the same figure inputs as
the site's, so the figure cache has them)."""

PRINT_STYLE = (
    ".bgf-t{font-family:'DejaVu Sans',sans-serif;font-size:11px}.bgf-s{font-size:10.5px}"
    ".bgf-halo{stroke:none}.bgf-edge{stroke:#c2c2c2}"
)
"""What print changes in a figure's styles. Labels in DejaVu Sans (the template's sans-serif), the main ones at
11 px instead of 12: its letters are wider than the figures' width estimate (made for the screen's system fonts),
and at full size a long label reached past the figure's edge (the smaller lines keep their 10.5 px). Labels without their halo: Typst draws a stroked SVG text as the
outline of every glyph, which made the demo's PDF 4.8 MB instead of 3.0 MB and slower to make; the graph's lines
are lighter instead, so that a label they cross stays legible."""


@dataclass(frozen=True)
class FigureView:
    """A figure of the PDF: a vector SVG with its caption and text alternative."""

    kind: str
    """``map``, ``timeline``, ``connections`` or ``chart`` (the ``figures:`` switch that turns it off)."""
    id: str
    """The figure's id on its site page (``fig-map``, ``fig-chart-population``)."""
    title: str
    """The caption: one line naming what is shown."""
    note: str
    """A line under the caption: for a map, the base map's attribution and projection (else empty)."""
    alt: str
    """The text alternative (PDF/UA-1 wants one for every figure): what is shown and its data, in words."""
    svg: str
    """The SVG standing alone: styles inside, light colours, text as text (Typst draws it with its fonts)."""
    width: float
    """Width of the SVG's view box (px); the template scales 720 px to the text width."""
    height: float
    """Height of the SVG's view box (px)."""


@dataclass(frozen=True)
class FiguresChapter:
    """The chapter of the briefing-wide maps and connections graph (the site's Map and Connections pages)."""

    title: str
    """The chapter's title: "Maps and connections", "Maps" or "Connections"."""
    anchor: str
    """Its anchor, ``figures``."""
    figures: tuple[FigureView, ...]
    """The briefing map, a map of each region where places lie close together, then the connections graph."""


def alt_text(fig: Figure) -> str:
    """The figure's text alternative for print: its title, what it shows, then every row of its data."""
    summary = fig.summary or fig.desc
    rows = "; ".join(" — ".join(c for c in row.cells if c) for row in fig.rows)
    data = f" {', '.join(fig.columns)}: {rows}." if rows else ""
    return f"{fig.title}. {summary}{data}"


def view(fig: Figure) -> FigureView:
    """The print view of a site figure."""
    # the map's note credits its base map (Natural Earth, world-atlas's licence), which must be shown; the graph's
    # points to the site's table
    note = fig.note if fig.kind == "map" else ""
    svg = print_svg(fig.svg).replace("</style>", PRINT_STYLE + "</style>", 1)
    return FigureView(fig.kind, fig.id, fig.title, note, alt_text(fig), svg, fig.width, fig.height)


def entity_figures(model: Model, entity: Entity) -> tuple[FigureView, ...]:
    """An entity's figures as its page has them (locator map, own timeline, connections, number charts),
    honouring the ``figures:`` switches."""
    return tuple(view(f) for f in make.entity_figures(model, entity, make.SiteLinks(model, entity.page)))


def timeline_figure(model: Model) -> FigureView | None:
    """The visual timeline that opens the timeline chapter, as it opens the site's Timeline page."""
    fig = make.briefing_timeline(model, make.SiteLinks(model, TIMELINE_PAGE))
    return view(fig) if fig is not None else None


def figures_chapter(model: Model) -> FiguresChapter | None:
    """The briefing map(s) and the connections graph, or None when the switches or the briefing leave none."""
    maps = make.briefing_maps(model, make.SiteLinks(model, MAP_PAGE))
    graph = make.briefing_graph(model, make.SiteLinks(model, CONNECTIONS_PAGE))
    figs = tuple(view(f) for f in (*maps, *((graph,) if graph is not None else ())))
    if not figs:
        return None
    title = "Maps and connections" if maps and graph is not None else "Maps" if maps else "Connections"
    return FiguresChapter(title, CHAPTER_ANCHOR, figs)
