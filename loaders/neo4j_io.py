"""Write the property graph into Neo4j (or any Bolt server) and read it back.

Loading compares what the database holds with the graph to load and sends only
the difference, in batched ``UNWIND`` statements inside managed (retried)
write transactions: loading twice writes nothing the second time, and
``replace=True`` also deletes what the lists no longer hold. Labels and
relationship types come from the ontology only; every value is a parameter.

The comparison reads back only what may differ: a summary node
(``:KgLoadState``, not a ``:Resource``) holds a digest per range of uris
(:class:`LoadState`), and only the ranges whose digest differs from the
target's, or that an interrupted load marked dirty, are read and compared.

Works with Neo4j 5 and ArcadeDB's Bolt plugin; where they differ it says so:

- ArcadeDB fails a uniqueness constraint when a label is added to an existing
  node, so every node is created with all its labels in one ``MERGE``, and a
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

import marshal
import os
import threading
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field
from hashlib import blake2b
from operator import attrgetter
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
    "LoadState",
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

    def work(tx):
        nodes = tx.run(_READ_NODES, prefix=str(TJ)).data()
        rels = tx.run(_READ_RELS, prefix=str(TJ)).data()
        return nodes, rels

    with driver.session(database=database) as session:
        nodes, rels = session.execute_read(work)
    return _graph(nodes, rels)


def _graph(nodes: list[dict], rels: list[dict]) -> PropertyGraph:
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


def _batches(plan: SyncPlan, batch_size: int) -> list[_Batch]:
    """The statements in the order they must run: deletions, then nodes, then relationships.

    Nodes and relationships the diff knows are absent are written with
    ``CREATE`` (the unique constraint on ``:Resource(uri)`` still guards);
    updates ``MATCH`` by uri and set the properties, whatever the labels.
    """
    out: list[_Batch] = []

    def add(kind, query, rows, rel_type=""):
        for i in range(0, len(rows), batch_size):
            out.append(_Batch(kind, query, rows[i : i + batch_size], rel_type))

    for name, rels in _by(plan.delete_rels, lambda r: r.type):
        query = f"UNWIND $rows AS row MATCH (:Resource {{uri: row.start}})-[r:{_rel(name)}]->(:Resource {{uri: row.end}}) DELETE r"
        add("query", query, [{"start": r.start, "end": r.end} for r in rels])
    add(
        "query",
        "UNWIND $rows AS row MATCH (n:Resource {uri: row.uri}) DETACH DELETE n",
        [{"uri": u} for u in plan.delete_nodes],
    )
    for labels, nodes in _by(plan.create_nodes, lambda n: n.labels):
        query = f"UNWIND $rows AS row CREATE (n{_labels(labels)}) SET n = row RETURN n.uri AS uri, elementId(n) AS id"
        add("create_nodes", query, [n.props for n in nodes])
    add(
        "query",
        "UNWIND $rows AS row MATCH (n:Resource {uri: row.uri}) SET n = row.props",
        [{"uri": n.uri, "props": n.props} for n in plan.update_nodes],
    )
    for name, rels in _by(plan.create_rels, lambda r: r.type):
        add("create_rels", "", rels, name)
    for name, rels in _by(plan.update_rels, lambda r: r.type):
        query = f"UNWIND $rows AS row MATCH (:Resource {{uri: row.start}})-[r:{_rel(name)}]->(:Resource {{uri: row.end}}) SET r = row.props"
        add("query", query, [{"start": r.start, "end": r.end, "props": r.props} for r in rels])
    return out


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


# The summary of what the database holds -------------------------------------

STATE_LABEL = "KgLoadState"
STATE_VERSION = 1
#: Nodes per bucket when the buckets are drawn; a bucket also holds the relationships that start in it.
BUCKET_NODES = 8
_READ_STATE = (
    f"MATCH (s:{STATE_LABEL} {{prefix: $prefix}}) "
    "RETURN s.version AS version, s.bounds AS bounds, s.hashes AS hashes, s.dirty AS dirty, s.resources AS resources"
)
_COUNT_RESOURCES = "MATCH (n:Resource) RETURN count(n) AS c"
_WRITE_STATE = (
    f"MERGE (s:{STATE_LABEL} {{prefix: $prefix}}) "
    "SET s.version = $version, s.bounds = $bounds, s.hashes = $hashes, s.dirty = $dirty, s.resources = $resources"
)
_MARK_DIRTY = f"MATCH (s:{STATE_LABEL} {{prefix: $prefix}}) SET s.dirty = $dirty"
_DROP_STATE = f"MATCH (s:{STATE_LABEL} {{prefix: $prefix}}) DELETE s"
_READ_RANGE_NODES = (
    "MATCH (n:Resource) WHERE n.uri >= $lo{j} AND n.uri < $hi{j} "
    "RETURN n.uri AS uri, labels(n) AS labels, properties(n) AS props"
)
_READ_RANGE_RELS = (
    "MATCH (a:Resource)-[r]->(b:Resource) WHERE a.uri >= $lo{j} AND a.uri < $hi{j} AND b.uri STARTS WITH $prefix "
    "RETURN a.uri AS start, type(r) AS type, b.uri AS end, properties(r) AS props"
)
_RANGES_PER_READ = 50
_READ_INCOMING = (
    "UNWIND $uris AS uri MATCH (a:Resource)-[]->(:Resource {uri: uri}) WHERE a.uri STARTS WITH $prefix "
    "RETURN DISTINCT a.uri AS uri"
)


@dataclass
class LoadState:
    """What the last load left in the database: the plan's uris cut into ranges (buckets) and a digest of each.

    Bucket ``i`` holds the nodes whose uri is in ``[bounds[i], bounds[i + 1])``
    and the relationships that start at them. ``dirty`` buckets were being
    written when a load stopped; ``resources`` is the number of ``:Resource``
    nodes the database held after it (a count both servers answer at once).
    """

    bounds: list[str]
    hashes: list[str]
    dirty: set[int] = field(default_factory=set)
    resources: int = 0

    def bucket(self, uri: str) -> int:
        return max(bisect_right(self.bounds, uri) - 1, 0)

    def range(self, first: int, last: int) -> tuple[str, str]:
        """The uri range of buckets ``first`` to ``last`` (included)."""
        hi = self.bounds[last + 1] if last + 1 < len(self.bounds) else self.bounds[0] + "\U0010ffff"
        return self.bounds[first], hi

    def fits(self, target: PropertyGraph) -> bool:
        """Whether the buckets still cut the target into small parts (else they are drawn again)."""
        drawn_for = len(self.bounds) * BUCKET_NODES
        return drawn_for / 4 <= max(len(target.nodes), 1) <= drawn_for * 4

    @classmethod
    def draw(cls, target: PropertyGraph) -> LoadState:
        uris = sorted(target.nodes)
        return cls([str(TJ), *uris[BUCKET_NODES::BUCKET_NODES]], [])


def _digest(nodes, rels) -> str:
    """A digest of a bucket's nodes and relationships, whatever order they come in.

    ``marshal`` format 2 writes no back-references, so equal values always
    give equal bytes (integers and floats stay distinct).
    """
    data = (
        [(n.uri, tuple(n.labels), sorted(n.props.items())) for n in sorted(nodes, key=attrgetter("uri"))],
        [(r.start, r.type, r.end, sorted(r.props.items())) for r in sorted(rels, key=attrgetter("key"))],
    )
    return blake2b(marshal.dumps(data, 2), digest_size=16).hexdigest()


def _split(state: LoadState, pg: PropertyGraph) -> tuple[dict[int, list[Node]], dict[int, list[Rel]]]:
    """The graph's nodes and relationships by bucket."""
    nodes: dict[int, list[Node]] = {}
    rels: dict[int, list[Rel]] = {}
    bucket = state.bucket
    for uri, node in pg.nodes.items():
        nodes.setdefault(bucket(uri), []).append(node)
    for rel in pg.rels.values():
        rels.setdefault(bucket(rel.start), []).append(rel)
    return nodes, rels


