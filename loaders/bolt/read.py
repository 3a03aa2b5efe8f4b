"""Read the plan graph out of a Bolt server, and run read-only queries (:class:`ReadSession`).

ArcadeDB does not enforce read access mode: read-only queries are run in an
explicit transaction that is always rolled back (see :class:`ReadSession`).
"""

from __future__ import annotations

import threading

from kg.errors import ConnectionFailed, QueryError
from kg.graph.mapping import SEARCH_TEXT, Node, PropertyGraph, Rel, search_text
from kg.vocab.iris import ENTITY_BASE
from kg.vocab.ontology import load_ontology
from kg.vocab.schema import RESOURCE_LABEL

from .connect import Settings, _reason, connect, redact

#: Seconds the client waits past a query's time limit for the server to end it.
_GRACE = 2.0

__all__ = ["read_graph", "read_duplicates", "read_items", "graph_of_records", "ReadSession", "LOOKUP", "LOOKUP_SCAN"]

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


_READ_DUPLICATES = (
    "MATCH (a:Resource)-[r]->(b:Resource) WHERE a.uri STARTS WITH $prefix AND b.uri STARTS WITH $prefix "
    "WITH a.uri AS start, type(r) AS type, b.uri AS end, count(r) AS copies WHERE copies > 1 "
    "RETURN start, type, end, copies"
)


def read_duplicates(driver, database: str | None = None) -> dict[tuple[str, str, str], int]:
    """The ``(start, type, end)`` keys the database holds more than one relationship of, with how many.

    A load never makes them (:mod:`loaders.bolt.lock`); they are read back as one
    relationship, so only this query finds them.
    """
    with driver.session(database=database) as session:
        rows = session.execute_read(lambda tx: tx.run(_READ_DUPLICATES, prefix=ENTITY_BASE).data())
    return {(r["start"], r["type"], r["end"]): r["copies"] for r in rows}


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
    """A property graph from read rows, in the mapping's order (nodes by uri, relationships by key); without
    the nodes' derived :data:`~kg.graph.mapping.SEARCH_TEXT`, unless it is not what their names give."""
    chains = {frozenset(k.chain): k.chain for k in load_ontology().kinds.values()}
    pg = PropertyGraph()
    for record in sorted(nodes, key=lambda r: r["uri"]):
        labels = set(record["labels"]) - {RESOURCE_LABEL}
        chain = chains.get(frozenset(labels), tuple(sorted(labels)))
        props = dict(record["props"])
        stored = props.pop(SEARCH_TEXT, None)
        if stored != search_text(props):  # missing or stale: kept (as None), so the node differs and is written again
            props[SEARCH_TEXT] = None
        pg.nodes[record["uri"]] = Node(record["uri"], (RESOURCE_LABEL, *chain), props)
    for record in sorted(rels, key=lambda r: (r["start"], r["type"], r["end"])):
        rel = Rel(record["start"], record["type"], record["end"], dict(record["props"]))
        pg.rels[rel.key] = rel
    return pg


#: Find an entity by exact id, name or alias ($value), through the indexes ``kg load`` makes
#: (:data:`loaders.bolt.write.SCHEMA`): range indexes for the id and names, Neo4j's full-text index
#: for the aliases ($phrase: the value as a quoted Lucene phrase; its hits filtered to exact aliases).
#: The SPARQL engine looks the literal up in its own indexes (:meth:`kg.query.sparql.SparqlEngine.lookup`).
LOOKUP = """
CALL {
  MATCH (e:Resource {id: $value}) RETURN e
  UNION MATCH (e:Resource {name_zh: $value}) RETURN e
  UNION MATCH (e:Resource {name_en: $value}) RETURN e
  UNION CALL db.index.fulltext.queryNodes('resource_aliases', $phrase) YIELD node AS e
  WITH e WHERE $value IN e.aliases RETURN e
}
RETURN DISTINCT e.id AS id, e.name_zh AS name_zh"""
#: The same on a server without the full-text index (ArcadeDB, or a database no ``kg load`` has indexed):
#: a scan of every node.
LOOKUP_SCAN = """
MATCH (e:Resource) WHERE $value IN [e.id, e.name_zh, e.name_en] + coalesce(e.aliases, [])
RETURN DISTINCT e.id AS id, e.name_zh AS name_zh"""


def enforces_read_mode(driver) -> bool:
    """Whether the server refuses writes in a read-mode transaction: Neo4j does, ArcadeDB's Bolt plugin
    (which calls itself ``Neo4j/5.26.0 compatible (ArcadeDB …)``) does not.

    >>> class Driver:
    ...     def __init__(self, agent): self.agent = agent
    ...     def get_server_info(self): return self
    >>> enforces_read_mode(Driver("Neo4j/5.26.30")), enforces_read_mode(Driver("Neo4j/5.26.0 compatible (ArcadeDB 26.10.2)"))
    (True, False)
    """
    agent = driver.get_server_info().agent or ""
    return agent.startswith("Neo4j/") and "ArcadeDB" not in agent


