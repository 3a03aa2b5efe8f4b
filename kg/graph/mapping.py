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
``tjp:importedFrom``   ``derived_from``: the imported list's row, ``名单.xlsx:2023年!5`` (its ``rdfs:label``)
(none: derived)        ``search_text`` in Neo4j only: id, names and aliases, lowercased (:func:`search_text`)
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

from dataclasses import dataclass, field
from operator import attrgetter

from kg.lists.records import Entity, Excerpt, Link, Model
from kg.lists.source import section_index
from kg.vocab.iris import ENTITY_BASE
from kg.vocab.ontology import load_ontology
from kg.vocab.schema import ATTRIBUTES, RESOURCE_LABEL, TYPES, link_name, rel_type

__all__ = [
    "Node",
    "Rel",
    "PropertyGraph",
    "to_property_graph",
    "model_to_property_graph",
    "node_of",
    "rel_of",
    "graph_to_model",
    "to_model",
    "kind_of_labels",
    "SEARCH_TEXT",
    "search_text",
]


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
    """Map the entities and links of an RDF graph built by :mod:`kg.rdf.build`."""
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


#: A node property written to Neo4j only (by ``kg load`` and ``kg export --neo4j-admin``), not part of this
#: mapping's graph: what the catalogue's Cypher ``search`` looks in first, through a text index, before
#: it tests each name itself (so the tab between them never makes a false hit).
SEARCH_TEXT = "search_text"


def search_text(props: dict) -> str:
    """The :data:`SEARCH_TEXT` of a node's properties: its id, names and aliases, lowercased, a tab between them.

    >>> search_text({"id": "zgc", "name_zh": "中关村", "name_en": "Zhongguancun", "aliases": ["ZGC"]})
    'zgc\\t中关村\\tzhongguancun\\tzgc'
    """
    names = (props.get("id"), props.get("name_zh"), props.get("name_en"), *(props.get("aliases") or ()))
    return "\t".join(name.lower() for name in names if name)


def node_of(entity: Entity) -> Node:
    """The node of one checked entity: the core fields, then each filled attribute field of the
    schema table under its property-graph name (with its companion, e.g. the baseline year).

    >>> from kg.lists.records import Entity
    >>> node_of(Entity(id="tianjin", kind="Region", name_zh="天津", name_en="Tianjin", note="curated: x")).props["curation_note"]
    'curated: x'
    """
    uri = _BASE + entity.id
    props = {"uri": uri, "id": entity.id, "name_zh": entity.name_zh}
    if entity.name_en:  # none: no property (null in Cypher), as there is no @en label in RDF
        props["name_en"] = entity.name_en
    if entity.aliases:
        props["aliases"] = sorted(entity.aliases)
    attrs = entity.attrs
    if attrs:
        for f in ATTRIBUTES:
            value = attrs.get(f.column)
            if value and f.pg:
                props[f.pg] = f.value_type.parse(value)
                if f.companion:
                    _, name, text, type_name = f.companion
                    props[name] = TYPES[type_name].parse(text)
    _provenance(props, entity.excerpt, entity.note, entity.derived_from)
    return Node(uri, (RESOURCE_LABEL, *load_ontology().kinds[entity.kind].chain), props)


def rel_of(link: Link) -> Rel:
    """The relationship of one checked link."""
    return Rel(
        _BASE + link.subject,
        rel_type(link.predicate),
        _BASE + link.object,
        _provenance({}, link.excerpt, link.note, link.derived_from),
    )


#: entity_iri(id) is TJ[id]: the same string, without building an rdflib term per row.
_BASE = ENTITY_BASE


def _provenance(props: dict, excerpt: Excerpt | None, note: str, derived_from: str = "") -> dict:
    """Add the provenance of a node or relationship to its properties."""
    if excerpt is not None:
        props["section"] = section_index().at(excerpt.start).label
        props["quote"] = excerpt.text
        props["quote_start"] = excerpt.start
        props["quote_end"] = excerpt.end
    if note:
        props["editorial_note" if excerpt is not None else "curation_note"] = note
    if derived_from:
        props["derived_from"] = derived_from
    return props


