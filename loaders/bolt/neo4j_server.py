"""A real Neo4j (Community Edition, GPLv3) as the local Bolt server: its jars fetched from Maven
Central with Maven into the user's cache, started by a one-file Java launcher in its own process.

Nothing of Neo4j is kept in the project: ``neo4j/pom.xml`` names the version, ``mvn`` fetches
the jars (213 files, about 123 MB for 5.26), and ``neo4j/Launcher.java`` starts the embedded
DBMS with a ``neo4j.conf`` written here: Bolt on loopback without TLS, HTTP off, auth on (user
``neo4j``, the password set through the environment), the database named by
``initial.dbms.default_database``, a 64 MB page cache (``KG_NEO4J_PAGECACHE``), usage reporting off.

    >>> NEO4J_VERSION
    '5.26.30'
    >>> sorted(settings_for(port=7687, database="plan"))[:3]
    ['dbms.security.auth_enabled', 'dbms.security.procedures.unrestricted', 'dbms.usage_report.enabled']

``python -m loaders.bolt.neo4j_server [--gds]`` fetches the jars and prints their folder.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from importlib.resources import as_file, files
from pathlib import Path

from kg.errors import ConnectionFailed
from kg.resources import cache_dir

from .server import LocalServer

__all__ = ["NEO4J_VERSION", "Neo4jServer", "jars_folder", "fetch_jars", "settings_for", "java"]

#: The Neo4j version of ``neo4j/pom.xml`` (5.26 LTS, the line that runs on Java 17).
NEO4J_VERSION = "5.26.30"
READY = "KG-NEO4J-READY"
_PASSWORD_VARIABLE = "KG_NEO4J_PASSWORD"


def jars_folder(*, gds: bool = False) -> Path:
    """Where the jars are (or go): ``neo4j-VERSION[-gds]/lib`` in ``$KG_JARS_DIR``, else in the user's cache."""
    base = Path(os.environ["KG_JARS_DIR"]) if os.environ.get("KG_JARS_DIR") else cache_dir()
    return base / f"neo4j-{NEO4J_VERSION}{'-gds' if gds else ''}" / "lib"


def java() -> str:
    """The ``java`` of ``$JAVA_HOME``, else the one on the PATH."""
    home = os.environ.get("JAVA_HOME")
    found = str(Path(home) / "bin" / "java") if home else shutil.which("java")
    if not found or not Path(found).exists():
        raise ConnectionFailed(
            "the Neo4j server needs Java 17 or newer, and none was found",
            hint="install a JDK (Debian: apt-get install openjdk-17-jdk-headless) or set JAVA_HOME, "
            "or use --engine arcadedb",
        )
    return found


def fetch_jars(*, gds: bool = False, quiet: bool = True) -> Path:
    """The folder of Neo4j's jars, fetched with Maven from Maven Central the first time."""
    folder = jars_folder(gds=gds)
    if (folder / ".complete").is_file():
        return folder
    mvn = shutil.which("mvn")
    if mvn is None:
        raise ConnectionFailed(
            f"Neo4j {NEO4J_VERSION}'s jars are not in {folder}, and Maven is not installed to fetch them",
            hint=f"install Maven (Debian: apt-get install maven), or put the jars of org.neo4j:neo4j {NEO4J_VERSION} "
            f"in {folder} with a file .complete beside them, or use --engine arcadedb",
        )
    staging = folder.with_name(folder.name + ".partial")
    shutil.rmtree(staging, ignore_errors=True)
    with as_file(files("loaders.bolt") / "neo4j" / "pom.xml") as pom:
        command = [mvn, "-B", "-f", str(pom), "dependency:copy-dependencies", f"-DoutputDirectory={staging}"]
        command += ["-DincludeScope=runtime", *(["-Pgds"] if gds else []), *(["-q"] if quiet else [])]
        done = subprocess.run(command, capture_output=True, text=True, errors="replace")
    if done.returncode != 0:
        tail = "\n".join((done.stdout + done.stderr).strip().splitlines()[-12:])
        raise ConnectionFailed(
            f"Maven could not fetch Neo4j {NEO4J_VERSION}'s jars:\n{tail}",
            hint="Maven needs to reach Maven Central (or a mirror in ~/.m2/settings.xml)",
        )
    (staging / ".complete").write_text(NEO4J_VERSION + "\n", encoding="utf-8")
    shutil.rmtree(folder, ignore_errors=True)
    os.replace(staging, folder)
    return folder


