"""Write a graph as Turtle, N-Triples and JSON-LD, deterministically and atomically.

Same graph, same bytes: N-Triples lines are sorted, JSON-LD nodes and values
are sorted, and Turtle is written from an insertion-ordered store. Files are
written beside their target and renamed into place only when all are ready.

>>> from rdflib import Graph, URIRef, Literal
>>> g = Graph().add((URIRef("urn:a"), URIRef("urn:p"), Literal("x")))
>>> serialize(g, "nt")
'<urn:a> <urn:p> "x" .\\n'
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from rdflib import Graph

from .terms import PREFIXES

__all__ = ["FORMATS", "serialize", "write_graph"]

#: Output formats: name → (file suffix, rdflib format).
FORMATS = {"ttl": ".ttl", "nt": ".nt", "jsonld": ".jsonld"}


def serialize(graph: Graph, fmt: str) -> str:
    """The graph as text in ``fmt`` (``ttl``, ``nt`` or ``jsonld``)."""
    if fmt == "nt":
        lines = graph.serialize(format="nt", encoding="utf-8").decode("utf-8").splitlines()
        return "".join(line + "\n" for line in sorted(set(lines)) if line.strip())
    if fmt == "ttl":
        return _sorted_copy(graph).serialize(format="turtle")
    if fmt == "jsonld":
        data = json.loads(graph.serialize(format="json-ld", context=dict(PREFIXES), auto_compact=True))
        return json.dumps(_canonical_json(data), ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")


def write_graph(graph: Graph, directory: str | Path, stem: str = "plan") -> list[Path]:
    """Write ``stem.ttl``, ``stem.nt`` and ``stem.jsonld`` into ``directory``; return their paths.

    Either every file is replaced or none is.
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    texts = {directory / f"{stem}{suffix}": serialize(graph, fmt) for fmt, suffix in FORMATS.items()}
    temps = {}
    try:
        for path, text in texts.items():
            temp = path.with_name(f".{path.name}.tmp")
            temp.write_text(text, encoding="utf-8", newline="\n")
            temps[path] = temp
        for path, temp in temps.items():
            os.replace(temp, path)
    finally:
        for temp in temps.values():
            temp.unlink(missing_ok=True)
    return list(texts)


def _sorted_copy(graph: Graph) -> Graph:
    """A copy whose store holds the triples in sorted order, with the same prefixes."""
    copy = Graph()
    for prefix, namespace in graph.namespaces():
        copy.bind(prefix, namespace, override=True)
    for triple in sorted(graph):
        copy.add(triple)
    return copy


def _canonical_json(value):
    if isinstance(value, dict):
        return {k: _canonical_json(v) for k, v in value.items()}
    if isinstance(value, list):
        items = [_canonical_json(v) for v in value]
        return sorted(items, key=lambda v: json.dumps(v, ensure_ascii=False, sort_keys=True))
    return value
