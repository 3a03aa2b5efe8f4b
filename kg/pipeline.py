"""From rows to a checked, SHACL-valid graph: the steps every command shares.

>>> from kg.model import Lists, Row
>>> row = Row("entities.csv", 2, {"id": "tianjin", "kind": "Region", "name_zh": "天津",
...           "name_en": "Tianjin", "quote": "天津市人民政府办公厅关于印发"}, {})
>>> model, graph = build_checked(Lists(entities=[row]))
>>> graph.value(entity_iri("tianjin"), DCTERMS.identifier)
rdflib.term.Literal('tianjin')
"""

from __future__ import annotations

from rdflib import Graph
from rdflib.namespace import DCTERMS  # noqa: F401 - used by the example

from .build import build_graph
from .checks import Model, check
from .errors import ValidationFailed
from .model import Lists
from .shacl import validate_graph
from .terms import entity_iri  # noqa: F401 - used by the example

__all__ = ["build_checked", "SHACL_MAX_ENTITIES"]

#: Above this many entities SHACL is not run by default: pyshacl takes ~20 s for
#: 10 k entities and grows faster than linearly, while the row checks, which
#: cover every constraint of the shapes, take under a second.
SHACL_MAX_ENTITIES = 20_000


def build_checked(lists: Lists, *, shacl: bool | None = None) -> tuple[Model, Graph]:
    """Check the rows, build the graph and run SHACL; raise ``ValidationFailed`` on any error.

    ``shacl=None`` runs the shapes on lists of up to :data:`SHACL_MAX_ENTITIES`
    entities; ``True`` and ``False`` force it on or off.
    """
    model = check(lists)
    graph = build_graph(model)
    if shacl is None:
        shacl = len(model.entities) <= SHACL_MAX_ENTITIES
    if shacl:
        errors = validate_graph(graph, model)
        if errors:
            raise ValidationFailed(errors)
    return model, graph
