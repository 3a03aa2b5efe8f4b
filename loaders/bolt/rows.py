"""Load by rows: with a snapshot of the lists as last loaded into this database
(:mod:`loaders.bolt.snapshot`), check only the rows whose text changed
(:func:`kg.lists.incremental.changes`) and compare and write only their nodes and relationships.

The database holds what the snapshot says wherever a bucket's digest is the lists' own, so items
are read back only from buckets where it keeps more (what the lists dropped, without ``replace``);
the digests move by the difference of the items' hashes. The buckets decide instead
(:mod:`loaders.bolt.buckets`) whenever this cannot be sure: the database's summary is not the one
the snapshot recorded, a bucket is marked, a node must be deleted or change its labels.
"""

from __future__ import annotations

from kg.graph.mapping import PropertyGraph, node_of, rel_of
from loaders.bolt.diff import SyncPlan, plan_sync
from loaders.bolt.options import LoadRun, Outcome
from loaders.bolt.read import read_items
from loaders.bolt.state import LoadState, digest, mark_dirty, node_hash, rel_hash, write_state
from loaders.bolt.write import Writer, batches

__all__ = ["changes_since", "still_holds", "by_rows"]


def changes_since(folder, snapshot):
    """The checked changes since the snapshot and the files' digests, or None if only the whole lists can tell.
    A file whose bytes have the digest the snapshot recorded is not decoded nor compared."""
    from kg.lists.incremental import changes
    from loaders.csv_lists import file_digest, read_list_files
    from loaders.formats import decode, read_delimited

    files = read_list_files(folder)
    if files is None:
        return None
    texts, digests = [], []
    for (label, data), known in zip(files, snapshot.digests, strict=True):
        digests.append(file_digest(data))
        if digests[-1] == known:
            texts.append(None)
            continue
        text, errors = decode(data, label)
        if errors:
            return None
        texts.append(text)
    found = changes(snapshot.index, *texts, parse=read_delimited)
    return (found, tuple(digests)) if found is not None else None


def still_holds(state: LoadState | None, snapshot, nodes: int) -> bool:
    """Whether the database holds what the snapshot says it left there, with no bucket marked."""
    return (
        state is not None
        and not state.dirty
        and state.bounds == snapshot.bounds
        and state.hashes == snapshot.hashes
        and state.fits(nodes)
    )


def by_rows(run: LoadRun, found, state: LoadState, snapshot, keep) -> Outcome | None:
    """Send what the changed rows change; None if the buckets must decide (nothing written then).
    ``keep(outcome)`` runs while the batches go out (it keeps the new snapshot)."""
    driver, database, replace = run.driver, run.database, run.options.replace
    total_nodes, total_rels = len(found.index.kinds), found.index.link_count
    old_nodes = {n.uri: n for n in map(node_of, found.removed_entities)}
    new_nodes = {n.uri: n for n in map(node_of, found.added_entities)}
    bucket = state.bucket
    clean = [h == digest(t) for h, t in zip(state.hashes, snapshot.target_sums, strict=True)]
    if replace and (old_nodes.keys() - new_nodes.keys() or not all(clean)):
        return None  # deletions that take relationships along, or what the lists lack: compare buckets
    if found.empty:
        summary = SyncPlan(unchanged_nodes=total_nodes, unchanged_rels=total_rels).summary()
        return Outcome({**summary, "batches": 0, "compared": "rows"}, state.bounds, state.hashes, snapshot.target_sums)
    old_rels = {r.key: r for r in map(rel_of, found.removed_links)}
    new_rels = {r.key: r for r in map(rel_of, found.added_links)}
    # Where the summary's digest is the lists' own, the database holds the snapshot's items and no
    # others: its version of a changed item is the old one. Elsewhere (it keeps items the lists
    # dropped, without --replace) it is read.
    uris = sorted(old_nodes.keys() | new_nodes.keys())
    keys = sorted(old_rels.keys() | new_rels.keys())
    current = read_items(
        driver,
        database,
        [u for u in uris if not clean[bucket(u)]],
        [k for k in keys if not clean[bucket(k[0])]],
    )
    current.nodes.update((u, old_nodes[u]) for u in uris if clean[bucket(u)] and u in old_nodes)
    current.rels.update((k, old_rels[k]) for k in keys if clean[bucket(k[0])] and k in old_rels)
    plan = plan_sync(current, PropertyGraph(new_nodes, new_rels), replace=replace)
    if plan.delete_nodes:
        return None  # a node whose labels changed is recreated with its relationships: compare buckets
    plan.unchanged_nodes += total_nodes - len(new_nodes)
    plan.unchanged_rels += total_rels - len(new_rels)

    target_sums = list(snapshot.target_sums)
    for sign, items in ((-1, old_nodes), (1, new_nodes)):
        for uri, node in items.items():
            target_sums[bucket(uri)] += sign * node_hash(node)
    for sign, items in ((-1, old_rels), (1, new_rels)):
        for (start, _, _), rel in items.items():
            target_sums[bucket(start)] += sign * rel_hash(rel)
    moves: dict[int, int] = {}
    for node in plan.create_nodes + plan.update_nodes:
        had = current.nodes.get(node.uri)
        moves[bucket(node.uri)] = moves.get(bucket(node.uri), 0) + node_hash(node) - (node_hash(had) if had else 0)
    for rel in plan.create_rels + plan.update_rels:
        had = current.rels.get(rel.key)
        moves[bucket(rel.start)] = moves.get(bucket(rel.start), 0) + rel_hash(rel) - (rel_hash(had) if had else 0)
    for rel in plan.delete_rels:
        moves[bucket(rel.start)] = moves.get(bucket(rel.start), 0) - rel_hash(rel)
    hashes = list(state.hashes)
    for i, move in moves.items():
        hashes[i] = digest(int(hashes[i], 16) + move)
    outcome = Outcome({}, state.bounds, hashes, [t % (1 << 128) for t in target_sums])
    to_send = batches(plan, run.options.batch_size)
    if to_send:
        mark_dirty(driver, database, moves)
    writer = Writer(driver, run.settings, to_send, run.options.progress)
    writer.start()
    keep(outcome)  # while the batches go out: it is only used if the summary below is written
    writer.result()
    if hashes != state.hashes:
        write_state(driver, database, state.bounds, hashes)
    outcome.summary = {**plan.summary(), "batches": writer.sent, "compared": "rows"}
    return outcome
