"""Records of files whose fields have no columns of their own (JSON objects, RDF entities).

>>> row = keyed_row("a.json", 3, {"name": "甲", "kind": "Park"})
>>> row.line, row.columns
(3, {'name': 1, 'kind': 2})
"""

from __future__ import annotations

from kg.lists.records import Row

__all__ = ["keyed_row"]


def keyed_row(label: str, line: int, values: dict[str, str]) -> Row:
    """A record of ``values`` at ``line``, each field given the position of its place in the mapping."""
    return Row(label, line, values, {k: i for i, k in enumerate(values, start=1)})
