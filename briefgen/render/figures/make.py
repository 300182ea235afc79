"""From the model to figures: what each figure of an entity page and of the briefing draws.

The entry points (also the PDF's, see docs/figures.md):

- :func:`entity_figures` — an entity's locator map, own timeline, neighbourhood graph and number charts;
- :func:`briefing_timeline`, :func:`briefing_maps`, :func:`briefing_graph` — the briefing-wide figures.

Each takes the model and a :class:`Links` (where an entity or a source is, from the page the figure is on) and
honours the ``figures:`` switches of the briefing and of each kind. Each figure is made from a frozen input
value (``*Input`` of its module) and kept by that value (:func:`cached`): the same input gives the same
figure, computed once per process.
"""

from __future__ import annotations

import math
import re
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Protocol, TypeVar

from briefgen.model.types import Entity, Fact, Model, TimelineEntry
from briefgen.render import format as fmt
from briefgen.render.figures.charts import ChartInput, ChartPoint, draw_chart, number_in
from briefgen.render.figures.graph import Edge, GraphInput, Node, draw_graph
from briefgen.render.figures.maps import MapInput, Place, Shape, draw_map
from briefgen.render.figures.timeline import Event, TimelineInput, draw_timeline
from briefgen.render.figures.types import Figure
from briefgen.render.urls import relurl
from briefgen.render.views import SourceRef, source_ref
from briefgen.slug import slugify

KINDS = ("maps", "timeline", "connections", "charts")
"""The kinds of figure, as ``figures:`` switches name them."""

RING1 = 14
"""Entities directly linked to an entity that its graph draws; the rest are summarised ('and N more')."""
RING2 = 8
"""Entities met through a shared meeting (or other dated record) that an entity's graph draws."""
GRAPH_NODES = 60
"""Entities the briefing's graph draws (the most connected); the table lists all."""
TIMELINE_EVENTS = 150
"""Events the visual timeline draws (entities' dates before facts); the list beside it has all."""
CLUSTER_KM = 1500.0
"""Places closer than this (chained) form a region the briefing map page also shows on its own."""


class Links(Protocol):
    """Where things are, seen from the page (or document) a figure is on."""

    def entity(self, eid: str) -> str | None:
        """The link to an entity's page."""

    def source(self, fact: Fact) -> SourceRef:
        """A fact's source: label, link, and whether it is general knowledge."""


@dataclass(frozen=True)
class SiteLinks:
    """Links of the site: relative to the page the figure is on (so they work from ``file://``)."""

    model: Model
    """The model (entity pages, articles)."""
    page: str
    """The docs-relative page, e.g. ``actors/lavrov.md``."""

    def entity(self, eid: str) -> str | None:
        e = self.model.entities.get(eid)
        return relurl(self.page, e.page) if e is not None else None

    def source(self, fact: Fact) -> SourceRef:
        return source_ref(self.model, self.page, fact.citation, fact.spec.reference)


# -- the cache ---------------------------------------------------------------------------------------

T = TypeVar("T")
_CACHE: OrderedDict[object, Figure] = OrderedDict()
_CACHE_SIZE = 4096
_SPENT = [0.0]


_USED: dict[object, Figure] = {}
_NOTING = [False]
_PAGE = [""]
"""The page being rendered while figures are noted ('' : none)."""
_BY_PAGE: dict[str, list[object]] = {}
"""The inputs of the figures each page used in this build (pages kept from the last build: those it used then)."""
_BY_PAGE_BEFORE: dict[str, tuple[object, ...]] = {}


def cached(inp: T, draw: Callable[[T], Figure]) -> Figure:
    """``draw(inp)``, kept by the input value (frozen, hashable): equal inputs are drawn once per process (and,
    through :func:`keep` and :func:`used`, across builds by the build cache)."""
    got = _CACHE.get(inp)
    if got is None:
        got = _CACHE[inp] = draw(inp)
        if len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    else:
        _CACHE.move_to_end(inp)
    if _NOTING[0]:
        _USED[inp] = got
        if _PAGE[0]:
            _BY_PAGE[_PAGE[0]].append(inp)
    return got


