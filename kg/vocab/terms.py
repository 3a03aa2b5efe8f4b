"""The ontology's terms as a closed namespace, the project's IRI bases as rdflib namespaces, and its prefixes.

``TJP`` is made from the terms ``ontology/plan.ttl`` declares (its classes and
properties), so it cannot disagree with the ontology, and a name that is not
one of them raises instead of minting a new IRI.

>>> TJP.Platform
rdflib.term.URIRef('https://w3id.org/tj-sti-plan/ontology#Platform')
>>> TJP.Platfrom
Traceback (most recent call last):
...
AttributeError: term 'Platfrom' not in namespace 'https://w3id.org/tj-sti-plan/ontology#'
>>> expand("skos:notation")
rdflib.term.URIRef('http://www.w3.org/2004/02/skos/core#notation')
"""

from __future__ import annotations

from rdflib import Namespace, URIRef
from rdflib.namespace import DefinedNamespace

from kg.vocab.iris import ENTITY_BASE, ONTOLOGY_BASE
from kg.vocab.ontology import load_ontology

__all__ = ["TJP", "TJ", "OA", "ONTOLOGY_IRI", "PREFIXES", "entity_iri", "link_iri", "expand"]

ONTOLOGY_IRI = URIRef("https://w3id.org/tj-sti-plan/ontology")
TJ = Namespace(ENTITY_BASE)
OA = Namespace("http://www.w3.org/ns/oa#")

#: Classes and properties of ``ontology/plan.ttl``, as a closed namespace.
TJP = type(
    "TJP",
    (DefinedNamespace,),
    {
        "__doc__": "Classes and properties of ``ontology/plan.ttl``.",
        "__annotations__": dict.fromkeys(load_ontology().terms, URIRef),
        "_NS": Namespace(ONTOLOGY_BASE),
        "_fail": True,
    },
)

PREFIXES = {
    "tjp": ONTOLOGY_BASE,
    "tj": str(TJ),
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "prov": "http://www.w3.org/ns/prov#",
    "org": "http://www.w3.org/ns/org#",
    "dcterms": "http://purl.org/dc/terms/",
    "schema": "https://schema.org/",
    "oa": str(OA),
}


def entity_iri(entity_id: str) -> URIRef:
    """The IRI of an entity from its stable id.

    >>> entity_iri("binhai-new-area")
    rdflib.term.URIRef('https://w3id.org/tj-sti-plan/id/binhai-new-area')
    """
    return TJ[entity_id]


def link_iri(link: str) -> URIRef:
    """The property of a link type of the ontology (``locatedIn`` → ``tjp:locatedIn``)."""
    return URIRef(load_ontology().links[link].iri)


def expand(curie: str) -> URIRef:
    """The IRI of a prefixed name with one of the project's prefixes; ``tjp:`` names must be in the ontology."""
    prefix, _, local = curie.partition(":")
    if prefix == "tjp":
        return TJP[local]
    return URIRef(PREFIXES[prefix] + local)
