"""Regions and kinds of the property graph's nodes: the helpers the analysis and the views share.

>>> from kg.graph.mapping import Node, PropertyGraph, Rel
>>> pg = PropertyGraph()
>>> for uri, kind, name in [("b", "Region", "北京市"), ("u", "University", "清华大学")]:
...     pg.nodes[uri] = Node(uri, ("Resource", "Place", "Region") if kind == "Region" else ("Resource", "Institution", kind), {"id": {"b": "beijing", "u": "tsinghua"}[uri], "name_zh": name})
>>> pg.rels[("u", "LOCATED_IN", "b")] = Rel("u", "LOCATED_IN", "b", {})
>>> regions_of(pg)
{'b': '北京', 'u': '北京'}
"""

from __future__ import annotations

from collections import defaultdict

import networkx as nx

from kg.errors import KGError
from kg.graph.mapping import PropertyGraph
from kg.lists.names import normalise
from kg.vocab.ontology import load_ontology
from kg.vocab.schema import JINGJINJI, REGIONS, REL

__all__ = [
    "REGION_IDS",
    "CITY",
    "display_name",
    "scope_of",
    "root_kinds",
    "to_networkx",
    "root_kind",
    "regions_of",
    "find_node",
]

#: The three regions of Jing-Jin-Ji, by the ids of their entities (:data:`kg.vocab.schema.JINGJINJI`).
REGION_IDS = {entity_id: REGIONS[entity_id][0] for entity_id in JINGJINJI}
#: The entity of Tianjin as a whole: a link with it at one end is one of the city's own commitments.
CITY = "tianjin"


def display_name(pg: PropertyGraph, uri: str) -> str:
    """The node's Chinese name, else its id (else its uri)."""
    return pg.nodes[uri].props.get("name_zh") or pg.nodes[uri].props.get("id", uri)


def scope_of(pg: PropertyGraph, *uris: str) -> str:
    """``city`` when one of the nodes is Tianjin as a whole (:data:`CITY`), else ``actor``."""
    return "city" if any(pg.nodes[uri].props.get("id") == CITY for uri in uris) else "actor"


def root_kinds() -> tuple[str, ...]:
    """The roots of the kinds, in the ontology's order (:attr:`kg.vocab.ontology.Ontology.roots`)."""
    return load_ontology().roots


def root_kind(labels) -> str:
    """The root kind among a node's labels (``Resource`` when none is)."""
    for kind in load_ontology().roots:
        if kind in labels:
            return kind
    return "Resource"


def to_networkx(pg: PropertyGraph) -> nx.MultiDiGraph:
    """A MultiDiGraph with node attributes ``labels``, ``kind``, ``root`` and the node's properties."""
    graph = nx.MultiDiGraph()
    for uri, node in pg.nodes.items():
        graph.add_node(uri, labels=node.labels, kind=node.kind, root=root_kind(node.labels), **node.props)
    for rel in pg.rels.values():
        graph.add_edge(rel.start, rel.end, key=rel.type, type=rel.type, **rel.props)
    return graph


def regions_of(pg: PropertyGraph) -> dict[str, str | None]:
    """The region each entity is in (北京, 天津, 河北, 国家, 国内其他 or 境外, the names of
    :data:`kg.vocab.schema.REGIONS`), or None where unknown.

    The region an entity's row states (its ``region`` property) comes first. Otherwise an entity
    is in the region of the nearest place it is located in or part of, directly or through other
    places, that has one; failing that, in the region of the organisation it is a unit of.
    The plan's lists state the region of every entity whose region is known, so that queries
    (``tjp:region``, ``n.region``) and this function agree; lists that do not are placed by the
    links.
    """
    by_id = {node.props.get("id"): uri for uri, node in pg.nodes.items()}
    region_uri = {by_id[i]: name for i, name in REGION_IDS.items() if i in by_id}
    region_uri.update(
        (uri, REGIONS[node.props["region"]][0]) for uri, node in pg.nodes.items() if node.props.get("region")
    )
    located: dict[str, list[str]] = defaultdict(list)
    units: dict[str, list[str]] = defaultdict(list)
    for rel in pg.rels.values():
        if rel.type in (REL.LOCATED_IN, REL.PART_OF):
            located[rel.start].append(rel.end)
        elif rel.type == REL.SUB_ORGANIZATION_OF:
            units[rel.start].append(rel.end)

    def nearest(uri: str, parents: dict[str, list[str]]) -> str | None:
        seen, frontier = {uri}, [uri]
        while frontier:
            following = []
            for current in frontier:
                if current in region_uri:
                    return region_uri[current]
                for parent in sorted(parents.get(current, ())):
                    if parent not in seen:
                        seen.add(parent)
                        following.append(parent)
            frontier = following
        return None

    regions = {uri: nearest(uri, located) for uri in pg.nodes}
    for uri in pg.nodes:
        if regions[uri] is None:
            seen, frontier = {uri}, [uri]
            while frontier and regions[uri] is None:
                current = frontier.pop(0)
                for parent in sorted(units.get(current, ())):
                    if parent not in seen:
                        seen.add(parent)
                        frontier.append(parent)
                        if regions.get(parent):
                            regions[uri] = regions[parent]
                            break
    return regions


def find_node(pg: PropertyGraph, text: str) -> str:
    """The uri of the entity with this id, name or alias (spelling variants folded)."""
    key = normalise(text)
    matches = sorted(
        uri
        for uri, node in pg.nodes.items()
        if key
        in {
            normalise(str(v))
            for v in (
                node.props.get("id"),
                node.props.get("name_zh"),
                node.props.get("name_en"),
                *node.props.get("aliases", ()),
            )
            if v
        }
    )
    if len(matches) == 1:
        return matches[0]
    if matches:
        listed = ", ".join(f"{pg.nodes[m].props['id']} ({pg.nodes[m].props.get('name_zh')})" for m in matches)
        raise KGError(f"'{text}' names {len(matches)} entities: {listed}", hint="give the id of the one you mean")
    close = sorted(
        pg.nodes[uri].props.get("name_zh", "")
        for uri, node in pg.nodes.items()
        if key and any(key in normalise(str(v)) for v in (node.props.get("name_zh"), node.props.get("name_en")) if v)
    )[:5]
    hint = f"did you mean {', '.join(close)}?" if close else "find it with the query 'search' (text=…)"
    raise KGError(f"no entity has the id, name or alias '{text}'", hint=hint)