def _hold(figures: Mapping[object, Figure]) -> None:
    """Keep ``figures`` (by their inputs) as if drawn here; beyond :data:`_CACHE_SIZE` the least recently used go.
    A value that is not a figure (a damaged store) is left out."""
    for inp, fig in figures.items():
        if isinstance(fig, Figure):
            _CACHE[inp] = fig
    while len(_CACHE) > _CACHE_SIZE:
        _CACHE.popitem(last=False)


def keep(figures: Mapping[object, Figure], pages: Mapping[str, tuple[object, ...]] | None = None) -> None:
    """Figures drawn by an earlier build, by their inputs (the build cache hands them back), to be reused when
    an input is equal; and start noting what this build uses (:func:`used`). ``pages``: the inputs of the figures
    each page of that build used (see :func:`on_page`)."""
    _hold(figures)
    _USED.clear()
    _BY_PAGE.clear()
    _BY_PAGE_BEFORE.clear()
    _BY_PAGE_BEFORE.update(pages or {})
    _NOTING[0] = True


def on_page(path: str, kept: bool) -> None:
    """The page ``path`` is rendered now (the figures it asks for are noted as its own), or, ``kept``, reused from
    the last build: the figures it used then are used by this build too (kept for the next one, and for the PDF)."""
    if not _NOTING[0]:
        return
    _PAGE[0] = "" if kept else path
    if not kept:
        _BY_PAGE[path] = []
        return
    mine = _BY_PAGE[path] = []
    for inp in _BY_PAGE_BEFORE.get(path, ()):
        fig = _CACHE.get(inp)
        if fig is not None:
            _USED[inp] = fig
            mine.append(inp)


def used() -> dict[object, Figure]:
    """The figures used since :func:`keep`, by their inputs (what the build cache keeps for the next build); noting
    stops (a long-lived process that never calls :func:`keep` notes nothing)."""
    got = dict(_USED)
    _USED.clear()
    _NOTING[0] = False
    _PAGE[0] = ""
    return got


def used_by_page() -> dict[str, tuple[object, ...]]:
    """The inputs of the figures each page used since :func:`keep` (see :func:`on_page`), by page path."""
    got = {path: tuple(inputs) for path, inputs in _BY_PAGE.items() if inputs}
    _BY_PAGE.clear()
    _BY_PAGE_BEFORE.clear()
    return got


def drawn_keys() -> frozenset[object]:
    """The inputs of the figures this process holds now (see :func:`drawn_since`)."""
    return frozenset(_CACHE)


def drawn_since(before: frozenset[object]) -> dict[object, Figure]:
    """The figures this process holds that it did not hold at ``before`` (:func:`drawn_keys`), by their inputs."""
    return {inp: fig for inp, fig in _CACHE.items() if inp not in before}


def adopt(figures: Mapping[object, Figure], seconds: float) -> None:
    """Figures another process drew for this build (a page worker), by their inputs, and the seconds it spent
    drawing them: kept as if drawn here (the PDF of the same build reuses them), noting nothing."""
    _hold(figures)
    _SPENT[0] += seconds


def seconds_spent() -> float:
    """Seconds (wall) this process has spent making figures (the build reports it as its own stage). No CPU
    clock is read: on some hosts reading one costs milliseconds."""
    return _SPENT[0]


def _timed(fn: Callable[..., T]) -> Callable[..., T]:
    def run(*a, **kw):
        t = time.perf_counter()
        try:
            return fn(*a, **kw)
        finally:
            _SPENT[0] += time.perf_counter() - t

    run.__name__, run.__doc__, run.__wrapped__ = fn.__name__, fn.__doc__, fn  # type: ignore[attr-defined]
    return run


