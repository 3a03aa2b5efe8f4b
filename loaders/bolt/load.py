"""Load the lists into Neo4j (or any Bolt server): find what differs from the database and send only that.

Two ways to find the difference, both ending in the same writes:

- **By buckets** (:func:`load`): the lists are read, checked and mapped whole;
  the digest of each bucket of the graph is compared with the summary the
  last load left in the database (:mod:`loaders.bolt.state`), and only the
  buckets that differ (or that a stopped load marked) are read back and
  compared item by item. Without a summary, or with ``verify``, everything is.
- **By rows** (:func:`load_lists`, when it has a snapshot of the lists as
  last loaded into this database, :mod:`loaders.bolt.snapshot`): only the rows
  whose text changed are checked (:func:`kg.lists.incremental.changes`), and only
  their nodes and relationships are compared and written. The database holds
  what the snapshot says wherever a bucket's digest is the lists' own, so
  items are read back only from buckets where it keeps more (what the lists
  dropped, without ``replace``); the digests move by the difference of the
  items' hashes. It falls back to buckets whenever it cannot be sure: the
  database's summary is not the one the snapshot recorded, a bucket is
  marked, a node must be deleted or change its labels, the buckets need
  drawing again.

Nothing is written unless every check passes; an interrupted load says so,
and a rerun compares what it touched and completes it.
"""

from __future__ import annotations

import queue
import sys
import threading
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from operator import attrgetter
from pathlib import Path

from kg.graph.mapping import PropertyGraph, model_to_property_graph, node_of, rel_of
from loaders.bolt.connect import Settings, connect
from loaders.bolt.diff import SyncPlan, plan_sync
from loaders.bolt.read import read_graph, read_items
from loaders.bolt.state import (
    LoadState,
    bucket_sums,
    digest,
    drop_state,
    incoming,
    mark_dirty,
    node_hash,
    read_buckets,
    read_state,
    rel_hash,
    write_state,
)
from loaders.bolt.write import BATCH_SIZE, CONSTRAINT, Writer, batches, node_batches, rel_batches

__all__ = ["load", "load_lists"]


class _Prepare(threading.Thread):
    """Connect, create the constraint and read what the database holds, while the lists are read and checked."""

    def __init__(self, settings: Settings, full: bool):
        # The driver is imported before the thread starts: an import reads a few hundred files, and
        # a thread that gives up the GIL at each read waits for it again while the main thread checks
        # the lists (two seconds at 42 k entities, where the import alone takes a fifth of one).
        import neo4j  # noqa: F401

        super().__init__(daemon=True, name="kg-load-prepare")
        self.settings, self.full = settings, full
        self.cancelled = threading.Event()
        self.driver = None
        self.state: LoadState | None = None
        self.current: PropertyGraph | None = None
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            self.driver = connect(self.settings)
            with self.driver.session(database=self.settings.database) as session:
                session.run(CONSTRAINT).consume()
                self.state = None if self.full else session.execute_read(read_state)
            if self.state is None and not self.cancelled.is_set():
                self.current = read_graph(self.driver, self.settings.database)
        except BaseException as exc:  # handed to the main thread
            self.error = exc
        finally:
            if self.cancelled.is_set() and self.driver is not None:
                self.driver.close()

    def result(self):
        self.join()
        if self.error is not None:
            if self.driver is not None:
                self.driver.close()
            raise self.error
        return self.driver, self.state, self.current

    def cancel(self) -> None:
        self.cancelled.set()
        if not self.is_alive() and self.driver is not None:
            self.driver.close()


@dataclass
class _Outcome:
    """What a load did, and the summary it left: bounds, the digests the database holds, and the
    sums of the lists' own graph per bucket (they differ where the database holds more)."""

    summary: dict
    bounds: list[str]
    hashes: list[str]
    target_sums: list[int]


def load(
    target: PropertyGraph | Callable[[], PropertyGraph],
    settings: Settings,
    *,
    replace: bool = False,
    batch_size: int = BATCH_SIZE,
    progress: Callable[[int, int], None] | None = None,
    verify: bool = False,
) -> dict:
    """Make the database hold ``target`` (and, with ``replace``, nothing else of the plan); return counts.

    ``target`` may be a function that makes the graph (reads and checks the
    lists): it runs while another thread connects and reads the database, and
    nothing is written unless it returns. Only the buckets whose digest
    differs from the summary the last load left are read back and compared;
    ``verify`` compares everything (and finds changes made by hand).
    """
    prepare = _Prepare(settings, full=verify)
    prepare.start()
    if callable(target):
        try:
            target = target()
        except BaseException:
            prepare.cancel()
            raise
    driver, state, current = prepare.result()
    try:
        return _by_buckets(driver, settings, target, state, current, replace, batch_size, progress).summary
    finally:
        driver.close()