def _read_state(tx) -> LoadState | None:
    record = tx.run(_READ_STATE, prefix=str(TJ)).single()
    resources = tx.run(_COUNT_RESOURCES).single()["c"]
    if record is None or record["version"] != STATE_VERSION or record["resources"] != resources:
        return None
    bounds, hashes = list(record["bounds"] or []), record["hashes"] or ""
    if not bounds or len(hashes) != 32 * len(bounds):
        return None
    return LoadState(
        bounds, [hashes[i : i + 32] for i in range(0, len(hashes), 32)], set(record["dirty"] or []), resources
    )


def _read_buckets(driver, database, state: LoadState, buckets: set[int]) -> PropertyGraph:
    """The nodes and relationships the database holds in these buckets.

    Adjacent buckets are read as one uri range; ranges go out 50 to a
    statement, as ``UNION ALL`` of index range scans (a list of ranges given
    to ``UNWIND`` is not answered from the index by ArcadeDB).
    """
    runs: list[tuple[int, int]] = []
    for i in sorted(buckets):
        if runs and runs[-1][1] == i - 1:
            runs[-1] = (runs[-1][0], i)
        else:
            runs.append((i, i))

    def work(tx):
        nodes, rels = [], []
        for k in range(0, len(runs), _RANGES_PER_READ):
            params: dict = {"prefix": str(TJ)}
            for j, (first, last) in enumerate(runs[k : k + _RANGES_PER_READ]):
                params[f"lo{j}"], params[f"hi{j}"] = state.range(first, last)
            count = len(params) // 2
            nodes += tx.run(" UNION ALL ".join(_READ_RANGE_NODES.format(j=j) for j in range(count)), params).data()
            rels += tx.run(" UNION ALL ".join(_READ_RANGE_RELS.format(j=j) for j in range(count)), params).data()
        return nodes, rels

    with driver.session(database=database) as session:
        nodes, rels = session.execute_read(work)
    return _graph(nodes, rels)


