"""The two ways ``kg query --engine cypher`` can read from Neo4j, side by side in one run on one server:
one auto-commit query in read access mode (what it does on Neo4j, which refuses writes in that mode),
and an explicit read transaction that is rolled back (what it does on ArcadeDB, which does not).

    python bench/read_path.py            # figures to bench/read-path.json

The plan is loaded into a new Neo4j with ``kg load``'s library call, the server is warmed with the
catalogue's questions (bench/run.py's warm-up), then each non-listing question is answered the two
ways in turn, ``--repeats`` times each, lookups included as ``kg query`` makes them. The ratio of the
two p50s is what the auto-commit read saves; both are measured in the same run.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.run import PASSWORD, percentiles, warm_up  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=100)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "read-path.json")
    args = parser.parse_args()
    from kg.query.catalogue import catalogue, prepare
    from loaders.bolt.connect import Settings
    from loaders.bolt.load import load_lists
    from loaders.bolt.read import ReadSession
    from loaders.bolt.server import local_server

    rows = []
    with local_server("neo4j", password=PASSWORD) as server:
        settings = Settings(uri=server.uri, username=server.username, password=PASSWORD, database=server.database)
        load_lists(None, settings, snapshots=False)
        with ReadSession(settings) as session:
            done, seconds = warm_up(session)
            for query in catalogue().values():
                if query.listing:
                    continue
                times: dict[str, list[float]] = {"auto-commit": [], "transaction rolled back": []}
                for _ in range(args.repeats):
                    for way, enforces in (("auto-commit", True), ("transaction rolled back", False)):
                        session._enforces = enforces  # the path ReadSession takes on Neo4j, and on ArcadeDB
                        start = time.perf_counter()
                        session.select(*prepare(query, "cypher", {}, session.lookup), name=query.id)
                        times[way].append((time.perf_counter() - start) * 1000)
                p50 = {way: percentiles(values)[0] for way, values in times.items()}
                rows.append({"query": query.id, **p50})
                print(
                    f"{query.id:28} auto-commit {p50['auto-commit']:6.2f} ms   rolled back "
                    f"{p50['transaction rolled back']:6.2f} ms   ratio {p50['auto-commit'] / p50['transaction rolled back']:.2f}",
                    flush=True,
                )
    figures = {"machine": platform.platform(), "warm_up": [done, round(seconds, 1)], "repeats": args.repeats}
    figures["queries"] = rows
    args.out.write_text(json.dumps(figures, indent=1) + "\n", encoding="utf-8")
    print("wrote", args.out.resolve())


if __name__ == "__main__":
    main()
