"""Load the lists into Neo4j (or any Bolt server): find what differs from the database and send only that.

Two ways to find the difference, both ending in the same writes:

- **By buckets** (:func:`load`, :mod:`loaders.bolt.buckets`): the lists are read, checked and mapped whole;
  the digest of each bucket of the graph is compared with the summary the
  last load left in the database (:mod:`loaders.bolt.state`), and only the
  buckets that differ (or that a stopped load marked) are read back and
  compared item by item. Without a summary, or with ``verify``, everything is.
- **By rows** (:func:`load_lists`, when it has a snapshot of the lists as
  last loaded into this database, :mod:`loaders.bolt.snapshot`; :mod:`loaders.bolt.rows`): only the rows
  whose text changed are checked (:func:`kg.lists.incremental.changes`), and only
  their nodes and relationships are compared and written. The database holds
  what the snapshot says wherever a bucket's digest is the lists' own, so
  items are read back only from buckets where it keeps more (what the lists
  dropped, without ``replace``); the digests move by the difference of the
  items' hashes. It falls back to buckets whenever it cannot be sure: the
  database's summary is not the one the snapshot recorded, a bucket is
  marked, a node must be deleted or change its labels, the buckets need
  drawing again.

A first load into an empty database compares nothing (:mod:`loaders.bolt.first`).
Nothing is written unless every check passes; an interrupted load says so,
and a rerun compares what it touched and completes it.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

from kg.graph.mapping import PropertyGraph, model_to_property_graph
from loaders.bolt.buckets import by_buckets
from loaders.bolt.connect import Settings, lost_while
from loaders.bolt.first import first_load
from loaders.bolt.options import LoadOptions, LoadRun, Outcome
from loaders.bolt.prepare import Prepare
from loaders.bolt.rows import by_rows, changes_since, still_holds
from loaders.bolt.write import BATCH_SIZE, create_schema

__all__ = ["load", "load_lists", "LoadOptions"]


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
    options = LoadOptions(replace=replace, verify=verify, batch_size=batch_size, progress=progress)
    prepare = Prepare(settings, full=verify)
    prepare.start()
    if callable(target):
        try:
            target = target()
        except BaseException:
            prepare.cancel()
            raise
    driver, state, current = prepare.result()
    try:
        with lost_while(settings, "loading"):
            summary = by_buckets(LoadRun(driver, settings, options), target, state, current).summary
            create_schema(driver, settings.database)
            return summary
    finally:
        prepare.close()


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
    options = LoadOptions(replace=replace, verify=verify, batch_size=batch_size, progress=progress)
    with _quick_handovers():
        return _load_lists(folder, settings, options, snapshots)


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


def _load_lists(folder, settings: Settings, options: LoadOptions, snapshots: bool) -> dict:
    from loaders.bolt.snapshot import Snapshot, read_snapshot, snapshot_path, write_snapshot

    path = snapshot_path(settings) if snapshots else None
    prepare = Prepare(settings, full=options.verify)
    prepare.start()
    found = snapshot = whole = None
    try:
        if path is not None and not options.verify:
            snapshot = read_snapshot(path)
            found = changes_since(folder, snapshot) if snapshot is not None else None
            found, digests = found or (None, None)
        if found is None:
            whole = _whole(folder)
    except BaseException:
        prepare.cancel()
        raise
    driver, state, current = prepare.result()
    run = LoadRun(driver, settings, options)
    try:
        with lost_while(settings, "loading"):
            outcome = None
            if found is not None and still_holds(state, snapshot, len(found.index.kinds)):

                def keep(outcome: Outcome) -> None:
                    kept = Snapshot(
                        found.index, outcome.bounds, outcome.hashes, outcome.target_sums, digests, snapshot.links_file
                    )
                    write_snapshot(path, kept)

                outcome = by_rows(run, found, state, snapshot, keep)
            if outcome is None:
                lists, model = whole or _whole(folder)
                index = None

                def meanwhile() -> None:  # while the batches go out
                    nonlocal index
                    if path is not None and lists.texts is not None:
                        from kg.lists.incremental import index_lists

                        index = index_lists(*lists.texts, model)

                if state is None and current is not None and not current.nodes and not current.rels:
                    outcome = first_load(run, model, meanwhile)
                else:
                    outcome = by_buckets(run, model_to_property_graph(model), state, current, meanwhile)
                if index is not None:
                    snapshot = Snapshot(index, outcome.bounds, outcome.hashes, outcome.target_sums, lists.digests)
                    write_snapshot(path, snapshot)
            create_schema(driver, settings.database)  # the indexes, built once the rows are there
            return outcome.summary
    finally:
        prepare.close()


def _whole(folder):
    """The lists and their checked model (row checks only: they cover every shape)."""
    from kg.lists.checks import check
    from loaders.csv_lists import read_workspace

    lists = read_workspace(folder)
    return lists, check(lists)
