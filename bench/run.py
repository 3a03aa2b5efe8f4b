"""Benchmark harness: one command measures the pipeline and writes BENCHMARKS.md.

    python bench/run.py --sizes 1000,10000 --runs 3

Each workspace is the plan's own lists plus N synthetic entities (`kg synth`),
so that the catalogue queries' default parameters exist at every size. Every
figure is the median of --runs runs with its spread (min–max). The Bolt
server is ArcadeDB's plugin (`loaders.bolt_server`), started once, on loopback.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kg.model import ENTITY_COLUMNS, LINK_COLUMNS  # noqa: E402
from loaders.csv_lists import read_workspace  # noqa: E402
from loaders.workspace import csv_bytes  # noqa: E402

PASSWORD = "bench-password"
BATCH = 1000


def run(args: list[str], env: dict | None = None) -> tuple[float, int, subprocess.CompletedProcess]:
    """Wall time (s) and peak RSS (KB) of a child process.

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
            pid, status, _ = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            time.sleep(0.05)
        elapsed = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        done = subprocess.CompletedProcess(args, process.returncode, out.read().decode(), err.read().decode())
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed: {done.stderr[-2000:]}")
    return elapsed, peak, done


def stats(values: list[float]) -> dict:
    return {"median": statistics.median(values), "min": min(values), "max": max(values), "runs": len(values)}


def fmt(s: dict, unit: str = "s", digits: int = 2) -> str:
    return f"{s['median']:.{digits}f} {unit} ({s['min']:.{digits}f}–{s['max']:.{digits}f})"


def workspace(n: int, folder: Path) -> Path:
    """The plan's lists plus n synthetic entities."""
    from kg.synth import synthesize

    plan = read_workspace()
    entities, links = synthesize(n) if n else ([], [])
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "entities.csv").write_bytes(csv_bytes([r.values for r in plan.entities] + entities, ENTITY_COLUMNS))
    (folder / "links.csv").write_bytes(csv_bytes([r.values for r in plan.links] + links, LINK_COLUMNS))
    return folder


def kg(*args: str) -> list[str]:
    return [sys.executable, "-m", "kg", *args]


def clear(settings) -> None:
    from loaders.neo4j_io import connect

    driver = connect(settings)
    with driver.session(database=settings.database) as session:
        while session.execute_write(
            lambda tx: tx.run("MATCH (n) WITH n LIMIT 20000 DETACH DELETE n RETURN count(*) AS c").single()["c"]
        ):
            pass
    driver.close()


def raw_ceiling(pg, settings) -> float:
    """Plain UNWIND … CREATE of the same rows with the same batch size (no MERGE, no diff):
    nodes, then relationships between them found by the element ids their CREATE returned
    (the fastest lookup; by uri is about twice as slow on this server)."""
    from loaders.neo4j_io import CONSTRAINT, _labels, _rel, connect

    driver = connect(settings)
    start = time.perf_counter()
    ids: dict[str, str] = {}
    with driver.session(database=settings.database) as session:
        session.run(CONSTRAINT).consume()
        groups: dict = {}
        for node in pg.nodes.values():
            groups.setdefault(node.labels, []).append(node.props)
        for labels, rows in groups.items():
            query = (
                f"UNWIND $rows AS row CREATE (n{_labels(labels)}) SET n = row RETURN n.uri AS uri, elementId(n) AS id"
            )
            for i in range(0, len(rows), BATCH):
                for record in session.execute_write(_write_returning, query, rows[i : i + BATCH]):
                    ids[record[0]] = record[1]
        by_type: dict = {}
        for rel in pg.rels.values():
            by_type.setdefault(rel.type, []).append({"a": ids[rel.start], "b": ids[rel.end], "props": rel.props})
        for name, rows in by_type.items():
            query = (
                "UNWIND $rows AS row MATCH (a) WHERE elementId(a) = row.a MATCH (b) WHERE elementId(b) = row.b "
                f"CREATE (a)-[r:{_rel(name)}]->(b) SET r = row.props"
            )
            for i in range(0, len(rows), BATCH):
                session.execute_write(_write, query, rows[i : i + BATCH])
    elapsed = time.perf_counter() - start
    driver.close()
    return elapsed


def _write_returning(tx, query, rows):
    return [tuple(record.values()) for record in tx.run(query, rows=rows)]


def _write(tx, query, rows):
    tx.run(query, rows=rows).consume()


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