def enabled(model: Model, what: str, kind_id: str | None = None) -> bool:
    """Whether figures of ``what`` are drawn by the briefing (and, with ``kind_id``, for that kind)."""
    if not model.config.figures.on(what):
        return False
    if kind_id is None:
        return True
    kind = model.config.kind(kind_id)
    return kind is None or kind.figures.on(what)


# -- locations ---------------------------------------------------------------------------------------


def _coords(e: Entity) -> tuple[float, float] | None:
    for fd in e.kind.fields:
        if fd.type == "coordinates":
            fv = e.spec.field(fd.key)
            if fv is not None and isinstance(fv.value, tuple):
                return (float(fv.value[0]), float(fv.value[1]))
    return None


def location(model: Model, e: Entity) -> tuple[tuple[float, float], str | None] | None:
    """Where an entity is: its own coordinates, else those of the first entity a single ``ref`` field of it
    names that has some (a meeting at its place) — with that entity's id (None for its own)."""
    own = _coords(e)
    if own is not None:
        return own, None
    for fd in e.kind.fields:
        if fd.type == "ref":
            fv = e.spec.field(fd.key)
            target = model.entities.get(fv.value) if fv is not None and isinstance(fv.value, str) else None
            if target is not None:
                c = _coords(target)
                if c is not None:
                    return c, target.spec.id
    return None


def _names(e: Entity) -> tuple[str, ...]:
    """Every name a ``names`` field gives, as 'side: name' lines, when they differ (a contested place)."""
    for fd in e.kind.fields:
        if fd.type == "names":
            fv = e.spec.field(fd.key)
            if fv is not None and isinstance(fv.value, tuple):
                pairs = [(str(side), str(name)) for side, name in fv.value]
                if len({n for _, n in pairs}) > 1:
                    return tuple(f"{side}: {name}" for side, name in pairs)
    return ()


def _meetings_at(model: Model, links: Links) -> dict[str, list[tuple[str, str, str | None]]]:
    """Dated entities (meetings) by the place they are located at through a ref field."""
    out: dict[str, list[tuple[str, str, str | None, str]]] = {}
    for e in model.entities.values():
        if _coords(e) is not None or not e.kind.timeline or not enabled(model, "maps", e.kind.id):
            continue
        loc = location(model, e)
        if loc is None or loc[1] is None:
            continue
        date = _first_date(e)
        out.setdefault(loc[1], []).append(
            (e.spec.name, fmt.fmt_date(date) if date else "", links.entity(e.spec.id), date or "")
        )
    return {k: [(n, d, h) for n, d, h, _ in sorted(v, key=lambda m: (m[3], m[0].casefold()))] for k, v in out.items()}


def meetings_placed(model: Model, links: Links) -> int:
    """How many dated entities (meetings) the briefing map shows at their places."""
    return sum(len(v) for v in _meetings_at(model, links).values())


def _first_date(e: Entity) -> str | None:
    fv = e.spec.field(e.kind.timeline) if e.kind.timeline else None
    if fv is None:
        return None
    return (
        fv.value
        if isinstance(fv.value, str)
        else str(fv.value[0])
        if isinstance(fv.value, tuple) and fv.value
        else None
    )


def _place(model: Model, e: Entity, lat: float, lon: float, links: Links, focus: bool, meetings: tuple = ()) -> Place:
    names = _names(e)
    lines = list(names)
    if meetings:
        lines.append(f"{len(meetings)} meeting{'s' if len(meetings) != 1 else ''}")
    return Place(
        e.spec.id,
        e.spec.name,
        tuple(lines),
        lat,
        lon,
        links.entity(e.spec.id),
        focus,
        tuple(meetings),
        " · ".join(names),
    )


