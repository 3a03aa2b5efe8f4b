"""A first load into an empty database: everything is new, so nothing is compared and writing starts at once."""

from __future__ import annotations

import queue
from operator import attrgetter

from kg.graph.mapping import PropertyGraph, node_of, rel_of
from loaders.bolt.diff import SyncPlan
from loaders.bolt.options import LoadRun, Outcome
from loaders.bolt.state import LoadState, bucket_sums, digest, drop_state, write_state
from loaders.bolt.write import Writer, node_batches, rel_batches

__all__ = ["first_load"]


def first_load(run: LoadRun, model, meanwhile=None) -> Outcome:
    """Map the entities kind by kind and the links type by type, and hand each group's batches to the
    writer as soon as it is mapped; ``meanwhile()`` runs while the last batches go out."""
    batch_size = run.options.batch_size
    by_kind: dict[str, list] = {}
    for entity in model.entities.values():
        by_kind.setdefault(entity.kind, []).append(entity)
    by_type: dict[str, list] = {}
    for link in model.links:
        by_type.setdefault(link.predicate, []).append(link)
    count = sum(-(-len(group) // batch_size) for group in (*by_kind.values(), *by_type.values()))
    drop_state(run.driver, run.database)
    todo: queue.Queue = queue.Queue()
    rows = len(model.entities) + len(model.links)
    writer = Writer(run.driver, run.settings, iter(todo.get, None), run.options.progress, count=count, rows=rows)
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
    write_state(run.driver, run.database, state.bounds, hashes)
    summary = SyncPlan(create_nodes=list(target.nodes.values()), create_rels=list(target.rels.values())).summary()
    return Outcome({**summary, "batches": writer.sent, "compared": "everything"}, state.bounds, hashes, target_sums)
