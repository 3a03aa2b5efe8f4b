"""Talk to Neo4j (or any Bolt server): connect, read the plan graph, plan and send writes, read-only Cypher.

Writes go as batched ``UNWIND`` statements inside managed (retried) write
transactions; labels and relationship types come from the ontology only, and
every value is a parameter. What to write is decided in :mod:`loaders.sync`.

Works with Neo4j 5 and ArcadeDB's Bolt plugin; where they differ it says so:

- ArcadeDB fails a uniqueness constraint when a label is added to an existing
  node, so every node is created with all its labels in one ``CREATE``, and a
  node whose kind changed is deleted and created again, never relabelled.
- ArcadeDB answers ``DeadlockDetected`` to an auto-commit ``UNWIND … MERGE``
  whose rows touch the same node, and to concurrent transactions touching the
  same records; one writer sends managed transactions one at a time.
- ArcadeDB keeps each label combination as a type with its own index, so a
  lookup by ``:Resource {uri}`` searches them all; relationships between
  nodes created in the same load find them by ``elementId`` instead.
- ArcadeDB does not enforce read access mode: read-only queries are run in an
  explicit transaction that is always rolled back (see :class:`ReadSession`).

>>> check_uri("bolt:/localhost")
Traceback (most recent call last):
...
kg.errors.ConnectionFailed: 'bolt:/localhost' is not a Bolt URI (write it as bolt://HOST:PORT, neo4j://HOST:PORT or neo4j+s://HOST)
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from kg.errors import ConnectionFailed, LoadInterrupted, QueryError
from kg.iris import ENTITY_BASE
from kg.mapping import RESOURCE_LABEL, Node, PropertyGraph, Rel, rel_type
from kg.ontology import load_ontology

__all__ = [
    "Settings",
    "check_uri",
    "connect",
    "read_graph",
    "read_items",
    "graph_of_records",
    "plan_sync",
    "SyncPlan",
    "batches",
    "node_batches",
    "rel_batches",
    "Writer",
    "ReadSession",
    "CONSTRAINT",
    "BATCH_SIZE",
]

SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")
DEFAULT_URI = "neo4j://localhost:7687"
BATCH_SIZE = 1000


@dataclass(frozen=True)
class Settings:
    """Where and how to connect. The password never appears in ``repr``."""

    uri: str = DEFAULT_URI
    username: str = "neo4j"
    password: str | None = field(default=None, repr=False)
    database: str | None = None
    timeout: float = 5.0

    @classmethod
    def from_env(cls, **overrides) -> Settings:
        """Settings from NEO4J_URI, NEO4J_USERNAME, NEO4J_PASSWORD and NEO4J_DATABASE, then ``overrides``."""
        env = {
            "uri": os.environ.get("NEO4J_URI"),
            "username": os.environ.get("NEO4J_USERNAME"),
            "password": os.environ.get("NEO4J_PASSWORD"),
            "database": os.environ.get("NEO4J_DATABASE"),
        }
        values = {k: v for k, v in {**env, **overrides}.items() if v is not None}
        return cls(**values)

    @property
    def where(self) -> str:
        database = f", database '{self.database}'" if self.database else ""
        return f"{self.uri} as '{self.username}'{database}"


def check_uri(uri: str) -> str:
    """Refuse URIs the driver would accept silently and misuse (``bolt:/host``, a path after the port)."""
    hint = "write it as bolt://HOST:PORT, neo4j://HOST:PORT or neo4j+s://HOST"
    try:
        parts = urlsplit(uri)
        port = parts.port
    except ValueError as exc:
        raise ConnectionFailed(f"'{uri}' is not a Bolt URI: {exc}", hint=hint) from None
    if parts.scheme not in SCHEMES or not uri.startswith(parts.scheme + "://") or not parts.hostname:
        raise ConnectionFailed(f"'{uri}' is not a Bolt URI", hint=hint)
    if parts.path not in ("", "/") or parts.fragment:
        raise ConnectionFailed(f"'{uri}' has a path after the host", hint=hint)
    if parts.username or parts.password:
        raise ConnectionFailed(
            "the URI must not hold credentials", hint="use --username/--password or NEO4J_USERNAME/NEO4J_PASSWORD"
        )
    if port is not None and not 0 < port < 65536:
        raise ConnectionFailed(f"'{uri}' has no valid port", hint=hint)
    return uri


def connect(settings: Settings):
    """A driver whose server has answered; fails within ``settings.timeout`` seconds if it cannot."""
    import neo4j
    from neo4j.exceptions import AuthError, ConfigurationError, DriverError, Neo4jError, ServiceUnavailable

    check_uri(settings.uri)
    if not settings.password:
        raise ConnectionFailed(f"no password for {settings.where}", hint="pass --password or set NEO4J_PASSWORD")
    try:
        driver = neo4j.GraphDatabase.driver(
            settings.uri,
            auth=(settings.username, settings.password),
            connection_timeout=settings.timeout,
            connection_acquisition_timeout=settings.timeout,
            max_transaction_retry_time=15.0,
        )
    except (ConfigurationError, ValueError) as exc:
        raise ConnectionFailed(f"cannot use {settings.uri}: {exc}") from None
    try:
        driver.verify_connectivity()
        with driver.session(database=settings.database) as session:
            session.run("RETURN 1").consume()  # the database exists and answers
    except AuthError:
        driver.close()
        raise ConnectionFailed(
            f"authentication failed for {settings.where}",
            hint="check the user name and NEO4J_PASSWORD; not retried, as Neo4j locks an account after repeated failures",
        ) from None
    except (ServiceUnavailable, OSError) as exc:
        driver.close()
        raise ConnectionFailed(
            f"cannot reach {settings.uri}: {_reason(exc)}", hint="is the server running, and is the address right?"
        ) from None
    except (Neo4jError, DriverError) as exc:
        driver.close()
        raise ConnectionFailed(f"{settings.where}: {_reason(exc)}") from None
    return driver


def _reason(exc: Exception) -> str:
    message = getattr(exc, "message", None) or str(exc) or type(exc).__name__
    return message.splitlines()[0]


# Reading --------------------------------------------------------------------

_READ_NODES = (
    "MATCH (n:Resource) WHERE n.uri STARTS WITH $prefix "
    "RETURN n.uri AS uri, labels(n) AS labels, properties(n) AS props"
)
_READ_RELS = (
    "MATCH (a:Resource)-[r]->(b:Resource) WHERE a.uri STARTS WITH $prefix AND b.uri STARTS WITH $prefix "
    "RETURN a.uri AS start, type(r) AS type, b.uri AS end, properties(r) AS props"
)


def read_graph(driver, database: str | None = None) -> PropertyGraph:
    """The plan's nodes and relationships as the database holds them."""

    def work(tx):
        nodes = tx.run(_READ_NODES, prefix=ENTITY_BASE).data()
        rels = tx.run(_READ_RELS, prefix=ENTITY_BASE).data()
        return nodes, rels

    with driver.session(database=database) as session:
        nodes, rels = session.execute_read(work)
    return graph_of_records(nodes, rels)


