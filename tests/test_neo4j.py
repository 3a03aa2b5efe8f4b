"""Loading into a real Bolt server: idempotent, --replace, relabelling, round trip, failures."""

import json
import socket
import threading
import time

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from kg.cli import main
from kg.errors import ConnectionFailed, LoadInterrupted
from kg.graph.mapping import search_text, to_property_graph
from loaders.bolt.connect import Settings, check_uri, connect
from loaders.bolt.load import load
from loaders.bolt.read import read_graph
from loaders.bolt.server import free_port, local_server
from loaders.bolt.state import STATE_LABEL
from tests.conftest import BOLT_PASSWORD, count_in_db, lose_connection_after, read_rows, write_rows


def test_load_then_load_again_changes_nothing(runner, settings, plan_graph, plan_model):
    first = runner.invoke(main, ["load", "--format", "json"])
    assert first.exit_code == 0, first.output
    assert '"nodes_created"' in first.output
    assert count_in_db(settings) == (len(plan_model.entities), len(plan_model.links))
    driver = connect(settings)
    before = read_graph(driver, settings.database)
    driver.close()
    assert before == to_property_graph(plan_graph)

    second = runner.invoke(main, ["load"])
    assert second.exit_code == 0, second.output
    lines = dict(line.split() for line in second.output.splitlines()[2:])
    assert lines["nodes_created"] == lines["nodes_updated"] == lines["nodes_deleted"] == "0"
    assert lines["relationships_created"] == lines["relationships_updated"] == "0"
    assert lines["nodes_unchanged"] == str(len(plan_model.entities))
    assert lines["batches"] == "0"
    driver = connect(settings)
    assert read_graph(driver, settings.database) == before
    driver.close()


def test_nodes_carry_their_class_chain_and_provenance(settings, plan_graph):
    load(to_property_graph(plan_graph), settings)
    driver = connect(settings)
    with driver.session(database=settings.database) as session:
        record = session.run(
            "MATCH (n:Resource {id: 'national-synthetic-biotech-innovation-center'}) RETURN labels(n) AS labels"
        ).single()
        rel = session.run(
            "MATCH (:Resource {id: 'bio-manufacturing-valley'})-[r:RELIES_ON]->(:Resource {id: 'tianjin-port-free-trade-zone'}) "
            "RETURN r.section AS section, r.quote AS quote, r.quote_start AS start"
        ).single()
    driver.close()
    assert set(record["labels"]) == {"Resource", "Platform", "InnovationCenter", "TechnologyInnovationCenter"}
    assert rel["section"] == "专栏3 › 2" and rel["quote"].startswith("依托天津港保税区") and rel["start"] == 20629


def test_every_node_gets_its_search_text_and_a_database_without_it_is_mended(runner, settings, plan_model):
    """``search_text`` is written with each node and left out when the graph is read back; a database
    loaded by an earlier version (no ``search_text``, the summary of version 2) gets it at the next load."""
    assert runner.invoke(main, ["load"]).exit_code == 0
    driver = connect(settings)
    with driver.session(database=settings.database) as session:
        rows = session.run("MATCH (n:Resource) RETURN properties(n) AS p").data()
        assert rows and all(row["p"]["search_text"] == search_text(row["p"]) for row in rows)
        assert (
            "超算天津中心"
            in session.run(
                "MATCH (n:Resource {id: 'national-supercomputing-center-tianjin'}) RETURN n.search_text AS t"
            ).single()["t"]
        )
        assert all("search_text" not in node.props for node in read_graph(driver, settings.database).nodes.values())
        session.run("MATCH (n:Resource) REMOVE n.search_text").consume()
        session.run(f"MATCH (s:{STATE_LABEL}) SET s.version = 2").consume()
    again = runner.invoke(main, ["load", "--format", "json"])
    assert again.exit_code == 0, again.output
    assert {row["what"]: row["count"] for row in json.loads(again.stdout)}["nodes_updated"] == len(plan_model.entities)
    with driver.session(database=settings.database) as session:
        assert session.run("MATCH (n:Resource) WHERE n.search_text IS NULL RETURN count(n) AS c").single()["c"] == 0
    driver.close()


