"""Choose the part of the graph a view shows: a focus and its neighbourhood, kinds, a domain, a region.

>>> from kg.graph.mapping import PropertyGraph
>>> select(PropertyGraph()).nodes
{}
"""

from __future__ import annotations

from collections import defaultdict

from kg.errors import KGError
from kg.graph.mapping import PropertyGraph
from kg.graph.regions import find_node, regions_of
from kg.vocab.ontology import load_ontology
from kg.vocab.schema import REGIONS as SCHEMA_REGIONS
from kg.vocab.schema import REL

__all__ = ["select", "REGIONS"]

REGIONS = tuple(zh for zh, _ in SCHEMA_REGIONS.values())


def select(
    pg: PropertyGraph,
    *,
    focus: str | None = None,
    hops: int = 1,
    kinds: tuple[str, ...] = (),
    domain: str | None = None,
    region: str | None = None,
) -> PropertyGraph:
    """The sub-graph that matches every given condition (the focus itself is always kept)."""
    keep = set(pg.nodes)
    focus_uri = None
    neighbours: dict[str, set[str]] = defaultdict(set)
    for rel in pg.rels.values():
        neighbours[rel.start].add(rel.end)
        neighbours[rel.end].add(rel.start)
    if focus:
        focus_uri = find_node(pg, focus)
        reach, frontier = {focus_uri}, {focus_uri}
        for _ in range(hops):
            frontier = {n for f in frontier for n in neighbours[f]} - reach
            reach |= frontier
        keep &= reach
    if kinds:
        known = load_ontology().kinds
        unknown = [k for k in kinds if k not in known]
        if unknown:
            raise KGError(f"unknown kind {', '.join(unknown)}", hint="see 'kg kinds'")
        keep = {u for u in keep if set(kinds) & set(pg.nodes[u].labels)}
    if domain:
        root = find_node(pg, domain)
        if "TechnologyDomain" not in pg.nodes[root].labels:
            raise KGError(f"'{domain}' is not a technology domain", hint="name a field or sub-field of chapter 2")
        children: dict[str, set[str]] = defaultdict(set)
        for rel in pg.rels.values():
            if rel.type == REL.BROADER:
                children[rel.end].add(rel.start)
        tree, frontier = {root}, [root]
        while frontier:
            for child in children[frontier.pop()]:
                if child not in tree:
                    tree.add(child)
                    frontier.append(child)
        focusing = {r.start for r in pg.rels.values() if r.type == REL.FOCUSES_ON and r.end in tree}
        keep &= tree | focusing
    if region:
        if region not in REGIONS:
            raise KGError(f"unknown region '{region}'", hint=f"use one of {', '.join(REGIONS)}")
        regions = regions_of(pg)
        keep = {u for u in keep if regions.get(u) == region}
    if focus_uri:
        keep.add(focus_uri)
    out = PropertyGraph()
    out.nodes = {u: n for u, n in pg.nodes.items() if u in keep}
    out.rels = {k: r for k, r in pg.rels.items() if r.start in keep and r.end in keep}
    return out
