"""Cycles among hierarchy links (the domain taxonomy, places, parts, organisations), which must not loop.

>>> from kg.lists.records import Link
>>> a, b = Link(subject="a", predicate="broader", object="b"), Link(subject="b", predicate="broader", object="a")
>>> [[link.subject for link in cycle] for cycle in cycles({"a": [a], "b": [b]})]
[['a', 'b']]
>>> closes_cycle({"broader": {"a": ["b"], "b": ["a"]}}, [a])
True
"""

from __future__ import annotations

from kg.lists.records import Link

__all__ = ["HIERARCHIES", "cycles", "closes_cycle"]

#: Link types whose links must not form a cycle.
HIERARCHIES = ("broader", "locatedIn", "partOf", "subOrganizationOf")


def cycles(parents: dict[str, list[Link]]) -> list[list[Link]]:
    """Cycles of the ``subject → object`` graph, each once, found by one depth-first search
    (linear in the links); each cycle starts at the first of its nodes that the search reached."""
    done: set[str] = set()
    found: list[list[Link]] = []
    reported: set[str] = set()
    for root in parents:
        if root in done:
            continue
        path: list[Link] = []  # links from root to the node on top of the stack
        on_path = {root: 0}  # node → its depth on the path
        stack = [(root, iter(parents.get(root, ())))]
        while stack:
            node, todo = stack[-1]
            link = next(todo, None)
            if link is None:
                stack.pop()
                done.add(node)
                del on_path[node]
                if path:
                    path.pop()
                continue
            target = link.object
            if target in on_path:
                cycle = [*path[on_path[target] :], link]
                if not reported & {step.subject for step in cycle}:
                    reported.update(step.subject for step in cycle)
                    found.append(cycle)
            elif target not in done:
                path.append(link)
                on_path[target] = len(path)
                stack.append((target, iter(parents.get(target, ()))))
    return found


def closes_cycle(parents: dict[str, dict[str, list[str]]], new: list[Link]) -> bool:
    """Whether one of the ``new`` links closes a cycle, given each hierarchy's parents by subject id
    (``parents[predicate][subject]``, which already hold the new links)."""
    for link in new:
        up = parents.get(link.predicate, {})
        seen, todo = {link.object}, [link.object]
        while todo:
            node = todo.pop()
            if node == link.subject:
                return True
            for parent in up.get(node, ()):
                if parent not in seen:
                    seen.add(parent)
                    todo.append(parent)
    return False
