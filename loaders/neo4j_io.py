"""Write the property graph into Neo4j (or any Bolt server) and read it back.

Loading compares what the database holds with the graph to load and sends only
the difference, in batched ``UNWIND … MERGE`` statements inside managed
(retried) write transactions: loading twice writes nothing the second time,
and ``replace=True`` also deletes what the lists no longer hold. Labels and
relationship types come from the ontology only; every value is a parameter.

Works with Neo4j 5 and ArcadeDB's Bolt plugin; where they differ it says so:

- ArcadeDB fails a uniqueness constraint when a label is added to an existing
  node, so every node is created with all its labels in one ``MERGE``, and a
  node whose kind changed is deleted and created again, never relabelled.
- ArcadeDB answers ``DeadlockDetected`` to an auto-commit ``UNWIND … MERGE``
  whose rows touch the same node; managed transactions avoid it (and are what
  Neo4j recommends anyway).
- ArcadeDB does not enforce read access mode: read-only queries are run in an
  explicit transaction that is always rolled back (see :class:`ReadSession`).

>>> check_uri("bolt:/localhost")
Traceback (most recent call last):
...
kg.errors.ConnectionFailed: 'bolt:/localhost' is not a Bolt URI (write it as bolt://HOST:PORT, neo4j://HOST:PORT or neo4j+s://HOST)
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from kg.errors import ConnectionFailed, LoadInterrupted, QueryError
from kg.mapping import RESOURCE_LABEL, Node, PropertyGraph, Rel, rel_type
from kg.ontology import load_ontology
from kg.terms import TJ

__all__ = [
    "Settings",
    "check_uri",
    "connect",
    "read_graph",
    "plan_sync",
    "SyncPlan",
    "load",
    "ReadSession",
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
    onto = load_ontology()
    chains = {frozenset(k.chain): k.chain for k in onto.kinds.values()}
    pg = PropertyGraph()

    def work(tx):
        nodes = list(tx.run(_READ_NODES, prefix=str(TJ)))
        rels = list(tx.run(_READ_RELS, prefix=str(TJ)))
        return nodes, rels

    with driver.session(database=database) as session:
        nodes, rels = session.execute_read(work)
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


def _statements(plan: SyncPlan, batch_size: int):
    """(query, rows) pairs in the order they must run: deletions, then nodes, then relationships."""

    def batches(query, rows):
        for i in range(0, len(rows), batch_size):
            yield query, rows[i : i + batch_size]

    by_type: dict[str, list[Rel]] = {}
    for rel in plan.delete_rels:
        by_type.setdefault(rel.type, []).append(rel)
    for name, rels in sorted(by_type.items()):
        query = f"UNWIND $rows AS row MATCH (:Resource {{uri: row.start}})-[r:{_rel(name)}]->(:Resource {{uri: row.end}}) DELETE r"
        yield from batches(query, [{"start": r.start, "end": r.end} for r in rels])
    yield from batches(
        "UNWIND $rows AS row MATCH (n:Resource {uri: row.uri}) DETACH DELETE n", [{"uri": u} for u in plan.delete_nodes]
    )
    by_labels: dict[tuple, list[Node]] = {}
    for node in plan.create_nodes + plan.update_nodes:
        by_labels.setdefault(node.labels, []).append(node)
    for labels, nodes in sorted(by_labels.items()):
        query = f"UNWIND $rows AS row MERGE (n{_labels(labels)} {{uri: row.uri}}) SET n = row.props"
        yield from batches(query, [{"uri": n.uri, "props": n.props} for n in nodes])
    by_type = {}
    for rel in plan.create_rels + plan.update_rels:
        by_type.setdefault(rel.type, []).append(rel)
    for name, rels in sorted(by_type.items()):
        query = (
            "UNWIND $rows AS row MATCH (a:Resource {uri: row.start}) MATCH (b:Resource {uri: row.end}) "
            f"MERGE (a)-[r:{_rel(name)}]->(b) SET r = row.props"
        )
        yield from batches(query, [{"start": r.start, "end": r.end, "props": r.props} for r in rels])


def load(
    target: PropertyGraph,
    settings: Settings,
    *,
    replace: bool = False,
    batch_size: int = BATCH_SIZE,
    progress: Callable[[int, int], None] | None = None,
) -> dict:
    """Make the database hold ``target`` (and, with ``replace``, nothing else of the plan); return counts."""
    from neo4j.exceptions import IncompleteCommit, Neo4jError, ServiceUnavailable, SessionExpired

    driver = connect(settings)
    try:
        with driver.session(database=settings.database) as session:
            session.run(CONSTRAINT).consume()
        plan = plan_sync(read_graph(driver, settings.database), target, replace=replace)
        statements = list(_statements(plan, batch_size))
        total = sum(len(rows) for _, rows in statements)
        done = 0
        if progress:
            progress(0, total)
        with driver.session(database=settings.database) as session:
            for number, (query, rows) in enumerate(statements, start=1):
                try:
                    session.execute_write(_write, query, rows)
                except IncompleteCommit:
                    raise LoadInterrupted(
                        f"the connection to {settings.uri} was lost while batch {number} of {len(statements)} was committing: "
                        "its outcome is unknown and the graph in the database is incomplete",
                        hint="run the same command again: every write is idempotent, so a rerun completes the load",
                    ) from None
                except (ServiceUnavailable, SessionExpired, OSError) as exc:
                    raise LoadInterrupted(
                        f"the connection to {settings.uri} was lost after {number - 1} of {len(statements)} batches "
                        f"({_reason(exc)}); the graph in the database is incomplete",
                        hint="run the same command again when the server is back: a rerun sends what is missing",
                    ) from None
                except Neo4jError as exc:
                    raise ConnectionFailed(
                        f"{settings.where} refused batch {number} of {len(statements)}: {_reason(exc)}"
                    ) from None
                done += len(rows)
                if progress:
                    progress(done, total)
        return {**plan.summary(), "batches": len(statements)}
    finally:
        driver.close()


def _write(tx, query, rows):
    tx.run(query, rows=rows).consume()


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