def percentiles(values: list[float]) -> tuple[float, float]:
    ordered = sorted(values)
    p50 = statistics.median(ordered)
    p95 = ordered[min(len(ordered) - 1, math.ceil(0.95 * len(ordered)) - 1)]
    return p50, p95


#: Questions whose answer grows with the graph (every curated fact, every programme, a
#: substring search over every name): at a million entities they return hundreds of
#: thousands of rows, so they are not timed on the build-only sizes.
GROWING_ANSWERS = {"curated-facts", "programmes", "search"}


def _latencies(runner, lookup, engine: str, repeats: int, skip=frozenset()) -> list[dict]:
    """p50/p95 (ms) of every catalogue query with its default parameters: ``repeats`` runs,
    fewer for slow queries (one run over 20 s, or three once they add up to a minute)."""
    from kg.queries import catalogue, resolve

    rows = []
    for query in catalogue().values():
        if query.id in skip:
            continue
        values = resolve(query, {}, lookup)
        text = query.text(engine)
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            runner(text, values, name=query.id)
            times.append((time.perf_counter() - start) * 1000)
            if times[-1] > 20_000 or (len(times) >= 3 and sum(times) > 60_000):
                break
        rows.append({"query": query.id, "times": percentiles(times)})
    return rows


def query_latency(ws: Path, settings, repeats: int) -> list[dict]:
    """Every catalogue query on the embedded engine (lists loaded in memory) and on the Bolt server."""
    from kg.checks import check
    from kg.sparql import SparqlEngine
    from loaders.neo4j_io import ReadSession

    engine = SparqlEngine.from_model(check(read_workspace(ws)))
    sparql = _latencies(engine.select, engine.lookup, "sparql", repeats)
    with ReadSession(settings) as session:
        cypher = _latencies(session.run, session.lookup, "cypher", repeats)
    return [
        {"query": s["query"], "sparql": s["times"], "cypher": c["times"]} for s, c in zip(sparql, cypher, strict=True)
    ]


def viz_figures(runs: int) -> list[dict]:
    from playwright.sync_api import sync_playwright

    from kg.checks import check
    from kg.mapping import model_to_property_graph
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
            nodes = list(pg.nodes)[:n]
            part = type(pg)()
            part.nodes = {u: pg.nodes[u] for u in nodes}
            part.rels = {k: r for k, r in pg.rels.items() if r.start in part.nodes and r.end in part.nodes}
            gen, draw, size, note = [], [], 0, ""
            for _ in range(runs):
                start = time.perf_counter()
                try:
                    page = render(part, layout="force")
                except Exception as exc:
                    note = str(exc)
                    break
                gen.append(time.perf_counter() - start)
                path = write_page(page, Path(tmp) / f"v{n}.html")
                size = path.stat().st_size
                tab = browser.new_page()
                start = time.perf_counter()
                tab.goto(path.as_uri())
                tab.wait_for_selector("body[data-ready=true]", timeout=120_000)
                draw.append(time.perf_counter() - start)
                tab.close()
            out.append(
                {
                    "nodes": len(part.nodes),
                    "edges": len(part.rels),
                    "generate": stats(gen) if gen else None,
                    "draw": stats(draw) if draw else None,
                    "bytes": size,
                    "note": note,
                }
            )
        browser.close()
    return out


def build_figure(ws: Path, out: Path, runs: int, *, store: Path | None = None, repeats: int = 0) -> dict:
    """`kg build` of a workspace: time, peak memory and size of the graph. With ``store``,
    an on-disk SPARQL store is then written from the last build's N-Triples, and the
    catalogue queries are timed on it."""
    from kg.sparql import SparqlEngine, write_store

    timings = [run(kg("build", "--data", str(ws), "-o", str(out))) for _ in range(runs)]
    counts = re.match(r"(\d+) entities, (\d+) links, (\d+) triples", timings[-1][2].stdout)
    figure = {
        "entities": int(counts[1]),
        "links": int(counts[2]),
        "triples": int(counts[3]),
        "build": stats([t[0] for t in timings]),
        "build_rss_mb": max(t[1] for t in timings) / 1024,
    }
    if store is not None:
        start = time.perf_counter()
        write_store(out / "plan.nt", store)
        figure["store_seconds"] = time.perf_counter() - start
        engine = SparqlEngine.open(store)
        figure["store_queries"] = [
            {"query": q["query"], "sparql": q["times"]}
            for q in _latencies(engine.select, engine.lookup, "sparql", repeats, skip=GROWING_ANSWERS)
        ]
        del engine
        shutil.rmtree(store, ignore_errors=True)
    shutil.rmtree(out, ignore_errors=True)
    return figure


