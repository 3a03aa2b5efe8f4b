"""The project's IRI bases as plain strings, for code that needs no RDF library (loading, mapping).

:mod:`kg.vocab.terms` builds its namespaces from these.

>>> ENTITY_BASE + "binhai-new-area"
'https://w3id.org/tj-sti-plan/id/binhai-new-area'
"""

from __future__ import annotations

__all__ = ["ENTITY_BASE", "ONTOLOGY_BASE"]

#: Entities: ``ENTITY_BASE + id``.
ENTITY_BASE = "https://w3id.org/tj-sti-plan/id/"
#: Classes and properties of ``ontology/plan.ttl``.
ONTOLOGY_BASE = "https://w3id.org/tj-sti-plan/ontology#"
