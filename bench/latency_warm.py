"""Catalogue Cypher latency on a cold and on a warmed Neo4j: how much of a question's time is the JVM's warm-up.

A new Neo4j answers its first thousands of queries slowly (the JIT has not compiled the Bolt and
Cypher runtime yet): ``RETURN 1`` takes ~6 ms on a fresh server and ~1 ms after a few thousand
queries on the same machine. bench/run.py times the catalogue on a server it has just started;
this script times it there (cold), then again after a warm-up of ``--warm-up`` queries (the
catalogue's own questions, round and round), in the same run, on the same server, and prints
both p50s and their ratio. The lists are the plan plus ``--size`` synthetic entities, loaded
with ``kg load``, as bench/run.py does.

    python bench/latency_warm.py --size 100000        # figures to bench/latency-warm-100000.json
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from run import _latencies, fresh_server, kg, run, warm_up, workspace  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000, help="synthetic entities added to the plan")
    parser.add_argument("--warm-up", type=int, default=5_000, help="queries run between the cold and the warm timing")
    parser.add_argument("--warm-up-seconds", type=float, default=180, help="or at most this long")
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    from loaders.bolt.read import ReadSession

    folder = Path(tempfile.mkdtemp(prefix="kg-warm-"))
    ws = workspace(args.size, folder)
    figures: dict = {"entities": None, "warm_up_queries": args.warm_up, "machine": platform.platform()}
    with fresh_server() as (_, settings, env):
        seconds, _, _ = run(kg("load", "--data", str(ws)), env=env)
        figures["load_seconds"] = round(seconds, 1)
        with ReadSession(settings) as session:
            figures["entities"] = session.select("MATCH (n:Resource) RETURN count(n) AS n")[1][0]["n"]
            cold = _latencies(session.select, session.lookup, "cypher", args.repeats, listings=False)
            done, seconds = warm_up(session, args.warm_up, args.warm_up_seconds)
            figures["warm_up_queries"], figures["warm_up_seconds"] = done, round(seconds, 1)
            warm = _latencies(session.select, session.lookup, "cypher", args.repeats, listings=False)
    rows = []
    for c, w in zip(cold, warm, strict=True):
        if c["listing"]:
            continue
        rows.append({"query": c["query"], "cold": c["times"], "warm": w["times"], "rows": w["rows"]})
    figures["queries"] = rows
    print(f"{figures['entities']:,} entities; warm-up: {done:,} queries in {figures['warm_up_seconds']} s")
    print(f"{'question':28} {'cold p50':>9} {'warm p50':>9} {'warm p95':>9} {'warm/cold':>9}")
    for row in rows:
        (c50, _), (w50, w95) = row["cold"], row["warm"]
        print(f"{row['query']:28} {c50:9.1f} {w50:9.1f} {w95:9.1f} {w50 / c50:9.2f}")
    under = sum(1 for row in rows if row["warm"][0] <= 20)
    print(
        f"warm p50 ≤ 20 ms: {under} of {len(rows)}; median warm/cold ratio "
        f"{statistics.median(r['warm'][0] / r['cold'][0] for r in rows):.2f}"
    )
    out = (args.out or ROOT / "bench" / f"latency-warm-{args.size}.json").resolve()
    out.write_text(json.dumps(figures, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print("wrote", out.relative_to(ROOT))


if __name__ == "__main__":
    main()