_READ_ITEM_NODES = (
    "UNWIND $uris AS uri MATCH (n:Resource {uri: uri}) RETURN n.uri AS uri, labels(n) AS labels, properties(n) AS props"
)
_READ_ITEM_RELS = (
    "UNWIND $rows AS row MATCH (a:Resource {uri: row.start})-[r]->(b:Resource {uri: row.end}) WHERE type(r) = row.type "
    "RETURN a.uri AS start, type(r) AS type, b.uri AS end, properties(r) AS props"
)


def read_items(driver, database, uris, keys) -> PropertyGraph:
    """The nodes with these uris and the relationships with these ``(start, type, end)`` keys, where the database has them."""
    rows = [{"start": start, "type": type_, "end": end} for start, type_, end in keys]
    if not uris and not rows:
        return PropertyGraph()

    def work(tx):
        nodes = tx.run(_READ_ITEM_NODES, uris=list(uris)).data() if uris else []
        rels = tx.run(_READ_ITEM_RELS, rows=rows).data() if rows else []
        return nodes, rels

    with driver.session(database=database) as session:
        nodes, rels = session.execute_read(work)
    return graph_of_records(nodes, rels)


def graph_of_records(nodes: list[dict], rels: list[dict]) -> PropertyGraph:
    """A property graph from read rows, in the mapping's order (nodes by uri, relationships by key)."""
    chains = {frozenset(k.chain): k.chain for k in load_ontology().kinds.values()}
    pg = PropertyGraph()
    for record in sorted(nodes, key=lambda r: r["uri"]):
        labels = set(record["labels"]) - {RESOURCE_LABEL}
        chain = chains.get(frozenset(labels), tuple(sorted(labels)))
        pg.nodes[record["uri"]] = Node(record["uri"], (RESOURCE_LABEL, *chain), dict(record["props"]))
    for record in sorted(rels, key=lambda r: (r["start"], r["type"], r["end"])):
        rel = Rel(record["start"], record["type"], record["end"], dict(record["props"]))
        pg.rels[rel.key] = rel
    return pg