def test_replace_removes_what_the_lists_dropped(runner, settings, workspace):
    assert runner.invoke(main, ["load", "--data", str(workspace)]).exit_code == 0
    rows = read_rows(workspace / "entities.csv")
    write_rows(workspace / "entities.csv", [r for r in rows if r["id"] != "northern-voice-valley"])
    links = read_rows(workspace / "links.csv")
    write_rows(
        workspace / "links.csv", [r for r in links if "northern-voice-valley" not in (r["subject"], r["object"])]
    )
    removed_links = len(links) - len(read_rows(workspace / "links.csv"))

    def has_node():
        driver = connect(settings)
        with driver.session(database=settings.database) as session:
            found = session.run("MATCH (n:Resource {id: 'northern-voice-valley'}) RETURN count(n) AS c").single()["c"]
        driver.close()
        return found

    assert runner.invoke(main, ["load", "--data", str(workspace)]).exit_code == 0
    assert has_node() == 1  # without --replace, loading only adds and updates
    result = runner.invoke(main, ["load", "--data", str(workspace), "--replace", "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert "nodes_deleted,1" in result.output
    assert has_node() == 0
    assert count_in_db(settings) == (len(rows) - 1, len(links) - removed_links)


def test_changed_kind_recreates_the_node_with_its_links(runner, settings, workspace):
    assert runner.invoke(main, ["load", "--data", str(workspace)]).exit_code == 0
    rows = read_rows(workspace / "entities.csv")
    for row in rows:
        if row["id"] == "tianjin-drug-evaluation-center":
            row["kind"] = "ResearchCenter"
    write_rows(workspace / "entities.csv", rows)
    result = runner.invoke(main, ["load", "--data", str(workspace), "--format", "csv"])
    assert result.exit_code == 0, result.output
    driver = connect(settings)
    with driver.session(database=settings.database) as session:
        record = session.run(
            "MATCH (n:Resource {id: 'tianjin-drug-evaluation-center'}) "
            "RETURN labels(n) AS labels, size([(n)--() | 1]) AS links"
        ).single()
    driver.close()
    assert set(record["labels"]) == {"Resource", "Platform", "ResearchCenter"}
    assert record["links"] == 2


def _run(settings, query, **params):
    driver = connect(settings)
    with driver.session(database=settings.database) as session:
        rows = session.execute_write(lambda tx: tx.run(query, params).data())
    driver.close()
    return rows


def _counts(output: str) -> dict:
    return dict(line.split(",") for line in output.splitlines()[1:])


def test_bad_lists_write_nothing(runner, settings, workspace):
    rows = read_rows(workspace / "entities.csv")
    rows[3]["kind"] = "NoSuchKind"
    write_rows(workspace / "entities.csv", rows)
    result = runner.invoke(main, ["load", "--data", str(workspace)])
    assert result.exit_code == 1
    assert count_in_db(settings) == (0, 0)
    assert _run(settings, "MATCH (n) RETURN count(n) AS c") == [{"c": 0}]


def test_the_summary_node_stays_out_of_the_plan_graph(runner, settings, plan_graph, plan_model):
    assert runner.invoke(main, ["load"]).exit_code == 0
    state = _run(settings, f"MATCH (s:{STATE_LABEL}) RETURN labels(s) AS labels, size(s.bounds) AS buckets")
    assert state == [{"labels": [STATE_LABEL], "buckets": len(plan_model.entities) // 8 + 1}]
    driver = connect(settings)
    assert read_graph(driver, settings.database) == to_property_graph(plan_graph)
    driver.close()
    assert count_in_db(settings) == (len(plan_model.entities), len(plan_model.links))


def test_a_sync_compares_only_what_changed_and_verify_compares_everything(runner, settings, workspace):
    assert runner.invoke(main, ["load", "--data", str(workspace)]).exit_code == 0
    rows = read_rows(workspace / "entities.csv")
    rows[10]["name_en"] += " (renamed)"
    write_rows(workspace / "entities.csv", rows)
    result = runner.invoke(main, ["load", "--data", str(workspace), "--format", "csv"])
    assert _counts(result.output)["nodes_updated"] == "1" and _counts(result.output)["batches"] == "1"

    # A change made by hand is not in the summary: only --verify finds it.
    _run(settings, "MATCH (n:Resource {id: $id}) SET n.name_en = 'changed by hand'", id=rows[20]["id"])
    result = runner.invoke(main, ["load", "--data", str(workspace), "--format", "csv"])
    assert _counts(result.output)["batches"] == "0"
    result = runner.invoke(main, ["load", "--data", str(workspace), "--verify", "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert _counts(result.output)["nodes_updated"] == "1"
    assert _run(settings, "MATCH (n:Resource {id: $id}) RETURN n.name_en AS n", id=rows[20]["id"]) == [
        {"n": rows[20]["name_en"]}
    ]
    result = runner.invoke(main, ["load", "--data", str(workspace), "--format", "csv"])
    assert _counts(result.output)["batches"] == "0"


def test_nodes_deleted_by_hand_are_noticed_without_verify(runner, settings, workspace):
    assert runner.invoke(main, ["load", "--data", str(workspace)]).exit_code == 0
    links = _run(settings, "MATCH (n:Resource {id: 'northern-voice-valley'})-[r]-() RETURN count(r) AS c")[0]["c"]
    _run(settings, "MATCH (n:Resource {id: 'northern-voice-valley'}) DETACH DELETE n")
    result = runner.invoke(main, ["load", "--data", str(workspace), "--format", "csv"])
    assert result.exit_code == 0, result.output
    counts = _counts(result.output)
    assert counts["nodes_created"] == "1" and counts["relationships_created"] == str(links)


def test_an_interrupted_sync_is_completed_by_the_next_run(settings, workspace, monkeypatch):
    """Even when the next run's lists are the ones loaded before: the buckets being written were marked."""
    from kg.graph.mapping import model_to_property_graph
    from kg.lists.checks import check
    from loaders.csv_lists import read_workspace

    before = model_to_property_graph(check(read_workspace(workspace)))
    load(before, settings)
    rows = read_rows(workspace / "entities.csv")
    for row in rows[::50]:
        row["name_en"] += " (renamed)"
    write_rows(workspace / "entities.csv", rows)
    changed = model_to_property_graph(check(read_workspace(workspace)))

    lose_connection_after(monkeypatch, 2)
    with pytest.raises(LoadInterrupted):
        load(changed, settings, batch_size=1)
    monkeypatch.undo()

    summary = load(before, settings)  # the lists as they were: only the marked buckets tell what changed
    assert summary["nodes_updated"] == 2
    driver = connect(settings)
    assert read_graph(driver, settings.database) == before
    driver.close()
    assert load(before, settings)["batches"] == 0


def test_round_trip_rdf_neo4j_rdf(runner, settings, plan_graph, tmp_path):
    assert runner.invoke(main, ["load"]).exit_code == 0
    result = runner.invoke(main, ["export", "--from-neo4j", "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    back = Graph().parse(tmp_path / "plan.ttl")
    assert isomorphic(back, plan_graph)


def test_export_needs_its_source(runner):
    result = runner.invoke(main, ["export"])
    assert result.exit_code == 2
    assert "say what to export: --from-neo4j or --neo4j-admin DIR" in result.stderr


def test_wrong_password_is_reported_and_not_echoed(runner, neo4j_env):
    result = runner.invoke(main, ["load", "--password", "not-the-password-123"])
    assert result.exit_code == 1
    assert f"authentication failed for {neo4j_env['NEO4J_URI']} as '{neo4j_env['NEO4J_USERNAME']}'" in result.stderr
    assert "not retried" in result.stderr
    assert "not-the-password-123" not in result.output + result.stderr
    assert BOLT_PASSWORD not in result.output + result.stderr


def test_refused_connection_fails_fast(runner, neo4j_env):
    uri = f"bolt://127.0.0.1:{free_port()}"
    started = time.monotonic()
    result = runner.invoke(main, ["load", "--uri", uri])
    assert result.exit_code == 1
    assert f"Error: cannot reach {uri}" in result.stderr
    assert "is the server running" in result.stderr
    assert time.monotonic() - started < 10  # not the driver's silent 30 s of retries


@pytest.mark.parametrize(
    "uri, message",
    [
        ("bolt:/localhost:7687", "'bolt:/localhost:7687' is not a Bolt URI"),
        ("bolt://localhost:7687/neo4j", "'bolt://localhost:7687/neo4j' has a path after the host"),
        ("http://localhost:7474", "'http://localhost:7474' is not a Bolt URI"),
        ("neo4j://user:pw@localhost", "the URI must not hold credentials"),
        ("bolt://localhost:99999", "is not a Bolt URI"),
    ],
)
def test_uri_typos_are_refused_before_connecting(runner, uri, message):
    result = runner.invoke(main, ["load", "--uri", uri, "--password", "x" * 8])
    assert result.exit_code == 1
    assert message in result.stderr
    assert "pw@" not in result.stderr or "credentials" in result.stderr


@pytest.mark.parametrize("uri", ["bolt://db.example.org:7687", "neo4j://localhost", "neo4j+s://abc.databases.neo4j.io"])
def test_accepted_uri_forms(uri):
    assert check_uri(uri) == uri


def test_missing_password(runner, neo4j_env, monkeypatch):
    monkeypatch.delenv("NEO4J_PASSWORD")
    result = runner.invoke(main, ["load"])
    assert result.exit_code == 1
    assert "no password for" in result.stderr and "set NEO4J_PASSWORD" in result.stderr


def test_server_stopped_mid_load_then_rerun_completes(tmp_path, plan_graph, plan_model, server_engine):
    target = to_property_graph(plan_graph)
    port = free_port()
    root = tmp_path / "server"
    server = local_server(server_engine, password=BOLT_PASSWORD, port=port, root=root).start()
    settings = Settings(uri=server.uri, username=server.username, password=BOLT_PASSWORD, database="plan")

    def stop_after_some(done, total):
        if done >= 50:
            server.kill()

    with pytest.raises(LoadInterrupted) as caught:
        load(target, settings, batch_size=10, progress=stop_after_some)
    assert "was lost" in str(caught.value) and "incomplete" in str(caught.value)
    assert "run the same command again" in str(caught.value)

    with local_server(server_engine, password=BOLT_PASSWORD, port=port, root=root):
        partial = count_in_db(settings)
        assert partial[0] < len(plan_model.entities)
        summary = load(target, settings)
        assert summary["nodes_created"] == len(plan_model.entities) - partial[0]
        assert count_in_db(settings) == (len(plan_model.entities), len(plan_model.links))
        driver = connect(settings)
        assert read_graph(driver, "plan") == target
        driver.close()


def test_server_stopped_mid_load_through_the_cli(runner, tmp_path, server_engine):
    port = free_port()
    server = local_server(server_engine, password=BOLT_PASSWORD, port=port, root=tmp_path / "s").start()
    settings = Settings(uri=server.uri, username=server.username, password=BOLT_PASSWORD, database="plan")

    def killer():
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if count_in_db(settings)[0] >= 5:
                    break
            except ConnectionFailed:
                pass
            time.sleep(0.05)
        server.kill()

    thread = threading.Thread(target=killer)
    thread.start()
    args = ["load", "--uri", server.uri, "--username", server.username, "--password", BOLT_PASSWORD]
    args += ["--database", "plan"]
    result = runner.invoke(main, [*args, "--batch-size", "1"])
    thread.join()
    server.stop()
    assert result.exit_code == 1
    assert "the graph in the database is incomplete" in result.stderr
    assert "run the same command again" in result.stderr


def test_free_port_is_free():
    port = free_port()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", port))
