"""The summary of what the last load left in the database, and the digests it is made of.

One node ``(:KgLoadState {prefix})``, not a ``:Resource`` (so never in
exports, queries or views), cuts the plan's uris into ranges of about eight
nodes (buckets) and keeps a digest of each: the sum, modulo 2**128, of a
128-bit hash of every node in the range and of every relationship that starts
there (:func:`node_hash`, :func:`rel_hash`). A sum does not depend on the
order of its terms, and a node's change moves it by the difference of two
hashes: a load that knows what changed updates the digests without reading
the rest.

>>> from kg.graph.mapping import Node
>>> state = LoadState.draw(["https://w3id.org/tj-sti-plan/id/a", "https://w3id.org/tj-sti-plan/id/b"])
>>> state.bucket("https://w3id.org/tj-sti-plan/id/b"), len(state.bounds)
(0, 1)
>>> a = Node("https://w3id.org/tj-sti-plan/id/a", ("Resource", "Place"), {"id": "a"})
>>> b = Node("https://w3id.org/tj-sti-plan/id/b", ("Resource", "Place"), {"id": "b"})
>>> digest(node_hash(a) + node_hash(b)) == digest(node_hash(b) + node_hash(a))
True
"""

from __future__ import annotations

import marshal
from bisect import bisect_right
from dataclasses import dataclass, field
from hashlib import blake2b

from kg.graph.mapping import Node, PropertyGraph, Rel
from kg.vocab.iris import ENTITY_BASE

__all__ = [
    "STATE_LABEL",
    "STATE_VERSION",
    "BUCKET_NODES",
    "LoadState",
    "node_hash",
    "rel_hash",
    "digest",
    "bucket_sums",
    "read_state",
    "read_buckets",
    "incoming",
    "mark_dirty",
    "drop_state",
    "write_state",
]

STATE_LABEL = "KgLoadState"
#: 3: nodes carry ``search_text`` (a database loaded before is compared whole once, and gets it).
#: 2: a bucket's digest is the sum of its items' hashes (1 was a hash of the sorted items).
STATE_VERSION = 3
#: Nodes per bucket when the buckets are drawn; a bucket also holds the relationships that start in it.
BUCKET_NODES = 8
_MODULUS = 1 << 128
_PREFIX = ENTITY_BASE

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

    def fits(self, nodes: int) -> bool:
        """Whether the buckets still cut a graph of this many nodes into small parts (else they are drawn again)."""
        drawn_for = len(self.bounds) * BUCKET_NODES
        return drawn_for / 4 <= max(nodes, 1) <= drawn_for * 4

    @classmethod
    def draw(cls, uris) -> LoadState:
        """Buckets of :data:`BUCKET_NODES` of these uris (in sorted order), digests not known yet."""
        uris = sorted(uris)
        return cls([_PREFIX, *uris[BUCKET_NODES::BUCKET_NODES]], [])


def node_hash(node: Node) -> int:
    """A 128-bit hash of a node."""
    return _hash(("n", node.uri, tuple(node.labels), sorted(node.props.items())))


def rel_hash(rel: Rel) -> int:
    """A 128-bit hash of a relationship."""
    return _hash(("r", rel.start, rel.type, rel.end, sorted(rel.props.items())))


def _hash(value: tuple) -> int:
    """``marshal`` format 2 writes no back-references, so equal values always give equal bytes
    (integers and floats stay distinct)."""
    return int.from_bytes(blake2b(marshal.dumps(value, 2), digest_size=16).digest(), "little")


def digest(total: int) -> str:
    """A bucket's digest as the summary stores it: 32 hexadecimal digits."""
    return format(total % _MODULUS, "032x")


def bucket_sums(state: LoadState, pg: PropertyGraph) -> list[int]:
    """The sum of the hashes of each bucket's nodes and relationships (not yet reduced)."""
    sums = [0] * len(state.bounds)
    bucket = state.bucket
    for uri, node in pg.nodes.items():
        sums[bucket(uri)] += node_hash(node)
    for rel in pg.rels.values():
        sums[bucket(rel.start)] += rel_hash(rel)
    return sums


# The summary node -------------------------------------------------------------


def read_state(tx) -> LoadState | None:
    """The summary, if there is one of this version and the database still holds as many nodes as it says."""
    record = tx.run(_READ_STATE, prefix=_PREFIX).single()
    resources = tx.run(_COUNT_RESOURCES).single()["c"]
    if record is None or record["version"] != STATE_VERSION or record["resources"] != resources:
        return None
    bounds, hashes = list(record["bounds"] or []), record["hashes"] or ""
    if not bounds or len(hashes) != 32 * len(bounds):
        return None
    return LoadState(
        bounds, [hashes[i : i + 32] for i in range(0, len(hashes), 32)], set(record["dirty"] or []), resources
    )


def _run_write(driver, database, query: str, **params) -> None:
    with driver.session(database=database) as session:
        session.execute_write(lambda tx: tx.run(query, prefix=_PREFIX, **params).consume())


def mark_dirty(driver, database, buckets) -> None:
    """Mark the buckets a load is about to change, so that the next load compares them if this one stops."""
    _run_write(driver, database, _MARK_DIRTY, dirty=sorted(buckets))


def drop_state(driver, database) -> None:
    """Forget the summary (a load that compares everything draws it again)."""
    _run_write(driver, database, _DROP_STATE)


def write_state(driver, database, bounds: list[str], hashes: list[str]) -> None:
    """Store the summary of what the database now holds (no bucket dirty)."""
    with driver.session(database=database) as session:
        resources = session.execute_read(lambda tx: tx.run(_COUNT_RESOURCES).single()["c"])
    _run_write(
        driver,
        database,
        _WRITE_STATE,
        version=STATE_VERSION,
        bounds=bounds,
        hashes="".join(hashes),
        dirty=[],
        resources=resources,
    )


# Reading buckets ----------------------------------------------------------------


def read_buckets(driver, database, state: LoadState, buckets: set[int]) -> PropertyGraph:
    """The nodes and relationships the database holds in these buckets.

    Adjacent buckets are read as one uri range; ranges go out 50 to a
    statement, as ``UNION ALL`` of index range scans (a list of ranges given
    to ``UNWIND`` is not answered from the index by ArcadeDB).
    """
    from loaders.bolt.read import graph_of_records

    runs: list[tuple[int, int]] = []
    for i in sorted(buckets):
        if runs and runs[-1][1] == i - 1:
            runs[-1] = (runs[-1][0], i)
        else:
            runs.append((i, i))

    def work(tx):
        nodes, rels = [], []
        for k in range(0, len(runs), _RANGES_PER_READ):
            params: dict = {"prefix": _PREFIX}
            for j, (first, last) in enumerate(runs[k : k + _RANGES_PER_READ]):
                params[f"lo{j}"], params[f"hi{j}"] = state.range(first, last)
            count = len(params) // 2
            nodes += tx.run(" UNION ALL ".join(_READ_RANGE_NODES.format(j=j) for j in range(count)), params).data()
            rels += tx.run(" UNION ALL ".join(_READ_RANGE_RELS.format(j=j) for j in range(count)), params).data()
        return nodes, rels

    with driver.session(database=database) as session:
        nodes, rels = session.execute_read(work)
    return graph_of_records(nodes, rels)


def incoming(driver, database, uris: list[str]) -> set[str]:
    """The plan nodes with a relationship to one of these."""
    with driver.session(database=database) as session:
        records = session.execute_read(lambda tx: tx.run(_READ_INCOMING, uris=uris, prefix=_PREFIX).data())
    return {r["uri"] for r in records}