def _excerpt_of(graph, subject) -> Excerpt | None:
    from rdflib.namespace import PROV

    from kg.vocab.terms import OA

    excerpt = next((e for e in graph.objects(subject, PROV.wasDerivedFrom) if (e, OA.exact, None) in graph), None)
    if excerpt is None:
        return None
    start, end = graph.value(excerpt, OA.start).toPython(), graph.value(excerpt, OA.end).toPython()
    return Excerpt(start=start, end=end, text=str(graph.value(excerpt, OA.exact)))


def _note_of(graph, subject) -> str:
    from rdflib.namespace import SKOS

    from kg.vocab.terms import TJP

    for prop in (TJP.curationNote, SKOS.editorialNote):
        value = graph.value(subject, prop)
        if value is not None:
            return str(value)
    return ""


def _derived_of(graph, subject) -> str:
    from rdflib import RDFS

    from kg.vocab.terms import TJP

    row = graph.value(subject, TJP.importedFrom)
    return str(graph.value(row, RDFS.label) or "") if row is not None else ""


def graph_to_model(graph) -> Model:
    """The entities and links an RDF graph in the ontology's terms holds (the inverse of :func:`kg.rdf.build.build_graph`)."""
    from rdflib import RDF, RDFS, URIRef
    from rdflib.namespace import DCTERMS, SKOS

    from kg.vocab.terms import TJ, expand

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
        attrs = {}
        for f in ATTRIBUTES:
            value = graph.value(subject, expand(f.rdf)) if f.rdf else None
            if value is not None:
                attrs[f.column] = _attribute_text(f, value.toPython())
        model.entities[entity_id] = Entity(
            id=entity_id,
            kind=kind,
            name_zh=labels.get("zh", ""),
            name_en=labels.get("en", ""),
            aliases=tuple(sorted(str(a) for a in graph.objects(subject, SKOS.altLabel))),
            excerpt=_excerpt_of(graph, subject),
            note=_note_of(graph, subject),
            derived_from=_derived_of(graph, subject),
            attrs=attrs,
        )
    for statement in sorted(graph.subjects(RDF.type, RDF.Statement)):
        start, predicate, end = (graph.value(statement, p) for p in (RDF.subject, RDF.predicate, RDF.object))
        link = str(predicate).rsplit("#", 1)[-1]
        if link in onto.links and str(start) in ids and str(end) in ids:
            model.links.append(
                Link(
                    subject=ids[str(start)],
                    predicate=link,
                    object=ids[str(end)],
                    excerpt=_excerpt_of(graph, statement),
                    note=_note_of(graph, statement),
                    derived_from=_derived_of(graph, statement),
                )
            )
    return model


def to_model(pg: PropertyGraph) -> Model:
    """The entities and links a property graph holds, ready for :func:`kg.rdf.build.build_graph`."""
    model = Model()
    for node in pg.nodes.values():
        p = node.props
        model.entities[p["id"]] = Entity(
            id=p["id"],
            kind=kind_of_labels(node.labels),
            name_zh=p.get("name_zh", ""),
            name_en=p.get("name_en", ""),
            aliases=tuple(p.get("aliases") or ()),
            excerpt=_excerpt(p),
            note=p.get("curation_note") or p.get("editorial_note") or "",
            derived_from=p.get("derived_from", ""),
            attrs={f.column: _attribute_text(f, p[f.pg]) for f in ATTRIBUTES if f.pg and p.get(f.pg) is not None},
        )
    ids = {node.uri: node.props["id"] for node in pg.nodes.values()}
    for rel in pg.rels.values():
        p = rel.props
        model.links.append(
            Link(
                subject=ids[rel.start],
                predicate=link_name(rel.type),
                object=ids[rel.end],
                excerpt=_excerpt(p),
                note=p.get("curation_note") or p.get("editorial_note") or "",
                derived_from=p.get("derived_from", ""),
            )
        )
    return model


def _excerpt(props: dict) -> Excerpt | None:
    if "quote" not in props:
        return None
    return Excerpt(start=int(props["quote_start"]), end=int(props["quote_end"]), text=props["quote"])


def _attribute_text(f, value) -> str:
    """An attribute's value read back from RDF or the property graph, as the list's text."""
    if f.type == "text":
        return str(value)
    return f.value_type.text(getattr(value, "year", value))  # xsd:gYear may be read as a date
