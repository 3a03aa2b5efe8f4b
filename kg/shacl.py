"""Run the SHACL shapes of ``ontology/shapes.ttl`` on a built graph.

Violations are reported at the entity-list row that made the offending node,
so a SHACL error reads like any other: ``file:line:column: message``.

>>> from rdflib import Graph
>>> validate_graph(Graph())
[]
"""

from __future__ import annotations

from rdflib import RDF, Graph, URIRef
from rdflib.namespace import SH

from .checks import Model
from .errors import EntityListError
from .ontology import parse_turtle_resource
from .terms import entity_iri

__all__ = ["validate_graph", "load_shapes"]


def load_shapes() -> Graph:
    return parse_turtle_resource("ontology", "shapes.ttl")


def validate_graph(graph: Graph, model: Model | None = None) -> list[EntityListError]:
    """SHACL violations of ``graph``, located through ``model``'s rows where possible."""
    from pyshacl import validate

    conforms, report, _ = validate(graph, shacl_graph=load_shapes(), inference="none", advanced=True)
    if conforms:
        return []
    rows = _rows_by_node(model) if model is not None else {}
    errors = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        focus = report.value(result, SH.focusNode)
        path = report.value(result, SH.resultPath)
        message = str(report.value(result, SH.resultMessage) or "violates a SHACL shape")
        row = rows.get(focus)
        where = (row.file, row.line) if row is not None else ("(graph)", 0)
        label = f" at {_short(path)}" if path is not None else ""
        errors.append(
            EntityListError(
                where[0], where[1], 0, f"SHACL: {_short(focus)}{label}: {message}", hint="see ontology/shapes.ttl"
            )
        )
    return errors


def _rows_by_node(model: Model) -> dict[URIRef, object]:
    from .build import statement_iri

    rows = {entity_iri(e.id): e.row for e in model.entities.values() if e.row is not None}
    rows.update({statement_iri(link): link.row for link in model.links if link.row is not None})
    return rows


def _short(term) -> str:
    text = str(term)
    return text.rsplit("/", 1)[-1].rsplit("#", 1)[-1]
