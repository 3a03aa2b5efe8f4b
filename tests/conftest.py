"""Shared fixtures: a workspace copy of the shipped lists, a CLI runner, the built plan graph."""

from __future__ import annotations

import csv
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.resources import cache_dir, resource
from kg.vocab.schema import ENTITY_COLUMNS, LINK_COLUMNS
from loaders.bolt.server import ENGINES, local_server

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def own_cache(tmp_path_factory, monkeypatch):
    """Each test keeps the load snapshots it makes to itself (never in the user's cache)."""
    monkeypatch.setenv("KG_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """A folder holding copies of the shipped entities.csv and links.csv."""
    folder = tmp_path / "lists"
    folder.mkdir()
    for name in ("entities.csv", "links.csv"):
        with resource("data", name).open("rb") as source, open(folder / name, "wb") as out:
            shutil.copyfileobj(source, out)
    return folder


@pytest.fixture(scope="session")
def plan_model():
    from kg.lists.checks import check
    from loaders.csv_lists import read_workspace

    return check(read_workspace())


@pytest.fixture(scope="session")
def plan_graph(plan_model):
    from kg.rdf.build import build_graph

    return build_graph(plan_model)


def shipped_counts() -> tuple[int, int]:
    """How many entities and links the shipped lists hold (tests count from them, not from a constant)."""
    return tuple(len(read_rows(Path(str(resource("data", name))))) for name in ("entities.csv", "links.csv"))


def read_rows(path: Path) -> list[dict]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def write_rows(path: Path, rows: list[dict], columns=None) -> None:
    columns = columns or list(ENTITY_COLUMNS if path.name == "entities.csv" else LINK_COLUMNS)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)


# Real Bolt servers, each started once for the session: Neo4j Community and ArcadeDB -------

BOLT_PASSWORD = "kg-test-password"
# Neo4j's jars live in the user's cache (scripts/test fetches them), not in each test's own cache.
os.environ.setdefault("KG_JARS_DIR", str(cache_dir()))


@pytest.fixture(scope="session", params=ENGINES)
def bolt_server(request):
    """A server of each engine; every test that talks Bolt through it runs against both."""
    with local_server(request.param, password=BOLT_PASSWORD) as server:
        yield server


@pytest.fixture(params=ENGINES)
def server_engine(request) -> str:
    """Each engine, for the tests that start (and stop, and kill) servers of their own."""
    return request.param


@pytest.fixture
def neo4j_env(bolt_server, monkeypatch):
    """An empty database on the session's server, named by Neo4j's environment variables."""
    from loaders.bolt.connect import Settings, connect

    env = {
        "NEO4J_URI": bolt_server.uri,
        "NEO4J_USERNAME": bolt_server.username,
        "NEO4J_PASSWORD": BOLT_PASSWORD,
        "NEO4J_DATABASE": bolt_server.database,
    }
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    settings = Settings.from_env()
    driver = connect(settings)
    with driver.session(database=settings.database) as session:
        session.execute_write(lambda tx: tx.run("MATCH (n) DETACH DELETE n").consume())
    driver.close()
    return env


@pytest.fixture
def settings(neo4j_env):
    from loaders.bolt.connect import Settings

    return Settings.from_env()


def lose_connection_after(monkeypatch, statements: int) -> None:
    """Make every write statement of a load after the first ``statements`` fail as a lost connection would."""
    from neo4j.exceptions import ServiceUnavailable

    import loaders.bolt.write as neo4j_io

    real, sent = neo4j_io._write, []

    def failing(tx, query, rows):
        sent.append(query)
        if len(sent) > statements:
            raise ServiceUnavailable("connection lost")
        real(tx, query, rows)

    monkeypatch.setattr(neo4j_io, "_write", failing)


def count_in_db(settings) -> tuple[int, int]:
    """Plan nodes and the relationships between them (not the summary node a load keeps)."""
    from loaders.bolt.connect import connect

    driver = connect(settings)
    with driver.session(database=settings.database) as session:
        nodes = session.run("MATCH (n:Resource) RETURN count(n) AS c").single()["c"]
        rels = session.run("MATCH (:Resource)-[r]->(:Resource) RETURN count(r) AS c").single()["c"]
    driver.close()
    return nodes, rels


# A real browser: Debian's chromium, headless, with networking off ----------------------

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
    "--no-proxy-server",
]


@pytest.fixture(scope="session")
def browser():
    import os
    import shutil

    from playwright.sync_api import sync_playwright

    executable = os.environ.get("KG_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    assert executable, "Debian's chromium is needed for the browser tests: apt-get install chromium"
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


class OpenedPage:
    """A page opened from file://, with what it logged and requested."""

    def __init__(self, browser, path):
        self.context = browser.new_context(viewport={"width": 1600, "height": 1000}, offline=True)
        self.page = self.context.new_page()
        self.console: list[tuple[str, str]] = []
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("console", lambda m: self.console.append((m.type, m.text)))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.url = Path(path).resolve().as_uri()
        self.page.goto(self.url)
        self.page.wait_for_selector("body[data-ready=true]", timeout=20000)

    def close(self):
        self.context.close()


@pytest.fixture
def open_page(browser):
    opened = []

    def opener(path) -> OpenedPage:
        page = OpenedPage(browser, path)
        opened.append(page)
        return page

    yield opener
    for page in opened:
        page.close()
