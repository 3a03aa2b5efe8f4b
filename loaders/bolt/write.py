"""Send writes to a Bolt server: batched ``UNWIND`` statements in managed (retried) write transactions.

Labels and relationship types come from the ontology only, and every value is a
parameter. What to write is decided by :mod:`loaders.bolt.diff`.
"""

from __future__ import annotations

import contextlib
import re
import threading
from dataclasses import dataclass

from kg.errors import ConnectionFailed, LoadInterrupted
from kg.graph.mapping import SEARCH_TEXT, Node, Rel, search_text
from kg.vocab.ontology import load_ontology
from kg.vocab.schema import RESOURCE_LABEL, rel_type

from .connect import Settings, _reason, redact
from .diff import SyncPlan

__all__ = [
    "batches",
    "node_batches",
    "rel_batches",
    "Writer",
    "CONSTRAINT",
    "INDEXES",
    "SCHEMA",
    "FULLTEXT",
    "TEXT_INDEX",
    "NEO4J_INDEXES",
    "node_row",
    "create_schema",
    "create_nodes_query",
    "create_rels_queries",
    "dynamic_types",
    "BATCH_SIZE",
]

BATCH_SIZE = 1000


def _labels(labels: tuple[str, ...]) -> str:
    """A label expression from labels the ontology declares (never from input)."""
    allowed = {RESOURCE_LABEL, *load_ontology().kinds}
    if not labels or any(label not in allowed for label in labels):
        raise ValueError(f"labels {labels} are not in the ontology")
    return "".join(f":`{label}`" for label in labels)


def _rel(rel_name: str) -> str:
    if rel_name not in {rel_type(name) for name in load_ontology().links}:
        raise ValueError(f"relationship type {rel_name!r} is not in the ontology")
    return f"`{rel_name}`"


CONSTRAINT = "CREATE CONSTRAINT resource_uri IF NOT EXISTS FOR (n:Resource) REQUIRE n.uri IS UNIQUE"
#: The indexes ``kg load`` makes once the rows are written (built in one pass then, rather than kept up
#: row by row during a first load): range indexes on what the catalogue's queries and the entity lookup
#: start from (``id``, the names, ``region``). Neo4j 5 syntax; ArcadeDB accepts it.
INDEXES = (
    "CREATE INDEX resource_id IF NOT EXISTS FOR (n:Resource) ON (n.id)",
    "CREATE INDEX resource_name_zh IF NOT EXISTS FOR (n:Resource) ON (n.name_zh)",
    "CREATE INDEX resource_name_en IF NOT EXISTS FOR (n:Resource) ON (n.name_en)",
    "CREATE INDEX resource_region IF NOT EXISTS FOR (n:Resource) ON (n.region)",
)
SCHEMA = (CONSTRAINT, *INDEXES)
#: Aliases are lists, which range indexes do not index; Neo4j's full-text index does (the lookup
#: filters its hits to exact aliases). ArcadeDB has no full-text index: there the lookup scans.
FULLTEXT = "CREATE FULLTEXT INDEX resource_aliases IF NOT EXISTS FOR (n:Resource) ON EACH [n.aliases]"
#: Neo4j's text index (trigrams) on the nodes' :data:`~kg.graph.mapping.SEARCH_TEXT`: it answers the
#: catalogue's ``search`` (``CONTAINS``) in milliseconds at a million nodes, where testing every name
#: of every node takes seconds.
TEXT_INDEX = f"CREATE TEXT INDEX resource_search_text IF NOT EXISTS FOR (n:Resource) ON (n.{SEARCH_TEXT})"
#: Indexes of Neo4j that ArcadeDB's Bolt plugin refuses (there the lookup and search scan).
NEO4J_INDEXES = (FULLTEXT, TEXT_INDEX)


def node_row(props: dict) -> dict:
    """The properties a node is written with: its own and its :data:`SEARCH_TEXT`."""
    return {**props, SEARCH_TEXT: search_text(props)}


def create_schema(driver, database: str | None, *, indexes: bool = True) -> None:
    """Make the uniqueness constraint and, with ``indexes``, the :data:`INDEXES` and :data:`NEO4J_INDEXES` (where
    the server has them), waiting until they are online. Each statement runs in a managed transaction:
    two loads starting at once deadlock on Neo4j's schema locks, and are retried."""
    from neo4j.exceptions import Neo4jError

    with driver.session(database=database) as session:
        for statement in SCHEMA if indexes else (CONSTRAINT,):
            session.execute_write(lambda tx, statement=statement: tx.run(statement).consume())
        if indexes:
            for statement in NEO4J_INDEXES:
                with contextlib.suppress(Neo4jError):  # not on this server (ArcadeDB)
                    session.execute_write(lambda tx, statement=statement: tx.run(statement).consume())
            with contextlib.suppress(Neo4jError):  # Neo4j builds indexes in the background; ArcadeDB at once
                session.run("CALL db.awaitIndexes(600)").consume()


