"""The project's IRI bases as plain strings, for code that needs no RDF library (loading, mapping).

:mod:`kg.terms` builds its namespaces from these.

>>> ENTITY_BASE + "binhai-new-area"
'https://w3id.org/tj-sti-plan/id/binhai-new-area'
"""

from __future__ import annotations

__all__ = ["ENTITY_BASE", "ONTOLOGY_BASE", "KIND_ROOT_NAMES"]

#: Entities: ``ENTITY_BASE + id``.
ENTITY_BASE = "https://w3id.org/tj-sti-plan/id/"
#: Classes and properties of ``ontology/plan.ttl``.
ONTOLOGY_BASE = "https://w3id.org/tj-sti-plan/ontology#"
#: The roots of the entity kinds: every kind is one of these or below one.
KIND_ROOT_NAMES = (
    "Platform",
    "Place",
    "Institution",
    "TechnologyDomain",
    "Indicator",
    "ResearchDirection",
    "Programme",
)
