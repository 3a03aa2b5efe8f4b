"""Read the ontology: which entity kinds and link types exist, and their constraints.

Labels and relationship types used anywhere (RDF, Cypher) come from here and
nowhere else: a kind or link name that the ontology does not declare is refused.

Parsing ``ontology/plan.ttl`` needs rdflib (a third of a second with its
import); the kinds and link types it yields are kept as plain data in the
user's cache, under a digest of the file, :data:`CACHE_FORMAT` and the package version, so that commands
that need no RDF (a load, a query on the Bolt server) start quickly. The RDF
graph itself is parsed when first asked for (:attr:`Ontology.graph`).

>>> onto = load_ontology()
>>> onto.kind("TechnologyInnovationCenter").chain
('Platform', 'InnovationCenter', 'TechnologyInnovationCenter')
>>> onto.link("locatedIn").range
'Place'
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
from dataclasses import astuple, dataclass
from functools import cached_property, lru_cache

from kg import __version__
from kg.errors import OntologyError
from kg.resources import cache_dir, resource, write_whole
from kg.vocab.iris import ONTOLOGY_BASE

__all__ = [
    "Kind",
    "LinkType",
    "Ontology",
    "load_ontology",
    "parse_turtle_resource",
    "CACHE_FORMAT",
    "kinds_table",
]

#: The version of the cached form of the ontology (:meth:`Ontology.as_data`): raise it whenever
#: that form, or what is read into it, changes (a test fails until it is raised).
CACHE_FORMAT = 3


@dataclass(frozen=True)
class Kind:
    """An entity kind: a class of the ontology under one of the kind roots."""

    name: str
    iri: str
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
    iri: str
    domain: str | None
    range: str | None
    label_zh: str
    label_en: str
    excluded: tuple[str, ...] = ()  # tjp:excludedWording: wording that usually states another link


class Ontology:
    """The kinds and link types declared in ``ontology/plan.ttl``."""

    def __init__(self, kinds: dict[str, Kind], links: dict[str, LinkType], terms: tuple[str, ...] = ()):
        self.kinds, self.links, self.terms = kinds, links, terms

    @property
    def roots(self) -> tuple[str, ...]:
        """The roots of the families of kinds (``tjp:kindRoot``), in their order."""
        return tuple(dict.fromkeys(kind.root for kind in self.kinds.values()))

    @classmethod
    def from_graph(cls, graph) -> Ontology:
        """Read the kinds (the classes under the kind roots) and link types of the ontology's graph."""
        from rdflib import OWL, RDF, RDFS, URIRef

        def labels(term) -> tuple[str, str]:
            found = {lit.language: str(lit) for lit in graph.objects(term, RDFS.label)}
            return found.get("zh", ""), found.get("en", "")

        kinds: dict[str, Kind] = {}

        def collect(cls_iri: URIRef, above: tuple[str, ...]) -> None:
            name = _local(cls_iri)
            chain = (*above, name)
            kinds[name] = Kind(name, str(cls_iri), chain, *labels(cls_iri))
            for sub in sorted(graph.subjects(RDFS.subClassOf, cls_iri)):
                collect(sub, chain)

        roots = sorted(graph.subject_objects(URIRef(ONTOLOGY_BASE + "kindRoot")), key=lambda pair: int(pair[1]))
        if not roots:
            raise OntologyError("ontology/plan.ttl: no class is marked tjp:kindRoot, so there are no entity kinds")
        for root, _ in roots:
            collect(root, ())

        def kind_name(cls_iri) -> str | None:
            """The kind named by a domain/range, or the ORG class for sub-organisations."""
            if cls_iri is None:
                return None
            name = _local(cls_iri)
            return name if name in kinds else str(cls_iri)

        links: dict[str, LinkType] = {}
        for prop in sorted(graph.subjects(RDFS.subPropertyOf, URIRef(ONTOLOGY_BASE + "linkedTo"))):
            name = _local(prop)
            domain, range_ = graph.value(prop, RDFS.domain), graph.value(prop, RDFS.range)
            excluded = tuple(sorted({str(w) for w in graph.objects(prop, URIRef(ONTOLOGY_BASE + "excludedWording"))}))
            links[name] = LinkType(name, str(prop), kind_name(domain), kind_name(range_), *labels(prop), excluded)
        terms = sorted(
            _local(term)
            for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)
            for term in graph.subjects(RDF.type, kind)
            if str(term).startswith(ONTOLOGY_BASE)
        )
        onto = cls(kinds, links, tuple(terms))
        onto.__dict__["graph"] = graph
        return onto

    def as_data(self) -> tuple:
        """The kinds and link types as plain values (for ``marshal``)."""
        return (
            [astuple(k) for k in self.kinds.values()],
            [astuple(link) for link in self.links.values()],
            list(self.terms),
        )

    @classmethod
    def from_data(cls, data: tuple) -> Ontology:
        kinds, links, terms = data
        return cls(
            {k[0]: Kind(*k) for k in kinds},
            {link[0]: LinkType(*link[:-1], tuple(link[-1])) for link in links},
            tuple(terms),
        )

    @cached_property
    def graph(self):
        """The ontology as an rdflib graph (parsed on first use)."""
        return parse_turtle_resource("ontology", "plan.ttl")

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
    """The shipped ontology, read once: from the cache if it holds this version of it, else parsed."""
    text = resource("ontology", "plan.ttl").read_bytes()
    key = hashlib.sha256(text + f"{CACHE_FORMAT} {__version__}".encode()).hexdigest()[:32]
    path = cache_dir() / f"ontology-{key}.marshal"
    with contextlib.suppress(OSError, EOFError, ValueError, TypeError):
        return Ontology.from_data(marshal.loads(path.read_bytes()))
    onto = Ontology.from_graph(parse_turtle_resource("ontology", "plan.ttl"))
    with contextlib.suppress(OSError):  # a cache that cannot be written costs the parse next time
        write_whole(path, marshal.dumps(onto.as_data()))
    return onto


def kinds_table() -> list[dict]:
    """One row per entity kind and per link type: what, name, under (parents, or domain → range), labels.

    >>> kinds_table()[0]["what"], kinds_table()[-1]["what"]
    ('kind', 'link')
    """
    onto = load_ontology()
    rows = [
        {
            "what": "kind",
            "name": k.name,
            "under": " › ".join(k.chain[:-1]),
            "label_zh": k.label_zh,
            "label_en": k.label_en,
        }
        for k in onto.kinds.values()
    ]
    rows += [
        {
            "what": "link",
            "name": lt.name,
            "under": f"{lt.domain or '*'} → {lt.range or '*'}",
            "label_zh": lt.label_zh,
            "label_en": lt.label_en,
        }
        for lt in onto.links.values()
    ]
    return rows


def parse_turtle_resource(*parts: str):
    """Parse a shipped Turtle file into an rdflib graph, naming the file in any parse error."""
    from rdflib import OWL, RDF, Graph

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
