"""Connection graphs: who and what is linked to whom, laid out by networkx (deterministic: fixed seed, fixed
order), drawn as SVG with labels clear of each other and of the nodes."""

from __future__ import annotations

from dataclasses import dataclass

from briefgen.render.figures.svg import Box, Labeller, esc, frame, link, num, text_lines
from briefgen.render.figures.types import Figure, Row

SEED = 7
"""Seed of the force-directed layout (the same graph is always laid out the same)."""


@dataclass(frozen=True)
class Node:
    """An entity in the graph."""

    id: str
    """Entity id (or ``+more`` for the summary node)."""
    label: str
    """Name shown."""
    group: str
    """Its kind's label (the shape of its mark)."""
    href: str | None
    """Its page, relative to the page the figure is on."""
    ring: int = 1
    """For a neighbourhood: 0 the entity itself, 1 linked to it, 2 linked through a shared meeting or record."""


@dataclass(frozen=True)
class Edge:
    """A relation between two nodes."""

    a: str
    """One node's id."""
    b: str
    """The other node's id."""
    label: str
    """What links them, as the field's label reads (e.g. 'Participants')."""


@dataclass(frozen=True)
class GraphInput:
    """Everything a graph is drawn from (equal inputs, equal graphs)."""

    fid: str
    """Figure id."""
    title: str
    """What the graph is of."""
    nodes: tuple[Node, ...]
    """The nodes drawn, in a fixed order (the layout depends on it)."""
    edges: tuple[Edge, ...]
    """The relations drawn."""
    left_out: tuple[Node, ...] = ()
    """Nodes not drawn (a large neighbourhood is summarised as 'and N more'); the table still lists them."""
    left_edges: tuple[Edge, ...] = ()
    """Relations of the nodes left out (listed in the table)."""
    ego: str | None = None
    """The entity whose neighbourhood this is (drawn in the middle), or None for the whole briefing."""


_SHAPES = ("circle", "square", "diamond", "triangle", "hexagon")


def _mark(shape: str, x: float, y: float, r: float, cls: str) -> str:
    if shape == "circle":
        return f'<circle class="{cls}" cx="{num(x)}" cy="{num(y)}" r="{num(r)}"/>'
    if shape == "square":
        return f'<rect class="{cls}" x="{num(x - r * 0.85)}" y="{num(y - r * 0.85)}" width="{num(r * 1.7)}" height="{num(r * 1.7)}"/>'
    pts: tuple[tuple[float, float], ...]
    if shape == "diamond":
        pts = ((x, y - r * 1.15), (x + r * 1.15, y), (x, y + r * 1.15), (x - r * 1.15, y))
    elif shape == "triangle":
        pts = ((x, y - r * 1.2), (x + r * 1.1, y + r * 0.8), (x - r * 1.1, y + r * 0.8))
    else:
        pts = tuple(
            (x + r * c, y + r * s) for c, s in ((1, 0), (0.5, 0.87), (-0.5, 0.87), (-1, 0), (-0.5, -0.87), (0.5, -0.87))
        )
    return f'<polygon class="{cls}" points="{" ".join(f"{num(a)},{num(b)}" for a, b in pts)}"/>'


def _layout(g: GraphInput) -> dict[str, tuple[float, float]]:
    import networkx as nx  # here: commands that draw no graph start faster

    graph = nx.Graph()
    graph.add_nodes_from(n.id for n in g.nodes)
    graph.add_edges_from((e.a, e.b) for e in g.edges if e.a != e.b)
    if g.ego is not None:
        rings = [[n.id for n in g.nodes if n.ring == r] for r in (0, 1, 2)]
        rings = [r for r in rings if r]
        pos = nx.shell_layout(graph, nlist=rings) if len(g.nodes) > 1 else {g.nodes[0].id: (0.0, 0.0)}
    else:
        pos = nx.spring_layout(graph, seed=SEED, iterations=200, k=1.6 / max(len(g.nodes), 1) ** 0.5)
    return {k: (float(v[0]), float(v[1])) for k, v in pos.items()}


