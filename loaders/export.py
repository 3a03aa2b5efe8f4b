"""Export the plan graph: from the lists or out of a Bolt server, as RDF or as neo4j-admin import files.

>>> SOURCES, TARGETS
(('lists', 'neo4j'), ('rdf', 'neo4j-admin'))
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["SOURCES", "TARGETS", "export"]

SOURCES = ("lists", "neo4j")
TARGETS = ("rdf", "neo4j-admin")


def _neo4j_graph(settings):
    from loaders.bolt.connect import connect
    from loaders.bolt.read import read_graph

    driver = connect(settings)
    try:
        return read_graph(driver, settings.database)
    finally:
        driver.close()


def export(*, source: str = "lists", target: str = "rdf", output: str | Path, data=None, settings=None) -> dict:
    """Write the graph of ``source`` (the lists of ``data``, or the Bolt server of ``settings``) as
    ``target`` files into ``output``; return the ``nodes`` and ``relationships`` written, the
    ``paths``, and the ``triples`` (rdf) or the import ``command`` (neo4j-admin)."""
    from loaders.build import lists_graph

    pg = _neo4j_graph(settings) if source == "neo4j" else lists_graph(data)
    done = {"nodes": len(pg.nodes), "relationships": len(pg.rels)}
    if target == "neo4j-admin":
        from loaders.bolt.admin import command, write_import_files

        return {**done, "paths": write_import_files(pg, output), "command": command()}
    from kg.graph.mapping import to_model
    from kg.rdf.build import triples
    from kg.rdf.serialize import write_rdf

    paths, count = write_rdf(triples(to_model(pg)), output)
    return {**done, "paths": paths, "triples": count}