# Planning -------------------------------------------------------------------


@dataclass
class SyncPlan:
    """What to send to make the database hold the target graph."""

    create_nodes: list[Node] = field(default_factory=list)
    update_nodes: list[Node] = field(default_factory=list)
    delete_nodes: list[str] = field(default_factory=list)  # uris, detached
    create_rels: list[Rel] = field(default_factory=list)
    update_rels: list[Rel] = field(default_factory=list)
    delete_rels: list[Rel] = field(default_factory=list)
    unchanged_nodes: int = 0
    unchanged_rels: int = 0

    def summary(self) -> dict:
        return {
            "nodes_created": len(self.create_nodes),
            "nodes_updated": len(self.update_nodes),
            "nodes_deleted": len(self.delete_nodes),
            "nodes_unchanged": self.unchanged_nodes,
            "relationships_created": len(self.create_rels),
            "relationships_updated": len(self.update_rels),
            "relationships_deleted": len(self.delete_rels),
            "relationships_unchanged": self.unchanged_rels,
        }

    @property
    def empty(self) -> bool:
        return not any(
            (
                self.create_nodes,
                self.update_nodes,
                self.delete_nodes,
                self.create_rels,
                self.update_rels,
                self.delete_rels,
            )
        )


def plan_sync(current: PropertyGraph, target: PropertyGraph, *, replace: bool = False) -> SyncPlan:
    """The difference between the database and the target, as writes.

    A node whose labels changed is deleted and created again (with its
    relationships); with ``replace`` nodes and relationships the target lacks
    are deleted too.
    """
    plan = SyncPlan()
    recreated: set[str] = set()
    for uri, node in target.nodes.items():
        old = current.nodes.get(uri)
        if old is None:
            plan.create_nodes.append(node)
        elif set(old.labels) != set(node.labels):
            plan.delete_nodes.append(uri)
            plan.create_nodes.append(node)
            recreated.add(uri)
        elif old.props != node.props:
            plan.update_nodes.append(node)
        else:
            plan.unchanged_nodes += 1
    if replace:
        plan.delete_nodes.extend(uri for uri in current.nodes if uri not in target.nodes)
    gone = set(plan.delete_nodes)
    for key, rel in target.rels.items():
        old = current.rels.get(key)
        if old is None or rel.start in recreated or rel.end in recreated:
            plan.create_rels.append(rel)
        elif old.props != rel.props:
            plan.update_rels.append(rel)
        else:
            plan.unchanged_rels += 1
    if replace:
        plan.delete_rels.extend(
            rel for key, rel in current.rels.items() if key not in target.rels and not {rel.start, rel.end} & gone
        )
    return plan


# Writing --------------------------------------------------------------------


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


@dataclass
class _Batch:
    """One statement's worth of rows. ``kind`` says how the writer sends it."""

    kind: str  # "query", "create_nodes" (records element ids) or "create_rels" (uses them when it can)
    query: str
    rows: list
    rel_type: str = ""


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
        [{"uri": n.uri, "props": n.props} for n in plan.update_nodes],
    )
    for name, rels in _by(plan.create_rels, lambda r: r.type):
        out.extend(rel_batches(name, rels, batch_size))
    for name, rels in _by(plan.update_rels, lambda r: r.type):
        query = f"UNWIND $rows AS row MATCH (:Resource {{uri: row.start}})-[r:{_rel(name)}]->(:Resource {{uri: row.end}}) SET r = row.props"
        add("query", query, [{"start": r.start, "end": r.end, "props": r.props} for r in rels])
    return out


def node_batches(labels: tuple[str, ...], nodes: list[Node], batch_size: int) -> list[_Batch]:
    """``CREATE`` of nodes that all carry these labels (the element ids they get are kept)."""
    query = f"UNWIND $rows AS row CREATE (n{_labels(labels)}) SET n = row RETURN n.uri AS uri, elementId(n) AS id"
    return _chunks("create_nodes", query, [n.props for n in nodes], batch_size)


def rel_batches(rel_type_name: str, rels: list[Rel], batch_size: int) -> list[_Batch]:
    """``CREATE`` of relationships of one type (between nodes found by element id where known)."""
    return _chunks("create_rels", "", rels, batch_size, rel_type_name)


def _chunks(kind: str, query: str, rows: list, batch_size: int, rel_type_name: str = "") -> list[_Batch]:
    return [_Batch(kind, query, rows[i : i + batch_size], rel_type_name) for i in range(0, len(rows), batch_size)]


