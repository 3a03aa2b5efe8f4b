"""The analysis's measures inside Neo4j, with the open Graph Data Science procedures (``gds.*``),
for graphs too big for networkx (betweenness and Louvain take minutes at 167 k nodes there).

The same measures as :mod:`kg.analysis.measures`, on the same undirected simple graph (parallel
links between two entities counted once): degree and betweenness centrality (normalised as
networkx normalises them), and Louvain communities without the domain tree and the indicators.
Rows have the shape of :func:`kg.analysis.measures.centrality` and
:func:`kg.analysis.measures.communities`. Needs a Neo4j with the GDS jars
(``Neo4jServer(gds=True)``, ``kg serve --gds``).
"""

from __future__ import annotations

import contextlib

from kg.errors import ConnectionFailed, QueryError
from kg.graph.mapping import PropertyGraph
from kg.graph.regions import display_name, root_kind, root_kinds

from .connect import Settings, connect, redact

__all__ = ["gds_centrality", "gds_communities"]

_PROJECTION = "kg-analysis"
_DROP = "CALL gds.graph.drop($name, false) YIELD graphName RETURN graphName"
# Every entity once; each pair of linked entities once, whatever the links' number and direction.
_PROJECT = """
MATCH (a:Resource) WHERE NOT a.id IN $leave
OPTIONAL MATCH (a)--(b:Resource) WHERE elementId(a) < elementId(b) AND NOT b.id IN $leave
WITH DISTINCT a, b
WITH gds.graph.project($name, a, b, {}, {undirectedRelationshipTypes: ['*']}) AS g
RETURN g.nodeCount AS nodes, g.relationshipCount AS rels"""


def _run(settings: Settings, statements):
    from neo4j.exceptions import Neo4jError

    driver = connect(settings)
    try:
        with driver.session(database=settings.database) as session:
            try:
                return statements(session)
            except Neo4jError as exc:
                raise QueryError(f"the analysis in Neo4j failed: {exc.message}") from None
            finally:
                with contextlib.suppress(Neo4jError):  # the projection is not kept (nor there, without GDS)
                    session.run(_DROP, name=_PROJECTION).consume()
    finally:
        driver.close()


def _scores(settings: Settings, leave: list[str], procedures: list[str]) -> dict[str, dict[str, float]]:
    """Per procedure (``degree``, ``betweenness``, ``louvain``), each projected node's score by its ``id``."""

    from neo4j.exceptions import Neo4jError

    def work(session):
        try:  # the first call of a gds procedure: a server without them (or ArcadeDB) fails here
            session.run(_DROP, name=_PROJECTION).consume()
        except Neo4jError:
            raise ConnectionFailed(
                f"{redact(settings.uri)} has no Graph Data Science procedures",
                hint="start Neo4j with them (kg serve --gds), or use kg analyze --engine networkx",
            ) from None
        session.run(_PROJECT, name=_PROJECTION, leave=leave).consume()
        out = {}
        for procedure in procedures:
            field = "communityId" if procedure == "louvain" else "score"
            config = {"concurrency": 1} if procedure == "louvain" else {}  # one thread: the same communities each run
            rows = session.run(
                f"CALL gds.{procedure}.stream($name, $config) YIELD nodeId, {field} "
                f"RETURN gds.util.asNode(nodeId).id AS id, {field} AS value",
                name=_PROJECTION,
                config=config,
            ).data()
            out[procedure] = {r["id"]: r["value"] for r in rows}
        return out

    return _run(settings, work)


def gds_centrality(pg: PropertyGraph, settings: Settings, *, top: int = 5) -> list[dict]:
    """The most central entities of each root kind, computed in Neo4j (rows as networkx's)."""
    scores = _scores(settings, [], ["degree", "betweenness"])
    n = len(scores["degree"])
    pairs = (n - 1) * (n - 2) / 2 or 1
    by_id = {node.props.get("id"): uri for uri, node in pg.nodes.items()}
    rows = []
    for kind in root_kinds():
        members = [i for i in scores["degree"] if root_kind(pg.nodes[by_id[i]].labels) == kind]
        ranked = sorted(
            members, key=lambda i: (-scores["betweenness"][i], -scores["degree"][i], display_name(pg, by_id[i]))
        )[:top]
        for rank, i in enumerate(ranked, start=1):
            rows.append(
                {
                    "kind": kind,
                    "rank": rank,
                    "entity": display_name(pg, by_id[i]),
                    "degree": int(scores["degree"][i]),
                    "degree_centrality": round(scores["degree"][i] / (n - 1 or 1), 4),
                    "betweenness": round(scores["betweenness"][i] / pairs, 4),
                }
            )
    return rows


def gds_communities(pg: PropertyGraph, settings: Settings, *, name_size: int = 3) -> list[dict]:
    """Louvain communities computed in Neo4j, without the domain tree and the indicators (rows as networkx's)."""
    leave = sorted(
        node.props["id"]
        for node in pg.nodes.values()
        if root_kind(node.labels) in ("TechnologyDomain", "Indicator") and "id" in node.props
    )
    scores = _scores(settings, leave, ["degree", "betweenness", "louvain"])
    by_id = {node.props.get("id"): uri for uri, node in pg.nodes.items()}
    groups: dict[int, list[str]] = {}
    for i, community in scores["louvain"].items():
        if scores["degree"][i] > 0:
            groups.setdefault(community, []).append(i)
    rows = []
    for members in groups.values():
        ranked = sorted(
            members, key=lambda i: (-scores["betweenness"][i], -scores["degree"][i], display_name(pg, by_id[i]))
        )
        names = [display_name(pg, by_id[i]) for i in ranked]
        rows.append({"name": " · ".join(names[:name_size]), "size": len(members), "members": names})
    rows.sort(key=lambda r: (-r["size"], r["name"]))
    for number, row in enumerate(rows, start=1):
        row["community"] = number
    return rows
