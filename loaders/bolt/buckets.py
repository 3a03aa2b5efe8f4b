"""Load by buckets: compare the digest of each bucket of the graph with the summary the last load
left, and read back and compare item by item only the buckets that differ (or that a stopped load
marked). Without a summary, everything is compared and the buckets are drawn again."""

from __future__ import annotations

from kg.graph.mapping import PropertyGraph
from loaders.bolt.diff import SyncPlan, drop_duplicates, plan_sync
from loaders.bolt.options import LoadRun, Outcome
from loaders.bolt.read import read_duplicates, read_graph
from loaders.bolt.state import (
    LoadState,
    bucket_sums,
    digest,
    drop_state,
    incoming,
    mark_dirty,
    read_buckets,
    write_state,
)
from loaders.bolt.write import Writer, batches

__all__ = ["by_buckets"]


def by_buckets(
    run: LoadRun,
    target: PropertyGraph,
    state: LoadState | None,
    current: PropertyGraph | None,
    meanwhile=None,
) -> Outcome:
    """Make the database hold ``target``, given its summary ``state`` (None: none, or not trusted) and,
    if already read, the whole graph it holds (``current``); ``meanwhile()`` runs while the batches go out."""
    driver, database, replace = run.driver, run.database, run.options.replace
    if state is not None and not state.fits(len(target.nodes)):
        state = None
    if state is None:  # compare everything, then draw the buckets again
        if current is None:
            current = read_graph(driver, database)
        plan = plan_sync(current, target, replace=replace)
        drop_duplicates(plan, read_duplicates(driver, database), current, target)
        new_state = LoadState.draw(target.nodes)
        target_sums = None  # summed while the batches go out
        examined = set(range(len(new_state.bounds)))
        before = current
        outside_nodes = outside_rels = 0
    else:
        new_state = state
        target_sums = bucket_sums(state, target)
        examined = {i for i, known in enumerate(state.hashes) if digest(target_sums[i]) != known} | state.dirty
        if not examined:
            if meanwhile is not None:
                meanwhile()
            summary = SyncPlan(unchanged_nodes=len(target.nodes), unchanged_rels=len(target.rels)).summary()
            return Outcome({**summary, "batches": 0, "compared": "buckets"}, state.bounds, state.hashes, target_sums)
        target_nodes, target_rels = _split(state, target)
        before = PropertyGraph()
        to_read = set(examined)
        while True:
            part = read_buckets(driver, database, state, to_read)
            before.nodes.update(part.nodes)
            before.rels.update(part.rels)
            here = PropertyGraph(
                {n.uri: n for i in examined for n in target_nodes.get(i, ())},
                {r.key: r for i in examined for r in target_rels.get(i, ())},
            )
            plan = plan_sync(before, here, replace=replace)
            # a deleted node takes its incoming relationships along: their buckets are compared too
            to_read = {state.bucket(u) for u in incoming(driver, database, plan.delete_nodes)} - examined
            if not to_read:
                break
            examined |= to_read
        outside_nodes = len(target.nodes) - len(here.nodes)
        outside_rels = len(target.rels) - len(here.rels)
    plan.unchanged_nodes += outside_nodes
    plan.unchanged_rels += outside_rels
    to_send = batches(plan, run.options.batch_size)
    if to_send:
        # Mark the buckets about to change, so that an interrupted load is compared again by the next one.
        if state is None:
            drop_state(driver, database)
        else:
            mark_dirty(driver, database, state.dirty | examined)
    writer = Writer(driver, run.settings, to_send, run.options.progress)
    writer.start()
    if target_sums is None:
        target_sums = bucket_sums(new_state, target)
    hashes = _hashes_after(new_state, state is None, examined, before, target, target_sums, plan)
    if meanwhile is not None:
        meanwhile()
    writer.result()
    if to_send or state is None or hashes != new_state.hashes:
        write_state(driver, database, new_state.bounds, hashes)
    summary = {**plan.summary(), "batches": writer.sent, "compared": "everything" if state is None else "buckets"}
    return Outcome(summary, new_state.bounds, hashes, target_sums)


def _split(state: LoadState, pg: PropertyGraph) -> tuple[dict[int, list], dict[int, list]]:
    """The graph's nodes and relationships by bucket."""
    nodes: dict[int, list] = {}
    rels: dict[int, list] = {}
    bucket = state.bucket
    for uri, node in pg.nodes.items():
        nodes.setdefault(bucket(uri), []).append(node)
    for rel in pg.rels.values():
        rels.setdefault(bucket(rel.start), []).append(rel)
    return nodes, rels


def _hashes_after(state: LoadState, drawn: bool, examined, before, target, target_sums, plan) -> list[str]:
    """The digests of the examined buckets once the plan is written: the target's part, plus what
    the database holds that the target lacks and the plan leaves in place (without ``replace``)."""
    gone = set(plan.delete_nodes)
    deleted_rels = {r.key for r in plan.delete_rels}
    extra = PropertyGraph()
    for uri, node in before.nodes.items():
        if uri not in target.nodes and uri not in gone:
            extra.nodes[uri] = node
    for key, rel in before.rels.items():
        if key not in target.rels and key not in deleted_rels and not {rel.start, rel.end} & gone:
            extra.rels[key] = rel
    extra_sums = bucket_sums(state, extra)
    hashes = list(state.hashes) if not drawn else [""] * len(state.bounds)
    for i in examined:
        hashes[i] = digest(target_sums[i] + extra_sums[i])
    return hashes
