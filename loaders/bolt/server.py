"""Local Bolt servers, for users without a graph database and for the tests: a real Neo4j
(Community Edition, its jars fetched with Maven, :mod:`loaders.bolt.neo4j_server`) or ArcadeDB's
Bolt plugin (the pip-only fallback, here).

Each server runs in a process of its own (JPype allows one JVM per process, and the server should
not share the client's GIL), bound to loopback, with its files under one root folder, and stops
when its standard input closes. The password is given through the environment, never on the
command line, where other users could read it.

    with local_server("arcadedb", password="s3cret-pass") as server:
        print(server.uri, server.username)  # bolt://127.0.0.1:PORT root

``python -m loaders.bolt.server --root DIR --port PORT --database NAME`` is the ArcadeDB server
process itself; it reads the password from ``BOLT_SERVER_PASSWORD``.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from abc import ABC, abstractmethod
from pathlib import Path

from kg.errors import ConnectionFailed, KGError

__all__ = ["ENGINES", "LocalServer", "ArcadeDBServer", "local_server", "free_port", "serve"]

READY = "BOLT-SERVER-READY"
_PASSWORD_VARIABLE = "BOLT_SERVER_PASSWORD"
#: The local servers ``kg serve --engine`` and the tests can start, the default first.
ENGINES = ("neo4j", "arcadedb")


def free_port() -> int:
    """A TCP port on loopback that nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LocalServer(ABC):
    """A Bolt server in a child process on loopback; stop it on exit.

    Subclasses say how to start it (:meth:`_command`) and which line it prints when ready.
    """

    engine = ""
    username = ""
    ready_marker = ""

    def __init__(
        self,
        *,
        password: str,
        port: int | None = None,
        database: str = "plan",
        root: str | Path | None = None,
        startup_timeout: float = 300.0,
    ):
        if len(password) < 8:
            raise ConnectionFailed(
                "the server password must have at least 8 characters", hint="choose a longer --password"
            )
        self.password = password
        self.port = port or free_port()
        self.database = database
        self._own_root = root is None
        self.root = Path(root) if root else Path(tempfile.mkdtemp(prefix=f"kg-{self.engine}-"))
        self.startup_timeout = startup_timeout
        self.process: subprocess.Popen | None = None
        self._log: list[str] = []

    @property
    def uri(self) -> str:
        return f"bolt://127.0.0.1:{self.port}"

    @abstractmethod
    def _command(self) -> tuple[list[str], dict[str, str]]:
        """The command that starts the server, and the environment variables it needs besides ours."""

    def start(self) -> LocalServer:
        self.root.mkdir(parents=True, exist_ok=True)
        command, env = self._command()
        self.process = subprocess.Popen(
            command,
            cwd=self.root,  # ArcadeDB writes its log folder into the working directory
            env={**os.environ, **env},
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            encoding="utf-8",
            errors="replace",
        )
        ready = threading.Event()
        threading.Thread(target=self._read_output, args=(ready,), daemon=True).start()
        deadline = time.monotonic() + self.startup_timeout
        while not ready.wait(0.2):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                tail = "\n".join(self._log[-15:])
                raise ConnectionFailed(f"the {self.engine} server did not start on port {self.port}:\n{tail}")
        return self

    def _read_output(self, ready: threading.Event) -> None:
        with contextlib.suppress(ValueError, OSError):  # the pipe is closed when the server is stopped
            for line in self.process.stdout:
                self._log.append(line.rstrip())
                del self._log[:-200]
                if self.ready_marker in line:
                    ready.set()

    def stop(self) -> None:
        """Stop the server and wait for its process; remove a root folder it made itself."""
        if self.process is not None and self.process.poll() is None:
            try:
                self.process.stdin.close()
                self.process.wait(timeout=30)
            except (subprocess.TimeoutExpired, OSError):
                self.process.kill()
                self.process.wait()
        self._close_pipes()
        self.process = None
        if self._own_root:
            shutil.rmtree(self.root, ignore_errors=True)

    def kill(self) -> None:
        """Stop the server abruptly (as a crash would)."""
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self._close_pipes()

    def _close_pipes(self) -> None:
        if self.process is not None:
            for pipe in (self.process.stdin, self.process.stdout):
                if pipe is not None and not pipe.closed:
                    with contextlib.suppress(OSError):
                        pipe.close()

    def __enter__(self) -> LocalServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