@dataclass
class _Batch:
    """One statement's worth of rows. ``kind`` says how the writer sends it."""

    kind: str  # "query", "create_nodes" (records element ids) or "create_rels" (uses them when it can)
    query: str
    rows: list
    rel_type: str = ""
    labels: tuple[str, ...] = ()


def batches(plan: SyncPlan, batch_size: int) -> list[_Batch]:
    """The statements in the order they must run: deletions, then nodes, then relationships.

    Nodes and relationships the diff knows are absent are written with
    ``CREATE`` (the unique constraint on ``:Resource(uri)`` still guards);
    updates ``MATCH`` by uri and set the properties, whatever the labels.
    """
    out: list[_Batch] = []

    def add(kind, query, rows, rel_type=""):
        out.extend(_chunks(kind, query, rows, batch_size, rel_type))

    for name, rels in _by(plan.delete_rels, lambda r: r.type):
        query = f"UNWIND $rows AS row MATCH (:Resource {{uri: row.start}})-[r:{_rel(name)}]->(:Resource {{uri: row.end}}) DELETE r"
        add("query", query, [{"start": r.start, "end": r.end} for r in rels])
    add(
        "query",
        "UNWIND $rows AS row MATCH (n:Resource {uri: row.uri}) DETACH DELETE n",
        [{"uri": u} for u in plan.delete_nodes],
    )
    for labels, nodes in _by(plan.create_nodes, lambda n: n.labels):
        out.extend(node_batches(labels, nodes, batch_size))
    add(
        "query",
        "UNWIND $rows AS row MATCH (n:Resource {uri: row.uri}) SET n = row.props",
        [{"uri": n.uri, "props": node_row(n.props)} for n in plan.update_nodes],
    )
    for name, rels in _by(plan.create_rels, lambda r: r.type):
        out.extend(rel_batches(name, rels, batch_size))
    for name, rels in _by(plan.update_rels, lambda r: r.type):
        query = f"UNWIND $rows AS row MATCH (:Resource {{uri: row.start}})-[r:{_rel(name)}]->(:Resource {{uri: row.end}}) SET r = row.props"
        add("query", query, [{"start": r.start, "end": r.end, "props": r.props} for r in rels])
    return out


def node_batches(labels: tuple[str, ...], nodes: list[Node], batch_size: int) -> list[_Batch]:
    """``CREATE`` of nodes that all carry these labels (the element ids they get are kept)."""
    _labels(labels)  # from the ontology, or refused here
    batches = _chunks("create_nodes", "", [node_row(n.props) for n in nodes], batch_size)
    for batch in batches:
        batch.labels = labels
    return batches


def rel_batches(rel_type_name: str, rels: list[Rel], batch_size: int) -> list[_Batch]:
    """``CREATE`` of relationships of one type (between nodes found by element id where known)."""
    return _chunks("create_rels", "", rels, batch_size, rel_type_name)


def dynamic_types(driver) -> bool:
    """Whether the server takes labels and relationship types as parameters (``CREATE (n:$($labels))``):
    Neo4j from 5.26 does; ArcadeDB's Bolt plugin (which calls itself ``Neo4j/5.26.0 compatible``) does not.

    >>> class Info: agent = "Neo4j/5.26.30"
    >>> class Driver:
    ...     def get_server_info(self): return Info()
    >>> dynamic_types(Driver())
    True
    >>> Info.agent = "Neo4j/5.26.0 compatible (ArcadeDB 26.10.2)"
    >>> dynamic_types(Driver())
    False
    """
    agent = driver.get_server_info().agent or ""
    found = re.match(r"Neo4j/(\d+)\.(\d+)", agent)
    return bool(found) and "ArcadeDB" not in agent and (int(found[1]), int(found[2])) >= (5, 26)


def create_nodes_query(labels: tuple[str, ...], dynamic: bool) -> tuple[str, dict]:
    """The ``CREATE`` of a batch of nodes carrying ``labels``, and its parameters besides the rows.

    With ``dynamic`` (Neo4j 5.26 and later) the labels are a parameter: one query for every label
    set, planned once, where a label set of its own is a query of its own to plan (a cold Neo4j
    spends most of a small load planning them). The labels are the ontology's either way.
    """
    if dynamic:
        _labels(labels)
        query = "UNWIND $rows AS row CREATE (n:$($labels)) SET n = row RETURN n.uri AS uri, elementId(n) AS id"
        return query, {"labels": list(labels)}
    return f"UNWIND $rows AS row CREATE (n{_labels(labels)}) SET n = row RETURN n.uri AS uri, elementId(n) AS id", {}


def _chunks(kind: str, query: str, rows: list, batch_size: int, rel_type_name: str = "") -> list[_Batch]:
    return [_Batch(kind, query, rows[i : i + batch_size], rel_type_name) for i in range(0, len(rows), batch_size)]


def _by(items, key) -> list[tuple]:
    groups: dict = {}
    for item in items:
        groups.setdefault(key(item), []).append(item)
    return sorted(groups.items())


