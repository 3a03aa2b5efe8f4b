"""The one mapping between the RDF graph and a property graph (Neo4j, networkx, the views).

Close to what neosemantics (n10s) does with ``handleVocabUris: IGNORE``:

=====================  ==========================================================
RDF                    property graph
=====================  ==========================================================
entity IRI             node with label ``Resource`` and property ``uri`` (unique)
``rdf:type`` kind      one label per class of its chain: ``:Platform:InnovationCenter:TechnologyInnovationCenter``
``dcterms:identifier`` ``id``
``rdfs:label`` @zh/@en ``name_zh`` / ``name_en``
``skos:altLabel``      ``aliases`` (list)
``skos:notation``      ``notation``
indicator values       ``unit``, ``baseline_value``, ``baseline_year``, ``target_value``, ``target_year``
link ``tjp:locatedIn``  relationship ``LOCATED_IN`` (UPPER_SNAKE_CASE of the property)
provenance             on the node or relationship it supports: ``section``, ``quote``,
                       ``quote_start``, ``quote_end``, ``curation_note``, ``editorial_note``
=====================  ==========================================================

Where it differs from n10s: labels are the whole class chain (n10s writes only
the asserted type), multi-valued ``aliases`` is always a list, and the
provenance of a link (an ``rdf:Statement`` in RDF) becomes properties of the
relationship instead of a separate node. Excerpt, section and ontology
resources are not nodes: a section path is derivable from the quote's offset.

>>> rel_type("locatedIn"), link_name("LOCATED_IN")
('LOCATED_IN', 'locatedIn')
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from operator import attrgetter

from .checks import Model
from .iris import ENTITY_BASE
from .model import Entity, Excerpt, Link
from .ontology import load_ontology
from .source import section_index

__all__ = [
    "RESOURCE_LABEL",
    "Node",
    "Rel",
    "PropertyGraph",
    "rel_type",
    "link_name",
    "to_property_graph",
    "model_to_property_graph",
    "node_of",
    "rel_of",
    "graph_to_model",
    "to_model",
    "kind_of_labels",
]

#: The label every entity node carries, with the uniqueness constraint on ``uri``.
RESOURCE_LABEL = "Resource"


@dataclass(slots=True)
class Node:
    """A node: its uri, its labels and its properties (plain values). Not frozen: creating a
    frozen dataclass costs three times as much, and a load makes one per entity."""

    uri: str
    labels: tuple[str, ...]  # Resource first, then the kind's chain from its root
    props: dict

    @property
    def kind(self) -> str:
        return self.labels[-1]


@dataclass(slots=True)
class Rel:
    """A relationship between two nodes' uris, with its properties."""

    start: str
    type: str
    end: str
    props: dict

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.start, self.type, self.end)


@dataclass
class PropertyGraph:
    """Nodes by uri and relationships by (start, type, end), in a stable order."""

    nodes: dict[str, Node] = field(default_factory=dict)
    rels: dict[tuple[str, str, str], Rel] = field(default_factory=dict)


