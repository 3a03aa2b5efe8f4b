"""Read RDF inputs (Turtle, N-Triples, JSON-LD) in the graph's own terms back into entity and link records.

Nothing is fetched: a remote JSON-LD ``@context`` and ``owl:imports`` are refused.

>>> text = '@prefix tjp: <https://w3id.org/tianjin-plan/ontology#> . <urn:x> a tjp:Park .'
>>> read_rdf(text, "a.ttl", "turtle")[1][0].message
'the file holds no entities of the ontology'
>>> read_rdf('{"@context": "https://example.org/c.jsonld"}', "a.jsonld", "jsonld")[1][0].message
'the JSON-LD names a remote @context (https://example.org/c.jsonld); it is not fetched'
"""

from __future__ import annotations

import json

from kg.errors import EntityListError
from kg.lists.records import entity_values, link_values
from loaders.rows import keyed_row

__all__ = ["read_rdf"]


def read_rdf(text: str, label: str, fmt: str):
    """Records and errors of RDF text in ``fmt`` (``turtle``, ``ntriples`` or ``jsonld``)."""
    from rdflib import Graph
    from rdflib.namespace import OWL

    if fmt == "jsonld":
        problem = _remote_context(text)
        if problem:
            return [], [
                EntityListError(
                    label,
                    0,
                    0,
                    f"the JSON-LD names a remote @context ({problem}); it is not fetched",
                    hint="put the context inline in the file",
                )
            ]
    graph = Graph()
    try:
        graph.parse(
            data=text,
            format={"turtle": "turtle", "ntriples": "nt", "jsonld": "json-ld"}[fmt],
            publicID="urn:kg:import:",
        )
    except Exception as exc:  # rdflib raises several unrelated types
        if hasattr(exc, "lines"):  # notation3's BadSyntax counts lines from 0
            line, message = exc.lines + 1, getattr(exc, "_why", "") or str(exc)
        else:
            line, message = getattr(exc, "lineno", 0) or 0, str(exc) or type(exc).__name__
        message = message.splitlines()[0][:160]
        return [], [
            EntityListError(
                label,
                int(line) if str(line).isdigit() else 0,
                0,
                f"malformed {fmt}: {message}",
                hint="fix the syntax at that line",
            )
        ]
    imports = sorted(str(o) for o in graph.objects(None, OWL.imports))
    if imports:
        return [], [
            EntityListError(
                label,
                0,
                0,
                f"the file imports {imports[0]}; imports are not followed",
                hint="put the triples you need into the file itself",
            )
        ]
    return _records_from_graph(graph, label)


def _remote_context(text: str) -> str | None:
    try:
        document = json.loads(text)
    except json.JSONDecodeError:
        return None

    def walk(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "@context":
                    for ctx in value if isinstance(value, list) else [value]:
                        if isinstance(ctx, str):
                            return ctx
                found = walk(value)
                if found:
                    return found
        elif isinstance(node, list):
            for value in node:
                found = walk(value)
                if found:
                    return found
        return None

    return walk(document)


def _records_from_graph(graph, label: str):
    """Entity records, then link records, numbered in that order."""
    from kg.graph.mapping import graph_to_model

    model = graph_to_model(graph)
    rows = [*map(entity_values, model.entities.values()), *map(link_values, model.links)]
    records = [keyed_row(label, number, values) for number, values in enumerate(rows, start=1)]
    if not records:
        return [], [
            EntityListError(
                label,
                0,
                0,
                "the file holds no entities of the ontology",
                hint="type them with the ontology's classes (tjp:Platform …)",
            )
        ]
    return records, []
