"""Benchmark harness: one command measures the pipeline and writes BENCHMARKS.md.

    python bench/run.py --sizes 1000,10000,42000,100000,1000000 --runs 3

Each workspace is the plan's own lists plus N synthetic entities (`kg synth`),
so that the catalogue queries' default parameters exist at every size. Every
figure is the median of --runs runs with its spread (min–max). The Bolt
server (--engine: Neo4j Community, or ArcadeDB's plugin; `loaders.bolt.server`)
runs on loopback, in a process of its own; every load and every raw ceiling
gets a new server with an empty database, so that one run does not leave the
next a database already grown.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kg.vocab.schema import ENTITY_COLUMNS, LINK_COLUMNS  # noqa: E402
from loaders.csv_lists import read_workspace  # noqa: E402
from loaders.workspace import csv_bytes  # noqa: E402

PASSWORD = "bench-password"
BATCH = 1000
#: The server measured (--engine), and what the report calls it.
ENGINE = {"name": "neo4j"}
SERVER_NAMES = {
    "neo4j": "Neo4j Community 5.26.30 (embedded DBMS from Maven Central, 4 GB heap, 2 GB page cache)",
    "arcadedb": "ArcadeDB's Bolt plugin",
}


def run(args: list[str], env: dict | None = None) -> tuple[float, int, subprocess.CompletedProcess]:
    """Wall time (s) and peak RSS (KB) of a child process; its CPU seconds in ``.cpu`` of the result.

    The peak is the child's own ``VmHWM``, polled from /proc: ``ru_maxrss`` would
    count the harness's memory too, which a forked child holds until it execs.
    """
    start = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        process = subprocess.Popen(args, stdout=out, stderr=err, env={**os.environ, **(env or {})}, cwd=ROOT)
        peak = 0
        status, proc = 0, Path(f"/proc/{process.pid}/status")
        while True:
            try:
                for line in proc.read_text().splitlines():
                    if line.startswith("VmHWM:"):
                        peak = max(peak, int(line.split()[1]))
            except (OSError, ValueError):
                pass
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            time.sleep(0.05)
        elapsed = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        done = subprocess.CompletedProcess(args, process.returncode, out.read().decode(), err.read().decode())
        done.cpu = usage.ru_utime + usage.ru_stime
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed: {done.stderr[-2000:]}")
    return elapsed, peak, done


def stats(values: list[float]) -> dict:
    return {"median": statistics.median(values), "min": min(values), "max": max(values), "runs": len(values)}


def fmt(s: dict, unit: str = "s", digits: int = 2) -> str:
    return f"{s['median']:.{digits}f} {unit} ({s['min']:.{digits}f}–{s['max']:.{digits}f})"


def workspace(n: int, folder: Path) -> Path:
    """The plan's lists plus n synthetic entities."""
    from kg.lists.synth import synthesize

    plan = read_workspace()
    entities, links = synthesize(n) if n else ([], [])
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "entities.csv").write_bytes(csv_bytes([r.values for r in plan.entities] + entities, ENTITY_COLUMNS))
    (folder / "links.csv").write_bytes(csv_bytes([r.values for r in plan.links] + links, LINK_COLUMNS))
    return folder


def kg(*args: str) -> list[str]:
    return [sys.executable, "-m", "kg", *args]


PASSWORD_ENV = "NEO4J_PASSWORD"
#: Neo4j's page cache in the benchmark: big enough for the store of a million entities.
PAGECACHE = "2g"
#: Seconds from starting a server to its ready line, every time one is started.
STARTS: list[float] = []


@contextmanager
def fresh_server():
    """A new Bolt server with an empty database: ``(server, settings, env for kg)``."""
    from loaders.bolt.connect import Settings
    from loaders.bolt.server import local_server

    options = {"heap": "4g", "pagecache": PAGECACHE} if ENGINE["name"] == "neo4j" else {}
    started = time.perf_counter()
    with local_server(ENGINE["name"], password=PASSWORD, **options) as server:
        STARTS.append(time.perf_counter() - started)
        settings = Settings(uri=server.uri, username=server.username, password=PASSWORD, database=server.database)
        env = {
            "NEO4J_URI": server.uri,
            "NEO4J_USERNAME": server.username,
            PASSWORD_ENV: PASSWORD,
            "NEO4J_DATABASE": server.database,
            "KG_CACHE_DIR": tempfile.mkdtemp(prefix="kg-bench-cache-"),
        }
        try:
            yield server, settings, env
        finally:
            shutil.rmtree(env["KG_CACHE_DIR"], ignore_errors=True)


