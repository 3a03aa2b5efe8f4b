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

__all__ = ["build_checked"]


def build_checked(lists: Lists, *, shacl: bool = True) -> tuple[Model, Graph]:
    """Check the rows, build the graph and run SHACL; raise ``ValidationFailed`` on any error."""
    model = check(lists)
    graph = build_graph(model)
    if shacl:
        errors = validate_graph(graph, model)
        if errors:
            raise ValidationFailed(errors)
    return model, graph