def load_lists(
    folder: str | Path | None,
    settings: Settings,
    *,
    replace: bool = False,
    batch_size: int = BATCH_SIZE,
    progress: Callable[[int, int], None] | None = None,
    verify: bool = False,
    snapshots: bool = True,
) -> dict:
    """Check the lists in ``folder`` (None: the shipped lists) and make the database hold their graph.

    As :func:`load`, and with ``snapshots`` a snapshot of the lists as loaded
    is kept in the user's cache, so that the next load into the same database
    checks and sends only the rows whose text changed.
    Raises ``ValidationFailed`` (nothing written) if the lists do not pass.
    """
    with _quick_handovers():
        return _load_lists(folder, settings, replace, batch_size, progress, verify, snapshots)


@contextmanager
def _quick_handovers():
    """Hand the GIL over every half millisecond (Python's default is five) while a load runs.

    The writer thread waits on the server and needs the GIL back briefly for each batch, while
    the main thread checks, maps and digests: with the default it waited up to 5 ms each time,
    which added a third of a second to a load of 42 k entities.
    """
    before = sys.getswitchinterval()
    sys.setswitchinterval(0.0005)
    try:
        yield
    finally:
        sys.setswitchinterval(before)


def _load_lists(folder, settings, replace, batch_size, progress, verify, snapshots) -> dict:
    from loaders.bolt.snapshot import Snapshot, read_snapshot, snapshot_path, write_snapshot

    path = snapshot_path(settings) if snapshots else None
    prepare = _Prepare(settings, full=verify)
    prepare.start()
    found = snapshot = whole = None
    try:
        if path is not None and not verify:
            snapshot = read_snapshot(path)
            found = _changes(folder, snapshot) if snapshot is not None else None
            found, digests = found or (None, None)
        if found is None:
            whole = _whole(folder)
    except BaseException:
        prepare.cancel()
        raise
    driver, state, current = prepare.result()
    try:
        outcome = None
        if found is not None and _still_holds(state, snapshot, len(found.index.kinds)):

            def keep(outcome: _Outcome) -> None:
                write_snapshot(
                    path,
                    Snapshot(
                        found.index,
                        outcome.bounds,
                        outcome.hashes,
                        outcome.target_sums,
                        digests,
                        snapshot.links_file,
                    ),
                )

            outcome = _by_rows(driver, settings, found, state, snapshot, replace, batch_size, progress, keep)
        if outcome is None:
            lists, model = whole or _whole(folder)
            index = None

            def meanwhile() -> None:  # while the batches go out
                nonlocal index
                if path is not None and lists.texts is not None:
                    from kg.lists.incremental import index_lists

                    index = index_lists(*lists.texts, model)

            if state is None and current is not None and not current.nodes and not current.rels:
                outcome = _first_load(driver, settings, model, batch_size, progress, meanwhile)
            else:
                target = model_to_property_graph(model)
                outcome = _by_buckets(
                    driver, settings, target, state, current, replace, batch_size, progress, meanwhile
                )
            if index is not None:
                snapshot = Snapshot(index, outcome.bounds, outcome.hashes, outcome.target_sums, lists.digests)
                write_snapshot(path, snapshot)
        return outcome.summary
    finally:
        driver.close()


def _whole(folder):
    """The lists and their checked model (row checks only: they cover every shape)."""
    from kg.lists.checks import check
    from loaders.csv_lists import read_workspace

    lists = read_workspace(folder)
    return lists, check(lists)


def _changes(folder, snapshot):
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


def _still_holds(state: LoadState | None, snapshot, nodes: int) -> bool:
    """Whether the database holds what the snapshot says it left there, with no bucket marked."""
    return (
        state is not None
        and not state.dirty
        and state.bounds == snapshot.bounds
        and state.hashes == snapshot.hashes
        and state.fits(nodes)
    )


# A first load -----------------------------------------------------------------