def rdflib_neo4j_figures(plan_ttl: Path, settings, env: dict, runs: int) -> dict:
    """rdflib-neo4j as its README shows (batching on); if that fails, the part that runs
    (batching off, one MERGE per triple) on the plan's own graph, beside `kg load` of the same."""
    clear(settings)
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
            ours.append(run(kg("load"), env=env)[0])
        if unbatched:
            figure["unbatched"], figure["ours"] = stats(unbatched), stats(ours)
    clear(settings)
    return figure


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--sizes",
        default="1000,10000,40000",
        help="synthetic entities added to the plan for the whole pipeline (build, load, sync, queries), comma-separated",
    )
    parser.add_argument(
        "--build-sizes", default="100000,1000000", help="further sizes for `kg build` only, comma-separated"
    )
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--query-repeats", type=int, default=20)
    parser.add_argument("--output", default=str(ROOT / "BENCHMARKS.md"))
    parser.add_argument("--results", default=str(ROOT / "bench" / "results.json"), help="raw figures (JSON)")
    parser.add_argument("--skip-viz", action="store_true")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s]
    build_sizes = [int(s) for s in args.build_sizes.split(",") if s]

    from kg.checks import check
    from kg.mapping import model_to_property_graph
    from loaders.bolt_server import USERNAME, BoltServer
    from loaders.neo4j_io import Settings

    results: dict = {"sizes": {}, "build_only": {}, "plan_build": None}
    tmp = Path(tempfile.mkdtemp(prefix="kg-bench-"))
    try:
        times = [run(kg("build", "-o", str(tmp / "plan-out")))[0] for _ in range(args.runs)]
        results["plan_build"] = stats(times)
        print("plan build", fmt(results["plan_build"]), flush=True)
        for n in build_sizes:
            ws = workspace(n, tmp / f"ws{n}")
            results["build_only"][n] = build_figure(
                ws, tmp / f"out{n}", args.runs, store=tmp / f"store{n}", repeats=args.query_repeats
            )
            shutil.rmtree(ws)
            f = results["build_only"][n]
            print(n, "build", fmt(f["build"]), f"{f['build_rss_mb']:.0f} MB", flush=True)
        with BoltServer(password=PASSWORD) as server:
            settings = Settings(uri=server.uri, username=USERNAME, password=PASSWORD, database=server.database)
            env = {
                "NEO4J_URI": server.uri,
                "NEO4J_USERNAME": USERNAME,
                "NEO4J_PASSWORD": PASSWORD,
                "NEO4J_DATABASE": server.database,
            }
            results["rdflib_neo4j"] = rdflib_neo4j_figures(tmp / "plan-out" / "plan.ttl", settings, env, args.runs)
            print("rdflib-neo4j", results["rdflib_neo4j"], flush=True)
            for n in sizes:
                ws = workspace(n, tmp / f"ws{n}")
                figure = build_figure(ws, tmp / f"out{n}", args.runs)
                print(n, "build", fmt(figure["build"]), f"{figure['build_rss_mb']:.0f} MB", flush=True)
                lists = read_workspace(ws)
                pg = model_to_property_graph(check(lists))
                loads, ceilings = [], []
                for _ in range(args.runs):
                    clear(settings)
                    loads.append(run(kg("load", "--data", str(ws), "--format", "json"), env=env)[0])
                    clear(settings)
                    ceilings.append(raw_ceiling(pg, settings))
                figure["load"], figure["ceiling"] = stats(loads), stats(ceilings)
                print(n, "load", fmt(figure["load"]), "ceiling", fmt(figure["ceiling"]), flush=True)
                clear(settings)
                run(kg("load", "--data", str(ws)), env=env)
                changed = tmp / f"ws{n}-changed"
                shutil.copytree(ws, changed, dirs_exist_ok=True)
                rows = [r.values for r in lists.entities]
                step = 100
                for row in rows[::step]:
                    row["name_en"] = row["name_en"] + " (renamed)"
                (changed / "entities.csv").write_bytes(csv_bytes(rows, ENTITY_COLUMNS))
                syncs = []
                for i in range(args.runs):
                    target = changed if i % 2 == 0 else ws
                    syncs.append(run(kg("load", "--data", str(target)), env=env)[0])
                figure["sync"] = stats(syncs)
                figure["sync_changed"] = len(rows[::step])
                print(n, "sync", fmt(figure["sync"]), flush=True)
                run(kg("load", "--data", str(ws)), env=env)
                figure["queries"] = query_latency(ws, settings, args.query_repeats)
                results["sizes"][n] = figure
                shutil.rmtree(changed)
        if not args.skip_viz:
            results["viz"] = viz_figures(args.runs)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    Path(args.results).write_text(json.dumps(results, indent=1, default=str), encoding="utf-8")
    Path(args.output).write_text(report(results, args), encoding="utf-8")
    print("wrote", args.output)


