"""Maps: places (and a briefing's own shapes) on briefgen's bundled base map, in a projection fitted to them.

The projection is Lambert azimuthal equal-area centred on the places shown (areas stay true, and it holds from a
few islands to half the globe); the extent is their bounding box, padded, never narrower than ``min_km``. The
base map is Natural Earth's 1:50m countries (data/README.md), loaded once per process.
"""

from __future__ import annotations

import functools
import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from briefgen.render.figures.svg import Box, Labeller, esc, frame, link, num, text_lines
from briefgen.render.figures.types import Figure, Row

EARTH_KM = 6371.0
WIDTH = 640.0
BASEMAP = Path(__file__).resolve().parent / "data" / "world-50m.json"

if TYPE_CHECKING:  # numpy is imported where a map is drawn: commands that draw none start faster
    import numpy as np


@dataclass(frozen=True)
class Place:
    """A point on the map."""

    id: str
    """Entity id."""
    name: str
    """Display name (the label's first line)."""
    lines: tuple[str, ...]
    """Further label lines: every name the ``names`` field gives a contested place, meetings held there."""
    lat: float
    """Latitude, degrees north."""
    lon: float
    """Longitude, degrees east."""
    href: str | None
    """Its page, relative to the page the map is on."""
    focus: bool
    """The subject of the map (drawn larger, labelled first, always inside the extent)."""
    meetings: tuple[tuple[str, str, str | None], ...] = ()
    """Meetings held here: (name, date as read, page), in date order."""
    names: str = ""
    """Every name of a contested place as one line of the table ('' when it has one name)."""


@dataclass(frozen=True)
class Shape:
    """An outline from the briefing's own GeoJSON (content/shapes/)."""

    label: str
    """What it is (its entity's name, or the feature's ``name``)."""
    rings: tuple[tuple[tuple[float, float], ...], ...]
    """Rings (polygons) or lines, as (longitude, latitude) points."""
    closed: bool
    """A polygon (filled) rather than a line."""
    href: str | None
    """Its entity's page, if it belongs to one."""
    focus: bool
    """Belongs to the map's subject (kept inside the extent)."""


@dataclass(frozen=True)
class MapInput:
    """Everything a map is drawn from (equal inputs, equal maps)."""

    fid: str
    """Figure id."""
    title: str
    """What the map shows."""
    places: tuple[Place, ...]
    """The places: those with ``focus`` set the extent; the others show where they fall inside it."""
    shapes: tuple[Shape, ...] = ()
    """Outlines to draw (those in view)."""
    min_km: float = 700.0
    """The narrowest extent, km (a single place is shown in its surroundings)."""


@dataclass(frozen=True)
class _Base:
    """The base map in memory: every ring's points end to end, which ring each point is of, and each ring's
    bounding box (degrees)."""

    lonlat: np.ndarray
    """(N, 2) longitude, latitude."""
    ring: np.ndarray
    """(N,) ring number of each point."""
    bbox: np.ndarray
    """(R, 4) west, south, east, north of each ring."""
    attribution: str
    """Who made it, under which licence."""


@functools.cache
def _basemap() -> _Base:
    import numpy as np

    data = json.loads(BASEMAP.read_text(encoding="utf-8"))
    scale = float(data["scale"])
    parts: list[np.ndarray] = []
    ids: list[np.ndarray] = []
    boxes: list[list[float]] = []
    for country in data["countries"]:
        for ring in country["rings"]:
            d = np.asarray(ring["d"], dtype=np.float64).reshape(-1, 2)
            parts.append(np.cumsum(d, axis=0) / scale)
            ids.append(np.full(len(d), len(boxes)))
            boxes.append([v / scale for v in ring["bbox"]])
    return _Base(np.concatenate(parts), np.concatenate(ids), np.asarray(boxes), str(data["attribution"]))