def _by(items, key) -> list[tuple]:
    groups: dict = {}
    for item in items:
        groups.setdefault(key(item), []).append(item)
    return sorted(groups.items())


def _create_rels_queries(name: str) -> tuple[str, str]:
    """``CREATE`` of relationships between nodes found by element id (just created) or by uri.

    Finding a node by the element id its ``CREATE`` returned is a direct
    lookup on both servers; by uri it is an index lookup (on ArcadeDB one per
    label combination, as each is a type of its own), about twice as slow.
    """
    by_id = (
        "UNWIND $rows AS row MATCH (a) WHERE elementId(a) = row.a MATCH (b) WHERE elementId(b) = row.b "
        f"CREATE (a)-[r:{_rel(name)}]->(b) SET r = row.props RETURN count(r) AS created"
    )
    by_uri = (
        "UNWIND $rows AS row MATCH (a:Resource {uri: row.start}) MATCH (b:Resource {uri: row.end}) "
        f"CREATE (a)-[r:{_rel(name)}]->(b) SET r = row.props RETURN count(r) AS created"
    )
    return by_id, by_uri


def _write(tx, query, rows):
    tx.run(query, rows=rows).consume()


def _write_returning(tx, query, rows) -> list:
    return [record.values() for record in tx.run(query, rows=rows)]


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
        """The (function, query, rows) a batch becomes once the element ids of earlier batches are known."""
        if batch.kind == "create_nodes":
            yield _write_returning, batch.query, batch.rows
        elif batch.kind == "create_rels":
            by_id, by_uri = _create_rels_queries(batch.rel_type)
            known, unknown = [], []
            for rel in batch.rows:
                a, b = self.ids.get(rel.start), self.ids.get(rel.end)
                if a is not None and b is not None:
                    known.append({"a": a, "b": b, "props": rel.props})
                else:
                    unknown.append({"start": rel.start, "end": rel.end, "props": rel.props})
            if known:
                yield _write_returning, by_id, known
            if unknown:
                yield _write_returning, by_uri, unknown
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
                    for function, query, rows in self._statements(batch):
                        result = session.execute_write(function, query, rows)
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
                        f"the connection to {settings.uri} was lost while batch {number} of {total} was committing: "
                        "its outcome is unknown and the graph in the database is incomplete",
                        hint="run the same command again: it compares what the interrupted load touched and completes it",
                    ) from None
                except (ServiceUnavailable, SessionExpired, OSError) as exc:
                    raise LoadInterrupted(
                        f"the connection to {settings.uri} was lost after {number - 1} of {total} batches "
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


class ReadSession:
    """Read-only Cypher against one server, on one driver; use as a context manager.

    Each query runs in an explicit transaction in read access mode that is
    always rolled back: Neo4j refuses writes in read mode, and ArcadeDB (which
    does not enforce the mode) discards them with the rollback.
    """

    def __init__(self, settings: Settings):
        self.settings = settings
        self.driver = connect(settings)

    def run(self, query: str, parameters: dict | None = None, *, name: str = "query") -> tuple[list[str], list[dict]]:
        """Columns and plain rows of the query's answer."""
        from neo4j import READ_ACCESS
        from neo4j.exceptions import CypherSyntaxError, Neo4jError, ServiceUnavailable, SessionExpired

        from kg.queries import plain

        try:
            with self.driver.session(database=self.settings.database, default_access_mode=READ_ACCESS) as session:
                tx = session.begin_transaction()
                try:
                    result = tx.run(query, parameters or {})
                    columns = list(result.keys())
                    rows = [{c: plain(record[c]) for c in columns} for record in result]
                finally:
                    tx.rollback()
        except CypherSyntaxError as exc:
            raise QueryError(f"{name}: Cypher syntax error: {_reason(exc)}") from None
        except (ServiceUnavailable, SessionExpired) as exc:
            raise ConnectionFailed(f"lost {self.settings.uri} while running {name}: {_reason(exc)}") from None
        except Neo4jError as exc:
            raise QueryError(f"{name}: {_reason(exc)}") from None
        return columns, rows

    def lookup(self, value: str) -> list[tuple[str, str]]:
        """Entities with this exact id, name or alias, as ``(id, name_zh)``."""
        from kg.queries import LOOKUP

        return [(r["id"], r["name_zh"]) for r in self.run(LOOKUP["cypher"], {"value": value}, name="lookup")[1]]

    def close(self) -> None:
        self.driver.close()

    def __enter__(self) -> ReadSession:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
