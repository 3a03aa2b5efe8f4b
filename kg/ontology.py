"""Read the ontology: which entity kinds and link types exist, and their constraints.

Labels and relationship types used anywhere (RDF, Cypher) come from here and
nowhere else: a kind or link name that the ontology does not declare is refused.

>>> onto = load_ontology()
>>> onto.kind("TechnologyInnovationCenter").chain
('Platform', 'InnovationCenter', 'TechnologyInnovationCenter')
>>> onto.link("locatedIn").range
'Place'
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from rdflib import OWL, RDF, RDFS, Graph, URIRef

from .errors import OntologyError
from .resources import resource
from .terms import KIND_ROOTS, TJP

__all__ = ["Kind", "LinkType", "Ontology", "load_ontology", "parse_turtle_resource"]


@dataclass(frozen=True)
class Kind:
    """An entity kind: a class of the ontology under one of the kind roots."""

    name: str
    iri: URIRef
    chain: tuple[str, ...]  # from the root down to this kind
    label_zh: str
    label_en: str

    @property
    def root(self) -> str:
        return self.chain[0]


@dataclass(frozen=True)
class LinkType:
    """A link type: a sub-property of ``tjp:linkedTo``, with optional domain and range kinds."""

    name: str
    iri: URIRef
    domain: str | None
    range: str | None
    label_zh: str
    label_en: str


class Ontology:
    """The kinds and link types declared in ``ontology/plan.ttl``."""

    def __init__(self, graph: Graph):
        self.graph = graph
        self.kinds: dict[str, Kind] = {}
        for root in KIND_ROOTS:
            self._collect(root, ())
        self.links: dict[str, LinkType] = {}
        for prop in sorted(graph.subjects(RDFS.subPropertyOf, TJP.linkedTo)):
            name = _local(prop)
            self.links[name] = LinkType(
                name,
                prop,
                self._kind_name(graph.value(prop, RDFS.domain)),
                self._kind_name(graph.value(prop, RDFS.range)),
                *self._labels(prop),
            )

    def _collect(self, cls: URIRef, above: tuple[str, ...]) -> None:
        name = _local(cls)
        chain = (*above, name)
        self.kinds[name] = Kind(name, cls, chain, *self._labels(cls))
        for sub in sorted(self.graph.subjects(RDFS.subClassOf, cls)):
            self._collect(sub, chain)

    def _labels(self, term: URIRef) -> tuple[str, str]:
        labels = {lit.language: str(lit) for lit in self.graph.objects(term, RDFS.label)}
        return labels.get("zh", ""), labels.get("en", "")

    def _kind_name(self, cls) -> str | None:
        """The kind named by a domain/range, or the ORG class for sub-organisations."""
        if cls is None:
            return None
        name = _local(cls)
        return name if name in self.kinds else str(cls)

    def kind(self, name: str) -> Kind:
        return self.kinds[name]

    def link(self, name: str) -> LinkType:
        return self.links[name]

    def is_a(self, kind: str, expected: str) -> bool:
        """Whether entities of ``kind`` satisfy a domain/range ``expected``.

        ``expected`` is a kind name, or a foreign class IRI (``org:Organization``),
        which platforms and institutions satisfy.
        """
        if expected in self.kinds:
            return expected in self.kinds[kind].chain
        if expected == "http://www.w3.org/ns/org#Organization":
            return self.kinds[kind].root in ("Platform", "Institution")
        return False

    def describe(self, expected: str) -> str:
        if expected in self.kinds:
            return f"a {expected} ({self.kinds[expected].label_zh})"
        if expected.endswith("#Organization"):
            return "a Platform or an Institution"
        return expected


@lru_cache(maxsize=1)
def load_ontology() -> Ontology:
    """The shipped ontology, parsed once."""
    return Ontology(parse_turtle_resource("ontology", "plan.ttl"))


def parse_turtle_resource(*parts: str) -> Graph:
    """Parse a shipped Turtle file, naming the file in any parse error."""
    where = "/".join(parts)
    graph = Graph()
    try:
        graph.parse(data=resource(*parts).read_text(encoding="utf-8"), format="turtle")
    except Exception as exc:  # rdflib raises several unrelated types
        raise OntologyError(f"{where}: cannot be parsed as Turtle: {exc}") from exc
    if (None, RDF.type, OWL.Ontology) not in graph and parts[-1] == "plan.ttl":
        raise OntologyError(f"{where}: declares no owl:Ontology")
    return graph


def _local(iri) -> str:
    text = str(iri)
    return text.rsplit("#", 1)[-1] if "#" in text else text.rsplit("/", 1)[-1]