def _first_load(driver, settings, model, batch_size, progress, meanwhile) -> _Outcome:
    """Everything is new: map the entities kind by kind and the links type by type, and hand
    each group's batches to the writer as soon as it is mapped, so that writing starts at once."""
    by_kind: dict[str, list] = {}
    for entity in model.entities.values():
        by_kind.setdefault(entity.kind, []).append(entity)
    by_type: dict[str, list] = {}
    for link in model.links:
        by_type.setdefault(link.predicate, []).append(link)
    count = sum(-(-len(group) // batch_size) for group in (*by_kind.values(), *by_type.values()))
    drop_state(driver, settings.database)
    todo: queue.Queue = queue.Queue()
    rows = len(model.entities) + len(model.links)
    writer = Writer(driver, settings, iter(todo.get, None), progress, count=count, rows=rows)
    writer.start()
    target = PropertyGraph()
    try:
        for kind in sorted(by_kind):
            nodes = [node_of(entity) for entity in sorted(by_kind[kind], key=attrgetter("id"))]
            target.nodes.update((node.uri, node) for node in nodes)
            for batch in node_batches(nodes[0].labels, nodes, batch_size):
                todo.put(batch)
        for predicate in sorted(by_type):
            rels = [rel_of(link) for link in by_type[predicate]]
            rels.sort(key=attrgetter("start", "end"))  # the order the server finds the nodes in quickest
            target.rels.update((rel.key, rel) for rel in rels)
            for batch in rel_batches(rels[0].type, rels, batch_size):
                todo.put(batch)
    finally:
        todo.put(None)
    state = LoadState.draw(target.nodes)
    target_sums = bucket_sums(state, target)
    hashes = [digest(total) for total in target_sums]
    if meanwhile is not None:
        meanwhile()
    writer.result()
    write_state(driver, settings.database, state.bounds, hashes)
    summary = SyncPlan(create_nodes=list(target.nodes.values()), create_rels=list(target.rels.values())).summary()
    return _Outcome({**summary, "batches": writer.sent, "compared": "everything"}, state.bounds, hashes, target_sums)


# By buckets ---------------------------------------------------------------------


def _by_buckets(driver, settings, target, state, current, replace, batch_size, progress, meanwhile=None) -> _Outcome:
    database = settings.database
    if state is not None and not state.fits(len(target.nodes)):
        state = None
    if state is None:  # compare everything, then draw the buckets again
        if current is None:
            current = read_graph(driver, database)
        plan = plan_sync(current, target, replace=replace)
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
            return _Outcome({**summary, "batches": 0, "compared": "buckets"}, state.bounds, state.hashes, target_sums)
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
    to_send = batches(plan, batch_size)
    if to_send:
        # Mark the buckets about to change, so that an interrupted load is compared again by the next one.
        if state is None:
            drop_state(driver, database)
        else:
            mark_dirty(driver, database, state.dirty | examined)
    writer = Writer(driver, settings, to_send, progress)
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
    return _Outcome(summary, new_state.bounds, hashes, target_sums)


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


# By rows ----------------------------------------------------------------------------


def _by_rows(driver, settings, found, state, snapshot, replace, batch_size, progress, keep) -> _Outcome | None:
    """Send what the changed rows change; None if the buckets must decide (nothing written then)."""
    database = settings.database
    total_nodes, total_rels = len(found.index.kinds), found.index.link_count
    old_nodes = {n.uri: n for n in map(node_of, found.removed_entities)}
    new_nodes = {n.uri: n for n in map(node_of, found.added_entities)}
    bucket = state.bucket
    clean = [h == digest(t) for h, t in zip(state.hashes, snapshot.target_sums, strict=True)]
    if replace and (old_nodes.keys() - new_nodes.keys() or not all(clean)):
        return None  # deletions that take relationships along, or what the lists lack: compare buckets
    if found.empty:
        summary = SyncPlan(unchanged_nodes=total_nodes, unchanged_rels=total_rels).summary()
        return _Outcome({**summary, "batches": 0, "compared": "rows"}, state.bounds, state.hashes, snapshot.target_sums)
    old_rels = {r.key: r for r in map(rel_of, found.removed_links)}
    new_rels = {r.key: r for r in map(rel_of, found.added_links)}
    # Where the summary's digest is the lists' own, the database holds the snapshot's items and no
    # others: its version of a changed item is the old one. Elsewhere (it keeps items the lists
    # dropped, without --replace) it is read.
    uris = old_nodes.keys() | new_nodes.keys()
    keys = old_rels.keys() | new_rels.keys()
    current = read_items(
        driver,
        database,
        sorted(u for u in uris if not clean[bucket(u)]),
        sorted(k for k in keys if not clean[bucket(k[0])]),
    )
    current.nodes.update((u, old_nodes[u]) for u in uris if clean[bucket(u)] and u in old_nodes)
    current.rels.update((k, old_rels[k]) for k in keys if clean[bucket(k[0])] and k in old_rels)
    plan = SyncPlan()
    for uri, node in new_nodes.items():
        had = current.nodes.get(uri)
        if had is None:
            plan.create_nodes.append(node)
        elif set(had.labels) != set(node.labels):
            return None  # recreated with its relationships: compare buckets
        elif had.props != node.props:
            plan.update_nodes.append(node)
    for key, rel in new_rels.items():
        had = current.rels.get(key)
        if had is None:
            plan.create_rels.append(rel)
        elif had.props != rel.props:
            plan.update_rels.append(rel)
    if replace:
        plan.delete_rels = [current.rels[k] for k in sorted(old_rels.keys() - new_rels.keys()) if k in current.rels]
    plan.unchanged_nodes = total_nodes - len(plan.create_nodes) - len(plan.update_nodes)
    plan.unchanged_rels = total_rels - len(plan.create_rels) - len(plan.update_rels)

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
    outcome = _Outcome({}, state.bounds, hashes, [t % (1 << 128) for t in target_sums])
    to_send = batches(plan, batch_size)
    if to_send:
        mark_dirty(driver, database, moves)
    writer = Writer(driver, settings, to_send, progress)
    writer.start()
    keep(outcome)  # while the batches go out: it is only used if the summary below is written
    writer.result()
    if hashes != state.hashes:
        write_state(driver, database, state.bounds, hashes)
    outcome.summary = {**plan.summary(), "batches": writer.sent, "compared": "rows"}
    return outcome
