"""The one diff of the load: what to send so that the database holds the target graph.

>>> from kg.graph.mapping import Node, PropertyGraph
>>> target = PropertyGraph({"u": Node("u", ("Resource", "Place"), {"id": "u"})})
>>> plan_sync(PropertyGraph(), target).summary()["nodes_created"]
1
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kg.graph.mapping import Node, PropertyGraph, Rel

__all__ = ["SyncPlan", "plan_sync", "drop_duplicates"]


@dataclass
class SyncPlan:
    """What to send to make the database hold the target graph."""

    create_nodes: list[Node] = field(default_factory=list)
    update_nodes: list[Node] = field(default_factory=list)
    delete_nodes: list[str] = field(default_factory=list)  # uris, detached
    create_rels: list[Rel] = field(default_factory=list)
    update_rels: list[Rel] = field(default_factory=list)
    delete_rels: list[Rel] = field(default_factory=list)
    unchanged_nodes: int = 0
    unchanged_rels: int = 0
    duplicates_removed: int = 0

    def summary(self) -> dict:
        return {
            "nodes_created": len(self.create_nodes),
            "nodes_updated": len(self.update_nodes),
            "nodes_deleted": len(self.delete_nodes),
            "nodes_unchanged": self.unchanged_nodes,
            "relationships_created": len(self.create_rels),
            "relationships_updated": len(self.update_rels),
            "relationships_deleted": len(self.delete_rels),
            "relationships_unchanged": self.unchanged_rels,
            **({"duplicates_removed": self.duplicates_removed} if self.duplicates_removed else {}),
        }

    @property
    def empty(self) -> bool:
        return not any(
            (
                self.create_nodes,
                self.update_nodes,
                self.delete_nodes,
                self.create_rels,
                self.update_rels,
                self.delete_rels,
            )
        )


def plan_sync(current: PropertyGraph, target: PropertyGraph, *, replace: bool = False) -> SyncPlan:
    """The difference between the database and the target, as writes.

    A node whose labels changed is deleted and created again (with its
    relationships); with ``replace`` nodes and relationships the target lacks
    are deleted too.
    """
    plan = SyncPlan()
    recreated: set[str] = set()
    for uri, node in target.nodes.items():
        old = current.nodes.get(uri)
        if old is None:
            plan.create_nodes.append(node)
        elif set(old.labels) != set(node.labels):
            plan.delete_nodes.append(uri)
            plan.create_nodes.append(node)
            recreated.add(uri)
        elif old.props != node.props:
            plan.update_nodes.append(node)
        else:
            plan.unchanged_nodes += 1
    if replace:
        plan.delete_nodes.extend(uri for uri in current.nodes if uri not in target.nodes)
    gone = set(plan.delete_nodes)
    for key, rel in target.rels.items():
        old = current.rels.get(key)
        if old is None or rel.start in recreated or rel.end in recreated:
            plan.create_rels.append(rel)
        elif old.props != rel.props:
            plan.update_rels.append(rel)
        else:
            plan.unchanged_rels += 1
    if replace:
        plan.delete_rels.extend(
            rel for key, rel in current.rels.items() if key not in target.rels and not {rel.start, rel.end} & gone
        )
    return plan


def drop_duplicates(plan: SyncPlan, duplicates: dict, current: PropertyGraph, target: PropertyGraph) -> None:
    """Make ``plan`` leave one relationship of each duplicated ``(start, type, end)`` key (``duplicates``:
    key → copies): all copies are deleted and one is created, as the target has it (or as the database
    had it, if the target lacks it and the plan keeps it).

    >>> from kg.graph.mapping import Rel
    >>> rel = Rel("a", "T", "b", {})
    >>> plan = SyncPlan(unchanged_rels=1)
    >>> drop_duplicates(plan, {rel.key: 3}, PropertyGraph(rels={rel.key: rel}), PropertyGraph(rels={rel.key: rel}))
    >>> plan.summary()["duplicates_removed"], len(plan.delete_rels), len(plan.create_rels), plan.unchanged_rels
    (2, 1, 1, 0)
    """
    gone = set(plan.delete_nodes)
    deleted = {r.key for r in plan.delete_rels}
    created = {r.key for r in plan.create_rels}
    updated = {r.key for r in plan.update_rels}
    for key, copies in sorted(duplicates.items()):
        plan.duplicates_removed += copies - 1
        if key[0] in gone or key[2] in gone or key in deleted:  # all copies go with the node, or by key
            continue
        plan.delete_rels.append(current.rels[key])
        if key in created:
            continue
        if key in updated:
            plan.update_rels = [r for r in plan.update_rels if r.key != key]
        elif key in target.rels:
            plan.unchanged_rels -= 1
        plan.create_rels.append(target.rels.get(key) or current.rels[key])
