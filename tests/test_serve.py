"""`kg serve`: a local Bolt server with the plan loaded, until Ctrl-C."""

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from kg.cli import main
from loaders.bolt.server import free_port, local_server
from tests.conftest import BOLT_PASSWORD


def _ignoring_sigint():
    """As a non-interactive shell starts a background job: SIGINT ignored, inherited across exec."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


@pytest.mark.parametrize(
    ("stop", "start_as"),
    [(signal.SIGINT, None), (signal.SIGTERM, None), (signal.SIGINT, _ignoring_sigint)],
    ids=["ctrl-c", "sigterm", "ctrl-c-in-a-background-job"],
)
def test_serve_loads_the_plan_and_stops_on_a_signal(runner, tmp_path, plan_model, stop, start_as, server_engine):
    port = free_port()
    env = {**os.environ, "NEO4J_PASSWORD": BOLT_PASSWORD}
    user = local_server(server_engine, password=BOLT_PASSWORD).username
    command = ["serve", "--engine", server_engine, "--port", str(port), "--root", str(tmp_path / "db")]
    process = subprocess.Popen(
        [sys.executable, "-m", "kg", *command],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=tmp_path,
        preexec_fn=start_as,  # noqa: PLW1509 - only sets a signal disposition
    )
    try:
        lines = []
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            assert line, process.stderr.read()
            lines.append(line)
            if line.startswith("Serving"):
                break
        uri = f"bolt://127.0.0.1:{port}"
        assert lines[0] == f"Loaded {len(plan_model.entities)} nodes and {len(plan_model.links)} relationships.\n"
        assert lines[1] == f"Serving {uri} (user {user}, database plan); press Ctrl-C to stop.\n"
        lines.append(process.stdout.readline())  # the export line
        if server_engine == "arcadedb":  # its HTTP API cannot be turned off: said, and where
            lines.append(process.stdout.readline())
            http = re.search(r"ArcadeDB also answers on (http://127\.0\.0\.1:\d+) ", lines[-1])
            assert http and "not read-only" in lines[-1], lines[-1]
            with urllib.request.urlopen(http[1] + "/api/v1/ready", timeout=10) as ready:
                assert ready.status in (200, 204)
        output = "".join(lines)
        assert BOLT_PASSWORD not in output

        query = "MATCH (n:Resource {id: 'cell-valley'})-[:RELIES_ON]->(z) RETURN z.name_zh AS zone ORDER BY zone"
        result = runner.invoke(
            main,
            ["cypher", query, "--format", "csv"],
            env={"NEO4J_URI": uri, "NEO4J_USERNAME": user, "NEO4J_PASSWORD": BOLT_PASSWORD, "NEO4J_DATABASE": "plan"},
        )
        assert result.exit_code == 0, result.output
        assert result.output.splitlines() == ["zone", "天津经济技术开发区", "滨海高新区"]
    finally:
        process.send_signal(stop)
        try:
            _, said = process.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            # Do not leave it running into the next tests; say what it printed.
            process.kill()
            _, said = process.communicate()
            raise AssertionError(f"kg serve did not stop within 60 s of {stop.name}; it said:\n{said}") from None
    assert process.returncode == 0, said
    assert said.endswith("Stopping.\n")
    # The server process went with it: nothing listens on the port any more.
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", port), timeout=5).close()
    # Nothing is written into the working directory; the server's files stay under --root.
    assert sorted(p.name for p in tmp_path.iterdir()) == ["db"]


def test_serve_of_a_bolt_server_needs_a_password(runner, monkeypatch):
    monkeypatch.delenv("NEO4J_PASSWORD", raising=False)
    result = runner.invoke(main, ["serve", "--engine", "neo4j"])
    assert result.exit_code == 2
    assert "a Bolt server needs --password (or NEO4J_PASSWORD)" in result.stderr


def test_serve_needs_a_long_enough_password(runner):
    result = runner.invoke(main, ["serve", "--password", "short"])
    assert result.exit_code == 1
    assert "the server password must have at least 8 characters" in result.stderr


def test_serve_without_java_says_what_to_install(runner, monkeypatch, tmp_path):
    monkeypatch.setenv("JAVA_HOME", str(tmp_path / "no-jdk"))
    result = runner.invoke(main, ["serve", "--password", BOLT_PASSWORD, "--root", str(tmp_path / "db")])
    assert result.exit_code == 1
    assert "needs Java 17 or newer" in result.stderr and "--engine arcadedb" in result.stderr
    assert "Traceback" not in result.stderr


def test_serve_refuses_gds_on_arcadedb(runner, tmp_path):
    result = runner.invoke(main, ["serve", "--engine", "arcadedb", "--gds", "--password", BOLT_PASSWORD])
    assert result.exit_code == 1
    assert "run in Neo4j only" in result.stderr
