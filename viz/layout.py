"""Node positions for the views: force-directed, grouped by region, or geographic. All seeded.

>>> from kg.graph.mapping import PropertyGraph
>>> positions(PropertyGraph(), "force", {})
{}
"""

from __future__ import annotations

import csv
import io
import math
from collections import defaultdict

import networkx as nx

from kg.graph.mapping import PropertyGraph
from kg.graph.regions import REGION_IDS, root_kind
from kg.resources import resource
from kg.vocab.schema import REL
from viz.geomap import area_at, areas, project

__all__ = ["LAYOUTS", "positions", "coordinates", "REGION_BANDS"]

LAYOUTS = ("force", "regions", "geo")
SEED = 42
#: x ranges of the region bands in the 'regions' layout; everything else goes below.
REGION_BANDS = {"北京": (-2600, -1000), "天津": (-800, 800), "河北": (1000, 2600)}
_OTHER_BAND = (-2600, 2600)


def coordinates() -> dict[str, tuple[float, float]]:
    """Curated (lat, lon) of districts, zones and cities, by entity id (``data/coordinates.csv``)."""
    text = resource("data", "coordinates.csv").read_text(encoding="utf-8")
    return {row["id"]: (float(row["lat"]), float(row["lon"])) for row in csv.DictReader(io.StringIO(text))}


def _induced(graph: nx.Graph, nodes: list[str]) -> nx.Graph:
    """The induced sub-graph with nodes and edges in sorted order.

    (networkx's subgraph views iterate a set of nodes, whose order changes
    from run to run with Python's string hashing.)
    """
    keep = set(nodes)
    sub = nx.Graph()
    sub.add_nodes_from(sorted(keep))
    sub.add_edges_from(
        sorted((a, b) if a < b else (b, a) for a, b in graph.edges(sorted(keep)) if a in keep and b in keep)
    )
    return sub


def _spring(graph: nx.Graph, nodes: list[str]) -> dict[str, tuple[float, float]]:
    if not nodes:
        return {}
    sub = _induced(graph, nodes)
    if len(nodes) == 1:
        return {nodes[0]: (0.0, 0.0)}
    if len(nodes) > LARGE:
        return _spring_large(sub)
    k = 1.6 / math.sqrt(len(nodes))
    raw = nx.spring_layout(sub, seed=SEED, k=k, iterations=80)
    return {n: (float(x), float(y)) for n, (x, y) in raw.items()}


#: Above this many nodes a component is laid out by :func:`_spring_large`: networkx's spring
#: layout compares every pair of nodes at every step (9 s for 2,000 nodes, minutes for 10,000).
LARGE = 1000