def _incoming(driver, database, uris: list[str]) -> set[str]:
    """The plan nodes with a relationship to one of these."""
    with driver.session(database=database) as session:
        records = session.execute_read(lambda tx: tx.run(_READ_INCOMING, uris=uris, prefix=str(TJ)).data())
    return {r["uri"] for r in records}


def _set_state(driver, database, query: str, **params) -> None:
    with driver.session(database=database) as session:
        session.execute_write(lambda tx: tx.run(query, prefix=str(TJ), **params).consume())


# Loading --------------------------------------------------------------------


class _Prepare(threading.Thread):
    """Connect, create the constraint and read what the database holds, while the lists are read and checked."""

    def __init__(self, settings: Settings, full: bool):
        super().__init__(daemon=True, name="kg-load-prepare")
        self.settings, self.full = settings, full
        self.cancelled = threading.Event()
        self.driver = None
        self.state: LoadState | None = None
        self.current: PropertyGraph | None = None
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            self.driver = connect(self.settings)
            with self.driver.session(database=self.settings.database) as session:
                session.run(CONSTRAINT).consume()
                self.state = None if self.full else session.execute_read(_read_state)
            if self.state is None and not self.cancelled.is_set():
                self.current = read_graph(self.driver, self.settings.database)
        except BaseException as exc:  # handed to the main thread
            self.error = exc
        finally:
            if self.cancelled.is_set() and self.driver is not None:
                self.driver.close()

    def result(self):
        self.join()
        if self.error is not None:
            if self.driver is not None:
                self.driver.close()
            raise self.error
        return self.driver, self.state, self.current

    def cancel(self) -> None:
        self.cancelled.set()
        if not self.is_alive() and self.driver is not None:
            self.driver.close()


def load(
    target: PropertyGraph | Callable[[], PropertyGraph],
    settings: Settings,
    *,
    replace: bool = False,
    batch_size: int = BATCH_SIZE,
    progress: Callable[[int, int], None] | None = None,
    verify: bool = False,
) -> dict:
    """Make the database hold ``target`` (and, with ``replace``, nothing else of the plan); return counts.

    ``target`` may be a function that makes the graph (reads and checks the
    lists): it runs while another thread connects and reads the database, and
    nothing is written unless it returns. Only the buckets whose digest
    differs from the summary the last load left are read back and compared;
    ``verify`` compares everything (and finds changes made by hand).
    """
    prepare = _Prepare(settings, full=verify)
    prepare.start()
    if callable(target):
        try:
            target = target()
        except BaseException:
            prepare.cancel()
            raise
    driver, state, current = prepare.result()
    try:
        return _sync(driver, settings, target, state, current, replace, batch_size, progress)
    finally:
        driver.close()


