"""`kg serve`: a local Bolt server with the plan loaded, until Ctrl-C."""

import os
import signal
import subprocess
import sys
import time

from kg.cli import main
from loaders.bolt_server import free_port

from .conftest import BOLT_PASSWORD


def test_serve_loads_the_plan_and_stops_on_ctrl_c(runner, tmp_path, plan_model):
    port = free_port()
    env = {**os.environ, "NEO4J_PASSWORD": BOLT_PASSWORD}
    process = subprocess.Popen(
        [sys.executable, "-m", "kg", "serve", "--port", str(port), "--root", str(tmp_path / "db")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=tmp_path,
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
        assert lines[1] == f"Serving {uri} (user root, database plan); press Ctrl-C to stop.\n"
        output = "".join(lines)
        assert BOLT_PASSWORD not in output

        query = "MATCH (n:Resource {id: 'cell-valley'})-[:RELIES_ON]->(z) RETURN z.name_zh AS zone ORDER BY zone"
        result = runner.invoke(
            main,
            ["cypher", query, "--format", "csv"],
            env={"NEO4J_URI": uri, "NEO4J_USERNAME": "root", "NEO4J_PASSWORD": BOLT_PASSWORD, "NEO4J_DATABASE": "plan"},
        )
        assert result.exit_code == 0, result.output
        assert result.output.splitlines() == ["zone", "天津经济技术开发区", "滨海高新区"]
    finally:
        process.send_signal(signal.SIGINT)
        try:
            _, said = process.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            # Do not leave it running into the next tests; say what it printed.
            process.kill()
            _, said = process.communicate()
            raise AssertionError(f"kg serve did not stop within 60 s of Ctrl-C; it said:\n{said}") from None
    assert process.returncode == 0, said
    # Nothing is written into the working directory; the server's files stay under --root.
    assert sorted(p.name for p in tmp_path.iterdir()) == ["db"]


def test_serve_needs_a_long_enough_password(runner):
    result = runner.invoke(main, ["serve", "--password", "short"])
    assert result.exit_code == 1
    assert "the server password must have at least 8 characters" in result.stderr
