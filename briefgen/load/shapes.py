"""A briefing's own map shapes: GeoJSON files in ``content/shapes/`` (see docs/figures.md).

GeoJSON is read with the YAML reader (JSON is YAML's flow style), so every problem is reported at its line and
column. Polygons, multi-polygons, lines and multi-lines are kept; a feature's ``properties.entity`` attaches it
to an entity (its maps draw it), ``properties.name`` names it.
"""

from __future__ import annotations

from pathlib import Path

from briefgen.diagnostics import Diagnostics, Span
from briefgen.load.files import MAX_YAML_BYTES, read_text, rel
from briefgen.load.types import ShapeSpec
from briefgen.load.yamlsafe import YMap, YNode, YScalar, YSeq, parse_yaml
from briefgen.slug import is_valid_id

SHAPE_SUFFIXES = (".geojson", ".json")
"""File names read from content/shapes/."""

_HOW = "see docs/figures.md (Shapes): a FeatureCollection of Polygon/LineString features, [longitude, latitude]"


def read_shape_file(path: Path, root: Path, diags: Diagnostics) -> tuple[ShapeSpec, ...]:
    """The shapes of one GeoJSON file (problems located in ``diags``)."""
    shown = rel(path, root)
    text = read_text(path, shown, diags, allow_cp1252=False, limit=MAX_YAML_BYTES)
    if text is None:
        return ()
    # JSON allows tabs between tokens, PyYAML does not: a tab is one column either way, so places stay right
    node = parse_yaml(text.replace("\t", " "), shown, diags)
    if node is None:
        if not text.strip():
            diags.error(Span(shown), "shape-empty", "shape file is empty", _HOW)
        return ()
    out: list[ShapeSpec] = []
    _object(node, diags, out, shown)
    return tuple(out)


def _type(node: YMap, diags: Diagnostics) -> str | None:
    t = node.get("type")
    if not isinstance(t, YScalar):
        diags.error(node.span, "shape-type", "GeoJSON object has no 'type'", _HOW)
        return None
    return t.value


def _object(node: YNode, diags: Diagnostics, out: list[ShapeSpec], path: str) -> None:
    if not isinstance(node, YMap):
        diags.error(node.span, "shape-type", "a GeoJSON file must hold an object", _HOW)
        return
    t = _type(node, diags)
    if t == "FeatureCollection":
        feats = node.get("features")
        if not isinstance(feats, YSeq):
            diags.error(node.span, "shape-type", "a FeatureCollection needs a 'features' list", _HOW)
            return
        for f in feats.items:
            _feature(f, diags, out)
    elif t == "Feature":
        _feature(node, diags, out)
    elif t is not None:
        geom = _geometry(node, diags)
        if geom is not None:
            out.append(ShapeSpec(Path(path).stem, None, node.span, geom[0], geom[1], node.span))


def _feature(node: YNode, diags: Diagnostics, out: list[ShapeSpec]) -> None:
    if not isinstance(node, YMap) or _type(node, diags) != "Feature":
        if isinstance(node, YMap) and isinstance(node.get("type"), YScalar):
            diags.error(node.span, "shape-type", "each item of 'features' must be a Feature", _HOW)
        elif not isinstance(node, YMap):
            diags.error(node.span, "shape-type", "each item of 'features' must be a Feature object", _HOW)
        return
    props = node.get("properties")
    name, entity, entity_span = "", None, node.span
    if isinstance(props, YMap):
        n = props.get("name")
        if isinstance(n, YScalar) and not n.is_null:
            name = n.value
        e = props.get("entity")
        if isinstance(e, YScalar) and not e.is_null:
            if not is_valid_id(e.value):
                diags.error(
                    e.span,
                    "bad-id",
                    f"'{e.value}' is not an entity id",
                    "give the id of an entity in content/entities (a-z, 0-9 and dashes)",
                )
            else:
                entity, entity_span = e.value, e.span
    elif props is not None and not (isinstance(props, YScalar) and props.is_null):
        diags.error(props.span, "shape-type", "'properties' must be an object", _HOW)
    geom_node = node.get("geometry")
    if not isinstance(geom_node, YMap):
        diags.error(
            node.span if geom_node is None else geom_node.span, "shape-geometry", "feature has no geometry object", _HOW
        )
        return
    geom = _geometry(geom_node, diags)
    if geom is not None:
        out.append(ShapeSpec(name or entity or "shape", entity, entity_span, geom[0], geom[1], node.span))


def _geometry(node: YMap, diags: Diagnostics) -> tuple[tuple[tuple[tuple[float, float], ...], ...], bool] | None:
    t = _type(node, diags)
    coords = node.get("coordinates")
    if t is None:
        return None
    depth = {"LineString": 1, "MultiLineString": 2, "Polygon": 2, "MultiPolygon": 3}.get(t)
    if depth is None:
        diags.error(
            node.get("type").span,  # type: ignore[union-attr]
            "shape-geometry",
            f"geometry type '{t}' cannot be drawn as a shape",
            "use Polygon, MultiPolygon, LineString or MultiLineString; a point is an entity's 'coordinates'",
        )
        return None
    if not isinstance(coords, YSeq):
        diags.error(node.span, "shape-geometry", f"{t} needs a 'coordinates' list", _HOW)
        return None
    closed = "Polygon" in t
    lines: list[YSeq] = []
    _lines(coords, depth, lines, diags)
    rings = []
    for line in lines:
        pts = []
        for p in line.items:
            pt = _point(p, diags)
            if pt is None:
                return None
            pts.append(pt)
        need = 4 if closed else 2
        if len(pts) < need:
            diags.error(
                line.span,
                "shape-geometry",
                f"a {'ring' if closed else 'line'} needs at least {need} points",
                "a polygon ring repeats its first point at the end, so a triangle has 4" if closed else _HOW,
            )
            return None
        if closed and pts[0] != pts[-1]:
            diags.error(
                line.span,
                "shape-geometry",
                "a polygon ring must end where it starts",
                "repeat the first [longitude, latitude] as the last point",
            )
            return None
        rings.append(tuple(pts))
    return (tuple(rings), closed) if rings else None


def _lines(node: YSeq, depth: int, out: list[YSeq], diags: Diagnostics) -> None:
    """The point lists ``depth`` levels of lists down."""
    if depth == 1:
        out.append(node)
        return
    for item in node.items:
        if not isinstance(item, YSeq):
            diags.error(item.span, "shape-geometry", "expected a list of coordinates here", _HOW)
            continue
        _lines(item, depth - 1, out, diags)


def _point(node: YNode, diags: Diagnostics) -> tuple[float, float] | None:
    if isinstance(node, YSeq) and len(node.items) in (2, 3) and all(isinstance(i, YScalar) for i in node.items):
        try:
            lon, lat = (float(i.value) for i in node.items[:2])  # type: ignore[union-attr]
        except ValueError:
            lon = lat = float("nan")
        if -180 <= lon <= 180 and -90 <= lat <= 90:
            return (lon, lat)
        diags.error(
            node.span,
            "shape-coordinates",
            "point is not [longitude, latitude] in degrees",
            "GeoJSON puts longitude (−180..180) first, then latitude (−90..90), e.g. [147.6, 45.0]",
        )
        return None
    diags.error(
        node.span,
        "shape-coordinates",
        "a point must be [longitude, latitude]",
        "write two numbers, longitude first, e.g. [147.6, 45.0]",
    )
    return None