def _project(lon: np.ndarray, lat: np.ndarray, lon0: float, lat0: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Lambert azimuthal equal-area, km from the centre (y north); also cos of the angular distance (−1: the
    antipode, where the projection has no value)."""
    import numpy as np

    lam = np.radians(lon - lon0)
    phi, phi0 = np.radians(lat), math.radians(lat0)
    cosc = math.sin(phi0) * np.sin(phi) + math.cos(phi0) * np.cos(phi) * np.cos(lam)
    k = np.sqrt(2.0 / np.maximum(1.0 + cosc, 1e-9))
    x = EARTH_KM * k * np.cos(phi) * np.sin(lam)
    y = EARTH_KM * k * (math.cos(phi0) * np.sin(phi) - math.sin(phi0) * np.cos(phi) * np.cos(lam))
    return x, y, cosc


def _centre(lons: list[float], lats: list[float]) -> tuple[float, float]:
    """The middle of the smallest longitude arc holding every point (so places either side of 180° are
    centred over the Pacific, not the Atlantic), and of the latitudes."""
    ls = sorted(((x + 180) % 360) - 180 for x in lons)
    gaps = [(ls[(i + 1) % len(ls)] - ls[i]) % 360 for i in range(len(ls))]
    i = max(range(len(ls)), key=lambda j: (gaps[j], -j))
    start = ls[(i + 1) % len(ls)]
    span = 360 - gaps[i] if len(ls) > 1 else 0.0
    lon0 = ((start + span / 2 + 180) % 360) - 180
    return round(lon0, 4), round((min(lats) + max(lats)) / 2, 4)


def _clip(pts: list[tuple[float, float]], w: float, h: float, closed: bool) -> list[list[tuple[float, float]]]:
    """Clip a ring to the rectangle (Sutherland–Hodgman, with a margin so clipped edges stay off the figure);
    a line is cut into the runs inside."""
    m = 4.0
    if not closed:
        runs, cur = [], []
        for x, y in pts:
            if -m <= x <= w + m and -m <= y <= h + m:
                cur.append((x, y))
            elif cur:
                runs.append(cur)
                cur = []
        if cur:
            runs.append(cur)
        return [r for r in runs if len(r) > 1]
    out = pts
    for axis, bound, keep_less in ((0, -m, False), (0, w + m, True), (1, -m, False), (1, h + m, True)):
        if not out:
            break
        src, out = out, []

        def inside(p, axis=axis, bound=bound, keep_less=keep_less):
            return p[axis] <= bound if keep_less else p[axis] >= bound

        prev = src[-1]
        for pt in src:
            if inside(pt):
                if not inside(prev):
                    out.append(_cross(prev, pt, axis, bound))
                out.append(pt)
            elif inside(prev):
                out.append(_cross(prev, pt, axis, bound))
            prev = pt
    return [out] if len(out) > 2 else []


def _cross(a, b, axis, bound):
    t = (bound - a[axis]) / (b[axis] - a[axis])
    return (a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1]))


def _land(base: _Base, lon0: float, lat0: float, radius: float, px, height: float) -> str:
    """Path data of the land in view, in tenths of a pixel, computed for all rings at once (numpy) but the clip
    of the few rings that cross the edge."""
    import numpy as np

    w, h, m = WIDTH, height, 4.0
    b = base.bbox
    if radius > 60:
        cand = np.ones(len(b), dtype=bool)
    else:
        dl = radius / max(math.cos(math.radians(min(abs(lat0) + radius, 89.9))), 1e-3)
        cand = (b[:, 3] >= lat0 - radius) & (b[:, 1] <= lat0 + radius)
        near = np.zeros(len(b), dtype=bool)
        for k in (-360.0, 0.0, 360.0):
            near |= (b[:, 2] >= lon0 - dl + k) & (b[:, 0] <= lon0 + dl + k)
        cand &= near
    sel = cand[base.ring]
    if not sel.any():
        return ""
    pts, rid = base.lonlat[sel], base.ring[sel]
    x, y, cosc = _project(pts[:, 0], pts[:, 1], lon0, lat0)
    X, Y = px(x, y)
    starts = np.flatnonzero(np.r_[True, rid[1:] != rid[:-1]])
    lengths = np.diff(np.r_[starts, len(rid)])
    seg = np.repeat(np.arange(len(starts)), lengths)
    lo_x, hi_x = np.minimum.reduceat(X, starts), np.maximum.reduceat(X, starts)
    lo_y, hi_y = np.minimum.reduceat(Y, starts), np.maximum.reduceat(Y, starts)
    # near the antipode the projection runs wild; such rings are far outside any view drawn here anyway
    ok = (np.minimum.reduceat(cosc, starts) >= -0.94) & (hi_x >= 0) & (lo_x <= w) & (hi_y >= 0) & (lo_y <= h)
    inside = (lo_x >= 0) & (hi_x <= w) & (lo_y >= 0) & (hi_y <= h)
    keep = ok[seg]
    # points within a pixel of the previous one of their ring add nothing
    q = np.round(np.stack([X, Y], axis=1) / 0.8)
    first = np.zeros(len(X), dtype=bool)
    first[starts] = True
    keep &= first | np.r_[True, np.any(q[1:] != q[:-1], axis=1)]
    X, Y, seg = X[keep], Y[keep], seg[keep]
    if not len(X):
        return ""
    # a run of points outside the view on the same side(s): its inner points change nothing once clipped (the
    # run's path stays in that outside region), so they are dropped before the clip
    starts = np.flatnonzero(np.r_[True, seg[1:] != seg[:-1]])
    ends = np.r_[starts[1:], len(seg)] - 1
    prev = np.arange(len(seg)) - 1
    prev[starts] = ends
    nxt = np.arange(len(seg)) + 1
    nxt[ends] = starts
    code = (X < -m) * 1 + (X > w + m) * 2 + (Y < -m) * 4 + (Y > h + m) * 8
    drop = (code != 0) & (code == code[prev]) & (code == code[nxt])
    X, Y, seg = X[~drop], Y[~drop], seg[~drop]
    starts = np.flatnonzero(np.r_[True, seg[1:] != seg[:-1]])
    bounds = [*starts.tolist(), len(seg)]
    T = np.round(np.stack([X, Y], axis=1) * 10).astype(np.int64)
    out = []
    for i in range(len(starts)):
        a, z = bounds[i], bounds[i + 1]
        if z - a < 3:
            continue
        if inside[seg[a]]:
            out.append("M" + " ".join(map(str, T[a:z].ravel().tolist())) + "Z")
            continue
        for ring in _clip(list(zip(X[a:z].tolist(), Y[a:z].tolist())), w, h, True):
            if len(ring) >= 3:
                out.append("M" + " ".join(f"{round(px_ * 10)} {round(py_ * 10)}" for px_, py_ in ring) + "Z")
    return "".join(out)


def _path(rings: list[list[tuple[float, float]]], closed: bool) -> str:
    """SVG path data at 0.1 px, points closer than a pixel to the last one dropped."""
    parts = []
    for ring in rings:
        kept, last = [], None
        for x, y in ring:
            p = (round(x, 1), round(y, 1))
            if last is None or abs(p[0] - last[0]) >= 0.8 or abs(p[1] - last[1]) >= 0.8:
                kept.append(p)
                last = p
        if len(kept) < (3 if closed else 2):
            continue
        parts.append("M" + " ".join(f"{num(x)} {num(y)}" for x, y in kept) + ("Z" if closed else ""))
    return "".join(parts)


def _nice_km(km: float) -> float:
    mag = 10 ** math.floor(math.log10(km))
    return max(s * mag for s in (1, 2, 5, 10) if s * mag <= km)


def draw_map(mi: MapInput) -> Figure:
    import numpy as np

    focus = [p for p in mi.places if p.focus]
    fshapes = [s for s in mi.shapes if s.focus]
    if not focus and not fshapes:  # nothing singled out: everything sets the extent
        focus, fshapes = list(mi.places), list(mi.shapes)
    lons = [p.lon for p in focus] + [x for s in fshapes for r in s.rings for x, _ in r]
    lats = [p.lat for p in focus] + [y for s in fshapes for r in s.rings for _, y in r]
    lon0, lat0 = _centre(lons, lats)
    fx, fy, _ = _project(np.asarray(lons, dtype=float), np.asarray(lats, dtype=float), lon0, lat0)
    x0, x1, y0, y1 = float(fx.min()), float(fx.max()), float(fy.min()), float(fy.max())
    # pad, then no narrower than min_km; the height follows the extent's shape within sensible bounds
    sx, sy = max((x1 - x0) * 1.3, mi.min_km), max((y1 - y0) * 1.3, mi.min_km * 0.6)
    height = float(round(min(max(WIDTH * sy / sx, WIDTH * 0.55), WIDTH * 0.95)))
    if sy / sx < height / WIDTH:
        sy = sx * height / WIDTH
    else:
        sx = sy * WIDTH / height
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    scale = WIDTH / sx  # px per km

    def px(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return (x - cx) * scale + WIDTH / 2, height / 2 - (y - cy) * scale

    body = [f'<rect class="bgf-sea" x="0" y="0" width="{num(WIDTH)}" height="{num(height)}"/>']
    # base map: rings whose box is near the view (angular radius of the view, generously), then clipped
    radius = math.degrees(math.hypot(sx, sy) / 2 / EARTH_KM) * 1.5 + 1
    base = _basemap()
    attribution = base.attribution
    d = _land(base, lon0, lat0, radius, lambda x, y: px(x, y), height)
    if d:  # in tenths of a pixel (integers are shorter to write and quicker to make)
        body.append(f'<path class="bgf-land" transform="scale(.1)" fill-rule="evenodd" d="{d}"/>')
    for s in mi.shapes:
        drawn = []
        for ring in s.rings:
            arr = np.asarray(ring, dtype=float)
            x, y, _ = _project(arr[:, 0], arr[:, 1], lon0, lat0)
            X, Y = px(x, y)
            drawn.extend(_clip(list(zip(X.tolist(), Y.tolist())), WIDTH, height, s.closed))
        d = _path(drawn, s.closed)
        if d:
            cls = "bgf-shape" if s.closed else 'bgf-shape" fill="none'
            body.append(link(s.href, f'<path class="{cls}" d="{d}"><title>{esc(s.label)}</title></path>', s.label))
    labeller = Labeller(WIDTH, height)
    # the attribution line and the scale bar, bottom corners, kept clear of labels
    bar_km = _nice_km(sx / 5)
    bar = bar_km * scale
    body.append(
        f'<path class="bgf-axis" d="M10 {num(height - 14)}v4h{num(bar)}v-4"/>'
        f'<text class="bgf-t bgf-s bgf-halo" x="{num(14 + bar)}" y="{num(height - 10)}">{esc(f"{bar_km:,.0f} km")}</text>'
    )
    labeller.block(Box(0, height - 28, 60 + bar, height))
    body.append(
        f'<text class="bgf-t bgf-s bgf-muted bgf-halo" x="{num(WIDTH - 6)}" y="{num(height - 8)}" '
        f'text-anchor="end">{esc("Natural Earth")}</text>'
    )
    labeller.block(Box(WIDTH - 90, height - 22, WIDTH, height))
    pts = np.asarray([(p.lon, p.lat) for p in mi.places], dtype=float).reshape(-1, 2)
    x, y, _ = _project(pts[:, 0], pts[:, 1], lon0, lat0)
    X, Y = px(x, y)
    shown: list[tuple[Place, float, float]] = []
    for p, a, b in zip(mi.places, X.tolist(), Y.tolist()):
        if 0 <= a <= WIDTH and 0 <= b <= height:
            shown.append((p, a, b))
            r = 6.0 if p.focus else 4.0
            labeller.block(Box(a - r, b - r, a + r, b + r))
    marks, labels = [], []
    # the subject first, then contested places (their every name matters), then where meetings were held
    order = sorted(
        shown, key=lambda t: (not t[0].focus, not t[0].names, -len(t[0].meetings), t[0].name.casefold(), t[0].id)
    )
    for p, a, b in order:
        lines = [p.name, *p.lines]
        # the subject and contested places may be labelled farther out, joined to their mark by a line
        reach = 3 if p.focus or p.names else 1
        placed = labeller.place(a, b, lines, r=6.0 if p.focus else 4.0, reach=reach)
        if placed is None and len(lines) > 1:  # no room for every line: the name alone, the table has the rest
            lines = [p.name]
            placed = labeller.place(a, b, lines, r=6.0 if p.focus else 4.0, reach=reach)
        if placed is not None:
            lead = labeller.leader(a, b, placed) if placed.far else ""
            labels.append(
                lead + link(p.href, text_lines(placed, lines, "bgf-t bgf-halo" + (" bgf-b" if p.focus else "")), p.name)
            )
    for p, a, b in shown:
        halo = (
            f'<circle class="bgf-gen" cx="{num(a)}" cy="{num(b)}" r="{num(9 if p.focus else 7)}"/>'
            if p.meetings
            else ""
        )
        dot = f'<circle class="{"bgf-mark" if p.focus else "bgf-mark2"}" cx="{num(a)}" cy="{num(b)}" r="{num(5 if p.focus else 3.5)}"/>'
        marks.append(link(p.href, halo + dot, p.name))
    body.extend(marks)
    body.extend(labels)
    n_meet = sum(len(p.meetings) for p, _, _ in shown)
    names = ", ".join(p.name for p, _, _ in sorted(shown, key=lambda t: t[0].name.casefold()))
    summary = (
        f"Map of {len(shown)} place{'s' if len(shown) != 1 else ''} ({names})"
        f"{f', with {n_meet} meeting' + ('s' if n_meet != 1 else '') + ' at their places (ringed)' if n_meet else ''}"
        f"{', and ' + str(len(mi.shapes)) + ' outline' + ('s' if len(mi.shapes) != 1 else '') if mi.shapes else ''}; "
        f"scale bar {bar_km:,.0f} km."
    )
    desc = summary + " The table below lists every place with its coordinates."
    rows = []
    for p, _, _ in sorted(shown, key=lambda t: (not t[0].focus, t[0].name.casefold(), t[0].id)):
        meetings = "; ".join(f"{n} ({d})" if d else n for n, d, _ in p.meetings)
        rows.append(Row((p.name, p.names, _coords(p.lat, p.lon), meetings), p.href))
    note = f"Base map: {attribution}. Lambert azimuthal equal-area projection centred on {_coords(lat0, lon0)}."
    return Figure(
        "map",
        mi.fid,
        mi.title,
        desc,
        frame(mi.fid, WIDTH, height, mi.title, desc, body),
        ("Place", "Names", "Coordinates", "Meetings here"),
        tuple(rows),
        note,
        WIDTH,
        height,
        summary,
    )


def _coords(lat: float, lon: float) -> str:
    return f"{abs(lat):.2f}° {'N' if lat >= 0 else 'S'}, {abs(lon):.2f}° {'E' if lon >= 0 else 'W'}"