def _shapes(
    model: Model, links: Links, focus: str | None = None, ids: frozenset[str] | None = None
) -> tuple[Shape, ...]:
    out = []
    for s in model.shapes:
        if s.entity is not None:
            e = model.entities.get(s.entity)
            if e is None or not enabled(model, "maps", e.kind.id) or (ids is not None and s.entity not in ids):
                continue
        label = model.entities[s.entity].spec.name if s.entity is not None and s.name == s.entity else s.name
        out.append(
            Shape(
                label,
                s.rings,
                s.closed,
                links.entity(s.entity) if s.entity else None,
                focus is not None and s.entity == focus,
            )
        )
    return tuple(out)


# -- entity figures ----------------------------------------------------------------------------------


@_timed
def entity_figures(model: Model, entity: Entity, links: Links) -> tuple[Figure, ...]:
    """The figures of an entity's page, in page order: locator map, own timeline, connections, number charts.
    Each only when switched on for the briefing and the entity's kind and when there is something to draw."""
    out: list[Figure] = []
    kid = entity.kind.id
    if enabled(model, "maps", kid):
        f = entity_map(model, entity, links)
        if f is not None:
            out.append(f)
    if enabled(model, "timeline", kid):
        f = entity_timeline(model, entity, links)
        if f is not None:
            out.append(f)
    if enabled(model, "connections", kid):
        f = entity_graph(model, entity, links)
        if f is not None:
            out.append(f)
    if enabled(model, "charts", kid):
        out.extend(entity_charts(model, entity, links))
    return tuple(out)


def entity_map(model: Model, entity: Entity, links: Links) -> Figure | None:
    """A locator map: the entity at its place (own coordinates or its shape; a meeting at its place), with the
    other located entities that fall inside the view."""
    eid = entity.spec.id
    loc = location(model, entity)
    own_shapes = [s for s in model.shapes if s.entity == eid]
    if loc is None and not own_shapes:
        return None
    places = []
    at = loc[1] if loc is not None else None
    if loc is not None:
        (lat, lon), _ = loc
        p = _place(model, entity, lat, lon, links, True)
        if at is not None:  # drawn at its place, named as itself
            p = Place(eid, entity.spec.name, (f"at {model.entities[at].spec.name}",), lat, lon, links.entity(eid), True)
        places.append(p)
    for oid, (lat, lon) in model.located.items():  # not every entity: a map depends on the located ones only
        other = model.entities[oid]
        if oid not in (eid, at) and enabled(model, "maps", other.kind.id):
            places.append(_place(model, other, lat, lon, links, False))
    if at is not None:
        c = _coords(model.entities[at])
        assert c is not None
        places.append(_place(model, model.entities[at], c[0], c[1], links, False))
    title = (
        f"Map: where {entity.spec.name} is"
        if at is None
        else f"Map: {entity.spec.name}, at {model.entities[at].spec.name}"
    )
    return cached(MapInput("fig-map", title, tuple(places), _shapes(model, links, eid)), draw_map)


def _neighbours(model: Model, eid: str) -> list[tuple[str, str]]:
    """Entities linked to ``eid`` either way, with the relation's label, in a fixed order."""
    out: dict[str, list[str]] = {}
    for ln in model.links_out.get(eid, ()):
        out.setdefault(ln.target, []).append(ln.label)
    for ln in model.links_in.get(eid, ()):
        out.setdefault(ln.source, []).append(ln.reverse)
    return [(k, "; ".join(sorted(set(v)))) for k, v in sorted(out.items()) if k != eid and k in model.entities]


def entity_timeline(model: Model, entity: Entity, links: Links) -> Figure | None:
    """The entity's own events on a time axis: its dated entries and those of the entities linked to it
    (the meetings an actor attended), when there is more than its own one entry."""
    eid = entity.spec.id
    near = {k for k, _ in _neighbours(model, eid)}
    entries = [t for t in model.timeline if t.entity == eid or (t.kind == "entity" and t.entity in near)]
    entries = [t for t in entries if t.entity is None or enabled(model, "timeline", model.entities[t.entity].kind.id)]
    if not entries or (all(t.entity == eid for t in entries) and len(entries) < 2):
        return None
    return _timeline(model, entries, links, "fig-timeline", f"Timeline of {entity.spec.name}", eid)