def draw_graph(g: GraphInput) -> Figure:
    n = len(g.nodes)
    width = 720.0 if g.ego is None else 640.0
    height = 640.0 if g.ego is None else max(300.0, min(460.0, 160 + 18 * n))
    pos = _layout(g)
    xs, ys = [p[0] for p in pos.values()], [p[1] for p in pos.values()]
    mx, my = 170.0, 30.0  # room for labels at the sides
    spanx, spany = (max(xs) - min(xs)) or 1.0, (max(ys) - min(ys)) or 1.0

    # a force-directed layout packs the well-connected core tight and flings the few loose ends far out: halfway
    # between its coordinates and their ranks, the core gets room for labels and the order of places is kept
    rank_x = {k: i / max(len(pos) - 1, 1) for i, k in enumerate(sorted(pos, key=lambda k: (pos[k][0], k)))}
    rank_y = {k: i / max(len(pos) - 1, 1) for i, k in enumerate(sorted(pos, key=lambda k: (pos[k][1], k)))}
    spread = g.ego is None

    def at(nid: str) -> tuple[float, float]:
        x, y = pos[nid]
        fx = (x - min(xs)) / spanx if max(xs) > min(xs) else 0.5
        fy = (y - min(ys)) / spany if max(ys) > min(ys) else 0.5
        if spread:
            fx, fy = (fx + rank_x[nid]) / 2, (fy + rank_y[nid]) / 2
        return mx + (width - 2 * mx) * fx, my + (height - 2 * my) * fy

    groups = sorted({nd.group for nd in g.nodes if nd.id != "+more"})
    # a shape per kind, filled, then the same shapes hollow: ten kinds told apart without colour
    shape_of = {
        grp: (_SHAPES[i % len(_SHAPES)], "bgf-mark2" if (i // len(_SHAPES)) % 2 == 0 else "bgf-hollow")
        for i, grp in enumerate(groups)
    }
    body: list[str] = []
    for e in g.edges:
        (x1, y1), (x2, y2) = at(e.a), at(e.b)
        body.append(f'<line class="bgf-edge" x1="{num(x1)}" y1="{num(y1)}" x2="{num(x2)}" y2="{num(y2)}"/>')
    labeller = Labeller(width, height)
    coords = {nd.id: at(nd.id) for nd in g.nodes}
    for nd in g.nodes:
        x, y = coords[nd.id]
        r = 9.0 if nd.ring == 0 else 6.0
        labeller.block(Box(x - r, y - r, x + r, y + r))
    # legend (the shape of each kind), bottom left
    lx, ly = 8.0, height - 8 - 16 * len(groups)
    legend = []
    for i, grp in enumerate(groups):
        yy = ly + 16 * i + 8
        legend.append(
            _mark(*shape_of[grp][:1], lx + 6, yy, 5, shape_of[grp][1])
            + f'<text class="bgf-t bgf-s" x="{num(lx + 16)}" y="{num(yy + 4)}">{esc(grp)}</text>'
        )
        labeller.block(Box(lx, yy - 8, lx + 16 + 7 * len(grp), yy + 8))
    # labels: the entity itself first, then by number of relations, so the busiest get the best places
    degree = {nd.id: 0 for nd in g.nodes}
    for e in g.edges:
        degree[e.a] = degree.get(e.a, 0) + 1
        degree[e.b] = degree.get(e.b, 0) + 1
    order = sorted(g.nodes, key=lambda nd: (nd.ring != 0, -degree.get(nd.id, 0), nd.label.casefold(), nd.id))
    # a label goes outwards: left of a node left of the middle
    placed = {
        nd.id: labeller.place(
            *coords[nd.id], [nd.label], r=9.0 if nd.ring == 0 else 6.0, left_first=coords[nd.id][0] < width / 2 - 1
        )
        for nd in order
    }
    for nd in g.nodes:
        x, y = coords[nd.id]
        if nd.id == "+more":
            mark = _mark("circle", x, y, 6, "bgf-gen")
        else:
            shape, cls = shape_of[nd.group]
            mark = _mark(shape, x, y, 9.0 if nd.ring == 0 else 6.0, "bgf-mark" if nd.ring == 0 else cls)
        p = placed[nd.id]
        text = text_lines(p, [nd.label], "bgf-t bgf-halo" + (" bgf-b" if nd.ring == 0 else "")) if p else ""
        body.append(link(nd.href, mark + text, nd.label))
    body.extend(legend)
    drawn = [nd for nd in g.nodes if nd.id != "+more"]
    more = len(g.left_out)
    if g.ego is not None:
        what = (
            f"Graph of the {len(drawn) - 1 + more} entities linked to {g.nodes[0].label}"
            f"{f' ({more} of them summarised as ‘and {more} more’)' if more else ''}; the marks' shapes tell the kinds "
            "apart"
        )
        summary = what + "."
        desc = what + " and each links to its page. The table below lists every relation."
    else:
        what = (
            f"Graph of {len(drawn)} entities and {len(g.edges)} relations of the briefing"
            f"{f', with {more} more entities summarised' if more else ''}"
        )
        summary = what + "."
        desc = what + "; each links to its page. The table below lists every entity and what it is linked to."
    # the table: every entity with what links it, drawn or left out
    rel: dict[str, list[str]] = {}
    names = {nd.id: nd.label for nd in (*g.nodes, *g.left_out)}
    for e in (*g.edges, *g.left_edges):
        if e.a == "+more" or e.b == "+more":
            continue
        rel.setdefault(e.a, []).append(f"{names.get(e.b, e.b)} ({e.label})")
        rel.setdefault(e.b, []).append(f"{names.get(e.a, e.a)} ({e.label})")
    rows = tuple(
        Row((nd.label, nd.group, "; ".join(sorted(set(rel.get(nd.id, ())), key=str.casefold))), nd.href)
        for nd in (*drawn, *g.left_out)
    )
    note = f"{more} more not drawn: listed in the table." if more else ""
    return Figure(
        "connections",
        g.fid,
        g.title,
        desc,
        frame(g.fid, width, height, g.title, desc, body),
        ("Entity", "Kind", "Linked to"),
        rows,
        note,
        width,
        height,
        summary,
    )
