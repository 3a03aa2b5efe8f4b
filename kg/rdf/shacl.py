"""Run the SHACL shapes of ``ontology/shapes.ttl`` on a built graph.

Violations are reported at the entity-list row that made the offending node,
so a SHACL error reads like any other: ``file:line:column: message``.

>>> from rdflib import Graph
>>> validate_graph(Graph())
[]
"""

from __future__ import annotations

from rdflib import RDF, Graph
from rdflib.namespace import SH

from kg.errors import EntityListError
from kg.lists.records import Model
from kg.vocab.ontology import parse_turtle_resource
from kg.vocab.terms import entity_iri, link_iri

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
        value = report.value(result, SH.value)
        message = str(report.value(result, SH.resultMessage) or "violates a SHACL shape")
        # The most specific row: the link itself, the entity's last link of that type, the entity.
        row = rows.get((focus, path, value)) or rows.get((focus, path)) or rows.get(focus)
        where = (row.file, row.line) if row is not None else ("(graph)", 0)
        label = f" at {_short(path)}" if path is not None else ""
        errors.append(
            EntityListError(
                where[0], where[1], 0, f"SHACL: {_short(focus)}{label}: {message}", hint="see ontology/shapes.ttl"
            )
        )
    return errors


def _rows_by_node(model: Model) -> dict:
    """Rows by entity IRI, by (subject, predicate) and by (subject, predicate, object)."""

    rows: dict = {entity_iri(e.id): e.row for e in model.entities.values() if e.row is not None}
    for link in model.links:
        if link.row is not None:
            subject, predicate, obj = entity_iri(link.subject), link_iri(link.predicate), entity_iri(link.object)
            rows[(subject, predicate, obj)] = link.row
            rows[(subject, predicate)] = link.row  # the file's last such link wins
    return rows


def _short(term) -> str:
    text = str(term)
    return text.rsplit("/", 1)[-1].rsplit("#", 1)[-1]