def _timeline(
    model: Model, entries: list[TimelineEntry], links: Links, fid: str, title: str, own: str | None = None
) -> Figure:
    """``own``: the entity whose page the timeline is on (its facts are named without it, and not linked)."""
    facts_group = "Dated facts"
    events = []
    for t in entries:
        e = model.entities.get(t.entity) if t.entity else None
        if t.kind == "entity" and e is not None:
            group, label = e.kind.plural, t.label
        else:
            group = facts_group
            label = f"{e.spec.name}: {t.label}" if e is not None and t.entity != own else t.label
        events.append(
            Event(
                t.date,
                t.end,
                label,
                fmt.fmt_range(t.date, t.end),
                group,
                links.entity(t.entity) if t.entity and t.entity != own else None,
            )
        )
    groups = tuple(k.plural for k in model.config.kinds) + (facts_group,)
    return cached(TimelineInput(fid, title, tuple(events), groups), draw_timeline)


def entity_graph(model: Model, entity: Entity, links: Links) -> Figure | None:
    """The entity's neighbourhood: what it links to and what links to it, and who it shares a meeting (or
    other dated record) with; more than :data:`RING1` / :data:`RING2` are summarised."""
    eid = entity.spec.id
    ring1 = [(k, lab) for k, lab in _neighbours(model, eid) if enabled(model, "connections", model.entities[k].kind.id)]
    if not ring1:
        return None
    degree = {k: len(model.links_out.get(k, ())) + len(model.links_in.get(k, ())) for k, _ in ring1}
    ranked = sorted(ring1, key=lambda kl: (-degree[kl[0]], model.entities[kl[0]].spec.name.casefold(), kl[0]))
    shown1, rest1 = ranked[:RING1], ranked[RING1:]
    # round the circle kind by kind, so that like sits by like
    shown1.sort(key=lambda kl: (model.entities[kl[0]].kind.id, model.entities[kl[0]].spec.name.casefold(), kl[0]))
    ids1 = {k for k, _ in shown1}
    # who it met: others linked to the dated entities (meetings) it is linked to
    met: dict[str, str] = {}
    for k, _ in shown1:
        if not model.entities[k].kind.timeline:
            continue
        for other, _ in _neighbours(model, k):
            if (
                other != eid
                and other not in ids1
                and other not in met
                and enabled(model, "connections", model.entities[other].kind.id)
            ):
                met[other] = k
    order1 = {k: i for i, (k, _) in enumerate(shown1)}
    ranked2 = sorted(met, key=lambda k: (order1[met[k]], model.entities[k].spec.name.casefold(), k))
    shown2, rest2 = ranked2[:RING2], ranked2[RING2:]

    def node(k: str, ring: int) -> Node:
        e = model.entities[k]
        return Node(k, e.spec.name, e.kind.label, links.entity(k), ring)

    nodes = [node(eid, 0)] + [node(k, 1) for k, _ in shown1] + [node(k, 2) for k in shown2]
    edges = [Edge(eid, k, lab) for k, lab in shown1]
    drawn = {n.id for n in nodes}
    for k, _ in shown1:  # relations among the neighbours themselves
        for ln in model.links_out.get(k, ()):
            if ln.target in drawn and ln.target != eid:
                edges.append(Edge(k, ln.target, ln.label))
    for k in shown2:
        edges.append(Edge(met[k], k, "shared " + model.entities[met[k]].kind.label.lower()))
    left = [node(k, 1) for k, _ in rest1] + [node(k, 2) for k in rest2]
    left_edges = tuple(
        [Edge(eid, k, lab) for k, lab in rest1]
        + [Edge(met[k], k, "shared " + model.entities[met[k]].kind.label.lower()) for k in rest2]
    )
    if left:
        nodes.append(Node("+more", f"and {len(left)} more", "", None, 2 if shown2 else 1))
        edges.append(Edge(eid, "+more", ""))
    title = f"Connections of {entity.spec.name}"
    return cached(
        GraphInput("fig-connections", title, tuple(nodes), tuple(dict.fromkeys(edges)), tuple(left), left_edges, eid),
        draw_graph,
    )


