"""PROFILE of every catalogue question's Cypher on Neo4j, after ``kg load`` of the plan plus N synthetic
entities: what each plan starts from, its database hits, and whether it scans or multiplies.

    python bench/profile.py --size 100000

Prints one line per question and writes bench/profile-N.json. Database hits do not depend on the
machine's load (times do, and are not reported here: bench/run.py measures them).
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.run import PAGECACHE, PASSWORD, kg, run, workspace  # noqa: E402

#: Operators that read more than what a question is about.
WIDE = (
    "AllNodesScan",
    "NodeByLabelScan",
    "CartesianProduct",
    "DirectedAllRelationshipsScan",
    "UndirectedAllRelationshipsScan",
)


def operators(plan) -> list:
    """Every operator of a profiled (or explained) plan, depth first: (name, db hits, rows)."""
    found = [(plan["operatorType"].split("@")[0], plan.get("dbHits", 0), plan.get("rows", 0))]
    for child in plan.get("children", []):
        found += operators(child)
    return found


def profile_catalogue(settings, *, listings: bool = True) -> list[dict]:
    """``PROFILE`` every catalogue question (default parameters, entities looked up as ``kg query`` does) on
    the server of ``settings``; without ``listings``, the listings are only ``EXPLAIN``ed (at a million
    entities they list millions of rows). One dict per question; a line each printed."""
    from neo4j.exceptions import Neo4jError

    from kg.query.catalogue import catalogue, prepare
    from loaders.bolt.connect import connect
    from loaders.bolt.read import ReadSession

    out = []
    driver = connect(settings)
    with ReadSession(settings) as session, driver.session(database=settings.database) as raw:
        for query in catalogue().values():
            text, values = prepare(query, "cypher", {}, session.lookup)
            row = {"query": query.id, "listing": query.listing, "rows": None, "db_hits": None}
            ops = None
            if query.listing and not listings:
                row["profile_error"] = "a listing, not run at this size"
            else:
                try:
                    result = raw.run("PROFILE " + text, values)
                    row["rows"] = len(list(result))  # the profiler counts what is read (a discarded result is not)
                    ops = operators(result.consume().profile)
                    row["db_hits"] = sum(hits for _, hits, _ in ops)
                except Neo4jError as exc:  # Neo4j cannot profile every query: said, and the plan explained
                    row["profile_error"] = exc.message
            if ops is None:
                ops = operators(raw.run("EXPLAIN " + text, values).consume().plan)
            row["starts_from"] = ops[-1][0]
            row["wide"] = sorted({name for name, _, _ in ops if name in WIDE})
            out.append(row)
            said = (
                f"{row['rows']:>7,} rows {row['db_hits']:>10,} db hits"
                if row["db_hits"] is not None
                else f"no PROFILE ({row['profile_error']})"
            )
            print(
                f"{query.id:28} {'listing' if query.listing else '':8} {said} from {row['starts_from']}  {' '.join(row['wide'])}",
                flush=True,
            )
    driver.close()
    return out


def profile(size: int) -> list[dict]:
    """Load the plan plus ``size`` synthetic entities into a new Neo4j with ``kg load``, and profile the catalogue."""
    from loaders.bolt.connect import Settings
    from loaders.bolt.neo4j_server import Neo4jServer

    tmp = Path(tempfile.mkdtemp(prefix="kg-profile-"))
    try:
        ws = workspace(size, tmp / "ws")
        with Neo4jServer(password=PASSWORD, heap="4g", pagecache=PAGECACHE) as server:
            settings = Settings(uri=server.uri, username=server.username, password=PASSWORD, database=server.database)
            env = {
                "NEO4J_URI": server.uri,
                "NEO4J_USERNAME": server.username,
                "NEO4J_PASSWORD": PASSWORD,
                "NEO4J_DATABASE": server.database,
                "KG_CACHE_DIR": str(tmp / "cache"),
            }
            run(kg("load", "--data", str(ws)), env=env)
            return profile_catalogue(settings)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=42000, help="synthetic entities added to the plan")
    args = parser.parse_args()
    rows = profile(args.size)
    path = ROOT / "bench" / f"profile-{args.size}.json"
    path.write_text(json.dumps({"entities": 300 + args.size, "queries": rows}, indent=1), encoding="utf-8")
    print("wrote", path)


if __name__ == "__main__":
    main()