@lru_cache(maxsize=256)
def rel_type(link: str) -> str:
    """``locatedIn`` → ``LOCATED_IN``."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", link).upper()


def link_name(rel: str) -> str:
    """``LOCATED_IN`` → ``locatedIn`` (the inverse of :func:`rel_type`)."""
    head, *rest = rel.lower().split("_")
    return head + "".join(part.capitalize() for part in rest)


def kind_of_labels(labels) -> str:
    """The entity kind whose chain is exactly ``labels`` (minus ``Resource``).

    >>> kind_of_labels(["Resource", "Place", "Park", "LandmarkZone"])
    'LandmarkZone'
    """
    wanted = set(labels) - {RESOURCE_LABEL}
    for name, kind in load_ontology().kinds.items():
        if set(kind.chain) == wanted:
            return name
    raise ValueError(f"labels {sorted(labels)} are not the chain of a kind of the ontology")


def to_property_graph(graph) -> PropertyGraph:
    """Map the entities and links of an RDF graph built by :mod:`kg.build`."""
    return model_to_property_graph(graph_to_model(graph))


def model_to_property_graph(model: Model) -> PropertyGraph:
    """The mapping itself, from checked entities and links (what the RDF graph is built from).

    ``kg load`` uses it directly, without building the RDF graph first.
    """
    pg = PropertyGraph()
    for entity in sorted(model.entities.values(), key=attrgetter("id")):  # the order of their uris
        node = node_of(entity)
        pg.nodes[node.uri] = node
    rels = [rel_of(link) for link in model.links]
    rels.sort(key=attrgetter("start", "type", "end"))
    pg.rels = {(rel.start, rel.type, rel.end): rel for rel in rels}
    return pg


def node_of(entity: Entity) -> Node:
    """The node of one checked entity.

    >>> from kg.model import Entity
    >>> node_of(Entity("tianjin", "Region", "天津", "Tianjin", note="curated: x")).props["curation_note"]
    'curated: x'
    """
    uri = _BASE + entity.id
    props = {"uri": uri, "id": entity.id, "name_zh": entity.name_zh, "name_en": entity.name_en}
    if entity.aliases:
        props["aliases"] = sorted(entity.aliases)
    if entity.notation:
        props["notation"] = entity.notation
    if entity.kind == "Indicator":
        props.update(
            unit=entity.unit,
            baseline_value=float(entity.value_2020),
            baseline_year=2020,
            target_value=float(entity.value_2025),
            target_year=2025,
        )
    _provenance(props, entity.excerpt, entity.note)
    return Node(uri, (RESOURCE_LABEL, *load_ontology().kinds[entity.kind].chain), props)


def rel_of(link: Link) -> Rel:
    """The relationship of one checked link."""
    return Rel(
        _BASE + link.subject, rel_type(link.predicate), _BASE + link.object, _provenance({}, link.excerpt, link.note)
    )


#: entity_iri(id) is TJ[id]: the same string, without building an rdflib term per row.
_BASE = ENTITY_BASE


def _provenance(props: dict, excerpt: Excerpt | None, note: str) -> dict:
    """Add the provenance of a node or relationship to its properties."""
    if excerpt is not None:
        props["section"] = section_index().at(excerpt.start).label
        props["quote"] = excerpt.text
        props["quote_start"] = excerpt.start
        props["quote_end"] = excerpt.end
    if note:
        props["editorial_note" if excerpt is not None else "curation_note"] = note
    return props


def _excerpt_of(graph, subject) -> Excerpt | None:
    from rdflib.namespace import PROV

    from .terms import OA

    excerpt = graph.value(subject, PROV.wasDerivedFrom)
    if excerpt is None:
        return None
    start, end = graph.value(excerpt, OA.start).toPython(), graph.value(excerpt, OA.end).toPython()
    return Excerpt(start, end, str(graph.value(excerpt, OA.exact)))


def _note_of(graph, subject) -> str:
    from rdflib.namespace import SKOS

    from .terms import TJP

    for prop in (TJP.curationNote, SKOS.editorialNote):
        value = graph.value(subject, prop)
        if value is not None:
            return str(value)
    return ""


def graph_to_model(graph) -> Model:
    """The entities and links an RDF graph in the ontology's terms holds (the inverse of :func:`kg.build.build_graph`)."""
    from rdflib import RDF, RDFS, URIRef
    from rdflib.namespace import DCTERMS, SKOS

    from .terms import TJ, TJP

    onto = load_ontology()
    model = Model()
    found = []
    for name, kind in onto.kinds.items():
        for subject in graph.subjects(RDF.type, URIRef(kind.iri)):
            if isinstance(subject, URIRef) and str(subject).startswith(str(TJ)):
                found.append((str(subject), subject, name))
    ids = {}
    for uri, subject, kind in sorted(found, key=lambda item: item[0]):
        labels = {lit.language: str(lit) for lit in graph.objects(subject, RDFS.label)}
        entity_id = str(graph.value(subject, DCTERMS.identifier) or uri.rsplit("/", 1)[-1])
        ids[uri] = entity_id
        model.entities[entity_id] = Entity(
            entity_id,
            kind,
            labels.get("zh", ""),
            labels.get("en", ""),
            tuple(sorted(str(a) for a in graph.objects(subject, SKOS.altLabel))),
            _excerpt_of(graph, subject),
            _note_of(graph, subject),
            _text(graph.value(subject, SKOS.notation)) or "",
            _text(graph.value(subject, TJP.unit)) or "",
            _decimal_text(_number(graph.value(subject, TJP.baselineValue))),
            _decimal_text(_number(graph.value(subject, TJP.targetValue))),
        )
    for statement in sorted(graph.subjects(RDF.type, RDF.Statement)):
        start, predicate, end = (graph.value(statement, p) for p in (RDF.subject, RDF.predicate, RDF.object))
        link = str(predicate).rsplit("#", 1)[-1]
        if link in onto.links and str(start) in ids and str(end) in ids:
            model.links.append(
                Link(ids[str(start)], link, ids[str(end)], _excerpt_of(graph, statement), _note_of(graph, statement))
            )
    return model


def to_model(pg: PropertyGraph) -> Model:
    """The entities and links a property graph holds, ready for :func:`kg.build.build_graph`."""
    model = Model()
    for node in pg.nodes.values():
        p = node.props
        model.entities[p["id"]] = Entity(
            p["id"],
            kind_of_labels(node.labels),
            p.get("name_zh", ""),
            p.get("name_en", ""),
            tuple(p.get("aliases") or ()),
            _excerpt(p),
            p.get("curation_note") or p.get("editorial_note") or "",
            p.get("notation", ""),
            p.get("unit", ""),
            _decimal_text(p.get("baseline_value")),
            _decimal_text(p.get("target_value")),
        )
    ids = {node.uri: node.props["id"] for node in pg.nodes.values()}
    for rel in pg.rels.values():
        p = rel.props
        model.links.append(
            Link(
                ids[rel.start],
                link_name(rel.type),
                ids[rel.end],
                _excerpt(p),
                p.get("curation_note") or p.get("editorial_note") or "",
            )
        )
    return model


def _excerpt(props: dict) -> Excerpt | None:
    if "quote" not in props:
        return None
    return Excerpt(int(props["quote_start"]), int(props["quote_end"]), props["quote"])


def _text(value) -> str | None:
    return None if value is None else str(value)


def _number(value):
    if value is None:
        return None
    number = value.toPython()
    if hasattr(number, "year"):
        return number.year
    if isinstance(number, str):  # xsd:gYear is read back as a string
        return int(number)
    return float(number)


def _decimal_text(value) -> str:
    if value is None:
        return ""
    return repr(float(value)) if not float(value).is_integer() else f"{int(value)}.0"
