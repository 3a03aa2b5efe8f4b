"""What a Bolt load and query guarantee: no duplicates from concurrent loads, no secret in output,
a time limit on queries, a lost connection reported as an interrupted load."""

import os
import socket
import subprocess
import sys
import time

import pytest

from kg.cli import main
from kg.errors import ConnectionFailed, LoadInterrupted, QueryError
from kg.graph.mapping import to_property_graph
from loaders.bolt.connect import Settings, check_uri, connect, redact
from loaders.bolt.load import load
from loaders.bolt.lock import LOCK_LABEL, LoadLock
from loaders.bolt.read import ReadSession
from loaders.bolt.server import free_port
from tests.conftest import ROOT, count_in_db

SECRET = "S3cretPW"
BAD_URIS = [
    f"bolt://neo4j:{SECRET}@localhost:7687/neo4j",  # a path
    f"bolt://neo4j:{SECRET}@localhost:99999",  # a bad port
    f"bolt://neo4j:{SECRET}@localhost:port",
    f"http://neo4j:{SECRET}@localhost:7687",  # not Bolt
    f"bolt://neo4j:{SECRET}@localhost:7687#top",  # a fragment
    f"bolt:/neo4j:{SECRET}@localhost:7687",
    f"bolt://neo4j:{SECRET}@localhost:7687",  # credentials alone
    f"bolt://neo4j:p@{SECRET}@localhost:7687/x",  # an @ in the password
]


@pytest.mark.parametrize("uri", BAD_URIS)
def test_a_password_in_the_uri_is_never_shown(runner, uri, monkeypatch):
    with pytest.raises(ConnectionFailed) as caught:
        check_uri(uri)
    assert SECRET not in str(caught.value)
    monkeypatch.setenv("NEO4J_URI", uri)
    result = runner.invoke(main, ["cypher", "RETURN 1"])
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: ") and SECRET not in result.output + result.stderr


def test_redact_and_where():
    assert redact("neo4j+s://u:pw@db.example.com") == "neo4j+s://***@db.example.com"
    assert redact("bolt://localhost:7687") == "bolt://localhost:7687"
    where = Settings(uri=f"bolt://u:{SECRET}@h:1", password="x").where
    assert SECRET not in where and "***@h:1" in where