def _sync(driver, settings, target, state, current, replace, batch_size, progress) -> dict:
    database = settings.database
    if state is not None and not state.fits(target):
        state = None
    if state is None:  # compare everything, then draw the buckets again
        if current is None:
            current = read_graph(driver, database)
        plan = plan_sync(current, target, replace=replace)
        new_state = LoadState.draw(target)
        examined = set(range(len(new_state.bounds)))
        before = current
        outside_nodes = outside_rels = 0
    else:
        new_state = state
        target_nodes, target_rels = _split(state, target)
        examined = {
            i
            for i, known in enumerate(state.hashes)
            if _digest(target_nodes.get(i, ()), target_rels.get(i, ())) != known
        } | state.dirty
        if not examined:
            return {
                **SyncPlan(unchanged_nodes=len(target.nodes), unchanged_rels=len(target.rels)).summary(),
                "batches": 0,
            }
        before = PropertyGraph()
        to_read = set(examined)
        while True:
            part = _read_buckets(driver, database, state, to_read)
            before.nodes.update(part.nodes)
            before.rels.update(part.rels)
            here = PropertyGraph(
                {n.uri: n for i in examined for n in target_nodes.get(i, ())},
                {r.key: r for i in examined for r in target_rels.get(i, ())},
            )
            plan = plan_sync(before, here, replace=replace)
            # a deleted node takes its incoming relationships along: their buckets are compared too
            to_read = {state.bucket(u) for u in _incoming(driver, database, plan.delete_nodes)} - examined
            if not to_read:
                break
            examined |= to_read
        outside_nodes = len(target.nodes) - len(here.nodes)
        outside_rels = len(target.rels) - len(here.rels)
    plan.unchanged_nodes += outside_nodes
    plan.unchanged_rels += outside_rels
    batches = _batches(plan, batch_size)
    if batches:
        # Mark the buckets about to change, so that an interrupted load is compared again by the next one.
        if state is None:
            _set_state(driver, database, _DROP_STATE)
        else:
            _set_state(driver, database, _MARK_DIRTY, dirty=sorted(state.dirty | examined))
    writer = _Writer(driver, settings, batches, progress)
    writer.start()
    hashes = _hashes_after(new_state, state is None, examined, before, target, plan, replace)
    writer.result()
    if batches or state is None or hashes != new_state.hashes:
        with driver.session(database=database) as session:
            resources = session.execute_read(lambda tx: tx.run(_COUNT_RESOURCES).single()["c"])
        _set_state(
            driver,
            database,
            _WRITE_STATE,
            version=STATE_VERSION,
            bounds=new_state.bounds,
            hashes="".join(hashes),
            dirty=[],
            resources=resources,
        )
    return {**plan.summary(), "batches": writer.sent}


def _hashes_after(state: LoadState, drawn: bool, examined: set[int], before, target, plan, replace) -> list[str]:
    """The digests of the examined buckets once the plan is written: the target's part, plus what
    the database holds that the target lacks and the plan leaves in place (without ``replace``)."""
    gone = set(plan.delete_nodes)
    deleted_rels = {r.key for r in plan.delete_rels}
    after = PropertyGraph()
    for uri, node in before.nodes.items():
        if uri not in target.nodes and uri not in gone:
            after.nodes[uri] = node
    for key, rel in before.rels.items():
        if key not in target.rels and key not in deleted_rels and not {rel.start, rel.end} & gone:
            after.rels[key] = rel
    extra_nodes, extra_rels = _split(state, after)
    target_nodes, target_rels = _split(state, target)
    hashes = list(state.hashes) if not drawn else [""] * len(state.bounds)
    for i in examined:
        hashes[i] = _digest(
            target_nodes.get(i, []) + extra_nodes.get(i, []), target_rels.get(i, []) + extra_rels.get(i, [])
        )
    return hashes


class _Writer(threading.Thread):
    """Send the batches in order, in managed transactions, while the caller works out the new summary."""

    def __init__(self, driver, settings: Settings, batches: list[_Batch], progress):
        super().__init__(daemon=True, name="kg-load-writer")
        self.driver, self.settings, self.batches, self.progress = driver, settings, batches, progress
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

        settings, total = self.settings, len(self.batches)
        rows_total = sum(len(b.rows) for b in self.batches)
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