def _spring_large(sub: nx.Graph, *, iterations: int = 50, grid: int = 10) -> dict[str, tuple[float, float]]:
    """Fruchterman–Reingold for big components, about O(n) a step instead of O(n²).

    Links pull their ends together; nodes push each other apart, exactly when
    they are near (pairs found with a k-d tree), and from afar through the
    centroids of the cells of a coarse grid (one level of Barnes–Hut), which
    keeps the whole spread out. Seeded, so always the same.

    >>> xy = _spring_large(nx.path_graph(["a", "b", "c"]))
    >>> sorted(xy) == ["a", "b", "c"] and all(-1 <= v <= 1 for p in xy.values() for v in p)
    True
    """
    import numpy as np
    from scipy.spatial import cKDTree

    nodes = list(sub)
    n = len(nodes)
    where = {node: i for i, node in enumerate(nodes)}
    edges = np.array([(where[a], where[b]) for a, b in sub.edges()], dtype=np.int64).reshape(-1, 2)
    pos = np.random.default_rng(SEED).random((n, 2))
    k = 1.0 / math.sqrt(n)  # the distance two linked nodes settle at, in a unit square
    step = 0.1

    def add(move, index, force):
        move[:, 0] += np.bincount(index, weights=force[:, 0], minlength=n)
        move[:, 1] += np.bincount(index, weights=force[:, 1], minlength=n)

    for _ in range(iterations):
        move = np.zeros_like(pos)
        lo, hi = pos.min(axis=0), pos.max(axis=0)
        size = np.maximum(hi - lo, 1e-9) / grid
        cells = np.minimum(((pos - lo) / size).astype(np.int64), grid - 1)
        cell = cells[:, 0] * grid + cells[:, 1]
        # Near: every pair closer than a link and a half, exactly.
        pairs = cKDTree(pos).query_pairs(1.5 * k, output_type="ndarray")
        if len(pairs):
            delta = pos[pairs[:, 0]] - pos[pairs[:, 1]]
            dist2 = np.maximum((delta**2).sum(axis=1), (0.01 * k) ** 2)
            push = delta * (k * k / dist2)[:, None]
            add(move, pairs[:, 0], push)
            add(move, pairs[:, 1], -push)
        # Far: every cell, as its node count at its centroid, softened by the cell's size so that
        # a node feels its own and the next cells smoothly (no seams along the grid).
        mass = np.bincount(cell, minlength=grid * grid).astype(float)
        full = np.nonzero(mass)[0]
        centre = np.stack([np.bincount(cell, weights=pos[:, d], minlength=grid * grid)[full] for d in (0, 1)], axis=1)
        centre /= mass[full][:, None]
        dx = pos[:, 0:1] - centre[None, :, 0]
        dy = pos[:, 1:2] - centre[None, :, 1]
        weight = (k * k) * mass[full][None, :] / (dx * dx + dy * dy + float((size**2).sum()))
        # the sum over cells of (pos - centre) * weight, without another n × cells array
        move += pos * weight.sum(axis=1)[:, None] - weight @ centre
        # Links pull.
        if len(edges):
            delta = pos[edges[:, 0]] - pos[edges[:, 1]]
            pull = delta * (np.sqrt((delta**2).sum(axis=1)) / k)[:, None]
            add(move, edges[:, 0], -pull)
            add(move, edges[:, 1], pull)
        length = np.maximum(np.hypot(move[:, 0], move[:, 1]), 1e-12)
        pos += move * (np.minimum(length, step) / length)[:, None]
        step -= 0.1 / (iterations + 1)
    pos -= pos.mean(axis=0)
    pos /= max(float(np.abs(pos).max()), 1e-12)  # into [-1, 1], as networkx's layouts
    return {node: (float(pos[i, 0]), float(pos[i, 1])) for i, node in enumerate(nodes)}


def _undirected(pg: PropertyGraph) -> nx.Graph:
    graph = nx.Graph()
    graph.add_nodes_from(sorted(pg.nodes))
    graph.add_edges_from(sorted((r.start, r.end) for r in pg.rels.values()))
    return graph


def _fit(points: dict[str, tuple[float, float]], x0: float, x1: float, y0: float, y1: float) -> dict:
    if not points:
        return {}
    xs = [p[0] for p in points.values()]
    ys = [p[1] for p in points.values()]
    span_x = (max(xs) - min(xs)) or 1.0
    span_y = (max(ys) - min(ys)) or 1.0
    return {
        n: (x0 + (x - min(xs)) / span_x * (x1 - x0), y0 + (y - min(ys)) / span_y * (y1 - y0))
        for n, (x, y) in points.items()
    }


