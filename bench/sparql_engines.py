"""rdflib's SPARQL engine against Oxigraph on the same graph, for a few catalogue queries.

    python bench/sparql_engines.py --entities 42000 --cap 60

The workspace is the plan's lists plus N synthetic entities (as bench/run.py
makes it; 42,000 give about 1 M triples). Each query runs with its default
parameters: on rdflib as ``graph.query(text, initBindings=...)``, once, in a
child process stopped after --cap seconds ("> cap s"); on Oxigraph through
``kg.query.sparql.SparqlEngine``, --runs times (median). The answers of both engines
are compared (as sets of strings) when both finish. Prints a Markdown table and writes the figures
to bench/sparql_engines.json.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import multiprocessing
import platform
import statistics
import sys
import tempfile
import time
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

QUERIES = ["located-in", "relies-on", "neighbours", "parks-biomedicine-beijing"]

_GRAPH = None  # the rdflib graph, shared with the child processes by fork


def _harness():
    spec = importlib.util.spec_from_file_location("bench_run", ROOT / "bench" / "run.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _rdflib_child(text: str, bindings: dict, out) -> None:
    from rdflib import Literal

    start = time.perf_counter()
    rows = list(_GRAPH.query(text, initBindings={k: Literal(v) for k, v in bindings.items()}))
    elapsed = time.perf_counter() - start
    answer = sorted(
        repr(sorted((str(k), str(v)) for k, v in row.asdict().items() if k not in bindings)) for row in rows
    )
    out.send((elapsed, answer))


def rdflib_time(text: str, bindings: dict, cap: float) -> tuple[float | None, list | None]:
    """Seconds and answer on rdflib's engine; ``(None, None)`` when it runs past the cap."""
    receive, send = multiprocessing.get_context("fork").Pipe(duplex=False)
    child = multiprocessing.get_context("fork").Process(target=_rdflib_child, args=(text, bindings, send))
    child.start()
    if receive.poll(cap):
        elapsed, answer = receive.recv()
        child.join()
        return elapsed, answer
    child.terminate()
    child.join()
    return None, None


def main() -> None:
    global _GRAPH
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entities", type=int, default=42_000, help="synthetic entities added to the plan's lists")
    parser.add_argument("--cap", type=float, default=60.0, help="seconds after which an rdflib query is stopped")
    parser.add_argument("--runs", type=int, default=5, help="Oxigraph runs per query (median)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "sparql_engines.json")
    args = parser.parse_args()

    from kg.lists.checks import check
    from kg.query.catalogue import catalogue, resolve
    from kg.query.sparql import SparqlEngine
    from kg.rdf.build import build_graph
    from loaders.csv_lists import read_workspace

    with tempfile.TemporaryDirectory() as tmp:
        ws = _harness().workspace(args.entities, Path(tmp) / "ws")
        _GRAPH = build_graph(check(read_workspace(ws)))
    triples = len(_GRAPH)
    engine = SparqlEngine(_GRAPH)
    print(f"{args.entities:,} synthetic entities + the plan's lists: {triples:,} triples", file=sys.stderr)

    rows = []
    for query_id in QUERIES:
        query = catalogue()[query_id]
        bindings = resolve(query, {}, engine.lookup)
        text = query.text("sparql")
        times = []
        for _ in range(args.runs):
            start = time.perf_counter()
            _, oxi_rows = engine.select(text, bindings, name=query_id)
            times.append(time.perf_counter() - start)
        oxigraph = statistics.median(times)
        seconds, answer = rdflib_time(text, bindings, args.cap)
        expected = sorted(repr(sorted((k, str(v)) for k, v in row.items() if v is not None)) for row in oxi_rows)
        same = None if answer is None else answer == expected
        rows.append(
            {
                "query": query_id,
                "rows": len(oxi_rows),
                "oxigraph_ms": round(oxigraph * 1000, 2),
                "rdflib_ms": None if seconds is None else round(seconds * 1000, 1),
                "rdflib_capped": seconds is None,
                "same_answer": same,
            }
        )
        print(f"{query_id}: oxigraph {oxigraph * 1000:.1f} ms, rdflib {seconds}", file=sys.stderr)

    result = {
        "entities": args.entities,
        "triples": triples,
        "cap_s": args.cap,
        "oxigraph_runs": args.runs,
        "python": platform.python_version(),
        "rdflib": version("rdflib"),
        "pyoxigraph": version("pyoxigraph"),
        "queries": rows,
    }
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")

    print(f"\n{triples:,} triples ({args.entities:,} synthetic entities + the plan's lists)\n")
    print("| query | rows | Oxigraph p50 | rdflib |")
    print("|---|---:|---:|---:|")
    for row in rows:
        rdflib = f"> {args.cap:g} s" if row["rdflib_capped"] else f"{row['rdflib_ms'] / 1000:.2f} s"
        print(f"| {row['query']} | {row['rows']} | {row['oxigraph_ms']:.1f} ms | {rdflib} |")


if __name__ == "__main__":
    main()