def settings_for(*, port: int, database: str, plugins: Path | None = None, pagecache: str = "64m") -> dict[str, str]:
    """The ``neo4j.conf`` of the local server, as settings."""
    settings = {
        "server.bolt.enabled": "true",
        "server.bolt.listen_address": f"127.0.0.1:{port}",
        "server.bolt.tls_level": "DISABLED",
        "server.http.enabled": "false",
        "server.https.enabled": "false",
        "dbms.security.auth_enabled": "true",
        "initial.dbms.default_database": database,
        "server.memory.pagecache.size": pagecache,
        "dbms.usage_report.enabled": "false",
        # Shut down in a second or two instead of waiting 10 s for idle Bolt connections.
        "internal.server.bolt.thread_pool_shutdown_wait_time": "200ms",
        "internal.server.bolt.connection_shutdown_wait_time": "200ms",
        "dbms.security.procedures.unrestricted": "gds.*,n10s.*",
    }
    if plugins is not None:
        settings["server.directories.plugins"] = str(plugins)
    return settings


class Neo4jServer(LocalServer):
    """Neo4j Community Edition on loopback: user ``neo4j``, the database ``database`` the default one.

    ``heap`` is the JVM's ``-Xmx`` (``KG_NEO4J_HEAP``, default 1g), ``pagecache`` the page cache that
    holds the store's files in memory (``KG_NEO4J_PAGECACHE``, default 64m: enough for the plan and
    the tests; a graph of a million entities wants a few GB); ``gds`` also loads the open
    Graph Data Science procedures (``gds.*``); ``plugins`` are more procedure jars (the benchmark's n10s).
    """

    engine = "neo4j"
    username = "neo4j"
    ready_marker = READY

    def __init__(
        self,
        *,
        heap: str | None = None,
        pagecache: str | None = None,
        gds: bool = False,
        plugins: tuple[Path, ...] = (),
        **options,
    ):
        super().__init__(**options)
        self.heap = heap or os.environ.get("KG_NEO4J_HEAP", "1g")
        self.pagecache = pagecache or os.environ.get("KG_NEO4J_PAGECACHE", "64m")
        self.gds = gds
        self.extra_plugins = tuple(plugins)

    def _plugins(self, lib: Path) -> Path:
        """A plugins folder with the GDS jars alone, if asked for, and the other plugins (Neo4j finds
        procedures there; its own jars, already on the class path, would clash if loaded twice)."""
        plain = {jar.name for jar in fetch_jars().glob("*.jar")}
        folder = self.root / "plugins"
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        jars = [jar for jar in sorted(lib.glob("*.jar")) if jar.name not in plain] if self.gds else []
        for jar in [*jars, *self.extra_plugins]:
            (folder / jar.name).symlink_to(Path(jar).resolve())
        return folder

    def _command(self) -> tuple[list[str], dict[str, str]]:
        runtime = java()
        lib = fetch_jars(gds=self.gds)
        conf = self.root / "conf" / "neo4j.conf"
        conf.parent.mkdir(parents=True, exist_ok=True)
        plugins = self._plugins(lib) if self.gds or self.extra_plugins else None
        settings = settings_for(port=self.port, database=self.database, plugins=plugins, pagecache=self.pagecache)
        conf.write_text("".join(f"{key}={value}\n" for key, value in settings.items()), encoding="utf-8")
        launcher = files("loaders.bolt") / "neo4j" / "Launcher.java"
        if not isinstance(launcher, Path):  # a zipped install: the source launcher needs a real file
            launcher_path = self.root / "Launcher.java"
            launcher_path.write_text(launcher.read_text(encoding="utf-8"), encoding="utf-8")
            launcher = launcher_path
        command = [runtime, f"-Xmx{self.heap}", "-XX:+UseG1GC", "-cp", f"{lib}{os.sep}*", str(launcher), str(self.root)]
        return command, {_PASSWORD_VARIABLE: self.password}


def main(argv: list[str] | None = None) -> None:
    gds = "--gds" in (argv if argv is not None else sys.argv[1:])
    print(fetch_jars(gds=gds, quiet=False))


if __name__ == "__main__":
    main()
