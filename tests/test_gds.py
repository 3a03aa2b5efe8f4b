"""`kg analyze --engine neo4j`: centrality and communities computed inside Neo4j with the open Graph Data
Science procedures, in the report shape of the networkx analysis, and agreeing with it on the plan."""

import json

import networkx as nx
import pytest

from kg.analysis.measures import analyze
from kg.cli import main
from kg.graph.mapping import model_to_property_graph
from kg.graph.regions import root_kind, to_networkx
from loaders.bolt.connect import Settings
from loaders.bolt.load import load
from loaders.bolt.neo4j_server import Neo4jServer
from tests.conftest import BOLT_PASSWORD


@pytest.fixture(scope="module")
def gds_env(plan_model):
    with Neo4jServer(password=BOLT_PASSWORD, gds=True) as server:
        settings = Settings(uri=server.uri, username=server.username, password=BOLT_PASSWORD, database="plan")
        load(model_to_property_graph(plan_model), settings)
        yield {
            "NEO4J_URI": server.uri,
            "NEO4J_USERNAME": server.username,
            "NEO4J_PASSWORD": BOLT_PASSWORD,
            "NEO4J_DATABASE": "plan",
        }


def _modularity(pg, communities) -> float:
    """Modularity of a partition (by members' names) on the graph the communities are found in."""
    graph = nx.Graph(to_networkx(pg).to_undirected())
    graph.remove_nodes_from([u for u in list(graph) if graph.nodes[u]["root"] in ("TechnologyDomain", "Indicator")])
    graph.remove_nodes_from([u for u in list(graph) if graph.degree(u) == 0])
    by_name = {pg.nodes[u].props["name_zh"]: u for u in graph}
    return nx.community.modularity(graph, [{by_name[m] for m in c["members"]} for c in communities])


def test_the_analysis_in_neo4j_agrees_with_networkx(runner, gds_env, plan_model):
    result = runner.invoke(main, ["analyze", "--engine", "neo4j", "--format", "json"], env=gds_env)
    assert result.exit_code == 0, result.output + result.stderr
    in_neo4j = json.loads(result.output)
    pg = model_to_property_graph(plan_model)
    local = analyze(pg)
    assert set(in_neo4j) == set(local)
    for part in ("summary", "bridges", "profiles"):  # read back from Neo4j, computed alike
        assert in_neo4j[part] == local[part], part
    # The same entities at the top of each kind, with the same scores (within 1e-4).
    for kind in {row["kind"] for row in local["centrality"]}:
        mine = {r["entity"]: r for r in in_neo4j["centrality"] if r["kind"] == kind}
        theirs = {r["entity"]: r for r in local["centrality"] if r["kind"] == kind}
        assert set(mine) == set(theirs), kind
        for name, row in theirs.items():
            assert mine[name]["degree"] == row["degree"]
            assert mine[name]["betweenness"] == pytest.approx(row["betweenness"], abs=1e-4)
            assert mine[name]["degree_centrality"] == pytest.approx(row["degree_centrality"], abs=1e-4)
    # Louvain in both: other runs of a heuristic, comparable partitions of the same members.
    members = lambda rows: sorted(m for c in rows for m in c["members"])  # noqa: E731
    assert members(in_neo4j["communities"]) == members(local["communities"])
    assert _modularity(pg, in_neo4j["communities"]) == pytest.approx(_modularity(pg, local["communities"]), abs=0.03)
    assert {root_kind(pg.nodes[u].labels) for u in pg.nodes} >= {row["kind"] for row in in_neo4j["centrality"]}


def test_a_server_without_gds_is_a_clear_error(runner, neo4j_env):
    assert runner.invoke(main, ["load"], env=neo4j_env).exit_code == 0
    result = runner.invoke(main, ["analyze", "--engine", "neo4j"], env=neo4j_env)
    assert result.exit_code == 1
    assert "has no Graph Data Science procedures" in result.stderr and "kg serve --gds" in result.stderr
    assert "Traceback" not in result.stderr