def create_rels_queries(name: str, dynamic: bool) -> tuple[str, str, dict]:
    """``CREATE`` of relationships between nodes found by element id (just created) or by uri, and
    the parameters besides the rows (with ``dynamic``, the type, as for :func:`create_nodes_query`).

    Finding a node by the element id its ``CREATE`` returned is a direct
    lookup on both servers; by uri it is an index lookup (on ArcadeDB one per
    label combination, as each is a type of its own), about twice as slow.
    """
    rel = _rel(name)  # from the ontology, or refused here
    params = {}
    if dynamic:
        rel, params = "$($type)", {"type": name}
    by_id = (
        "UNWIND $rows AS row MATCH (a) WHERE elementId(a) = row.a MATCH (b) WHERE elementId(b) = row.b "
        f"CREATE (a)-[r:{rel}]->(b) SET r = row.props RETURN count(r) AS created"
    )
    by_uri = (
        "UNWIND $rows AS row MATCH (a:Resource {uri: row.start}) MATCH (b:Resource {uri: row.end}) "
        f"CREATE (a)-[r:{rel}]->(b) SET r = row.props RETURN count(r) AS created"
    )
    return by_id, by_uri, params


def _write(tx, query, rows):
    tx.run(query, rows=rows).consume()


def _write_returning(tx, query, rows, params=None) -> list:
    return [record.values() for record in tx.run(query, params or {}, rows=rows)]


# Sending ----------------------------------------------------------------------


class Writer(threading.Thread):
    """Send the batches in order, in managed transactions, while the caller works on.

    ``batches`` is a list, or any iterable the caller is still filling (a
    queue's iterator): then give the numbers of batches and rows to come, for
    the messages and the progress bar.
    """

    def __init__(self, driver, settings: Settings, batches, progress, *, count: int = 0, rows: int = 0):
        super().__init__(daemon=True, name="kg-load-writer")
        self.driver, self.settings, self.batches, self.progress = driver, settings, batches, progress
        if isinstance(batches, list):
            count, rows = len(batches), sum(len(b.rows) for b in batches)
        self.count, self.rows = count, rows
        self.ids: dict[str, str] = {}
        self.dynamic: bool | None = None  # labels and types as parameters: asked of the server once
        self.sent = 0
        self.error: BaseException | None = None

    def result(self) -> None:
        self.join()
        if self.error is not None:
            raise self.error

    def run(self) -> None:
        try:
            self._send()
        except BaseException as exc:  # handed to the caller
            self.error = exc

    def _statements(self, batch: _Batch):
        """The (function, query, rows[, parameters]) a batch becomes once the element ids of earlier batches are known."""
        if self.dynamic is None:
            self.dynamic = dynamic_types(self.driver)
        if batch.kind == "create_nodes":
            query, params = create_nodes_query(batch.labels, self.dynamic)
            yield _write_returning, query, batch.rows, params
        elif batch.kind == "create_rels":
            by_id, by_uri, params = create_rels_queries(batch.rel_type, self.dynamic)
            known, unknown = [], []
            for rel in batch.rows:
                a, b = self.ids.get(rel.start), self.ids.get(rel.end)
                if a is not None and b is not None:
                    known.append({"a": a, "b": b, "props": rel.props})
                else:
                    unknown.append({"start": rel.start, "end": rel.end, "props": rel.props})
            if known:
                yield _write_returning, by_id, known, params
            if unknown:
                yield _write_returning, by_uri, unknown, params
        else:
            yield _write, batch.query, batch.rows

    def _send(self) -> None:
        from neo4j.exceptions import IncompleteCommit, Neo4jError, ServiceUnavailable, SessionExpired

        settings, total, rows_total = self.settings, self.count, self.rows
        done = 0
        if self.progress:
            self.progress(0, rows_total)
        with self.driver.session(database=settings.database) as session:
            for number, batch in enumerate(self.batches, start=1):
                try:
                    for function, query, rows, *params in self._statements(batch):
                        result = session.execute_write(function, query, rows, *params)
                        if batch.kind == "create_nodes":
                            self.ids.update(result)
                        elif batch.kind == "create_rels" and result[0][0] != len(rows):
                            raise LoadInterrupted(
                                f"batch {number} of {total} created {result[0][0]} of {len(rows)} relationships: "
                                "nodes were deleted while loading",
                                hint="run the same command again: it compares what is missing",
                            )
                except IncompleteCommit:
                    raise LoadInterrupted(
                        f"the connection to {redact(settings.uri)} was lost while batch {number} of {total} was committing: "
                        "its outcome is unknown and the graph in the database is incomplete",
                        hint="run the same command again: it compares what the interrupted load touched and completes it",
                    ) from None
                except (ServiceUnavailable, SessionExpired, OSError) as exc:
                    raise LoadInterrupted(
                        f"the connection to {redact(settings.uri)} was lost after {number - 1} of {total} batches "
                        f"({_reason(exc)}); the graph in the database is incomplete",
                        hint="run the same command again when the server is back: a rerun sends what is missing",
                    ) from None
                except Neo4jError as exc:
                    raise ConnectionFailed(
                        f"{settings.where} refused batch {number} of {total}: {_reason(exc)}"
                    ) from None
                self.sent += 1
                done += len(batch.rows)
                if self.progress:
                    self.progress(done, rows_total)
