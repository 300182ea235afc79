"""The visual timeline: events on one time axis, in a band per kind, every label clear of the others."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from briefgen.render.figures.svg import FONT, clip_text, esc, frame, link, num, text_width
from briefgen.render.figures.types import Figure, Row

WIDTH = 720.0
LANE = 20.0
"""Height of one row of labels."""
MAX_LABEL = 230.0
"""Longest label drawn (px); longer ones end in an ellipsis (the list beside has them whole)."""


@dataclass(frozen=True)
class Event:
    """One dated thing on the axis."""

    start: str
    """ISO (partial) date."""
    end: str | None
    """Last day of a range, if any."""
    label: str
    """What happened (plain text)."""
    when: str
    """The date as readers read it."""
    group: str
    """The band it is drawn in (a kind's plural, or dated facts)."""
    href: str | None
    """Its page (relative to the page the figure is on)."""


@dataclass(frozen=True)
class TimelineInput:
    """Everything a timeline is drawn from (equal inputs, equal timelines)."""

    fid: str
    """Figure id."""
    title: str
    """What the timeline is of."""
    events: tuple[Event, ...]
    """The events, in date order."""
    groups: tuple[str, ...]
    """The bands, top to bottom."""


def day(iso: str, last: bool = False) -> int:
    """Day number of an ISO (partial) date: its first day, or with ``last`` its last one."""
    parts = [int(p) for p in iso.split("-")[:3]]
    y = parts[0]
    if len(parts) == 1:
        return dt.date(y, 12, 31).toordinal() if last else dt.date(y, 1, 1).toordinal()
    m = parts[1]
    if len(parts) == 2:
        if last:
            nxt = dt.date(y + (m == 12), m % 12 + 1, 1)
            return nxt.toordinal() - 1
        return dt.date(y, m, 1).toordinal()
    return dt.date(y, m, parts[2]).toordinal()


_MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()


def _ticks(lo: int, hi: int) -> list[tuple[int, str, bool]]:
    """Axis ticks between day numbers ``lo`` and ``hi``: (day, label, major). Years, every 1, 2, 5, 10… so that
    there are at most about eight; months when the span is under two years."""
    a, b = dt.date.fromordinal(lo), dt.date.fromordinal(hi)
    years = b.year - a.year
    out: list[tuple[int, str, bool]] = []
    if years >= 2:
        step = next(s for s in (1, 2, 5, 10, 20, 25, 50, 100, 200, 500, 1000) if years / s <= 8)
        y = (a.year // step + 1) * step
        while y <= b.year:
            out.append((dt.date(y, 1, 1).toordinal(), str(y), True))
            y += step
        return out
    months = (b.year - a.year) * 12 + b.month - a.month
    step = next(s for s in (1, 2, 3, 6) if months / s <= 8)
    y, m = a.year, a.month + 1
    while True:
        if m > 12:
            y, m = y + 1, m - 12
        d = dt.date(y, m, 1)
        if d > b:
            break
        if (m - 1) % step == 0:
            out.append((d.toordinal(), str(y) if m == 1 else _MONTHS[m - 1], m == 1))
        m += 1
    return out


def _segments(days: list[int]) -> list[tuple[int, int]]:
    """The stretches of the axis: the whole span, broken at up to two long empty stretches (over 40 % of the span
    and over two years), each stretch padded a little."""
    total = max(days[-1] - days[0], 1)
    gaps = sorted(
        ((days[i + 1] - days[i], i) for i in range(len(days) - 1) if days[i + 1] - days[i] > max(0.4 * total, 730)),
        reverse=True,
    )[:2]
    cuts = sorted(i for _, i in gaps)
    out, start = [], 0
    for i in [*cuts, len(days) - 1]:
        lo, hi = days[start], days[i]
        pad = max((hi - lo) * 0.04, 20)
        out.append((int(lo - pad), int(hi + pad)))
        start = i + 1
    return out


def draw_timeline(t: TimelineInput) -> Figure:
    evs = t.events
    starts = [day(e.start) for e in evs]
    ends = [day(e.end, last=True) if e.end else day(e.start, last=True) for e in evs]
    margin, gap_w = 12.0, 22.0
    segs = _segments(sorted(set(starts) | set(ends)))
    spans = [hi - lo for lo, hi in segs]
    weights = [max(sp, 0.15 * sum(spans)) for sp in spans]
    room = WIDTH - 2 * margin - gap_w * (len(segs) - 1)
    lefts, x = [], margin
    for w in weights:
        lefts.append(x)
        x += room * w / sum(weights) + gap_w

    def sx(d: float) -> float:
        for (lo, hi), left, w in zip(segs, lefts, weights):
            if d <= hi or (lo, hi) == segs[-1]:
                return left + room * w / sum(weights) * (max(d, lo) - lo) / (hi - lo)
        raise AssertionError("unreachable")

    body: list[str] = []
    y = 6.0
    for g in t.groups:
        members = [i for i, e in enumerate(evs) if e.group == g]
        if not members:
            continue
        body.append(f'<text class="bgf-t bgf-b" x="{num(margin)}" y="{num(y + 12)}">{esc(g)}</text>')
        y += 20
        lanes: list[float] = []  # right end of the last label in each lane
        drawn: list[tuple[int, int, float, float, str, str]] = []
        for i in sorted(members, key=lambda i: (starts[i], ends[i], evs[i].label)):
            e = evs[i]
            x, xe = sx(starts[i]), sx(ends[i] + 1)
            # the label goes right of the mark; near the right edge it goes left of it; where neither side has
            # room for all of it, it is cut to the side with more room (never past the figure's edge)
            space = max(WIDTH - 2 - (xe + 6), x - 8)
            label = clip_text(e.label, min(MAX_LABEL, space))
            w = text_width(label)
            if xe + 6 + w <= WIDTH - 2:
                left, anchor, tx = x - 5, "start", xe + 6
                right = xe + 6 + w
            else:
                left, anchor, tx = x - 6 - w, "end", x - 6
                right = xe + 5
            lane = next((k for k, end in enumerate(lanes) if end + 8 <= left), len(lanes))
            if lane == len(lanes):
                lanes.append(right)
            else:
                lanes[lane] = right
            drawn.append((i, lane, x, xe, anchor, label))
        for i, lane, x, xe, anchor, label in drawn:
            e = evs[i]
            cy = y + lane * LANE + LANE / 2
            if ends[i] > starts[i] and xe - x > 6:  # a range (or a month, a year): a bar over its days
                mark = (
                    f'<rect class="bgf-mark" x="{num(x)}" y="{num(cy - 4)}" width="{num(xe - x)}" height="8" rx="3"/>'
                )
                tx = xe + 6 if anchor == "start" else x - 6
            else:
                mark = f'<circle class="bgf-mark" cx="{num(x)}" cy="{num(cy)}" r="5"/>'
                tx = x + 8 if anchor == "start" else x - 8
            text = f'<text class="bgf-t" x="{num(tx)}" y="{num(cy + FONT * 0.35)}" text-anchor="{anchor}">{esc(label)}</text>'
            body.append(link(e.href, mark + text, f"{e.when}: {e.label}"))
        y += max(len(lanes), 1) * LANE + 10
        body.append(f'<line class="bgf-grid" x1="0" x2="{num(WIDTH)}" y1="{num(y - 5)}" y2="{num(y - 5)}"/>')
    axis_y = y + 2
    grid: list[str] = []
    ticks: list[tuple[int, str, bool]] = []
    for i, (lo, hi) in enumerate(segs):
        x0, x1 = sx(lo), sx(hi)
        body.append(f'<line class="bgf-axis" x1="{num(x0)}" x2="{num(x1)}" y1="{num(axis_y)}" y2="{num(axis_y)}"/>')
        if i:  # the axis is broken here: a long stretch without events is left out
            gx = x0 - gap_w / 2
            body.append(
                f'<path class="bgf-axis" d="M{num(gx - 6)} {num(axis_y + 5)}l5 -10M{num(gx + 1)} {num(axis_y + 5)}l5 -10"/>'
            )
        seg_ticks = _ticks(lo, hi)
        if not seg_ticks:  # a short stretch between two ticks: its year, in its middle
            seg_ticks = [((lo + hi) // 2, str(dt.date.fromordinal((lo + hi) // 2).year), True)]
        ticks.extend(seg_ticks)
    for d, label, major in ticks:
        x = sx(d)
        grid.append(f'<line class="bgf-grid" x1="{num(x)}" x2="{num(x)}" y1="6" y2="{num(axis_y)}"/>')
        body.append(
            f'<line class="bgf-axis" x1="{num(x)}" x2="{num(x)}" y1="{num(axis_y)}" y2="{num(axis_y + (6 if major else 3))}"/>'
        )
        body.append(
            f'<text class="bgf-t bgf-s{"" if major else " bgf-muted"}" x="{num(x)}" y="{num(axis_y + 18)}" '
            f'text-anchor="middle">{esc(label)}</text>'
        )
    height = axis_y + 26
    first, last = dt.date.fromordinal(min(starts)), dt.date.fromordinal(max(ends))
    groups = [g for g in t.groups if any(e.group == g for e in evs)]
    what = (
        f"Time axis from {first.year} to {last.year} with {len(evs)} event{'s' if len(evs) != 1 else ''}, "
        f"in {len(groups)} band{'s' if len(groups) != 1 else ''} ({', '.join(groups)})"
    )
    desc = what + "; each event links to its page. The table or list beside it gives the same events."
    rows = tuple(Row((e.label, e.when, e.group), e.href) for e in evs)
    return Figure(
        "timeline",
        t.fid,
        t.title,
        desc,
        frame(t.fid, WIDTH, height, t.title, desc, grid + body),
        ("Event", "Date", "Group"),
        rows,
        "",
        WIDTH,
        height,
        what + ".",
    )
