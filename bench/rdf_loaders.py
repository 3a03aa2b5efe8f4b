"""`kg load` beside the RDF loaders Neo4j users know, on one Neo4j, the same graph, in the same run:
rdflib-neo4j 1.1 (batched, with its uniqueness constraint: its README's way) and neosemantics (n10s)
`n10s.rdf.import.inline` of the same Turtle; and the server's raw ``UNWIND … CREATE`` of the same graph
(the ceiling of any loader through Bolt).

    python bench/rdf_loaders.py --sizes 0,42000 --runs 3

n10s is not published on Maven Central for Neo4j 5.26: the only 5.x release there is 5.1.0.0
(`org.neo4j:neosemantics`, made for Neo4j 5.1), which this script fetches with Maven and loads as a
plugin; its procedures register and import on 5.26.30. Each loader gets a new server with an empty
database. The figures go to bench/rdf-loaders.json, which bench/run.py's report shows.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.run import PASSWORD, kg, raw_ceiling, rdflib_neo4j, run, stats, workspace  # noqa: E402
from kg.resources import cache_dir  # noqa: E402
from loaders.bolt.connect import Settings, connect  # noqa: E402
from loaders.bolt.neo4j_server import Neo4jServer  # noqa: E402

N10S = "org.neo4j:neosemantics:5.1.0.0"


def n10s_jar() -> Path:
    folder = cache_dir() / "n10s-5.1.0.0"
    jar = folder / "neosemantics-5.1.0.0.jar"
    if not jar.is_file():
        subprocess.run(
            ["mvn", "-q", "-B", "dependency:copy", f"-Dartifact={N10S}", f"-DoutputDirectory={folder}"],
            check=True,
            cwd=tempfile.gettempdir(),
        )
    return jar


def server(**options) -> Neo4jServer:
    return Neo4jServer(password=PASSWORD, heap="4g", **options)


def settings_of(s: Neo4jServer) -> Settings:
    return Settings(uri=s.uri, username=s.username, password=PASSWORD, database=s.database)


def time_kg_load(ws: Path) -> float:
    with server() as s:
        env = {
            "NEO4J_URI": s.uri,
            "NEO4J_USERNAME": s.username,
            "NEO4J_PASSWORD": PASSWORD,
            "NEO4J_DATABASE": s.database,
            "KG_CACHE_DIR": tempfile.mkdtemp(prefix="kg-bench-cache-"),
        }
        try:
            return run(kg("load", "--data", str(ws)), env=env)[0]
        finally:
            shutil.rmtree(env["KG_CACHE_DIR"], ignore_errors=True)


def time_ceiling(ws: Path) -> float:
    """The server's raw ``UNWIND $rows CREATE`` of the same graph (bench/run.py's ceiling): what no loader
    through Bolt can beat, so the bound of any ``kg load`` ÷ other loader ratio."""
    from kg.graph.mapping import model_to_property_graph
    from kg.lists.checks import check
    from loaders.csv_lists import read_workspace

    pg = model_to_property_graph(check(read_workspace(ws)))
    with server() as s:
        return raw_ceiling(pg, settings_of(s))


def time_rdflib_neo4j(ttl: Path) -> tuple[float | None, str]:
    with server() as s:
        return rdflib_neo4j(ttl, settings_of(s), batching=True)


def time_n10s(ttl: Path, jar: Path) -> tuple[float | None, str, int]:
    """n10s as its manual shows: the uniqueness constraint, a graph config ignoring vocabulary IRIs
    (as kg's mapping does), then the Turtle inline in one call."""
    with server(plugins=(jar,)) as s:
        driver = connect(settings_of(s))
        try:
            with driver.session(database=s.database) as session:
                session.run(
                    "CREATE CONSTRAINT n10s_unique_uri IF NOT EXISTS FOR (r:Resource) REQUIRE r.uri IS UNIQUE"
                ).consume()
                session.run("CALL n10s.graphconfig.init({handleVocabUris: 'IGNORE'})").consume()
                text = ttl.read_text(encoding="utf-8")
                start = time.perf_counter()
                row = session.run("CALL n10s.rdf.import.inline($text, 'Turtle')", text=text).single()
                seconds = time.perf_counter() - start
        except Exception as exc:  # report whatever stops it
            return None, f"{type(exc).__name__}: {' '.join(str(exc).split())}", 0
        finally:
            driver.close()
    if row["terminationStatus"] != "OK":
        return None, f"{row['terminationStatus']}: {row['extraInfo']}", row["triplesLoaded"]
    return seconds, "", row["triplesLoaded"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="0,42000", help="synthetic entities added to the plan, comma-separated")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--results", default=str(ROOT / "bench" / "rdf-loaders.json"))
    args = parser.parse_args()
    jar = n10s_jar()
    results = {"n10s": N10S, "sizes": {}}
    tmp = Path(tempfile.mkdtemp(prefix="kg-rdf-loaders-"))
    try:
        for n in [int(s) for s in args.sizes.split(",") if s]:
            ws = workspace(n, tmp / f"ws{n}")
            out = tmp / f"out{n}"
            run(kg("build", "--data", str(ws), "-o", str(out), "--no-shacl"))
            ttl = out / "plan.ttl"
            triples = sum(1 for line in (out / "plan.nt").open(encoding="utf-8") if line.strip())
            figure: dict = {"entities": None, "triples": triples, "errors": {}}
            ours, rdflib_times, n10s_times, ceilings = [], [], [], []
            for _ in range(args.runs):
                ours.append(time_kg_load(ws))
                ceilings.append(time_ceiling(ws))
                seconds, error = time_rdflib_neo4j(ttl)
                if seconds is None:
                    figure["errors"]["rdflib-neo4j"] = error
                else:
                    rdflib_times.append(seconds)
                seconds, error, loaded = time_n10s(ttl, jar)
                if seconds is None:
                    figure["errors"]["n10s"] = error
                else:
                    n10s_times.append(seconds)
                    figure["n10s_triples_loaded"] = loaded
                print(
                    n,
                    "kg load",
                    ours[-1],
                    "ceiling",
                    ceilings[-1],
                    "rdflib-neo4j",
                    rdflib_times[-1:],
                    "n10s",
                    n10s_times[-1:],
                    flush=True,
                )
            figure["entities"] = 300 + n
            figure["kg_load"] = stats(ours)
            figure["ceiling"] = stats(ceilings)
            if rdflib_times:
                figure["rdflib_neo4j"] = stats(rdflib_times)
            if n10s_times:
                figure["n10s"] = stats(n10s_times)
            results["sizes"][n] = figure
            Path(args.results).write_text(json.dumps(results, indent=1), encoding="utf-8")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("wrote", args.results)


if __name__ == "__main__":
    main()