_PROPERTY_ID = re.compile(r"[^a-z0-9]+")


def entity_charts(model: Model, entity: Entity, links: Links) -> list[Figure]:
    """A chart per property for which several of the entity's facts give a number."""
    by_prop: dict[str, list[Fact]] = {}
    for f in model.facts.get(entity.spec.id, ()):
        if number_in(f.spec.value) is not None:
            by_prop.setdefault(f.spec.property.casefold(), []).append(f)
    out = []
    for prop, facts in sorted(by_prop.items()):
        if len(facts) < 2:
            continue
        dated = []
        for f in facts:
            src = links.source(f)
            value = number_in(f.spec.value)
            assert value is not None
            dated.append(
                (
                    f.date or "",
                    ChartPoint(
                        value, f.spec.value, fmt.fmt_date(f.date) if f.date else "", src.label, src.general, src.href
                    ),
                )
            )
        # captured sources first, then general knowledge, each by the date the value holds for
        dated.sort(key=lambda dp: (dp[1].general, dp[0], dp[1].source, dp[1].text))
        pts = [p for _, p in dated]
        fid = "fig-chart-" + (slugify(prop) or "value")
        out.append(cached(ChartInput(fid, entity.spec.name, facts[0].spec.property, tuple(pts)), draw_chart))
    return out


# -- briefing figures --------------------------------------------------------------------------------


def has_map(model: Model) -> bool:
    """Whether the briefing has a map page: maps are on and some entity (of a kind with maps on) has
    coordinates, or the briefing gives shapes."""
    if not enabled(model, "maps"):
        return False
    return bool(_shapes_on(model)) or any(
        _coords(e) is not None and enabled(model, "maps", e.kind.id) for e in model.entities.values()
    )


def _shapes_on(model: Model) -> list:
    return [
        s
        for s in model.shapes
        if s.entity is None or (s.entity in model.entities and enabled(model, "maps", model.entities[s.entity].kind.id))
    ]


def has_graph(model: Model) -> bool:
    """Whether the briefing has a connections page: connections are on and two entities of kinds with
    connections on are linked."""
    if not enabled(model, "connections"):
        return False
    for i, e in model.entities.items():
        if not enabled(model, "connections", e.kind.id):
            continue
        for ln in model.links_out.get(i, ()):
            t = model.entities.get(ln.target)
            if t is not None and ln.target != i and enabled(model, "connections", t.kind.id):
                return True
    return False


@_timed
def briefing_timeline(model: Model, links: Links) -> Figure | None:
    """Every event of the timeline on one axis, a band per kind (dated facts last); at most
    :data:`TIMELINE_EVENTS` drawn, entities' dates first."""
    if not enabled(model, "timeline"):
        return None
    entries = [
        t for t in model.timeline if t.entity is None or enabled(model, "timeline", model.entities[t.entity].kind.id)
    ]
    if not entries:
        return None
    if len(entries) > TIMELINE_EVENTS:
        keep = sorted(range(len(entries)), key=lambda i: (entries[i].kind != "entity", i))[:TIMELINE_EVENTS]
        entries = [entries[i] for i in sorted(keep)]
    return _timeline(model, entries, links, "fig-timeline", "Timeline of the briefing")


