"""Links between regions, aggregated: how Beijing, Tianjin, Hebei and the national level are linked,
by link type and scope, and which places of Tianjin carry the links to Beijing and Hebei actors.

Regions are those of :func:`kg.graph.regions.regions_of`; a link joins two regions when its ends are in
different ones of :data:`FLOW_REGIONS`. ``scope`` is ``city`` when the city of Tianjin itself is an end
(the plan's commitments of Tianjin as a whole), ``actor`` otherwise, as in ``kg query jingjinji-links``.

>>> from kg.graph.mapping import Node, PropertyGraph, Rel
>>> pg = PropertyGraph()
>>> pg.nodes["t"] = Node("t", ("Resource", "Place", "Region"), {"id": "tianjin", "name_zh": "天津", "region": "tianjin"})
>>> pg.nodes["u"] = Node("u", ("Resource", "Institution", "University"), {"id": "thu", "name_zh": "清华大学", "region": "beijing"})
>>> pg.rels[("t", "PARTNERS_WITH", "u")] = Rel("t", "PARTNERS_WITH", "u", {})
>>> flows = region_flows(pg)
>>> [(p["a"], p["b"], p["total"], p["city"]) for p in flows["pairs"]]
[('北京', '天津', 1, 1)]
"""

from __future__ import annotations

from collections import Counter, defaultdict

from kg.graph.mapping import PropertyGraph
from kg.graph.regions import CITY, display_name, regions_of, scope_of
from kg.vocab.ontology import load_ontology
from kg.vocab.schema import REGIONS, REL, link_name

__all__ = ["FLOW_REGIONS", "region_flows"]

#: The regions between which links are counted, in this order.
FLOW_REGIONS = tuple(REGIONS[code][0] for code in ("beijing", "tianjin", "hebei", "national"))


def region_flows(pg: PropertyGraph, regions: dict[str, str | None] | None = None) -> dict:
    """``pairs``: for each pair of regions with links between them, the ``total``, the ``city`` and
    ``actor`` counts, the counts ``by_type`` and every link (with its quote and section); ``places``: for
    each place of Tianjin (district, zone, park), the Beijing and Hebei actors linked to it or to what
    lies in it."""
    regions = regions if regions is not None else regions_of(pg)
    onto = load_ontology()
    order = {name: i for i, name in enumerate(FLOW_REGIONS)}
    pairs: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for key in sorted(pg.rels):
        rel = pg.rels[key]
        a, b = regions.get(rel.start), regions.get(rel.end)
        if a == b or a not in order or b not in order:
            continue
        link = onto.links.get(link_name(rel.type))
        ends = sorted([(a, rel.start), (b, rel.end)], key=lambda end: order[end[0]])
        pairs[(ends[0][0], ends[1][0])].append(
            {
                "from": display_name(pg, rel.start),
                "from_region": a,
                "type": rel.type,
                "type_zh": link.label_zh if link else rel.type,
                "type_en": link.label_en if link else rel.type,
                "to": display_name(pg, rel.end),
                "to_region": b,
                "scope": scope_of(pg, rel.start, rel.end),
                "section": rel.props.get("section", ""),
                "quote": rel.props.get("quote", ""),
                "note": rel.props.get("curation_note", ""),
            }
        )
    return {
        "regions": list(FLOW_REGIONS),
        "pairs": [
            {
                "a": a,
                "b": b,
                "total": len(links),
                "city": sum(1 for link in links if link["scope"] == "city"),
                "actor": sum(1 for link in links if link["scope"] == "actor"),
                "by_type": dict(
                    sorted(Counter(link["type_zh"] for link in links).items(), key=lambda i: (-i[1], i[0]))
                ),
                "links": links,
            }
            for (a, b), links in sorted(pairs.items(), key=lambda item: (order[item[0][0]], order[item[0][1]]))
        ],
        "places": _tianjin_places(pg, regions),
    }


def _tianjin_places(pg: PropertyGraph, regions: dict[str, str | None]) -> list[dict]:
    """Each place of Tianjin below the city with the Beijing and Hebei actors linked to it or to what
    lies in it (the city's own links are the ``city`` scope of the flows)."""
    tianjin, partners = REGIONS["tianjin"][0], {REGIONS["beijing"][0], REGIONS["hebei"][0]}
    parent: dict[str, list[str]] = defaultdict(list)
    for rel in pg.rels.values():
        if rel.type in (REL.LOCATED_IN, REL.PART_OF):
            parent[rel.start].append(rel.end)

    def places_of(uri: str) -> set[str]:
        """The places of Tianjin that hold ``uri`` (itself included when it is one), not the city."""
        found, frontier = set(), [uri]
        while frontier:
            current = frontier.pop()
            node = pg.nodes[current]
            if "Place" in node.labels and regions.get(current) == tianjin and node.props.get("id") != CITY:
                found.add(current)
            frontier.extend(p for p in parent.get(current, ()) if p not in found)
        return found

    linked: dict[str, Counter] = defaultdict(Counter)
    for rel in pg.rels.values():
        for side, other in ((rel.start, rel.end), (rel.end, rel.start)):
            if regions.get(side) == tianjin and regions.get(other) in partners:
                for place in places_of(side):
                    linked[place][(display_name(pg, other), regions[other])] += 1
    rows = [
        {
            "place": display_name(pg, place),
            "kind": pg.nodes[place].kind,
            "partners": [{"partner": p, "region": r, "links": n} for (p, r), n in sorted(counts.items())],
            "links": sum(counts.values()),
        }
        for place, counts in linked.items()
    ]
    rows.sort(key=lambda row: (-row["links"], row["place"]))
    return rows