def _packed(graph: nx.Graph, nodes: list[str]) -> dict[str, tuple[float, float]]:
    """Each connected component laid out on its own: the largest in the middle, the rest in a row below."""
    components = sorted(
        (sorted(c) for c in nx.connected_components(_induced(graph, nodes))), key=lambda c: (-len(c), c[0])
    )
    placed: dict[str, tuple[float, float]] = {}
    if not components:
        return placed
    main = components[0]
    spread = 75 * math.sqrt(len(main))
    if len(main) <= 600:  # Kamada-Kawai spreads hubs out well, but costs O(n²) per step
        raw = nx.kamada_kawai_layout(_induced(graph, main), pos=_spring(graph, main))
        main_xy = {n: (float(x), float(y)) for n, (x, y) in raw.items()}
    else:
        main_xy = _spring(graph, main)
    placed.update({n: (x * spread, y * spread) for n, (x, y) in main_xy.items()})
    x, top = -spread, spread + 200
    for component in components[1:]:
        size = 60 * math.sqrt(len(component))
        for n, (cx, cy) in _spring(graph, component).items():
            placed[n] = (x + size + cx * size, top + size + cy * size)
        x += 2 * size + 120
    return placed


def _grid(pg: PropertyGraph, nodes: list[str], x0: float, top: float, *, columns: int = 12, step: float = 110) -> dict:
    """Nodes without links in rows, grouped by kind and name."""
    nodes = sorted(nodes, key=lambda n: (root_kind(pg.nodes[n].labels), pg.nodes[n].props.get("name_zh", "")))
    return {n: (x0 + (i % columns) * step, top + (i // columns) * 70) for i, n in enumerate(nodes)}


def positions(pg: PropertyGraph, layout: str, regions: dict[str, str | None]) -> dict[str, tuple[float, float]]:
    """Canvas positions (x right, y down) for every node, rounded to 0.1.

    Nodes without links are set out in rows below the network rather than
    flung to its edges, so that the network itself fills the view.
    """
    graph = _undirected(pg)
    isolated = sorted(n for n in graph if graph.degree(n) == 0)
    linked = sorted(n for n in graph if graph.degree(n) > 0)
    if layout == "force":
        placed = _packed(graph, linked)
        left = min((x for x, _ in placed.values()), default=0)
        right = max((x for x, _ in placed.values()), default=1000)
        bottom = max((y for _, y in placed.values()), default=0)
        placed.update(_grid(pg, isolated, left, bottom + 150, columns=max(6, int((right - left) / 110))))
    elif layout == "regions":
        placed = {}
        for region, (x0, x1) in REGION_BANDS.items():
            members = sorted(n for n in linked if regions.get(n) == region)
            placed.update(_fit(_spring(graph, members), x0, x1, -900, 900))
        others = sorted(n for n in linked if regions.get(n) not in REGION_BANDS)
        placed.update(_fit(_spring(graph, others), *_OTHER_BAND, 1200, 2400))
        placed.update(_grid(pg, isolated, _OTHER_BAND[0], 2600, columns=48))
    elif layout == "geo":
        placed = _geo(pg, graph, regions)
    else:
        raise ValueError(f"unknown layout {layout!r}")
    return {n: (round(x, 1), round(y, 1)) for n, (x, y) in placed.items()}


#: Panels beside the map, in the Bohai Sea east of Tianjin, for the entities the map has no place
#: for: national bodies, places elsewhere in China or abroad, and those without a region ("").
#: Each: its label (zh, en) and its rectangle (x0, x1, y0, y1).
GEO_PANELS = {
    "国家": (("国家层面", "national"), (1900, 3900, -1500, -700)),
    "国内其他": (("国内其他", "elsewhere in China"), (1900, 3900, -550, 150)),
    "境外": (("境外", "abroad"), (1900, 3900, 300, 900)),
    "": (("区域未知", "no region"), (1900, 3900, 1050, 1900)),
}
#: How close two nodes may come on the map, in canvas units.
#: (About two lines of a label at the initial zoom of the plan's map.)
GEO_SPACING = 200


def _geo(pg: PropertyGraph, graph: nx.Graph, regions: dict[str, str | None]) -> dict[str, tuple[float, float]]:
    """Places at their coordinates (a province, or an area without coordinates, at its label
    point); every other entity next to the place it is located in, part of, the core area of or
    relies on, else next to its region's node; national bodies and the rest in panels beside the
    map. Then nodes closer than :data:`GEO_SPACING` are moved apart, places only within their area.
    """
    coords = coordinates()
    by_name = {a["name_zh"]: a for a in areas()}
    placed: dict[str, tuple[float, float]] = {}
    for uri, node in sorted(pg.nodes.items()):
        names = [node.props.get("name_zh"), *node.props.get("aliases", ())]
        area = next((by_name[n] for n in names if n in by_name), None)
        if area and (area["level"] == "province" or node.props.get("id") not in coords):
            placed[uri] = area["label"]
        elif node.props.get("id") in coords:
            placed[uri] = project(*coords[node.props["id"]])
    anchored = set(placed)
    located: dict[str, list[str]] = defaultdict(list)
    for rel in sorted(pg.rels.values(), key=lambda r: r.key):
        if rel.type in (REL.LOCATED_IN, REL.PART_OF, REL.CORE_AREA, REL.RELIES_ON):
            located[rel.start].append(rel.end)
    region_node = {regions.get(uri): uri for uri in anchored if pg.nodes[uri].props.get("id") in REGION_IDS}
    rings: dict[str, int] = defaultdict(int)

    def around(node: str, anchor: str) -> None:
        index = rings[anchor]
        rings[anchor] += 1
        radius = 70 + 35 * (index // 8)
        angle = (index % 8) * math.pi / 4 + (index // 8) * 0.4
        ax, ay = placed[anchor]
        placed[node] = (ax + radius * math.cos(angle), ay + radius * math.sin(angle))

    pending = sorted(n for n in pg.nodes if n not in placed)
    for _ in range(4):
        still = []
        for node in pending:
            anchor = next((p for p in located.get(node, ()) if p in placed), None)
            if anchor is None:
                still.append(node)
            else:
                around(node, anchor)
        pending = still
    panels: dict[str, list[str]] = defaultdict(list)
    for node in pending:
        anchor = region_node.get(regions.get(node))
        if anchor is not None:
            around(node, anchor)
        else:
            panels[regions.get(node) if regions.get(node) in GEO_PANELS else ""].append(node)
    on_map = _spread(placed, anchored)
    for region, members in panels.items():
        _, (x0, x1, y0, y1) = GEO_PANELS[region]
        on_map.update(_fit(_spring(graph, members), x0 + 120, x1 - 120, y0 + 250, y1 - 100))
    return on_map


def _spread(placed: dict[str, tuple[float, float]], anchored: set[str]) -> dict[str, tuple[float, float]]:
    """Move apart nodes closer than :data:`GEO_SPACING` (a place only while it stays in its area)."""
    home = {n: (area_at(placed[n]) or {}).get("name_zh") for n in sorted(anchored)}
    order = sorted(placed)
    for _ in range(40):
        cells: dict[tuple[int, int], list[str]] = defaultdict(list)
        for n in order:
            x, y = placed[n]
            cells[(int(x // GEO_SPACING), int(y // GEO_SPACING))].append(n)
        moved = False
        for (cx, cy), members in sorted(cells.items()):
            near = [m for dx in (-1, 0, 1) for dy in (-1, 0, 1) for m in cells.get((cx + dx, cy + dy), ())]
            for a in members:
                for b in near:
                    if b <= a:
                        continue
                    (ax, ay), (bx, by) = placed[a], placed[b]
                    dist = math.hypot(bx - ax, by - ay)
                    if dist >= GEO_SPACING:
                        continue
                    ux, uy = ((bx - ax) / dist, (by - ay) / dist) if dist > 1e-6 else (1.0, 0.0)
                    push = (GEO_SPACING - dist) / 2 + 1
                    for node, sign in ((a, -1), (b, 1)):
                        x, y = placed[node]
                        target = (x + sign * ux * push, y + sign * uy * push)
                        if node in home and home[node] and (area_at(target) or {}).get("name_zh") != home[node]:
                            continue
                        placed[node] = target
                        moved = True
        if not moved:
            break
    return placed