def exponent(points: list[tuple[float, float]]) -> float | None:
    if len(points) < 2:
        return None
    xs = [math.log(x) for x, _ in points]
    ys = [math.log(y) for _, y in points]
    mx, my = statistics.mean(xs), statistics.mean(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sum((x - mx) ** 2 for x in xs)


def _builds(results: dict) -> list[dict]:
    return sorted([*results["sizes"].values(), *results["build_only"].values()], key=lambda f: f["entities"])


def _million_triples(results: dict) -> dict | None:
    """The pipeline size whose graph is closest to a million triples."""
    sizes = list(results["sizes"].values())
    return min(sizes, key=lambda f: abs(math.log(f["triples"] / 1e6))) if sizes else None


def targets(results: dict) -> list[tuple[str, str, str]]:
    """(target, figure, met?) rows for the summary."""
    rows = [("`kg build` of the plan < 2 s", fmt(results["plan_build"]), _met(results["plan_build"]["median"] < 2))]
    big = _builds(results)[-1]
    minutes, memory = big["build"]["median"] / 60, big["build_rss_mb"]
    rows.append(
        (
            f"`kg build` of {big['entities']:,} entities ≤ 15 min and ≤ 8 GB",
            f"{minutes:.1f} min, {memory / 1024:.1f} GB",
            _met(minutes <= 15 and memory <= 8 * 1024 and big["entities"] >= 1_000_000),
        )
    )
    sizes = list(results["sizes"].values())
    fractions = [f["ceiling"]["median"] / f["load"]["median"] for f in sizes]
    rows.append(
        (
            "`kg load` ≥ 80 % of the raw ceiling",
            ", ".join(f"{x:.0%} at {f['entities']:,}" for x, f in zip(fractions, sizes, strict=True)),
            _met(all(x >= 0.8 for x in fractions)),
        )
    )
    rn = results.get("rdflib_neo4j", {})
    if rn.get("batched"):
        multiple = rn["batched"] / results["sizes"][min(results["sizes"])]["load"]["median"]
        rows.append(("`kg load` ≥ 5× rdflib-neo4j", f"{multiple:.1f}×", _met(multiple >= 5)))
    elif rn.get("unbatched"):
        multiple = rn["unbatched"]["median"] / rn["ours"]["median"]
        rows.append(
            (
                "`kg load` ≥ 5× rdflib-neo4j",
                f"batched mode fails on this server; {multiple:.0f}× its unbatched mode (the plan's graph)",
                "in part",
            )
        )
    syncs = [f["sync"]["median"] / f["load"]["median"] for f in sizes]
    rows.append(
        (
            "sync of a 1 % change ≤ 5 % of a full load",
            ", ".join(f"{x:.0%} at {f['entities']:,}" for x, f in zip(syncs, sizes, strict=True)),
            _met(all(x <= 0.05 for x in syncs)),
        )
    )
    near = _million_triples(results)
    if near:
        slow = [q["query"] for q in near["queries"] if q["sparql"][0] > 20]
        rows.append(
            (
                f"catalogue queries p50 ≤ 20 ms on the embedded engine at ~1 M triples ({near['triples']:,})",
                f"{len(near['queries']) - len(slow)} of {len(near['queries'])} within"
                + (f"; over: {', '.join(slow)}" if slow else ""),
                _met(not slow),
            )
        )
    return rows


def _elide(error: str, keep: int = 300) -> str:
    """The start (error code) and the end (the server's reason) of a long error message."""
    return error if len(error) <= 2 * keep else f"{error[:keep]} … {error[-keep:]}"


def _met(ok: bool) -> str:
    return "met" if ok else "**not met**"


def report(results: dict, args) -> str:
    lines = [
        "# Benchmarks",
        "",
        f"Produced by `python bench/run.py --sizes {args.sizes} --build-sizes {args.build_sizes} --runs {args.runs}`"
        " (raw figures in `bench/results.json`).",
        "Each workspace is the plan's own lists plus N synthetic entities (`kg synth`).",
        "Each figure: median of the runs, with the spread (min–max) in brackets.",
        "",
        "## Machine",
        "",
        f"- {platform.platform()}, Python {platform.python_version()}, {os.cpu_count()} cores",
        f"- rdflib {version('rdflib')}, pyoxigraph {version('pyoxigraph')}, neo4j driver {version('neo4j')} (+ neo4j-rust-ext), pyshacl {version('pyshacl')}, arcadedb-embedded {version('arcadedb-embedded')}, rdflib-neo4j {version('rdflib-neo4j')}",
        "- Bolt server: ArcadeDB's Bolt plugin on loopback, in its own process",
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
    builds = _builds(results)
    for f in builds:
        lines.append(
            f"| {f['entities']:,} | {f['links']:,} | {f['triples']:,} | {fmt(f['build'])} | {f['build_rss_mb']:.0f} MB |"
        )
    large = [f for f in builds if f["entities"] > 20_000]  # no SHACL: one regime
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
        "`kg load --data DIR` timed as a user runs it (start to exit: reading, checking, diffing against the database, writing), against the server's raw ceiling: plain `UNWIND $rows CREATE` of the same nodes and relationships with the same batch size, in the same run.",
        "",
        "| entities | links | kg load | entities/s | links/s | raw ceiling | ceiling ÷ load time |",
        "|---:|---:|---|---:|---:|---|---:|",
    ]
    for f in results["sizes"].values():
        load, ceiling = f["load"]["median"], f["ceiling"]["median"]
        lines.append(
            f"| {f['entities']:,} | {f['links']:,} | {fmt(f['load'])} | {f['entities'] / load:.0f} | {f['links'] / load:.0f} | {fmt(f['ceiling'])} | {ceiling / load:.0%} |"
        )
    rn = results.get("rdflib_neo4j", {})
    lines += ["", "## rdflib-neo4j", ""]
    if rn.get("batched"):
        lines.append(f"Loading the plan's Turtle with batching on (its README's way): {rn['batched']:.2f} s.")
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
    lines += [
        "",
        "## Incremental sync",
        "",
        "After renaming 1 % of the entities, `kg load` (again the whole command) sends only the changed nodes.",
        "",
        "| entities | changed | sync | ÷ full load |",
        "|---:|---:|---|---:|",
    ]
    for f in results["sizes"].values():
        lines.append(
            f"| {f['entities']:,} | {f['sync_changed']:,} | {fmt(f['sync'])} | {f['sync']['median'] / f['load']['median']:.0%} |"
        )
    lines += ["", "## Catalogue queries (p50 / p95 in ms)", ""]
    for f in results["sizes"].values():
        lines += [
            f"### {f['entities']:,} entities, {f['triples']:,} triples",
            "",
            "| query | SPARQL (embedded Oxigraph) | Cypher (Bolt) |",
            "|---|---:|---:|",
        ]
        for q in f["queries"]:
            lines.append(
                f"| {q['query']} | {q['sparql'][0]:.1f} / {q['sparql'][1]:.1f} | {q['cypher'][0]:.1f} / {q['cypher'][1]:.1f} |"
            )
        lines.append("")
    for f in results["build_only"].values():
        if not f.get("store_queries"):
            continue
        lines += [
            f"### {f['entities']:,} entities, {f['triples']:,} triples: on-disk store",
            "",
            f"`kg build --store` (Oxigraph on RocksDB), written in {f['store_seconds']:.0f} s after the build;"
            " each query as `kg query --store` runs it, without loading the lists."
            f" Not timed here, as their answers grow with the graph: {', '.join(sorted(GROWING_ANSWERS))}.",
            "",
            "| query | SPARQL (on-disk Oxigraph) |",
            "|---|---:|",
            *(f"| {q['query']} | {q['sparql'][0]:.1f} / {q['sparql'][1]:.1f} |" for q in f["store_queries"]),
            "",
        ]
    lines += [
        "rdflib's own SPARQL engine against Oxigraph on the same graph: `python bench/sparql_engines.py`"
        " (figures in `bench/sparql_engines.json`).",
        "",
    ]
    if results.get("viz"):
        lines += [
            "## Views",
            "",
            "| nodes | edges | generate | file size | drawn in headless chromium |",
            "|---:|---:|---|---:|---|",
        ]
        for v in results["viz"]:
            if v["generate"]:
                lines.append(
                    f"| {v['nodes']} | {v['edges']} | {fmt(v['generate'])} | {v['bytes'] / 1e6:.1f} MB | {fmt(v['draw'])} |"
                )
            else:
                lines.append(f"| {v['nodes']} | {v['edges']} | refused: {v['note']} | — | — |")
        lines.append("")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
