"""Network analysis of the plan graph (networkx, on the one property-graph mapping).

Functions take the property graph and return plain data: regions of entities,
centrality per kind, communities with readable names, the bridges between
Tianjin and Beijing/Hebei, and profiles of districts, zones and parks.

>>> from kg.graph.mapping import Node, PropertyGraph, Rel
>>> pg = PropertyGraph()
>>> for uri, kind, name in [("b", "Region", "北京市"), ("u", "University", "清华大学")]:
...     pg.nodes[uri] = Node(uri, ("Resource", "Place", "Region") if kind == "Region" else ("Resource", "Institution", kind), {"id": {"b": "beijing", "u": "tsinghua"}[uri], "name_zh": name})
>>> pg.rels[("u", "LOCATED_IN", "b")] = Rel("u", "LOCATED_IN", "b", {})
>>> analyze(pg)["summary"]
{'entities': 2, 'links': 1, 'by_region': {'北京': 2}}
"""

from __future__ import annotations

from collections import Counter, defaultdict

import networkx as nx

from kg.graph.mapping import PropertyGraph
from kg.graph.regions import display_name, regions_of, root_kinds, scope_of, to_networkx
from kg.vocab.schema import REGIONS, REL, link_name

__all__ = [
    "centrality",
    "communities",
    "bridges",
    "profiles",
    "analyze",
]


def centrality(pg: PropertyGraph, *, top: int = 5) -> list[dict]:
    """The most central entities of each root kind, by degree and by betweenness (undirected)."""
    graph = nx.Graph(to_networkx(pg).to_undirected())
    degree = nx.degree_centrality(graph)
    betweenness = nx.betweenness_centrality(graph, normalized=True)
    rows = []
    for kind in root_kinds():
        members = [u for u in graph if graph.nodes[u]["root"] == kind]
        ranked = sorted(members, key=lambda u: (-betweenness[u], -degree[u], display_name(pg, u)))[:top]
        for rank, uri in enumerate(ranked, start=1):
            rows.append(
                {
                    "kind": kind,
                    "rank": rank,
                    "entity": display_name(pg, uri),
                    "degree": graph.degree(uri),
                    "degree_centrality": round(degree[uri], 4),
                    "betweenness": round(betweenness[uri], 4),
                }
            )
    return rows


def communities(pg: PropertyGraph, *, seed: int = 42, name_size: int = 3) -> list[dict]:
    """Louvain communities (fixed seed) of the entity network, each named by its most central members.

    The technology-domain tree is left out, so that communities show who works
    with whom rather than the chapter-2 taxonomy.
    """
    graph = nx.Graph(to_networkx(pg).to_undirected())
    graph.remove_nodes_from([u for u in list(graph) if graph.nodes[u]["root"] in ("TechnologyDomain", "Indicator")])
    graph.remove_nodes_from([u for u in list(graph) if graph.degree(u) == 0])
    found = nx.community.louvain_communities(graph, seed=seed)
    betweenness = nx.betweenness_centrality(graph, normalized=True)
    rows = []
    for members in found:
        ranked = sorted(members, key=lambda u: (-betweenness[u], -graph.degree(u), display_name(pg, u)))
        rows.append(
            {
                "name": " · ".join(display_name(pg, u) for u in ranked[:name_size]),
                "size": len(members),
                "members": [display_name(pg, u) for u in ranked],
            }
        )
    rows.sort(key=lambda r: (-r["size"], r["name"]))
    for number, row in enumerate(rows, start=1):
        row["community"] = number
    return rows