class ReadSession:
    """Read-only Cypher against one server, on one driver; use as a context manager.
    An :class:`kg.query.engine.Engine`: ``answer("relies-on", {"target": "超算天津中心"}, ReadSession(settings))``.

    Each query runs in read access mode: on Neo4j, which refuses to write in
    that mode, as one auto-commit query (a round trip fewer: at a million
    entities a question with two entity names is three queries); on ArcadeDB,
    which does not enforce the mode, in an explicit transaction that is always
    rolled back, so that a write is discarded. A query may run
    ``settings.timeout`` seconds (default 60): Neo4j ends its transaction then;
    ArcadeDB ignores the limit, so the client stops waiting and drops the
    connection, but the server finishes the query.
    """

    language = "cypher"

    def __init__(self, settings: Settings):
        self.settings = settings
        self.driver = connect(settings)
        self._scan = False  # the lookup scans (no full-text index on this server)
        self._enforces: bool | None = None  # the server refuses writes in read mode (asked once)

    def select(
        self, query: str, parameters: dict | None = None, *, name: str = "query"
    ) -> tuple[list[str], list[dict]]:
        """Columns and plain rows of the query's answer, within ``settings.timeout`` seconds."""
        from neo4j.exceptions import CypherSyntaxError, Neo4jError, ServiceUnavailable, SessionExpired

        timeout = self.settings.timeout
        stopped = QueryError(
            f"{name}: stopped after {timeout:g} s, its time limit", hint="simplify the query or give a larger --timeout"
        )
        # The server is asked to end the transaction at the limit (Neo4j does); the client stops waiting a
        # little later whatever the server does (ArcadeDB ignores the limit and goes on until the query ends).
        done: dict = {}
        worker = threading.Thread(target=self._answer, args=(query, parameters, done), daemon=True, name="kg-query")
        worker.start()
        worker.join(timeout + _GRACE)
        if worker.is_alive():
            self.driver.close()  # the connection is busy until the server answers
            self.driver = None
            raise stopped
        exc = done.get("error")
        if exc is None:
            return done["columns"], done["rows"]
        if isinstance(exc, CypherSyntaxError):
            raise QueryError(f"{name}: Cypher syntax error: {_reason(exc)}") from None
        if isinstance(exc, (ServiceUnavailable, SessionExpired)):
            raise ConnectionFailed(f"lost {redact(self.settings.uri)} while running {name}: {_reason(exc)}") from None
        if isinstance(exc, Neo4jError) and "TransactionTimedOut" in (exc.code or ""):
            raise stopped from None
        if isinstance(exc, Neo4jError):
            raise QueryError(f"{name}: {_reason(exc)}") from None
        raise exc

    def _answer(self, query: str, parameters: dict | None, done: dict) -> None:
        """Run the query in read access mode (on ArcadeDB in a transaction rolled back); put columns and rows
        (or the error) in ``done``."""
        from neo4j import READ_ACCESS, Query

        from kg.query.catalogue import plain

        def collect(result) -> None:
            columns = list(result.keys())
            done["rows"] = [{c: plain(record[c]) for c in columns} for record in result]
            done["columns"] = columns

        try:
            if self.driver is None:  # closed by an earlier query that ran out of time
                self.driver = connect(self.settings)
            if self._enforces is None:
                self._enforces = enforces_read_mode(self.driver)
            with self.driver.session(database=self.settings.database, default_access_mode=READ_ACCESS) as session:
                if self._enforces:  # Neo4j: one auto-commit read, which it refuses to let write
                    collect(session.run(Query(query, timeout=self.settings.timeout), parameters or {}))
                    return
                tx = session.begin_transaction(timeout=self.settings.timeout)
                try:
                    collect(tx.run(query, parameters or {}))
                finally:
                    tx.rollback()
        except Exception as exc:  # handed to select
            done["error"] = exc

    def lookup(self, value: str) -> list[tuple[str, str]]:
        """Entities with this exact id, name or alias, as ``(id, name_zh)``: through the indexes, else
        (a server without the full-text index) by a scan, from then on for this session."""
        if not self._scan:
            phrase = '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
            try:
                rows = self.select(LOOKUP, {"value": value, "phrase": phrase}, name="lookup")[1]
                return [(r["id"], r["name_zh"]) for r in rows]
            except QueryError:
                if self.driver is None:  # stopped at its time limit: a scan would not be quicker
                    raise
                self._scan = True
        return [(r["id"], r["name_zh"]) for r in self.select(LOOKUP_SCAN, {"value": value}, name="lookup")[1]]

    def names_containing(self, text: str) -> None:
        """None: the Cypher queries find the entities a text names themselves."""
        return None

    def close(self) -> None:
        if self.driver is not None:
            self.driver.close()

    def __enter__(self) -> ReadSession:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