class ArcadeDBServer(LocalServer):
    """ArcadeDB with its Bolt plugin (the ``arcadedb-embedded`` wheel, with its own JRE): user ``root``.
    It creates the database it is asked for, since ArcadeDB creates none by itself."""

    engine = "arcadedb"
    username = "root"
    ready_marker = READY

    def _command(self) -> tuple[list[str], dict[str, str]]:
        import importlib.util

        if importlib.util.find_spec("arcadedb_embedded") is None:
            raise ConnectionFailed(
                "the ArcadeDB Bolt server needs the arcadedb-embedded package",
                hint="install it with: pip install 'tj-sti-plan-kg[server]', or use --engine neo4j",
            )
        command = [sys.executable, "-m", "loaders.bolt.server", "--root", str(self.root), "--port", str(self.port)]
        self.http = f"http://127.0.0.1:{free_port()}"  # ArcadeDB's own HTTP API (Studio, REST): it cannot be turned off
        command += ["--http-port", self.http.rsplit(":", 1)[1], "--database", self.database]
        return command, {_PASSWORD_VARIABLE: self.password, "PYTHONPATH": _import_path()}


def local_server(engine: str, **options) -> LocalServer:
    """A local server of this engine (``neo4j`` or ``arcadedb``), not yet started."""
    if engine == "neo4j":
        from .neo4j_server import Neo4jServer

        return Neo4jServer(**options)
    if engine == "arcadedb":
        if options.pop("gds", False):
            raise KGError("the Graph Data Science procedures run in Neo4j only", hint="use --engine neo4j")
        return ArcadeDBServer(**options)
    raise KGError(f"unknown server engine '{engine}'", hint=f"use one of {', '.join(ENGINES)}")


def serve(
    pg,
    *,
    password: str,
    engine: str = "neo4j",
    port: int = 7687,
    database: str = "plan",
    root=None,
    gds: bool = False,
    on_ready=None,
) -> None:
    """Start a local Bolt server of this ``engine`` (Neo4j with the Graph Data Science procedures if ``gds``), load the property graph ``pg``, and serve it until Ctrl-C or SIGTERM.

    ``on_ready(info)`` is called once the graph is loaded, with the server's ``uri``,
    ``username`` and ``database`` and the ``nodes`` and ``relationships`` it holds.
    Returns on Ctrl-C or SIGTERM, having stopped the server; an error if the server stops on its own.
    """
    import signal

    from .connect import Settings
    from .load import load

    # Stop the server process on Ctrl-C and on SIGTERM (a service manager, `kill`), even when started
    # from a script whose shell ignores SIGINT in background jobs: never leave the server running.
    for stop_signal in (signal.SIGINT, signal.SIGTERM):
        signal.signal(stop_signal, signal.default_int_handler)
    options = {"gds": True} if gds else {}
    server = local_server(engine, password=password, port=port, database=database, root=root, **options)
    with server:
        summary = load(pg, Settings(uri=server.uri, username=server.username, password=password, database=database))
        if on_ready is not None:
            on_ready(
                {
                    "uri": server.uri,
                    "engine": server.engine,
                    "username": server.username,
                    "database": database,
                    "http": getattr(server, "http", None),
                    "nodes": sum(summary[f"nodes_{k}"] for k in ("created", "updated", "unchanged")),
                    "relationships": sum(summary[f"relationships_{k}"] for k in ("created", "updated", "unchanged")),
                }
            )
        try:
            while server.process is not None and server.process.poll() is None:
                time.sleep(0.5)
        except KeyboardInterrupt:
            return
    raise KGError(f"the {engine} server stopped unexpectedly")


def _import_path() -> str:
    """Let the child import this project from wherever the parent does."""
    here = str(Path(__file__).resolve().parent.parent)
    return os.pathsep.join([here, *filter(None, [os.environ.get("PYTHONPATH")])])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="ArcadeDB with its Bolt plugin, on loopback")
    parser.add_argument("--root", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--http-port", type=int, required=True)
    parser.add_argument("--database", default="plan")
    args = parser.parse_args(argv)
    password = os.environ.pop(_PASSWORD_VARIABLE, None)
    if not password:
        sys.exit(f"set {_PASSWORD_VARIABLE}")

    import arcadedb_embedded

    server = arcadedb_embedded.create_server(
        root_path=str(Path(args.root) / "databases"),
        root_password=password,
        config={
            "host": "127.0.0.1",
            "http_port": args.http_port,
            "server_plugins": "Bolt:com.arcadedb.bolt.BoltProtocolPlugin",
            "bolt_port": args.port,
        },
    )
    server.start()
    try:
        if not arcadedb_embedded.database_exists(str(Path(args.root) / "databases" / args.database)):
            server.create_database(args.database)
        else:
            server.get_database(args.database)
        print(READY, flush=True)
        sys.stdin.read()  # until the parent closes our standard input
    finally:
        server.stop()


if __name__ == "__main__":
    main()
