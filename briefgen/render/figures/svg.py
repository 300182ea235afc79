"""Writing SVG by hand, deterministically: numbers, escaping, text sizes, label placement, the figure's frame.

Every figure is a string built here from plain values, so the same input gives the same bytes. Colours are CSS
classes (``bgf-…``) styled by the site's stylesheet with Material's colour variables, so the dark scheme recolours
a figure; the site's pages carry no ``<style>`` element. :func:`print_svg` gives a figure that stands alone (the
PDF): the same rules inside it, each colour its light fallback.
"""

from __future__ import annotations

import functools
import html
import re
from dataclasses import dataclass

FONT = 12.0
"""Label font size, px of the figure's own coordinates."""

STYLE = (
    "<style>"
    ".bgf-t{font:12px system-ui,-apple-system,'Segoe UI',Roboto,'DejaVu Sans',sans-serif;fill:currentColor}"
    ".bgf-s{font-size:10.5px}.bgf-b{font-weight:600}"
    ".bgf-muted{fill:var(--md-default-fg-color--light,#555)}"
    ".bgf-axis{stroke:var(--md-default-fg-color--lighter,#888);stroke-width:1;fill:none}"
    ".bgf-grid{stroke:var(--md-default-fg-color--lightest,#ddd);stroke-width:1;fill:none}"
    ".bgf-land{fill:var(--md-default-fg-color--lightest,#e4e4e4);stroke:var(--md-default-bg-color,#fff);stroke-width:6}"
    ".bgf-sea{fill:var(--md-default-bg-color,#fff)}"
    ".bgf-shape{fill:var(--md-accent-fg-color--transparent,rgba(255,109,0,.12));stroke:var(--md-accent-fg-color,#c43e00);stroke-width:1.2;stroke-dasharray:4 2}"
    ".bgf-mark{fill:var(--md-accent-fg-color,#c43e00);stroke:var(--md-default-bg-color,#fff);stroke-width:1}"
    ".bgf-mark2{fill:var(--md-primary-fg-color,#546e7a);stroke:var(--md-default-bg-color,#fff);stroke-width:1}"
    ".bgf-hollow{fill:var(--md-default-bg-color,#fff);stroke:var(--md-primary-fg-color,#546e7a);stroke-width:2}"
    ".bgf-halo{stroke:var(--md-default-bg-color,#fff);stroke-width:3px;stroke-linejoin:round;paint-order:stroke}"
    ".bgf-edge{stroke:var(--md-default-fg-color--lighter,#999);stroke-width:1.2;fill:none}"
    ".bgf-bar{fill:var(--md-primary-fg-color,#546e7a)}"
    ".bgf-gen{fill:none;stroke:var(--md-accent-fg-color,#c43e00);stroke-width:1.5;stroke-dasharray:3 2}"
    "a:focus .bgf-t,a:hover .bgf-t{text-decoration:underline}"
    "</style>"
)
"""The classes every figure uses. templates/assets/briefgen.css has the same rules for the site (a test checks
they agree); :func:`print_svg` puts them inside a figure that must stand alone."""

_VAR = re.compile(r"var\(--[a-z0-9-]+,([^)]*\)?)\)")


def print_svg(svg: str) -> str:
    """The figure standing alone, for a renderer without the site's stylesheet or CSS variables (e.g. a PDF
    engine): its styles inside it, every ``var(--x,fallback)`` its fallback, the light scheme's colour."""
    at = svg.index("</desc>") + len("</desc>")
    return _VAR.sub(lambda m: m.group(1), svg[:at] + "\n" + STYLE + svg[at:])


def num(x: float) -> str:
    """A coordinate, to a tenth of a unit, without trailing zeros (stable text for equal input)."""
    s = f"{x:.1f}"
    if s.endswith(".0"):
        s = s[:-2]
    return "0" if s == "-0" else s


def esc(text: str) -> str:
    """Escape untrusted text for SVG text and attributes."""
    return html.escape(text, quote=True)


_NARROW = frozenset("iljtfrI.,:;'!|() ")
_WIDE = frozenset("MWmw@%")


def _char_width(c: str) -> float:
    if c in _NARROW:
        return 0.33
    if c in _WIDE:
        return 0.9
    if c.isupper() or c.isdigit():
        return 0.66
    if ord(c) > 0x2E80:  # CJK: full width
        return 1.0
    return 0.56


@functools.lru_cache(maxsize=1 << 15)
def text_width(text: str, size: float = FONT) -> float:
    """Estimated width of ``text`` in a sans-serif face at ``size`` (no font is measured: the figure must be the
    same on every machine). Errs wide, so that estimated boxes that do not touch do not touch when drawn."""
    return sum(_char_width(c) for c in text) * size


def clip_text(text: str, width: float, size: float = FONT) -> str:
    """``text`` cut to fit ``width`` (estimated), ending in an ellipsis when cut."""
    if text_width(text, size) <= width:
        return text
    room = width / size - _char_width("…")
    used = 0.0
    for i, c in enumerate(text):
        used += _char_width(c)
        if used > room:
            return text[:i].rstrip() + "…"
    return text


