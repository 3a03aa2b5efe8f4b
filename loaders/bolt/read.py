"""Read the plan graph out of a Bolt server, and run read-only queries (:class:`ReadSession`).

ArcadeDB does not enforce read access mode: read-only queries are run in an
explicit transaction that is always rolled back (see :class:`ReadSession`).
"""

from __future__ import annotations

from kg.errors import ConnectionFailed, QueryError
from kg.graph.mapping import Node, PropertyGraph, Rel
from kg.vocab.iris import ENTITY_BASE
from kg.vocab.ontology import load_ontology
from kg.vocab.schema import RESOURCE_LABEL

from .connect import Settings, _reason, connect

__all__ = ["read_graph", "read_items", "graph_of_records", "ReadSession", "LOOKUP"]

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


#: Find an entity by exact id, name or alias ($value). The SPARQL engine looks the
#: literal up in its indexes instead (:meth:`kg.query.sparql.SparqlEngine.lookup`).
LOOKUP = """
MATCH (e:Resource) WHERE $value IN [e.id, e.name_zh, e.name_en] + coalesce(e.aliases, [])
RETURN DISTINCT e.id AS id, e.name_zh AS name_zh"""


class ReadSession:
    """Read-only Cypher against one server, on one driver; use as a context manager.
    An :class:`kg.query.engine.Engine`: ``answer("relies-on", {"target": "超算天津中心"}, ReadSession(settings))``.

    Each query runs in an explicit transaction in read access mode that is
    always rolled back: Neo4j refuses writes in read mode, and ArcadeDB (which
    does not enforce the mode) discards them with the rollback.
    """

    language = "cypher"

    def __init__(self, settings: Settings):
        self.settings = settings
        self.driver = connect(settings)

    def select(
        self, query: str, parameters: dict | None = None, *, name: str = "query"
    ) -> tuple[list[str], list[dict]]:
        """Columns and plain rows of the query's answer."""
        from neo4j import READ_ACCESS
        from neo4j.exceptions import CypherSyntaxError, Neo4jError, ServiceUnavailable, SessionExpired

        from kg.query.catalogue import plain

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
        return [(r["id"], r["name_zh"]) for r in self.select(LOOKUP, {"value": value}, name="lookup")[1]]

    def names_containing(self, text: str) -> None:
        """None: the Cypher queries find the entities a text names themselves."""
        return None

    def close(self) -> None:
        self.driver.close()

    def __enter__(self) -> ReadSession:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
