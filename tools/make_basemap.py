"""Make briefgen's bundled base map from Natural Earth (via the npm package ``world-atlas``).

Run once by a maintainer when the base map is to be refreshed; builds never download anything::

    npm pack world-atlas@2.0.2 && tar xzf world-atlas-2.0.2.tgz
    python tools/make_basemap.py package/countries-50m.json briefgen/render/figures/data/world-50m.json

The TopoJSON's country polygons are decoded to longitude/latitude rings, simplified (Douglas–Peucker, tolerance
``TOLERANCE`` degrees: below what a 1:50m source resolves anyway) and stored as integers of ``1/SCALE`` degrees,
each ring delta-encoded, with its bounding box, so a map loads only the rings in its view. The output is
deterministic for the same input.
"""

from __future__ import annotations

import itertools
import json
import sys
from pathlib import Path

TOLERANCE = 0.02
"""Simplification tolerance, degrees."""
SCALE = 100
"""Stored coordinates are integers of 1/SCALE degrees."""
ATTRIBUTION = "Natural Earth (public domain), 1:50m, via world-atlas 2.0.2 (ISC licence, © Michael Bostock)"


def decode_arcs(topo: dict) -> list[list[tuple[float, float]]]:
    sx, sy = topo["transform"]["scale"]
    tx, ty = topo["transform"]["translate"]
    out = []
    for arc in topo["arcs"]:
        x = y = 0
        pts = []
        for dx, dy in arc:
            x += dx
            y += dy
            pts.append((x * sx + tx, y * sy + ty))
        out.append(pts)
    return out


def ring_of(indices: list[int], arcs: list[list[tuple[float, float]]]) -> list[tuple[float, float]]:
    pts: list[tuple[float, float]] = []
    for i in indices:
        arc = arcs[i] if i >= 0 else arcs[~i][::-1]
        pts.extend(arc[1:] if pts else arc)
    return pts


def simplify(pts: list[tuple[float, float]], tol: float) -> list[tuple[float, float]]:
    """Douglas–Peucker, iterative (rings have thousands of points)."""
    if len(pts) < 4:
        return pts
    keep = [False] * len(pts)
    keep[0] = keep[-1] = True
    stack = [(0, len(pts) - 1)]
    while stack:
        a, b = stack.pop()
        (x0, y0), (x1, y1) = pts[a], pts[b]
        dx, dy = x1 - x0, y1 - y0
        norm = (dx * dx + dy * dy) ** 0.5
        best, at = -1.0, -1
        for i in range(a + 1, b):
            px, py = pts[i]
            d = abs(dy * (px - x0) - dx * (py - y0)) / norm if norm else ((px - x0) ** 2 + (py - y0) ** 2) ** 0.5
            if d > best:
                best, at = d, i
        if at >= 0 and best > tol:
            keep[at] = True
            stack.append((a, at))
            stack.append((at, b))
    return [p for p, k in zip(pts, keep) if k]


def encode(pts: list[tuple[float, float]]) -> dict | None:
    q = [(round(x * SCALE), round(y * SCALE)) for x, y in pts]
    dedup = [q[0]]
    for p in q[1:]:
        if p != dedup[-1]:
            dedup.append(p)
    if len(dedup) < 4:
        return None
    flat = [dedup[0][0], dedup[0][1]]
    for (ax, ay), (bx, by) in itertools.pairwise(dedup):
        flat += [bx - ax, by - ay]
    xs, ys = [p[0] for p in dedup], [p[1] for p in dedup]
    return {"bbox": [min(xs), min(ys), max(xs), max(ys)], "d": flat}


def main(src: str, dst: str) -> None:
    topo = json.loads(Path(src).read_text())
    arcs = decode_arcs(topo)
    countries = []
    for geom in topo["objects"]["countries"]["geometries"]:
        polys = geom["arcs"] if geom["type"] == "MultiPolygon" else [geom["arcs"]] if geom["type"] == "Polygon" else []
        rings = []
        for poly in polys:
            for ring in poly:
                pts = ring_of(ring, arcs)
                small = simplify(pts, TOLERANCE)
                enc = encode(small if len(small) >= 4 else pts)
                if enc is not None:
                    rings.append(enc)
        if rings:
            countries.append({"name": geom.get("properties", {}).get("name", ""), "rings": rings})
    countries.sort(key=lambda c: c["name"])
    out = {"attribution": ATTRIBUTION, "scale": SCALE, "countries": countries}
    Path(dst).write_text(json.dumps(out, separators=(",", ":"), ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main(*sys.argv[1:3])
