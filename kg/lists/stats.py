"""Counts of a built graph: entities per kind and links per type.

>>> from kg.lists.records import Model
>>> stats(Model())
[]
"""

from __future__ import annotations

from collections import Counter

from kg.lists.records import Model
from kg.vocab.ontology import load_ontology

__all__ = ["stats"]


def stats(model: Model) -> list[dict]:
    """Rows ``{"what", "group", "name", "label_zh", "count"}``: kinds then link types, in ontology order."""
    onto = load_ontology()
    kinds = Counter(e.kind for e in model.entities.values())
    links = Counter(link.predicate for link in model.links)
    rows = []
    for name, kind in onto.kinds.items():
        if kinds[name]:
            rows.append(
                {"what": "entity", "group": kind.root, "name": name, "label_zh": kind.label_zh, "count": kinds[name]}
            )
    for name, link in onto.links.items():
        if links[name]:
            rows.append({"what": "link", "group": "", "name": name, "label_zh": link.label_zh, "count": links[name]})
    return rows