def test_password_file(runner, neo4j_env, tmp_path, monkeypatch):
    monkeypatch.delenv("NEO4J_PASSWORD")
    secret = tmp_path / "password"
    secret.write_text(neo4j_env["NEO4J_PASSWORD"] + "\n", encoding="utf-8")
    result = runner.invoke(main, ["cypher", "--password-file", str(secret), "RETURN 1 AS one", "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert result.stdout == "one\n1\n"
    both = runner.invoke(main, ["cypher", "--password-file", str(secret), "--password", "x", "RETURN 1"])
    assert both.exit_code == 2 and "give --password or --password-file, not both" in both.stderr
    secret.write_text("wrong-password\n", encoding="utf-8")
    wrong = runner.invoke(main, ["cypher", "--password-file", str(secret), "RETURN 1"])
    assert wrong.exit_code == 1 and "authentication failed" in wrong.stderr and "wrong-password" not in wrong.stderr


def test_a_stopped_server_gives_one_message(tmp_path):
    env = {**os.environ, "NEO4J_PASSWORD": "x", "KG_CACHE_DIR": str(tmp_path)}
    uri = f"neo4j://127.0.0.1:{free_port()}"
    done = subprocess.run(
        [sys.executable, "-m", "kg", "cypher", "--uri", uri, "RETURN 1"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        f"Error: cannot reach {uri}: Unable to retrieve routing information "
        "(is the server running, and is the address right?)"
    ]


# One load at a time ------------------------------------------------------------------


def _kg_load(env, *extra):
    return subprocess.Popen(
        [sys.executable, "-m", "kg", "load", "--batch-size", "50", *extra],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_two_loads_at_once_never_duplicate(settings, neo4j_env, plan_model, tmp_path):
    expected = (len(plan_model.entities), len(plan_model.links))
    outcomes = []
    for attempt in range(3):
        env = {**os.environ, **neo4j_env, "KG_CACHE_DIR": str(tmp_path / f"cache{attempt}")}
        driver = connect(settings)
        with driver.session(database=settings.database) as session:
            session.run("MATCH (n) DETACH DELETE n").consume()
        driver.close()
        loads = [_kg_load(env), _kg_load(env)]
        results = [(p.wait(timeout=600), *p.communicate()) for p in loads]
        for code, _, err in results:
            assert code == 0 or ("another kg load is writing" in err and "nothing was written" in err), err
        outcomes.append(sorted(code for code, _, _ in results))
        assert count_in_db(settings) == expected
        assert _run(settings, f"MATCH (l:{LOCK_LABEL}) RETURN count(l) AS c") == [{"c": 0}]
    assert [0, 1] in outcomes or outcomes == [[0, 0]] * 3


def _run(settings, query, **params):
    driver = connect(settings)
    with driver.session(database=settings.database) as session:
        rows = session.run(query, params).data()
    driver.close()
    return rows


def test_a_held_lock_stops_a_load_and_a_stale_one_does_not(runner, settings):
    driver = connect(settings)
    held = LoadLock(driver, settings)
    held.acquire()
    try:
        result = runner.invoke(main, ["load"])
        assert result.exit_code == 1
        assert "another kg load is writing" in result.stderr and "nothing was written" in result.stderr
        assert count_in_db(settings) == (0, 0)
    finally:
        held.release()
    # a lock left by a process that is gone, and one whose lease ran out
    for props in ("host: $host, pid: 999999999, until: $later", "host: 'elsewhere', pid: 1, until: 0.0"):
        _run(
            settings,
            f"CREATE (:{LOCK_LABEL} {{prefix: $prefix, token: 't', since: 'then', {props}}})",
            prefix=held.prefix,
            host=socket.gethostname(),
            later=time.time() + 600,
        )
        assert runner.invoke(main, ["load"]).exit_code == 0
        assert _run(settings, f"MATCH (l:{LOCK_LABEL}) RETURN count(l) AS c") == [{"c": 0}]
    driver.close()


def test_verify_removes_duplicates_made_by_hand(runner, settings, plan_model):
    assert runner.invoke(main, ["load"]).exit_code == 0
    rels = _run(settings, "MATCH (a:Resource)-[r]->(b:Resource) RETURN a.uri AS a, type(r) AS t, b.uri AS b LIMIT 3")
    for rel in rels:
        _run(
            settings,
            f"MATCH (a:Resource {{uri: $a}}), (b:Resource {{uri: $b}}) CREATE (a)-[:`{rel['t']}`]->(b)",
            a=rel["a"],
            b=rel["b"],
        )
    expected = (len(plan_model.entities), len(plan_model.links))
    assert count_in_db(settings) == (expected[0], expected[1] + 3)
    plain = runner.invoke(main, ["load", "--verify", "--format", "csv"])
    assert plain.exit_code == 0, plain.stderr
    assert "duplicates_removed,3" in plain.stdout
    assert count_in_db(settings) == expected
    again = runner.invoke(main, ["load", "--verify", "--format", "csv"])
    assert "duplicates_removed" not in again.stdout and "relationships_created,0" in again.stdout


# Limits and lost connections -----------------------------------------------------------


def test_a_runaway_query_ends_at_its_time_limit(runner, settings):
    _run(settings, "UNWIND range(1, 200) AS i CREATE (:Big {i: i})")
    runaway = "MATCH (a:Big), (b:Big), (c:Big) WHERE a.i + b.i + c.i = -1 RETURN count(*) AS n"
    started = time.monotonic()
    result = runner.invoke(main, ["cypher", "--timeout", "1", runaway])
    took = time.monotonic() - started
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: query: stopped after 1 s, its time limit (simplify the query or give a larger --timeout)\n"
    )
    assert took < 10
    with ReadSession(Settings(**{**settings.__dict__, "timeout": 30})) as session:  # a new connection
        assert session.select("RETURN 1 AS one")[1] == [{"one": 1}]
    with (
        ReadSession(Settings(**{**settings.__dict__, "timeout": 0.5})) as session,
        pytest.raises(QueryError, match="stopped after 0.5 s"),
    ):
        session.select(runaway, name="runaway")


def test_a_connection_lost_at_a_commit_while_reading_is_an_interrupted_load(settings, plan_graph, monkeypatch):
    from neo4j.exceptions import IncompleteCommit

    import loaders.bolt.buckets as buckets

    target = to_property_graph(plan_graph)
    load(target, settings)
    node = next(iter(target.nodes.values()))
    node.props["name_en"] = "changed"

    def cut(*args, **kwargs):
        raise IncompleteCommit("connection lost during commit")

    monkeypatch.setattr(buckets, "read_buckets", cut)
    with pytest.raises(LoadInterrupted) as caught:
        load(target, settings)
    assert str(caught.value) == (
        f"the connection to {settings.uri} was lost at a commit while loading: its outcome is unknown and "
        "the graph in the database may be incomplete (run kg load again when the server answers: it compares "
        "what the interrupted load touched and completes it)"
    )
    assert _run(settings, f"MATCH (l:{LOCK_LABEL}) RETURN count(l) AS c") == [{"c": 0}]


class CutAtCommit:
    """A loopback TCP proxy to a Bolt server that, once, passes on the ``COMMIT`` of the first transaction
    that sent ``marker`` and closes that connection before the server's answer can come back: the client
    cannot know whether its commit happened (the driver's ``IncompleteCommit``), as when the network fails
    at the worst moment. Every other connection, and this one until then, is relayed untouched."""

    #: A Bolt COMMIT message: one chunk of two bytes (a struct of no fields, tag 0x12), then the end marker.
    COMMIT = b"\x00\x02\xb0\x12\x00\x00"

    def __init__(self, port: int, marker: bytes):
        import threading

        self.target, self.marker = port, marker
        self.cut = threading.Event()
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        import threading

        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            server = socket.create_connection(("127.0.0.1", self.target))
            cut = threading.Event()  # this connection's
            threading.Thread(target=self._up, args=(client, server, cut), daemon=True).start()
            threading.Thread(target=self._down, args=(server, client, cut), daemon=True).start()

    def _up(self, client, server, cut) -> None:
        tail, armed = b"", False
        while data := self._recv(client):
            armed = armed or self.marker in tail + data
            at = data.find(self.COMMIT) if armed and not self.cut.is_set() else -1
            if at >= 0:
                cut.set()  # nothing more goes back to this client
                self.cut.set()  # and no other connection is cut
                server.sendall(data[: at + len(self.COMMIT)])
                for end in (client, server):
                    end.close()
                return
            server.sendall(data)
            tail = data[-len(self.marker) :]
        server.close()

    def _down(self, server, client, cut) -> None:
        while (data := self._recv(server)) and not cut.is_set():
            try:
                client.sendall(data)
            except OSError:
                return
        client.close()

    @staticmethod
    def _recv(end) -> bytes:
        try:
            return end.recv(65536)
        except OSError:
            return b""

    def close(self) -> None:
        self.listener.close()


def test_a_connection_lost_while_a_batch_commits_is_an_interrupted_load_and_a_rerun_completes(
    runner, settings, plan_graph, monkeypatch
):
    """A real lost commit (no mock of the driver): the load stops saying the batch's outcome is unknown,
    leaves no lock, and the same command run again makes the database hold the lists' graph."""
    from loaders.bolt.read import read_graph

    proxy = CutAtCommit(int(settings.uri.rsplit(":", 1)[1]), b"AS row CREATE (n")  # the first batch of nodes
    monkeypatch.setenv("NEO4J_URI", f"bolt://127.0.0.1:{proxy.port}")
    try:
        first = runner.invoke(main, ["load"])
        assert proxy.cut.is_set()
        assert first.exit_code == 1, first.output
        assert f"the connection to bolt://127.0.0.1:{proxy.port} was lost while batch 1 of " in first.stderr
        assert "was committing: its outcome is unknown and the graph in the database is incomplete" in first.stderr
        assert "run the same command again" in first.stderr and "Traceback" not in first.output
        assert _run(settings, f"MATCH (l:{LOCK_LABEL}) RETURN count(l) AS c") == [{"c": 0}]
        again = runner.invoke(main, ["load"])
        assert again.exit_code == 0, again.output
    finally:
        proxy.close()
    driver = connect(settings)
    assert read_graph(driver, settings.database) == to_property_graph(plan_graph)
    driver.close()