@_timed
def briefing_maps(model: Model, links: Links) -> tuple[Figure, ...]:
    """The briefing map (every located entity, meetings ringed at their places), then a map of each region
    where several places lie close together, when the briefing map spans much more than it."""
    if not has_map(model):
        return ()
    meetings = _meetings_at(model, links)
    places = []
    for e in model.entities.values():
        c = _coords(e)
        if c is not None and enabled(model, "maps", e.kind.id):
            places.append(_place(model, e, c[0], c[1], links, True, tuple(meetings.get(e.spec.id, ()))))
    shapes = _shapes(model, links)
    places.sort(key=lambda p: (p.name.casefold(), p.id))
    out = [cached(MapInput("fig-map", "Map of the briefing's places", tuple(places), shapes, 1500.0), draw_map)]
    regions = _regions(places)
    if len(regions) > 1 or (regions and len(regions[0]) < len(places)):
        for i, region in enumerate(regions, 1):
            ids = {p.id for p in region}
            inner = tuple(
                Place(p.id, p.name, p.lines, p.lat, p.lon, p.href, p.id in ids, p.meetings, p.names) for p in places
            )
            name = ", ".join(p.name for p in sorted(region, key=lambda p: (-len(p.meetings), p.name.casefold()))[:3])
            out.append(
                cached(
                    MapInput(
                        f"fig-map-{i}",
                        f"Map: {name}{' …' if len(region) > 3 else ''}",
                        inner,
                        tuple(s for s in shapes),
                        500.0,
                    ),
                    draw_map,
                )
            )
    return tuple(out)


def _km(a: Place, b: Place) -> float:
    p1, p2 = math.radians(a.lat), math.radians(b.lat)
    dl = math.radians(b.lon - a.lon)
    c = math.sin(p1) * math.sin(p2) + math.cos(p1) * math.cos(p2) * math.cos(dl)
    return 6371.0 * math.acos(max(-1.0, min(1.0, c)))


def _regions(places: list[Place]) -> list[list[Place]]:
    """Groups of two or more places chained closer than :data:`CLUSTER_KM`, largest first."""
    group = list(range(len(places)))

    def root(i: int) -> int:
        while group[i] != i:
            group[i] = group[group[i]]
            i = group[i]
        return i

    for i in range(len(places)):
        for j in range(i + 1, len(places)):
            if _km(places[i], places[j]) < CLUSTER_KM:
                group[root(i)] = root(j)
    found: dict[int, list[Place]] = {}
    for i, p in enumerate(places):
        found.setdefault(root(i), []).append(p)
    return sorted((g for g in found.values() if len(g) > 1), key=lambda g: (-len(g), g[0].name.casefold()))


@_timed
def briefing_graph(model: Model, links: Links) -> Figure | None:
    """Every entity and every relation between them; beyond :data:`GRAPH_NODES` the most connected are drawn
    and the others listed."""
    if not has_graph(model):
        return None
    ids = [i for i, e in model.entities.items() if enabled(model, "connections", e.kind.id)]
    idset = set(ids)
    labels: dict[tuple[str, str], set[str]] = {}
    for i in ids:
        for ln in model.links_out.get(i, ()):
            if ln.target in idset and ln.target != i:
                labels.setdefault((i, ln.target), set()).add(ln.label)
    degree = dict.fromkeys(ids, 0)
    for a, b in labels:
        degree[a] += 1
        degree[b] += 1
    linked = [i for i in ids if degree[i]]
    ranked = sorted(linked, key=lambda i: (-degree[i], model.entities[i].spec.name.casefold(), i))
    shown = set(ranked[:GRAPH_NODES])

    def node(k: str) -> Node:
        e = model.entities[k]
        return Node(k, e.spec.name, e.kind.label, links.entity(k))

    nodes = tuple(node(k) for k in sorted(shown))
    left = tuple(node(k) for k in sorted(set(linked) - shown))
    edges = tuple(Edge(a, b, "; ".join(sorted(v))) for (a, b), v in sorted(labels.items()) if a in shown and b in shown)
    left_edges = tuple(
        Edge(a, b, "; ".join(sorted(v))) for (a, b), v in sorted(labels.items()) if not (a in shown and b in shown)
    )
    return cached(
        GraphInput("fig-connections", "Connections between the briefing's entities", nodes, edges, left, left_edges),
        draw_graph,
    )