@dataclass(frozen=True)
class Box:
    """A rectangle in figure coordinates (y down)."""

    x0: float
    """Left."""
    y0: float
    """Top."""
    x1: float
    """Right."""
    y1: float
    """Bottom."""

    def overlaps(self, other: Box, gap: float = 2.0) -> bool:
        return not (
            self.x1 + gap <= other.x0
            or other.x1 + gap <= self.x0
            or self.y1 + gap <= other.y0
            or other.y1 + gap <= self.y0
        )

    def inside(self, width: float, height: float) -> bool:
        return self.x0 >= 0 and self.y0 >= 0 and self.x1 <= width and self.y1 <= height


@dataclass(frozen=True)
class Placed:
    """A label set down by :class:`Labeller`."""

    x: float
    """Anchor x of the text."""
    y: float
    """Baseline y of the first line."""
    anchor: str
    """``start``, ``middle`` or ``end``."""
    box: Box
    """The box the lines take."""
    far: bool = False
    """Set down away from its mark (a leader line joins them)."""


class Labeller:
    """Greedy label placement without overlaps: each label tries the places around its point, in a fixed order,
    and takes the first that stays inside the figure and clear of every mark and label set down before it. A
    label that fits nowhere is left out (the figure's table still names it)."""

    def __init__(self, width: float, height: float):
        self.width, self.height = width, height
        self.taken: list[Box] = []

    def block(self, box: Box) -> None:
        """Keep labels off ``box`` (a mark, a legend)."""
        self.taken.append(box)

    def place(
        self,
        x: float,
        y: float,
        lines: list[str],
        r: float = 4.0,
        size: float = FONT,
        left_first: bool = False,
        reach: int = 1,
    ) -> Placed | None:
        """Set a label of ``lines`` down by the point (x, y) of a mark of radius ``r``: right of it first (left
        first with ``left_first``), then left, above, below and the diagonals; with ``reach`` over 1, then the
        same places farther out (the caller draws a leader line, see :attr:`Placed.far`); None when nowhere is
        free."""
        lh = size * 1.2
        w = max(text_width(t, size if i == 0 else size * 0.875) for i, t in enumerate(lines))
        h = lh * len(lines)
        asc = size * 0.8
        for step in range(reach):
            d = r + 3 + step * 3 * size
            # right, left, above, below, then the four diagonals
            tries = (
                (x + d, y - h / 2, "start"),
                (x - d - w, y - h / 2, "end"),
                (x - w / 2, y - d - h, "middle"),
                (x - w / 2, y + d, "middle"),
                (x + d, y - d - h, "start"),
                (x + d, y + d, "start"),
                (x - d - w, y - d - h, "end"),
                (x - d - w, y + d, "end"),
            )
            if left_first:
                tries = (tries[1], tries[0], *tries[2:])
            for left, top, anchor in tries:
                box = Box(left, top, left + w, top + h)
                if not box.inside(self.width, self.height) or any(box.overlaps(t) for t in self.taken):
                    continue
                self.taken.append(box)
                ax = left if anchor == "start" else left + w if anchor == "end" else left + w / 2
                return Placed(ax, top + asc + (lh - size) / 2, anchor, box, step > 0)
        return None

    def leader(self, x: float, y: float, placed: Placed) -> str:
        """A line from a mark at (x, y) to its label set down farther out."""
        b = placed.box
        tx = min(max(x, b.x0), b.x1)
        ty = min(max(y, b.y0), b.y1)
        return f'<line class="bgf-axis" x1="{num(x)}" y1="{num(y)}" x2="{num(tx)}" y2="{num(ty)}"/>'


def text_lines(placed: Placed, lines: list[str], cls: str = "bgf-t bgf-halo", size: float = FONT) -> str:
    """``<text>`` for a placed label: the first line as given, the others smaller and muted."""
    out = [f'<text class="{cls}" x="{num(placed.x)}" y="{num(placed.y)}" text-anchor="{placed.anchor}">']
    for i, line in enumerate(lines):
        if i == 0:
            out.append(f"<tspan>{esc(line)}</tspan>")
        else:
            out.append(f'<tspan class="bgf-s bgf-muted" x="{num(placed.x)}" dy="{num(size * 1.2)}">{esc(line)}</tspan>')
    out.append("</text>")
    return "".join(out)


def link(href: str | None, inner: str, label: str | None = None) -> str:
    """``inner`` wrapped in a link to ``href`` (relative to the page), or as it is without one. ``label`` says the
    whole of it: a tooltip (``<title>``) where the link shows text (whose words are then its name, as WCAG
    wants), its accessible name where it shows only a mark."""
    if not href:
        return inner
    if not label:
        return f'<a href="{esc(href)}">{inner}</a>'
    if "<text" in inner:
        return f'<a href="{esc(href)}"><title>{esc(label)}</title>{inner}</a>'
    return f'<a href="{esc(href)}" aria-label="{esc(label)}">{inner}</a>'


def frame(fid: str, width: float, height: float, title: str, desc: str, body: list[str]) -> str:
    """The ``<svg>`` element: its size as a view box (it scales to the page), title and description first and
    named by ``aria-labelledby``/``aria-describedby``. Lines are joined without blank lines (a raw HTML block in
    Markdown ends at a blank line)."""
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="bg-svg" viewBox="0 0 {num(width)} {num(height)}" '
        f'width="{num(width)}" height="{num(height)}" role="group" aria-labelledby="{fid}-t" '
        f'aria-describedby="{fid}-d">'
    )
    parts = [
        head,
        f'<title id="{fid}-t">{esc(title)}</title>',
        f'<desc id="{fid}-d">{esc(desc)}</desc>',
        *body,
        "</svg>",
    ]
    return "\n".join(p for p in parts if p)
