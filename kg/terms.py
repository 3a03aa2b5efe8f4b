"""The ontology's terms as a closed namespace, and the project's IRI bases as rdflib namespaces.

``TJP`` rejects names that are not in ``ontology/plan.ttl`` (a test keeps the
two in sync), so a typo raises instead of minting a new IRI.

>>> TJP.Platform
rdflib.term.URIRef('https://w3id.org/tj-sti-plan/ontology#Platform')
>>> TJP.Platfrom
Traceback (most recent call last):
...
AttributeError: term 'Platfrom' not in namespace 'https://w3id.org/tj-sti-plan/ontology#'
"""

from __future__ import annotations

from rdflib import Namespace, URIRef
from rdflib.namespace import DefinedNamespace

from .iris import ENTITY_BASE, KIND_ROOT_NAMES, ONTOLOGY_BASE

__all__ = ["TJP", "TJ", "OA", "ONTOLOGY_IRI", "KIND_ROOTS", "PREFIXES", "entity_iri"]

ONTOLOGY_IRI = URIRef("https://w3id.org/tj-sti-plan/ontology")
TJ = Namespace(ENTITY_BASE)
OA = Namespace("http://www.w3.org/ns/oa#")


class TJP(DefinedNamespace):
    """Classes and properties of ``ontology/plan.ttl``."""

    _NS = Namespace(ONTOLOGY_BASE)
    _fail = True

    # Classes
    Platform: URIRef
    Laboratory: URIRef
    NationalKeyLaboratory: URIRef
    KeyLaboratory: URIRef
    InnovationCenter: URIRef
    TechnologyInnovationCenter: URIRef
    IndustryInnovationCenter: URIRef
    ManufacturingInnovationCenter: URIRef
    ResearchCenter: URIRef
    EngineeringResearchCenter: URIRef
    ClinicalResearchCenter: URIRef
    LargeScienceFacility: URIRef
    SupercomputingCenter: URIRef
    FieldStation: URIRef
    DemonstrationBase: URIRef
    ServicePlatform: URIRef
    Place: URIRef
    Region: URIRef
    Country: URIRef
    City: URIRef
    District: URIRef
    FunctionalZone: URIRef
    Park: URIRef
    SciencePark: URIRef
    LandmarkZone: URIRef
    CollaborativeInnovationCenter: URIRef
    InnovationCluster: URIRef
    DemonstrationZone: URIRef
    Institution: URIRef
    University: URIRef
    ResearchInstitute: URIRef
    Hospital: URIRef
    Enterprise: URIRef
    Alliance: URIRef
    Fund: URIRef
    GovernmentBody: URIRef
    TechnologyDomain: URIRef
    Indicator: URIRef
    ResearchDirection: URIRef
    Programme: URIRef
    Excerpt: URIRef
    Section: URIRef

    # Links between entities
    linkedTo: URIRef
    locatedIn: URIRef
    partOf: URIRef
    reliesOn: URIRef
    drawsOn: URIRef
    coreArea: URIRef
    partnersWith: URIRef
    jointlyBuiltWith: URIRef
    focusesOn: URIRef
    broader: URIRef
    subOrganizationOf: URIRef
    serves: URIRef

    # Provenance and attributes
    inSection: URIRef
    sectionPath: URIRef
    curationNote: URIRef
    unit: URIRef
    baselineValue: URIRef
    baselineYear: URIRef
    targetValue: URIRef
    targetYear: URIRef


#: The roots of the entity kinds: every kind is one of these or below one.
KIND_ROOTS = tuple(getattr(TJP, name) for name in KIND_ROOT_NAMES)

PREFIXES = {
    "tjp": str(TJP._NS),
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
