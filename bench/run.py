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


def run(
    args: list[str], env: dict | None = None, timeout: float = 3600
) -> tuple[float, int, subprocess.CompletedProcess]:
    """Wall time (s) and peak RSS (KB) of a child process."""
    start = time.perf_counter()
    process = subprocess.Popen(
        args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={**os.environ, **(env or {})}, cwd=ROOT
    )
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    out, err = process.stdout.read(), process.stderr.read()
    process.stdout.close()
    process.stderr.close()
    done = subprocess.CompletedProcess(args, os.waitstatus_to_exitcode(status), out.decode(), err.decode())
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed: {done.stderr[-2000:]}")
    return elapsed, usage.ru_maxrss, done


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
    """Plain UNWIND … CREATE of the same rows with the same batch size (no MERGE, no diff)."""
    from loaders.neo4j_io import CONSTRAINT, _labels, _rel, connect

    driver = connect(settings)
    start = time.perf_counter()
    with driver.session(database=settings.database) as session:
        session.run(CONSTRAINT).consume()
        groups: dict = {}
        for node in pg.nodes.values():
            groups.setdefault(node.labels, []).append({"props": node.props})
        for labels, rows in groups.items():
            query = f"UNWIND $rows AS row CREATE (n{_labels(labels)}) SET n = row.props"
            for i in range(0, len(rows), BATCH):
                session.execute_write(_write, query, rows[i : i + BATCH])
        by_type: dict = {}
        for rel in pg.rels.values():
            by_type.setdefault(rel.type, []).append({"start": rel.start, "end": rel.end, "props": rel.props})
        for name, rows in by_type.items():
            query = f"UNWIND $rows AS row MATCH (a:Resource {{uri: row.start}}) MATCH (b:Resource {{uri: row.end}}) CREATE (a)-[r:{_rel(name)}]->(b) SET r = row.props"
            for i in range(0, len(rows), BATCH):
                session.execute_write(_write, query, rows[i : i + BATCH])
    elapsed = time.perf_counter() - start
    driver.close()
    return elapsed


def _write(tx, query, rows):
    tx.run(query, rows=rows).consume()


def rdflib_neo4j(ttl: Path, settings) -> tuple[float | None, str]:
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
            auth_data=auth, handle_vocab_uri_strategy=HANDLE_VOCAB_URI_STRATEGY.IGNORE, batching=True
        )
        graph = Graph(store=Neo4jStore(config=config))
        graph.parse(str(ttl), format="turtle")
        graph.close(True)
    except Exception as exc:  # report whatever stops it
        return None, f"{type(exc).__name__}: {str(exc).splitlines()[0][:300]}"
    return time.perf_counter() - start, ""


def percentiles(values: list[float]) -> tuple[float, float]:
    ordered = sorted(values)
    p50 = statistics.median(ordered)
    p95 = ordered[min(len(ordered) - 1, math.ceil(0.95 * len(ordered)) - 1)]
    return p50, p95


def query_latency(ws: Path, settings, repeats: int) -> list[dict]:
    from kg.checks import check
    from kg.queries import catalogue, resolve
    from kg.sparql import SparqlEngine
    from loaders.neo4j_io import ReadSession

    engine = SparqlEngine.from_model(check(read_workspace(ws)))
    rows = []
    with ReadSession(settings) as session:
        for query in catalogue().values():
            row = {"query": query.id}
            for name, runner, lookup in (
                ("sparql", engine.select, engine.lookup),
                ("cypher", session.run, session.lookup),
            ):
                values = resolve(query, {}, lookup)
                text = query.text(name)
                times = []
                for _ in range(repeats):
                    start = time.perf_counter()
                    runner(text, values, name=query.id)
                    times.append((time.perf_counter() - start) * 1000)
                    if times[-1] > 20_000:
                        break
                row[name] = percentiles(times)
            rows.append(row)
    return rows


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,10000", help="synthetic entities added to the plan, comma-separated")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--query-repeats", type=int, default=20)
    parser.add_argument("--output", default=str(ROOT / "BENCHMARKS.md"))
    parser.add_argument("--skip-viz", action="store_true")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]

    from kg.checks import check
    from kg.mapping import model_to_property_graph
    from loaders.bolt_server import USERNAME, BoltServer
    from loaders.neo4j_io import Settings

    results: dict = {"sizes": {}, "plan_build": None}
    tmp = Path(tempfile.mkdtemp(prefix="kg-bench-"))
    try:
        times = [run(kg("build", "-o", str(tmp / "plan-out")))[0] for _ in range(args.runs)]
        results["plan_build"] = stats(times)
        print("plan build", fmt(results["plan_build"]), flush=True)
        with BoltServer(password=PASSWORD) as server:
            settings = Settings(uri=server.uri, username=USERNAME, password=PASSWORD, database=server.database)
            env = {
                "NEO4J_URI": server.uri,
                "NEO4J_USERNAME": USERNAME,
                "NEO4J_PASSWORD": PASSWORD,
                "NEO4J_DATABASE": server.database,
            }
            for n in sizes:
                ws = workspace(n, tmp / f"ws{n}")
                lists = read_workspace(ws)
                entities, links = len(lists.entities), len(lists.links)
                figure: dict = {"entities": entities, "links": links}
                build = [run(kg("build", "--data", str(ws), "-o", str(tmp / f"out{n}"))) for _ in range(args.runs)]
                figure["build"] = stats([b[0] for b in build])
                figure["build_rss_mb"] = max(b[1] for b in build) / 1024
                print(n, "build", fmt(figure["build"]), f"{figure['build_rss_mb']:.0f} MB", flush=True)
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
                elapsed, error = rdflib_neo4j(tmp / f"out{n}" / "plan.ttl", settings)
                figure["rdflib_neo4j"] = {"seconds": elapsed, "error": error}
                print(n, "rdflib-neo4j", elapsed, error, flush=True)
                clear(settings)
                run(kg("load", "--data", str(ws)), env=env)
                changed = tmp / f"ws{n}-changed"
                shutil.copytree(ws, changed, dirs_exist_ok=True)
                rows = [r.values for r in read_workspace(changed).entities]
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
        if not args.skip_viz:
            results["viz"] = viz_figures(args.runs)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    (ROOT / "bench" / "results.json").write_text(json.dumps(results, indent=1, default=str), encoding="utf-8")
    Path(args.output).write_text(report(results, args), encoding="utf-8")
    print("wrote", args.output)


