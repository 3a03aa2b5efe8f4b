"""Read RDF inputs (Turtle, N-Triples, JSON-LD) in the graph's own terms back into entity and link records.

Nothing is fetched: a JSON-LD ``@context`` or ``@import`` that names a document and ``owl:imports`` are
refused, before rdflib sees the text; too many terms or too deep a nesting (:mod:`loaders.rdf_limits`)
too. An entity with two ``@zh`` (or two ``@en``) labels is an error, never one of them picked.

>>> text = '@prefix tjp: <https://w3id.org/tianjin-plan/ontology#> . <urn:x> a tjp:Park .'
>>> read_rdf(text, "a.ttl", "turtle")[1][0].message
'the file holds no entities of the ontology'
>>> read_rdf('{"@context": "https://example.org/c.jsonld"}', "a.jsonld", "jsonld")[1][0].message
'the JSON-LD names a remote @context (https://example.org/c.jsonld); it is not fetched'
"""

from __future__ import annotations

from kg.errors import EntityListError
from kg.lists.records import entity_values, link_values
from loaders.rdf_limits import jsonld_problem, turtle_problem
from loaders.rows import keyed_row
from loaders.strict_json import parse

__all__ = ["read_rdf"]


def read_rdf(text: str, label: str, fmt: str):
    """Records and errors of RDF text in ``fmt`` (``turtle``, ``ntriples`` or ``jsonld``)."""
    from rdflib import Graph
    from rdflib.namespace import OWL

    if fmt == "jsonld":
        try:
            problem = jsonld_problem(parse(text, label))
        except EntityListError as exc:
            return [], [exc]
        if problem:
            return [], [EntityListError(label, 0, 0, problem, hint="put the context inline in the file")]
    else:
        found = turtle_problem(text)
        if found:
            return [], [EntityListError(label, found[0], 0, found[1], hint="split the file")]
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
    clashes = _label_clash(graph, label)
    return ([], clashes) if clashes else _records_from_graph(graph, label)


def _label_clash(graph, label: str) -> list[EntityListError]:
    """An error for each subject with more than one ``rdfs:label`` in one language."""
    from rdflib.namespace import RDFS

    seen: dict[tuple, str] = {}
    errors = []
    for subject, _, name in sorted(graph.triples((None, RDFS.label, None))):
        key = (subject, getattr(name, "language", None))
        if key in seen:
            errors.append(
                EntityListError(
                    label,
                    0,
                    0,
                    f"{subject} has two rdfs:label @{key[1] or '(no language)'}: '{seen[key]}' and '{name}'",
                    hint="keep one label per language; give other names as skos:altLabel",
                )
            )
        seen.setdefault(key, str(name))
    return errors


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