def cpu_seconds(pid: int) -> float:
    """User and system CPU seconds a process has used (the server: its JVM runs inside it)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def drop_indexes(settings) -> None:
    """Drop the indexes ``kg load`` makes, keeping the uniqueness constraint."""
    from loaders.bolt.connect import connect

    driver = connect(settings)
    with driver.session(database=settings.database) as session:
        names = [
            r["name"]
            for r in session.run(
                "SHOW INDEXES YIELD name, owningConstraint WHERE owningConstraint IS NULL AND name STARTS WITH 'resource_' RETURN name"
            )
        ]
        for name in names:
            session.run(f"DROP INDEX `{name}`").consume()
    driver.close()


def clear(settings) -> None:
    from loaders.bolt.connect import connect

    driver = connect(settings)
    with driver.session(database=settings.database) as session:
        while session.execute_write(
            lambda tx: tx.run("MATCH (n) WITH n LIMIT 20000 DETACH DELETE n RETURN count(*) AS c").single()["c"]
        ):
            pass
    driver.close()


def raw_ceiling(pg, settings) -> float:
    """Plain UNWIND … CREATE of the same rows with the same batch size and the same statements as
    ``kg load``'s writer (no reading, checking, diff or summary): nodes, then relationships between
    them found by the element ids their CREATE returned."""
    from loaders.bolt.connect import connect
    from loaders.bolt.write import CONSTRAINT, create_nodes_query, create_rels_queries, dynamic_types, node_row

    driver = connect(settings)
    start = time.perf_counter()
    ids: dict[str, str] = {}
    dynamic = dynamic_types(driver)
    with driver.session(database=settings.database) as session:
        session.run(CONSTRAINT).consume()
        groups: dict = {}
        for node in pg.nodes.values():
            groups.setdefault(node.labels, []).append(node_row(node.props))
        for labels, rows in groups.items():
            query, params = create_nodes_query(labels, dynamic)
            for i in range(0, len(rows), BATCH):
                for record in session.execute_write(_write_returning, query, rows[i : i + BATCH], params):
                    ids[record[0]] = record[1]
        by_type: dict = {}
        for rel in pg.rels.values():
            by_type.setdefault(rel.type, []).append({"a": ids[rel.start], "b": ids[rel.end], "props": rel.props})
        for name, rows in by_type.items():
            query, _, params = create_rels_queries(name, dynamic)
            for i in range(0, len(rows), BATCH):
                session.execute_write(_write_returning, query, rows[i : i + BATCH], params)
    elapsed = time.perf_counter() - start
    driver.close()
    return elapsed


def _write_returning(tx, query, rows, params):
    return [tuple(record.values()) for record in tx.run(query, params, rows=rows)]


def load_figures(ws: Path, pg, runs: int) -> dict:
    """`kg load --data DIR` as a user runs it, and the raw ceiling, each on a new server, ``runs`` times;
    with the CPU seconds of the client and of the server (2 cores: they share them)."""
    loads, ceilings = [], []
    for _ in range(runs):
        with fresh_server() as (server, _, env):
            before = cpu_seconds(server.process.pid)
            seconds, peak, done = run(kg("load", "--data", str(ws), "--format", "json"), env=env)
            loads.append(
                {"seconds": seconds, "client_cpu": done.cpu, "server_cpu": cpu_seconds(server.process.pid) - before}
            )
        with fresh_server() as (server, settings, _):
            before, client = cpu_seconds(server.process.pid), resource.getrusage(resource.RUSAGE_SELF)
            seconds = raw_ceiling(pg, settings)
            after = resource.getrusage(resource.RUSAGE_SELF)
            ceilings.append(
                {
                    "seconds": seconds,
                    "client_cpu": after.ru_utime + after.ru_stime - client.ru_utime - client.ru_stime,
                    "server_cpu": cpu_seconds(server.process.pid) - before,
                }
            )
    figure = {"load": stats([x["seconds"] for x in loads]), "ceiling": stats([x["seconds"] for x in ceilings])}
    for name, values in (("load", loads), ("ceiling", ceilings)):
        figure[f"{name}_client_cpu"] = statistics.median(x["client_cpu"] for x in values)
        figure[f"{name}_server_cpu"] = statistics.median(x["server_cpu"] for x in values)
    return figure


def changed_entities(ws: Path) -> tuple[bytes, int]:
    """entities.csv of the workspace with 1 % of the entities renamed (every 100th row), and how many."""
    rows = [r.values for r in read_workspace(ws).entities]
    for row in rows[::100]:
        row["name_en"] = row["name_en"] + " (renamed)"
    return csv_bytes(rows, ENTITY_COLUMNS), len(rows[::100])


def percentiles(values: list[float]) -> tuple[float, float]:
    ordered = sorted(values)
    p50 = statistics.median(ordered)
    p95 = ordered[min(len(ordered) - 1, math.ceil(0.95 * len(ordered)) - 1)]
    return p50, p95


def _latencies(runner, lookup, engine: str, repeats: int, narrow=None, *, listings: bool = True) -> list[dict]:
    """p50/p95 (ms) and rows of every catalogue query with its default parameters: ``repeats``
    runs, fewer for slow queries (one run over 20 s, or three once they add up to a minute).
    A question's time includes narrowing it through the engine's name index (search).
    Without ``listings``, the listings are not run (at a million entities they list millions of rows)."""
    from kg.query.catalogue import catalogue, prepare

    out = []
    for query in catalogue().values():
        if query.listing and not listings:
            out.append({"query": query.id, "listing": True, "times": None, "rows": None})
            continue
        prepare(query, engine, {}, lookup, narrow)  # entity names resolved, and the name index made, once
        times, rows = [], []
        for _ in range(repeats):
            start = time.perf_counter()
            _, rows = runner(*prepare(query, engine, {}, lookup, narrow), name=query.id)
            times.append((time.perf_counter() - start) * 1000)
            if times[-1] > 20_000 or (len(times) >= 3 and sum(times) > 60_000):
                break
        out.append({"query": query.id, "listing": query.listing, "times": percentiles(times), "rows": len(rows)})
    return out


#: Catalogue questions run on a loaded server before its Cypher is timed (or this many seconds): a new
#: Neo4j answers its first thousands of queries slowly, while the JIT compiles its Bolt and Cypher
#: runtime (bench/latency_warm.py times both; ``RETURN 1`` goes from ~6 ms to ~1 ms).
WARM_UP_QUERIES, WARM_UP_SECONDS = 5_000, 180


def warm_up(session, queries: int = WARM_UP_QUERIES, budget: float = WARM_UP_SECONDS) -> tuple[int, float]:
    """Run the catalogue's non-listing questions round and round, ``queries`` queries in all or
    ``budget`` seconds, whichever comes first; the queries run and the seconds taken."""
    from kg.query.catalogue import catalogue, prepare

    prepared = [prepare(query, "cypher", {}, session.lookup) for query in catalogue().values() if not query.listing]
    started, done = time.perf_counter(), 0
    while done < queries and time.perf_counter() - started < budget:
        for text, parameters in prepared:
            session.select(text, parameters, name="warm-up")
            done += 1
    return done, time.perf_counter() - started


def sparql_engine(ws: Path, build: Path, on_disk: bool):
    """The embedded engine over the workspace: in memory (as kg query --data), or for big
    graphs the on-disk store that kg build --store writes (as kg query --store)."""
    from kg.lists.checks import check
    from kg.query.sparql import SparqlEngine, write_store

    if not on_disk:
        return SparqlEngine.from_model(check(read_workspace(ws))), None
    store = build.parent / (build.name + "-store")
    start = time.perf_counter()
    write_store(build / "plan.nt", store)
    return SparqlEngine.open(store), time.perf_counter() - start


def sync_and_queries(ws: Path, build: Path, runs: int, repeats: int, on_disk: bool) -> dict:
    """On one new server: a first load, then ``runs`` loads after 1 % of the entities were renamed in
    the same folder (and back), as a user edits the lists; then every catalogue query on the
    loaded server and on the embedded engine."""
    from loaders.bolt.read import ReadSession

    original = (ws / "entities.csv").read_bytes()
    changed, count = changed_entities(ws)
    figure: dict = {"sync_changed": count}
    syncs, how = [], set()
    with fresh_server() as (_, settings, env):
        run(kg("load", "--data", str(ws)), env=env)
        try:
            for i in range(runs):
                (ws / "entities.csv").write_bytes(changed if i % 2 == 0 else original)
                seconds, _, done = run(kg("load", "--data", str(ws), "--format", "json"), env=env)
                syncs.append(seconds)
                how.update(row["count"] for row in json.loads(done.stdout) if row["what"] == "compared")
        finally:
            (ws / "entities.csv").write_bytes(original)
        run(kg("load", "--data", str(ws)), env=env)
        figure["sync"], figure["sync_compared"] = stats(syncs), sorted(how)
        with ReadSession(settings) as session:
            figure["warm_up"] = warm_up(session)
            cypher = _latencies(session.select, session.lookup, "cypher", repeats, listings=not on_disk)
        before = None
        if ENGINE["name"] == "neo4j":  # ArcadeDB's Bolt plugin has neither SHOW INDEXES nor PROFILE's db hits
            from bench.profile import profile_catalogue

            figure["profile"] = profile_catalogue(settings, listings=not on_disk)
            drop_indexes(settings)  # as a database loaded by other means: only the uniqueness constraint
            with ReadSession(settings) as session:
                before = _latencies(session.select, session.lookup, "cypher", min(repeats, 5), listings=not on_disk)
            run(kg("load", "--data", str(ws)), env=env)  # nothing to write: it makes the indexes again
    engine, store_seconds = sparql_engine(ws, build, on_disk)
    sparql = _latencies(engine.select, engine.lookup, "sparql", repeats, engine.names_containing, listings=not on_disk)
    del engine
    figure["queries"] = [
        {
            "query": s["query"],
            "listing": s["listing"],
            "rows": s["rows"],
            "sparql": s["times"],
            "cypher": c["times"],
            "cypher_before_indexes": b["times"] if b else None,
        }
        for s, c, b in zip(sparql, cypher, before or [None] * len(cypher), strict=True)
    ]
    figure["on_disk"], figure["store_seconds"] = on_disk, store_seconds
    return figure


def viz_figures(runs: int) -> list[dict]:
    from playwright.sync_api import sync_playwright

    from kg.graph.mapping import model_to_property_graph
    from kg.lists.checks import check
    from viz.html import render, write_page

    out = []
    chromium = shutil.which("chromium")
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=chromium, args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
        )
        for n in (500, 2000, 10000):
            ws = workspace(max(0, n - 300), Path(tmp) / f"v{n}")
            pg = model_to_property_graph(check(read_workspace(ws)))
            gen, draw, size = [], [], 0
            for _ in range(runs):
                start = time.perf_counter()
                page = render(pg, layout="force", max_nodes=len(pg.nodes))
                gen.append(time.perf_counter() - start)
                path = write_page(page, Path(tmp) / f"v{n}.html")
                size = path.stat().st_size
                tab = browser.new_page()
                start = time.perf_counter()
                tab.goto(path.as_uri(), timeout=300_000)  # a page of 10,000 nodes loads for more than the default 30 s
                tab.wait_for_selector("body[data-ready=true]", timeout=300_000)
                draw.append(time.perf_counter() - start)
                tab.close()
            out.append(
                {
                    "nodes": len(pg.nodes),
                    "edges": len(pg.rels),
                    "generate": stats(gen),
                    "draw": stats(draw),
                    "bytes": size,
                }
            )
        browser.close()
    return out


def build_figure(ws: Path, out: Path, runs: int) -> dict:
    """`kg build` of a workspace: time, peak memory and size of the graph (the output of the
    last run is kept, for the on-disk store)."""
    timings = [run(kg("build", "--data", str(ws), "-o", str(out))) for _ in range(runs)]
    counts = re.match(r"(\d+) entities, (\d+) links, (\d+) triples", timings[-1][2].stdout)
    return {
        "entities": int(counts[1]),
        "links": int(counts[2]),
        "triples": int(counts[3]),
        "build": stats([t[0] for t in timings]),
        "build_rss_mb": max(t[1] for t in timings) / 1024,
    }


def rdflib_neo4j_figures(plan_ttl: Path, runs: int) -> dict:
    """rdflib-neo4j as its README shows (batching on); if that fails, the part that runs
    (batching off, one MERGE per triple) on the plan's own graph, beside `kg load` of the same."""
    with fresh_server() as (_, settings, env):
        batched, error = rdflib_neo4j(plan_ttl, settings, batching=True)
        figure = {"batched": batched, "batched_error": error}
        if batched is None:
            unbatched, ours = [], []
            for _ in range(runs):
                clear(settings)
                seconds, error = rdflib_neo4j(plan_ttl, settings, batching=False)
                if seconds is None:
                    figure["unbatched_error"] = error
                    break
                unbatched.append(seconds)
                clear(settings)
                shutil.rmtree(env["KG_CACHE_DIR"], ignore_errors=True)
                ours.append(run(kg("load"), env=env)[0])
            if unbatched:
                figure["unbatched"], figure["ours"] = stats(unbatched), stats(ours)
    return figure


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--sizes",
        default="1000,10000,42000,100000,1000000",
        help="synthetic entities added to the plan (build, load, raw ceiling, sync, queries), comma-separated",
    )
    parser.add_argument("--engine", choices=sorted(SERVER_NAMES), default="neo4j", help="the Bolt server measured")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--query-repeats", type=int, default=20)
    parser.add_argument(
        "--store-from",
        type=int,
        default=500_000,
        help="from this many entities the embedded engine is the on-disk store (kg query --store), not the lists in memory",
    )
    parser.add_argument("--output", default=str(ROOT / "BENCHMARKS.md"))
    parser.add_argument("--results", default=str(ROOT / "bench" / "results.json"), help="raw figures (JSON)")
    parser.add_argument("--skip-viz", action="store_true")
    parser.add_argument("--skip-rdflib-neo4j", action="store_true", help="and n10s (bench/rdf_loaders.py)")
    parser.add_argument(
        "--rdf-loader-sizes",
        default="0,10000",
        help="synthetic entities for kg load, rdflib-neo4j and n10s side by side (bench/rdf_loaders.py)",
    )
    parser.add_argument("--report-only", action="store_true", help="write the report from --results, measuring nothing")
    parser.add_argument("--note", default="", help="a sentence on how the run went, for the report's Machine section")
    args = parser.parse_args()
    if args.report_only:
        results = json.loads(Path(args.results).read_text(encoding="utf-8"))
        results["sizes"] = {int(k): v for k, v in results["sizes"].items()}
        Path(args.output).write_text(report(results, args), encoding="utf-8")
        print("wrote", args.output)
        return
    sizes = [int(s) for s in args.sizes.split(",") if s]
    ENGINE["name"] = args.engine

    from kg.graph.mapping import model_to_property_graph
    from kg.lists.checks import check

    results: dict = {"engine": args.engine, "sizes": {}, "plan_build": None}

    def save() -> None:  # after each step that took long, so that a stopped run keeps what it measured
        Path(args.results).write_text(json.dumps(results, indent=1, default=str), encoding="utf-8")

    tmp = Path(tempfile.mkdtemp(prefix="kg-bench-"))
    try:
        times = [run(kg("build", "-o", str(tmp / "plan-out")))[0] for _ in range(args.runs)]
        results["plan_build"] = stats(times)
        print("plan build", fmt(results["plan_build"]), flush=True)
        if not args.skip_rdflib_neo4j:
            results["rdflib_neo4j"] = rdflib_neo4j_figures(tmp / "plan-out" / "plan.ttl", args.runs)
            print("rdflib-neo4j", results["rdflib_neo4j"], flush=True)
            if args.engine == "neo4j":  # kg load, rdflib-neo4j and n10s side by side: bench/rdf-loaders.json
                loaders = ROOT / "bench" / "rdf_loaders.py"
                sizes_runs = ["--sizes", args.rdf_loader_sizes, "--runs", str(args.runs)]
                print(run([sys.executable, str(loaders), *sizes_runs])[2].stdout, flush=True)
        for n in sizes:
            ws = workspace(n, tmp / f"ws{n}")
            out = tmp / f"out{n}"
            figure = build_figure(ws, out, args.runs)
            print(n, "build", fmt(figure["build"]), f"{figure['build_rss_mb']:.0f} MB", flush=True)
            pg = model_to_property_graph(check(read_workspace(ws)))
            figure.update(load_figures(ws, pg, args.runs))
            del pg
            print(n, "load", fmt(figure["load"]), "ceiling", fmt(figure["ceiling"]), flush=True)
            figure.update(sync_and_queries(ws, out, args.runs, args.query_repeats, n >= args.store_from))
            print(n, "sync", fmt(figure["sync"]), figure["sync_compared"], flush=True)
            results["sizes"][n] = figure
            shutil.rmtree(ws, ignore_errors=True)
            shutil.rmtree(out, ignore_errors=True)
            shutil.rmtree(tmp / f"out{n}-store", ignore_errors=True)
            save()
        results["server_start"] = stats(STARTS) if STARTS else None
        if args.engine == "neo4j":
            from loaders.bolt.neo4j_server import jars_folder

            jars = list(jars_folder().glob("*.jar"))
            results["jars"] = {"files": len(jars), "bytes": sum(j.stat().st_size for j in jars)}
        save()
        if not args.skip_viz:
            results["viz"] = viz_figures(args.runs)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    save()
    Path(args.output).write_text(report(results, args), encoding="utf-8")
    print("wrote", args.output)


