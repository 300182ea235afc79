"""Number charts: each value several sources give for one property of an entity, by source and date."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from briefgen.render.figures.svg import FONT, clip_text, esc, frame, link, num, text_width
from briefgen.render.figures.types import Figure, Row

_NUMBER = re.compile(
    r"(?<![\d.,])(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(?!\d|[.,]\d|\s*°)\s*(million|thousand|billion)?", re.I
)
_SCALE = {"thousand": 1e3, "million": 1e6, "billion": 1e9}


def number_in(value: str) -> float | None:
    """The first number a value gives ("some 19,000 Russians" → 19000; "1.2 million" → 1200000), or None when it
    gives none, or only an angle (coordinates are no quantity to chart)."""
    m = _NUMBER.search(value)
    if m is None:
        return None
    x = float(m.group(1).replace(",", "") + (m.group(2) or ""))
    return x * _SCALE.get((m.group(3) or "").lower(), 1.0)


@dataclass(frozen=True)
class ChartPoint:
    """One value of the property, as one source gives it."""

    value: float
    """The number read from the value."""
    text: str
    """The value as the source puts it."""
    date: str
    """The date the value holds for, as shown ('' when unknown)."""
    source: str
    """The source's label (outlet and date, or the reference's title)."""
    general: bool
    """From general knowledge (an outside reference), not from the captured articles."""
    href: str | None
    """Where the source is (relative to the page, or an outside address), if anywhere."""


@dataclass(frozen=True)
class ChartInput:
    """Everything a chart is drawn from (equal inputs, equal charts)."""

    fid: str
    """Figure id."""
    subject: str
    """Name of the entity."""
    property: str
    """The property, as the facts name it."""
    points: tuple[ChartPoint, ...]
    """The values, in the order shown: captured sources first, then general knowledge, each by date."""


WIDTH = 640.0
ROW = 24.0


def _ticks(top: float) -> list[float]:
    """Round tick values from 0 to at least ``top`` (four or five steps)."""
    if top <= 0:
        return [0.0, 1.0]
    raw = top / 4
    mag = 10 ** math.floor(math.log10(raw))
    step = next(s * mag for s in (1, 2, 2.5, 5, 10) if s * mag >= raw)
    n = math.ceil(top / step - 1e-9)
    return [i * step for i in range(n + 1)]


def _fmt(x: float) -> str:
    return f"{x:,.0f}" if x == int(x) or abs(x) >= 100 else f"{x:,.2f}".rstrip("0").rstrip(".")


def draw_chart(c: ChartInput) -> Figure:
    pts = c.points
    labels = [" · ".join(x for x in (p.date, p.source) if x) for p in pts]
    label_w = min(260.0, max(text_width(t) for t in labels) + 8)
    x0, x1 = label_w + 8, WIDTH - 70
    ticks = _ticks(max(p.value for p in pts))
    top = ticks[-1]

    def sx(v: float) -> float:
        return x0 + (x1 - x0) * v / top

    legend_h = 22.0
    has_gen = any(p.general for p in pts)
    has_cap = any(not p.general for p in pts)
    y = legend_h + 8
    body: list[str] = []
    # legend: what a filled and a dashed bar mean
    lx = x0
    if has_cap:
        body.append(
            f'<rect class="bgf-bar" x="{num(lx)}" y="6" width="14" height="10"/>'
            f'<text class="bgf-t bgf-s" x="{num(lx + 18)}" y="15">from the captured articles</text>'
        )
        lx += 18 + text_width("from the captured articles", FONT * 0.875) + 16
    if has_gen:
        body.append(
            f'<rect class="bgf-gen" x="{num(lx)}" y="6" width="14" height="10"/>'
            f'<text class="bgf-t bgf-s" x="{num(lx + 18)}" y="15">general knowledge</text>'
        )
    rows_y: list[float] = []
    for i, p in enumerate(pts):
        if i and p.general and not pts[i - 1].general:
            y += 10  # captured and general-knowledge values apart, a rule between them
            body.append(f'<line class="bgf-grid" x1="0" x2="{num(WIDTH)}" y1="{num(y - 6)}" y2="{num(y - 6)}"/>')
        rows_y.append(y)
        y += ROW
    plot_bottom = y
    for t in ticks:
        x = sx(t)
        body.append(
            f'<line class="bgf-grid" x1="{num(x)}" x2="{num(x)}" y1="{num(legend_h + 4)}" y2="{num(plot_bottom)}"/>'
        )
        body.append(
            f'<text class="bgf-t bgf-s bgf-muted" x="{num(x)}" y="{num(plot_bottom + 14)}" text-anchor="middle">{esc(_fmt(t))}</text>'
        )
    for p, label, ry in zip(pts, labels, rows_y):
        w = max(sx(p.value) - x0, 1.0)
        cls = "bgf-gen" if p.general else "bgf-bar"
        bar = f'<rect class="{cls}" x="{num(x0)}" y="{num(ry + 4)}" width="{num(w)}" height="{num(ROW - 9)}"/>'
        text = f'<text class="bgf-t" x="{num(label_w)}" y="{num(ry + 16)}" text-anchor="end">{esc(clip_text(label, label_w - 4))}</text>'
        value = f'<text class="bgf-t bgf-b" x="{num(x0 + w + 5)}" y="{num(ry + 16)}">{esc(_fmt(p.value))}</text>'
        body.append(link(p.href, text, f"{label}: {p.text}") + bar + value)
    height = plot_bottom + 22
    title = f"{c.property.capitalize()} of {c.subject}, by source"
    n_gen = sum(p.general for p in pts)
    desc = (
        f"Bar chart of {len(pts)} values of {c.property} for {c.subject}: "
        f"{len(pts) - n_gen} from the captured articles, {n_gen} from general knowledge (dashed). "
        f"Values range from {_fmt(min(p.value for p in pts))} to {_fmt(max(p.value for p in pts))}."
    )
    rows = tuple(
        Row(
            (
                p.source,
                p.date or "unknown",
                p.text,
                _fmt(p.value),
                "general knowledge" if p.general else "captured article",
            ),
            p.href,
        )
        for p in pts
    )
    return Figure(
        "chart",
        c.fid,
        title,
        desc,
        frame(c.fid, WIDTH, height, title, desc, body),
        ("Source", "As of", "Value as given", "Number", "Kind of source"),
        rows,
        "",
        WIDTH,
        height,
        desc,
    )