def exponent(points: list[tuple[float, float]]) -> float | None:
    if len(points) < 2:
        return None
    xs = [math.log(x) for x, _ in points]
    ys = [math.log(y) for _, y in points]
    mx, my = statistics.mean(xs), statistics.mean(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sum((x - mx) ** 2 for x in xs)


def _short_error(text: str) -> str:
    """The Neo4j code and first words of an error, for a table cell."""
    import re

    code = re.search(r"neo4j_code: ([\w.]+)", text)
    message = re.search(r"message: ([^}]*)", text)
    if code:
        return f"`{code[1]}`: {message[1][:90] if message else ''}"
    return text[:120]


def report(results: dict, args) -> str:
    lines = [
        "# Benchmarks",
        "",
        f"Produced by `python bench/run.py --sizes {args.sizes} --runs {args.runs}` (raw figures in `bench/results.json`).",
        "Each figure: median of the runs, with the spread (min–max) in brackets.",
        "",
        "## Machine",
        "",
        f"- {platform.platform()}, Python {platform.python_version()}, {os.cpu_count()} cores",
        f"- rdflib {version('rdflib')}, pyoxigraph {version('pyoxigraph')}, neo4j driver {version('neo4j')} (+ neo4j-rust-ext), pyshacl {version('pyshacl')}, arcadedb-embedded {version('arcadedb-embedded')}",
        "- Bolt server: ArcadeDB's Bolt plugin on loopback, in its own process",
        "",
        "## Build (`kg build`, parse + validate + write ttl/nt/jsonld)",
        "",
        f"The plan itself: {fmt(results['plan_build'])} (target: under 2 s).",
        "",
        "| entities | links | time | peak memory |",
        "|---:|---:|---|---:|",
    ]
    sizes = results["sizes"]
    for f in sizes.values():
        lines.append(f"| {f['entities']} | {f['links']} | {fmt(f['build'])} | {f['build_rss_mb']:.0f} MB |")
    slope = exponent([(f["entities"], f["build"]["median"]) for f in sizes.values()])
    if slope is not None:
        lines += ["", f"Growth: time ∝ entities^{slope:.2f} (least-squares fit on a log-log scale)."]
    lines += [
        "",
        "## Load into the Bolt server",
        "",
        "`kg load --data DIR` timed as a user runs it (start to exit: reading, checking, diffing against the database, writing), against the server's raw ceiling: plain `UNWIND $rows CREATE` of the same nodes and relationships with the same batch size, in the same run.",
        "",
        "| entities | links | kg load | entities/s | links/s | raw ceiling | load ÷ ceiling time | rdflib-neo4j | ours vs rdflib-neo4j |",
        "|---:|---:|---|---:|---:|---|---:|---|---:|",
    ]
    for f in sizes.values():
        load, ceiling = f["load"]["median"], f["ceiling"]["median"]
        rn = f["rdflib_neo4j"]
        rn_text = f"{rn['seconds']:.2f} s" if rn["seconds"] else f"failed: {_short_error(rn['error'])}"
        ratio = f"{rn['seconds'] / load:.1f}×" if rn["seconds"] else "—"
        lines.append(
            f"| {f['entities']} | {f['links']} | {fmt(f['load'])} | {f['entities'] / load:.0f} | {f['links'] / load:.0f} | {fmt(f['ceiling'])} | {ceiling / load:.0%} | {rn_text} | {ratio} |"
        )
    lines += [
        "",
        "## Incremental sync",
        "",
        "After renaming 1 % of the entities, `kg load` sends only the changed nodes.",
        "",
        "| entities | changed | sync | ÷ full load |",
        "|---:|---:|---|---:|",
    ]
    for f in sizes.values():
        lines.append(
            f"| {f['entities']} | {f['sync_changed']} | {fmt(f['sync'])} | {f['sync']['median'] / f['load']['median']:.0%} |"
        )
    lines += ["", "## Catalogue queries (p50 / p95 in ms)", ""]
    for f in sizes.values():
        lines += [
            f"### {f['entities']} entities",
            "",
            "| query | SPARQL (embedded Oxigraph) | Cypher (Bolt) |",
            "|---|---:|---:|",
        ]
        for q in f["queries"]:
            lines.append(
                f"| {q['query']} | {q['sparql'][0]:.1f} / {q['sparql'][1]:.1f} | {q['cypher'][0]:.1f} / {q['cypher'][1]:.1f} |"
            )
        lines.append("")
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
    errors = {f["rdflib_neo4j"]["error"] for f in sizes.values() if f["rdflib_neo4j"]["error"]}
    if errors:
        lines += [
            "## rdflib-neo4j",
            "",
            "It could not load into this server; the exact error:",
            "",
            *(f"    {e}" for e in sorted(errors)),
            "",
        ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
