"""Figures drawn at build time as static SVG: maps, timelines, connection graphs, number charts.

See docs/figures.md. The entry points are in :mod:`briefgen.render.figures.make`; :class:`Figure` is what
every one of them returns (the SVG with its text alternative).
"""

from briefgen.render.figures.svg import print_svg
from briefgen.render.figures.types import Figure, Row

__all__ = ["Figure", "Row", "print_svg"]