def rdflib_neo4j(ttl: Path, settings, *, batching: bool) -> tuple[float | None, str]:
    """Load the same Turtle with rdflib-neo4j, as its README shows; the error if it cannot run."""
    try:
        from rdflib import Graph
        from rdflib_neo4j import HANDLE_VOCAB_URI_STRATEGY, Neo4jStore, Neo4jStoreConfig
    except ImportError as exc:
        return None, f"not installed: {exc}"
    auth = {"uri": settings.uri, "database": settings.database, "user": settings.username, "pwd": settings.password}
    start = time.perf_counter()
    try:
        config = Neo4jStoreConfig(
            auth_data=auth, handle_vocab_uri_strategy=HANDLE_VOCAB_URI_STRATEGY.IGNORE, batching=batching
        )
        graph = Graph(store=Neo4jStore(config=config))
        graph.parse(str(ttl), format="turtle")
        graph.close(True)
    except Exception as exc:  # report whatever stops it
        return None, f"{type(exc).__name__}: {' '.join(str(exc).split())}"
    return time.perf_counter() - start, ""


def exponent(points: list[tuple[float, float]]) -> float | None:
    if len(points) < 2:
        return None
    xs = [math.log(x) for x, _ in points]
    ys = [math.log(y) for _, y in points]
    mx, my = statistics.mean(xs), statistics.mean(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sum((x - mx) ** 2 for x in xs)


def _elide(error: str, keep: int = 300) -> str:
    """The start (error code) and the end (the server's reason) of a long error message."""
    return error if len(error) <= 2 * keep else f"{error[:keep]} … {error[-keep:]}"


def _sizes(results: dict) -> list[dict]:
    return sorted(results["sizes"].values(), key=lambda f: f["entities"])


def _million_triples(results: dict) -> dict | None:
    """The size whose graph is closest to a million triples."""
    sizes = _sizes(results)
    return min(sizes, key=lambda f: abs(math.log(f["triples"] / 1e6))) if sizes else None


def _at(values, sizes) -> str:
    return ", ".join(f"{x:.0%} at {f['entities']:,}" for x, f in zip(values, sizes, strict=True))


def targets(results: dict) -> list[tuple[str, str, str]]:
    """(target, figure, met?) rows for the summary."""
    rows = [("`kg build` of the plan < 2 s", fmt(results["plan_build"]), _met(results["plan_build"]["median"] < 2))]
    sizes = _sizes(results)
    big = sizes[-1]
    minutes, memory = big["build"]["median"] / 60, big["build_rss_mb"]
    rows.append(
        (
            f"`kg build` of {big['entities']:,} entities ≤ 15 min and ≤ 8 GB",
            f"{minutes:.1f} min, {memory / 1024:.1f} GB",
            _met(minutes <= 15 and memory <= 8 * 1024 and big["entities"] >= 1_000_000),
        )
    )
    fractions = [f["ceiling"]["median"] / f["load"]["median"] for f in sizes]
    rows.append(("`kg load` ≥ 80 % of the raw ceiling", _at(fractions, sizes), _met(all(x >= 0.8 for x in fractions))))
    loaders = _rdf_loaders()
    plan_loaders = loaders.get("sizes", {}).get("0", {})
    rn = results.get("rdflib_neo4j", {})
    measured = [f for f in loaders.get("sizes", {}).values() if f.get("rdflib_neo4j")]
    if measured:
        multiples = [(f["rdflib_neo4j"]["median"] / f["kg_load"]["median"], f["entities"]) for f in measured]
        said = ", ".join(f"{m:.1f}× at {n:,}" for m, n in multiples)
        bounds = [
            (f["rdflib_neo4j"]["median"] / f["ceiling"]["median"], f["entities"]) for f in measured if f.get("ceiling")
        ]
        if bounds:  # what even the server's raw UNWIND … CREATE reaches
            said += "; the raw ceiling itself: " + ", ".join(f"{m:.1f}×" for m, _ in bounds)
        rows.append(("`kg load` ≥ 20× rdflib-neo4j (batched)", said, _met(all(m >= 20 for m, _ in multiples))))
    elif plan_loaders.get("rdflib_neo4j"):
        multiple = plan_loaders["rdflib_neo4j"]["median"] / plan_loaders["kg_load"]["median"]
        rows.append(
            ("`kg load` ≥ 20× rdflib-neo4j (batched)", f"{multiple:.1f}× on the plan's graph", _met(multiple >= 20))
        )
    elif rn.get("unbatched"):
        multiple = rn["unbatched"]["median"] / rn["ours"]["median"]
        rows.append(
            (
                "`kg load` ≥ 20× rdflib-neo4j",
                f"{multiple:.0f}× its unbatched mode on the plan's graph; its batched mode cannot run on this server",
                "met on the part that runs",
            )
        )
    syncs = [f["sync"]["median"] / f["load"]["median"] for f in sizes]
    counted = [x for x, f in zip(syncs, sizes, strict=True) if f["entities"] >= 10_000]
    rows.append(
        (
            "sync of a 1 % change ≤ 5 % of a full load, from 10,000 entities",
            _at(syncs, sizes),
            _met(bool(counted) and all(x <= 0.05 for x in counted)),
        )
    )
    if big["entities"] >= 1_000_000 and big.get("queries"):
        asked = [q for q in big["queries"] if not q["listing"] and q.get("cypher")]
        slow = [f"{q['query']} {q['cypher'][0]:.0f} ms" for q in asked if q["cypher"][0] > 20]
        rows.append(
            (
                f"Cypher p50 ≤ 20 ms for every non-listing question on the Bolt server at {big['entities']:,} entities",
                f"{len(asked) - len(slow)} of {len(asked)} within" + (f"; over: {', '.join(slow)}" if slow else ""),
                _met(bool(asked) and not slow),
            )
        )
    near = _million_triples(results)
    if near:
        asked = [q for q in near["queries"] if not q["listing"]]
        slow = [q["query"] for q in asked if q["sparql"][0] > 20]
        rows.append(
            (
                f"lookups and the mission's questions: p50 ≤ 20 ms on the embedded engine at ~1 M triples ({near['triples']:,})",
                f"{len(asked) - len(slow)} of {len(asked)} within" + (f"; over: {', '.join(slow)}" if slow else ""),
                _met(not slow),
            )
        )
    return rows


PACKAGES = ("rdflib", "pyoxigraph", "neo4j", "neo4j-rust-ext", "pyshacl", "arcadedb-embedded", "rdflib-neo4j")


def _version(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "(not installed)"


def _rdf_loaders() -> dict:
    """The figures of bench/rdf_loaders.py, if it has run."""
    path = ROOT / "bench" / "rdf-loaders.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def _met(ok: bool) -> str:
    return "met" if ok else "**not met**"


def _ms(times) -> str:
    return f"{times[0]:.1f} / {times[1]:.1f}" if times else "—"


def report(results: dict, args) -> str:
    sizes = _sizes(results)
    loaders = _rdf_loaders()
    lines = [
        "# Benchmarks",
        "",
        f"Produced by `python bench/run.py --engine {args.engine} --sizes {args.sizes} --runs {args.runs}` "
        f"(raw figures in `{Path(args.results).relative_to(ROOT) if Path(args.results).is_relative_to(ROOT) else args.results}`).",
        "Each workspace is the plan's own lists plus N synthetic entities (`kg synth`).",
        "Each figure: median of the runs, with the spread (min–max) in brackets.",
        "",
        "## Machine",
        "",
        f"- {platform.platform()}, Python {platform.python_version()}, {os.cpu_count()} cores, shared by the client and the server",
        "- " + ", ".join(f"{name} {_version(name)}" for name in PACKAGES),
        f"- Bolt server: {SERVER_NAMES[results.get('engine', 'arcadedb')]} on loopback, in its own process; a new one, with an empty database, for every load and every raw ceiling",
        *(
            [f"- Server start (launch to ready line, every start of the run): {fmt(results['server_start'])}"]
            if results.get("server_start")
            else []
        ),
        *(
            [
                f"- Neo4j's jars (fetched by Maven into the user's cache): {results['jars']['files']} files, {results['jars']['bytes'] / 1e6:.0f} MB"
            ]
            if results.get("jars")
            else []
        ),
        *([f"- {args.note}"] if getattr(args, "note", "") else []),
        "",
        "## Targets",
        "",
        "| target | figure | |",
        "|---|---|---|",
        *(f"| {t} | {f} | {m} |" for t, f, m in targets(results)),
        "",
        "## Build (`kg build`: read, check, write ttl/nt/jsonld)",
        "",
        f"The plan itself: {fmt(results['plan_build'])}. SHACL runs by default up to 20,000 entities.",
        "",
        "| entities | links | triples | time | peak memory |",
        "|---:|---:|---:|---|---:|",
    ]
    for f in sizes:
        lines.append(
            f"| {f['entities']:,} | {f['links']:,} | {f['triples']:,} | {fmt(f['build'])} | {f['build_rss_mb']:.0f} MB |"
        )
    large = [f for f in sizes if f["entities"] > 20_000]  # no SHACL: one regime
    slope = exponent([(f["entities"], f["build"]["median"]) for f in large])
    if slope is not None:
        lines += [
            "",
            f"Growth above 20,000 entities: time ∝ entities^{slope:.2f} (least-squares fit on a log-log scale).",
        ]
    lines += [
        "",
        "## Load into the Bolt server",
        "",
        "`kg load --data DIR` timed as a user runs it (start to exit: reading, checking, writing), against the server's raw ceiling: plain `UNWIND $rows CREATE` of the same nodes and relationships with the same batch size (1,000), run from the harness with the graph already in memory. Each on a new server with an empty database.",
        "",
        "| entities | links | kg load | entities/s | links/s | raw ceiling | ceiling ÷ load time | CPU s, kg load (client + server) | CPU s, ceiling (client + server) |",
        "|---:|---:|---|---:|---:|---|---:|---:|---:|",
    ]
    for f in sizes:
        load, ceiling = f["load"]["median"], f["ceiling"]["median"]
        lines.append(
            f"| {f['entities']:,} | {f['links']:,} | {fmt(f['load'])} | {f['entities'] / load:.0f} | {f['links'] / load:.0f} "
            f"| {fmt(f['ceiling'])} | {ceiling / load:.0%} "
            f"| {f['load_client_cpu']:.1f} + {f['load_server_cpu']:.1f} | {f['ceiling_client_cpu']:.1f} + {f['ceiling_server_cpu']:.1f} |"
        )
    rn = results.get("rdflib_neo4j", {})
    if rn:
        lines += ["", "## rdflib-neo4j", ""]
        if rn.get("batched"):
            lines.append(f"Loading the plan's Turtle with batching on (its README's way): {rn['batched']:.2f} s.")
            if loaders:
                lines.append("Side by side with `kg load` and n10s on the same server: the next section.")
        else:
            lines += [
                "With batching on (its README's way) it cannot load into this server; the exact error:",
                "",
                f"    {_elide(rn.get('batched_error', ''))}",
                "",
            ]
            if rn.get("unbatched"):
                lines.append(
                    f"The part that runs, batching off (one MERGE per triple), on the plan's own graph: {fmt(rn['unbatched'])}; "
                    f"`kg load` of the same graph: {fmt(rn['ours'])}, {rn['unbatched']['median'] / rn['ours']['median']:.0f}× faster."
                )
            elif rn.get("unbatched_error"):
                lines += ["Batching off fails too:", "", f"    {_elide(rn['unbatched_error'])}"]
    if loaders:
        lines += [
            "",
            "## kg load, rdflib-neo4j and neosemantics (n10s) on the same Neo4j",
            "",
            f"From `python bench/rdf_loaders.py`, which this harness runs (raw figures in `bench/rdf-loaders.json`): each loader on a new "
            f"Neo4j with an empty database, the same graph ({loaders['n10s']} loaded as a plugin: the only 5.x n10s "
            "on Maven Central; rdflib-neo4j batched, as its README shows; n10s `rdf.import.inline` of the same "
            "Turtle after its constraint and `graphconfig.init({handleVocabUris: 'IGNORE'})`). `kg load` is the whole "
            "command (reading and checking the lists included); rdflib-neo4j from parsing the Turtle to its last "
            "commit; n10s from the procedure call, the Turtle text in hand. On a just-started Neo4j, as here, "
            "every loader pays for planning its queries once; `kg load` passes labels and relationship types as "
            "parameters on Neo4j 5.26, so its writes are one query shape to plan (before that: 12.2 s on the plan).",
            "",
            "*Raw ceiling*: the server's plain `UNWIND $rows CREATE` of the same nodes and relationships (as in the load table), which no loader through Bolt beats.",
            "",
            "| entities | triples | kg load | triples/s | rdflib-neo4j | triples/s | n10s | triples/s | raw ceiling | triples/s |",
            "|---:|---:|---|---:|---|---:|---|---:|---|---:|",
        ]
        for figure in loaders["sizes"].values():
            cells = []
            for key in ("kg_load", "rdflib_neo4j", "n10s", "ceiling"):
                value = figure.get(key)
                cells += [fmt(value), f"{figure['triples'] / value['median']:,.0f}"] if value else ["—", "—"]
            lines.append(f"| {figure['entities']:,} | {figure['triples']:,} | " + " | ".join(cells) + " |")
        for name, error in sorted({k: v for f in loaders["sizes"].values() for k, v in f["errors"].items()}.items()):
            lines += ["", f"{name} failed:", "", f"    {_elide(error)}"]
    lines += [
        "",
        "## Incremental sync",
        "",
        "After a first load, 1 % of the entities are renamed in the same folder (and back, in turn), and `kg load` (again the whole command) runs; it says how it found the difference.",
        "",
        "| entities | changed | sync | ÷ full load | compared |",
        "|---:|---:|---|---:|---|",
    ]
    for f in sizes:
        lines.append(
            f"| {f['entities']:,} | {f['sync_changed']:,} | {fmt(f['sync'])} | {f['sync']['median'] / f['load']['median']:.1%} "
            f"| {', '.join(f['sync_compared'])} |"
        )
    lines += [
        "",
        "## Catalogue queries (p50 / p95 in ms)",
        "",
        "Each question with its default parameters, timed as `kg query` answers it: the entity names among the parameters looked up (on Neo4j through the indexes kg load makes, on ArcadeDB a scan of every node's id, names and aliases; on the embedded engine its indexes), then the query, in a read transaction. "
        "The Bolt server is warmed first: the catalogue's questions round and round (the count and seconds below each table), as a server that has been answering for a while is; a new Neo4j answers its first thousands of queries slowly while its JIT compiles (`bench/latency_warm.py` times both). "
        "*Before the indexes*: then the same database with only the uniqueness constraint on `uri` (the indexes `kg load` makes dropped; the lookup then scans), up to 5 runs each. "
        "*Listings* list every item of a sort, so their answers grow with the graph; the others look up what concerns given entities or the plan.",
        "",
    ]
    for f in sizes:
        embedded = (
            "embedded: the on-disk store of `kg build --store`" if f["on_disk"] else "embedded Oxigraph, in memory"
        )
        lines += [
            f"### {f['entities']:,} entities, {f['triples']:,} triples",
            "",
            f"| query | rows | SPARQL ({embedded}) | Cypher (Bolt), before the indexes | Cypher (Bolt) |",
            "|---|---:|---:|---:|---:|",
        ]
        for q in f["queries"]:
            name = f"{q['query']} (listing)" if q["listing"] else q["query"]
            if q["sparql"] is None:
                lines.append(f"| {name} | — | not run at this size: it lists every item | — | — |")
                continue
            cells = [_ms(q.get(key)) for key in ("sparql", "cypher_before_indexes", "cypher")]
            lines.append(f"| {name} | {q['rows']:,} | " + " | ".join(cells) + " |")
        if f.get("warm_up"):
            lines += ["", f"Warm-up before the Cypher timings: {f['warm_up'][0]:,} queries in {f['warm_up'][1]:.0f} s."]
        if f["on_disk"]:
            lines.append("")
            lines.append(f"The store was written in {f['store_seconds']:.0f} s from the build's N-Triples.")
        lines.append("")
        if f.get("profile"):
            lines += [
                f"`PROFILE` on Neo4j at {f['entities']:,} entities (with the indexes; database hits do not depend on the machine's load): "
                "the operator each plan starts from, and any operator that reads more than the question is about.",
                "",
                "| query | rows | db hits | starts from | wide operators |",
                "|---|---:|---:|---|---|",
            ]
            for q in f["profile"]:
                name = f"{q['query']} (listing)" if q["listing"] else q["query"]
                hits = (
                    f"{q['db_hits']:,}" if q["db_hits"] is not None else f"— ({q.get('profile_error', '')}; `EXPLAIN`)"
                )
                rows = f"{q['rows']:,}" if q["rows"] is not None else "—"
                lines.append(f"| {name} | {rows} | {hits} | {q['starts_from']} | {', '.join(q['wide']) or '—'} |")
            lines.append("")
    lines += [
        "rdflib's own SPARQL engine against Oxigraph on the same graph: `python bench/sparql_engines.py`"
        " (figures in `bench/sparql_engines.json`).",
        "",
    ]
    if results.get("viz"):
        lines += [
            "## Views",
            "",
            "`kg viz` of a whole workspace of that many nodes (force layout), and a headless chromium opening the file until the network is drawn.",
            "",
            "| nodes | edges | generate | file size | drawn in headless chromium |",
            "|---:|---:|---|---:|---|",
        ]
        for v in results["viz"]:
            lines.append(
                f"| {v['nodes']:,} | {v['edges']:,} | {fmt(v['generate'])} | {v['bytes'] / 1e6:.1f} MB | {fmt(v['draw'])} |"
            )
        lines.append("")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
