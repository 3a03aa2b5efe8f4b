"""Limits and the console: a runaway query ends at its timeout and frees the machine, Ctrl-C exits 130,
output never crashes on a console that cannot show a character, and a query never waits unannounced."""

import os
import pty
import select
import signal
import subprocess
import sys
import time

import pytest
from click.testing import CliRunner

from kg.cli import main

CROSS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def kg(*args, env=None, **kwargs) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "kg", *args],
        env={**os.environ, **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        **kwargs,
    )


def children(pid: int) -> list[int]:
    """The processes whose parent is ``pid``."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as handle:
                    fields = handle.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry))
    return found


def test_a_runaway_sparql_query_ends_at_its_timeout():
    started = time.monotonic()
    process = kg("sparql", CROSS, "--timeout", "2")
    out, err = process.communicate(timeout=60)
    elapsed = time.monotonic() - started
    assert process.returncode == 1, err
    assert "Error: query: the query did not finish within 2 s and was stopped" in err.decode()
    assert elapsed < 2 + 15  # the process start and the lists' check, then the two seconds


def test_the_catalogue_takes_a_timeout_too(tmp_path):
    result = CliRunner().invoke(main, ["query", "relies-on", "--timeout", "30", "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0].startswith("entity")


def test_a_timeout_must_be_positive():
    result = CliRunner().invoke(main, ["sparql", "ASK {}", "--timeout", "0"])
    assert result.exit_code == 2
    assert "0 is not in the range x>=0.1" in result.output


def test_ctrl_c_stops_a_running_query_exits_130_and_leaves_no_process():
    process = kg("sparql", CROSS, "--timeout", "600", start_new_session=True)
    deadline = time.monotonic() + 60
    while not children(process.pid) and time.monotonic() < deadline:  # the query runs in a child
        time.sleep(0.2)
    worker = children(process.pid)
    assert worker, "the query never started"
    os.killpg(process.pid, signal.SIGINT)  # as a terminal's Ctrl-C: the whole foreground group
    out, err = process.communicate(timeout=30)
    assert process.returncode == 130, err
    assert err.decode().strip().endswith("Interrupted.")
    time.sleep(0.5)
    assert not [pid for pid in worker if os.path.exists(f"/proc/{pid}")]


@pytest.mark.parametrize("encoding", ["gbk", "latin-1"])
@pytest.mark.parametrize(
    "args",
    [["kinds"], ["locate", "国家超级计算天津中心"], ["query", "provenance"]],
    ids=["kinds", "locate", "provenance"],
)
def test_output_never_crashes_on_the_console_encoding(encoding, args):
    process = kg(*args, env={"PYTHONIOENCODING": encoding})
    out, err = process.communicate(timeout=120)
    assert process.returncode == 0, err.decode(encoding, "replace")
    text = out.decode(encoding)
    assert "›" in text or "\\u203a" in text  # shown, or escaped where the console cannot show it


def test_viz_under_a_latin1_console_writes_the_page_and_says_so(tmp_path):
    page = tmp_path / "view.html"
    process = kg("viz", "--focus", "超算天津中心", "-o", str(page), env={"PYTHONIOENCODING": "latin-1"})
    out, err = process.communicate(timeout=120)
    assert process.returncode == 0, err
    assert page.stat().st_size > 0
    assert str(page) in out.decode("latin-1")


def test_a_query_from_a_gbk_file(tmp_path):
    query = tmp_path / "query.rq"
    query.write_bytes('SELECT ?e WHERE { ?e <http://www.w3.org/2000/01/rdf-schema#label> "滨海新区"@zh }'.encode("gbk"))
    result = CliRunner().invoke(main, ["sparql", "-f", str(query), "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == ["e", "https://w3id.org/tj-sti-plan/id/binhai-new-area"]


def test_a_query_file_in_no_known_encoding_is_refused(tmp_path):
    query = tmp_path / "query.rq"
    query.write_bytes(b"SELECT * WHERE { ?s ?p \xe9\xff }")
    result = CliRunner().invoke(main, ["sparql", "-f", str(query)])
    assert result.exit_code == 1
    assert f"{query}:1:0: neither UTF-8 nor GB18030/GBK" in result.output


@pytest.mark.parametrize("command", ["sparql", "cypher"])
def test_no_query_on_a_terminal_says_so_instead_of_waiting(command):
    pid, terminal = pty.fork()
    if pid == 0:  # the child: kg on a terminal
        os.execv(sys.executable, [sys.executable, "-m", "kg", command])
    output = b""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        ready, _, _ = select.select([terminal], [], [], 1)
        if ready:
            try:
                chunk = os.read(terminal, 4096)
            except OSError:
                break
            if not chunk:
                break
            output += chunk
    done, status = os.waitpid(pid, os.WNOHANG)
    if not done:
        os.kill(pid, signal.SIGKILL)  # it waited: fail below, without hanging the tests
        _, status = os.waitpid(pid, 0)
    os.close(terminal)
    assert os.WEXITSTATUS(status) == 2, output
    assert b"no query: give it as TEXT, with --file FILE, or on standard input (a pipe)" in output
