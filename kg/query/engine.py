"""One interface for every query engine, and :func:`answer`: a question of the catalogue on any engine.

The embedded SPARQL engine (:class:`kg.query.sparql.SparqlEngine`) and a Bolt
server (:class:`loaders.bolt.read.ReadSession`) play the same role: they look
entities up, select rows, and say which query language they speak.

>>> from kg.lists.checks import check
>>> from kg.query.sparql import SparqlEngine
>>> from loaders.csv_lists import read_workspace
>>> engine = SparqlEngine.from_model(check(read_workspace(None)))
>>> columns, rows = answer("relies-on", {"target": "超算天津中心"}, engine)
>>> "先进计算大数据创新集聚区" in {row["entity"] for row in rows}
True
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol, runtime_checkable

from kg.query.catalogue import get, prepare
from kg.query.readonly import check_read_only_cypher, check_read_only_sparql

__all__ = ["Engine", "answer", "answer_json", "prepared", "ad_hoc"]


@runtime_checkable
class Engine(Protocol):
    """What a query engine does: look entities up, and run a read-only query of its language."""

    #: The query language it speaks: ``sparql`` or ``cypher`` (a key of :data:`kg.query.catalogue.ENGINES`).
    language: str

    def lookup(self, value: str) -> list[tuple[str, str]]:
        """Entities with this exact id, name or alias, as ``(id, name_zh)``."""
        ...

    def names_containing(self, text: str) -> list[str] | None:
        """The IRIs of the entities a name of which contains ``text``; None when too many to list
        (or when the engine has no index for it: the query then scans)."""
        ...

    def select(
        self, text: str, bindings: dict[str, str] | None = None, *, name: str = "query"
    ) -> tuple[list[str], list[dict]]:
        """Columns and plain rows of the query's answer."""
        ...


def prepared(query_id: str, params: Mapping[str, str] | None, engine: Engine) -> tuple[str, dict[str, str], str]:
    """The text of query ``query_id`` in the engine's language, its parameters and its name."""
    query = get(query_id)
    text, values = prepare(query, engine.language, dict(params or {}), engine.lookup, engine.names_containing)
    return text, values, query.id


def answer(query_id: str, params: Mapping[str, str] | None, engine: Engine) -> tuple[list[str], list[dict]]:
    """Columns and rows of the catalogue's question ``query_id`` with ``params`` (entities by id,
    name or alias; defaults for the rest), answered by ``engine``."""
    text, values, name = prepared(query_id, params, engine)
    return engine.select(text, values, name=name)


def answer_json(query_id: str, params: Mapping[str, str] | None, engine) -> str:
    """The answer in the SPARQL 1.1 Query Results JSON Format (an engine with ``results_json``)."""
    text, values, name = prepared(query_id, params, engine)
    return engine.results_json(text, values, name=name)


def ad_hoc(
    text: str, params: Mapping[str, str] | None, engine: Engine, *, name: str = "query"
) -> tuple[list[str], list[dict]]:
    """Columns and rows of an ad-hoc query in the engine's language, refused if it would write or fetch.

    >>> from rdflib import Graph, Literal, URIRef
    >>> from kg.query.sparql import SparqlEngine
    >>> ad_hoc("SELECT ?o WHERE { ?s ?p ?o }", {}, SparqlEngine(Graph().add((URIRef("urn:a"), URIRef("urn:p"), Literal("x")))))
    (['o'], [{'o': 'x'}])
    """
    check = check_read_only_cypher if engine.language == "cypher" else check_read_only_sparql
    check(text, name)
    return engine.select(text, dict(params or {}), name=name)