def bridges(pg: PropertyGraph, regions: dict[str, str | None] | None = None) -> dict:
    """The links between Tianjin and Beijing or Hebei (by :func:`kg.graph.regions.regions_of`): each
    link, counts by type, who carries them, and how many are the commitments of Tianjin as a whole
    (the city itself at one end: ``scope`` ``city``) rather than of a park, platform or institution
    (``actor``)."""
    regions = regions or regions_of(pg)
    tianjin, partners = REGIONS["tianjin"][0], {REGIONS["beijing"][0], REGIONS["hebei"][0]}
    links = []
    for rel in pg.rels.values():
        ends = (regions.get(rel.start), regions.get(rel.end))
        if tianjin in ends and partners & set(ends):
            side, other = (rel.start, rel.end) if ends[0] == tianjin else (rel.end, rel.start)
            links.append(
                {
                    "tianjin_side": display_name(pg, side),
                    "link": rel.type,
                    "partner": display_name(pg, other),
                    "partner_region": regions[other],
                    "direction": "out" if side == rel.start else "in",
                    "source": "plan" if "quote" in rel.props else "curated",
                    "scope": scope_of(pg, side),
                }
            )
    links.sort(key=lambda r: (r["partner_region"], r["tianjin_side"], r["link"], r["partner"]))
    by_type = Counter((r["link"], r["partner_region"]) for r in links)
    carriers = Counter(r["tianjin_side"] for r in links)
    return {
        "links": links,
        "by_scope": {scope: sum(1 for r in links if r["scope"] == scope) for scope in ("city", "actor")},
        "by_type": [
            {"link": t, "link_name": link_name(t), "partner_region": region, "count": n}
            for (t, region), n in sorted(by_type.items(), key=lambda item: (-item[1], item[0]))
        ],
        "carriers": [
            {"entity": name, "cross_region_links": n}
            for name, n in sorted(carriers.items(), key=lambda i: (-i[1], i[0]))
        ],
    }


def profiles(pg: PropertyGraph) -> list[dict]:
    """For each district, functional zone and park: the platforms, institutions and domains in it."""
    placing: dict[str, list[str]] = defaultdict(list)  # place → what is directly in it
    for rel in pg.rels.values():
        if rel.type in (REL.LOCATED_IN, REL.PART_OF):
            placing[rel.end].append(rel.start)
    relying: dict[str, list[str]] = defaultdict(list)
    focus: dict[str, list[str]] = defaultdict(list)
    for rel in pg.rels.values():
        if rel.type in (REL.RELIES_ON, REL.DRAWS_ON, REL.CORE_AREA, REL.PARTNERS_WITH, REL.JOINTLY_BUILT_WITH):
            relying[rel.start].append(rel.end)
        elif rel.type == REL.FOCUSES_ON:
            focus[rel.start].append(rel.end)
    rows = []
    for uri, node in pg.nodes.items():
        if not {"District", "FunctionalZone", "Park"} & set(node.labels):
            continue
        inside, frontier = set(), [uri]
        while frontier:
            current = frontier.pop()
            for child in placing.get(current, ()):
                if child not in inside:
                    inside.add(child)
                    frontier.append(child)
        members = inside | set(relying.get(uri, ())) if "Park" in node.labels else inside
        platforms = sorted(display_name(pg, m) for m in members if "Platform" in pg.nodes[m].labels)
        institutions = sorted(display_name(pg, m) for m in members if "Institution" in pg.nodes[m].labels)
        domains = sorted({display_name(pg, d) for m in members | {uri} for d in focus.get(m, ())})
        if platforms or institutions or domains or inside:
            rows.append(
                {
                    "place": display_name(pg, uri),
                    "kind": node.kind,
                    "places_inside": len([m for m in inside if "Place" in pg.nodes[m].labels]),
                    "platforms": platforms,
                    "institutions": institutions,
                    "domains": domains,
                }
            )
    rows.sort(key=lambda r: (-(len(r["platforms"]) + len(r["institutions"])), r["place"]))
    return rows


def analyze(pg: PropertyGraph, *, top: int = 5, seed: int = 42, centrality_of=None, communities_of=None) -> dict:
    """All of the analysis as plain data. ``centrality_of(pg, top=)`` and ``communities_of(pg)`` compute
    those two measures elsewhere (a graph database) with the same rows; networkx by default."""
    regions = regions_of(pg)
    return {
        "summary": {
            "entities": len(pg.nodes),
            "links": len(pg.rels),
            "by_region": dict(sorted(Counter(r or "未知" for r in regions.values()).items())),
        },
        "centrality": (centrality_of or centrality)(pg, top=top),
        "communities": communities_of(pg) if communities_of else communities(pg, seed=seed),
        "bridges": bridges(pg, regions),
        "profiles": profiles(pg),
    }
