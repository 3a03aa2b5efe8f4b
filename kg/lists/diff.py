"""What changed between two versions of the entity lists: entities and links added, changed (field by field), removed.

>>> from kg.lists.records import Lists, Row
>>> old = Lists([Row("a", 2, {"id": "x", "name_en": "X"}, {})])
>>> new = Lists([Row("b", 2, {"id": "x", "name_en": "Ex"}, {}), Row("b", 3, {"id": "y", "name_en": "Y"}, {})])
>>> d = diff_lists(old, new)
>>> d["entities"]["added"], d["entities"]["changed"]
([{'id': 'y', 'name_en': 'Y'}], [{'id': 'x', 'changes': {'name_en': ['X', 'Ex']}}])
"""

from __future__ import annotations

from kg.lists.records import Lists, Row
from kg.vocab.schema import ENTITY_COLUMNS, LINK_COLUMNS

__all__ = ["diff_lists", "diff_rows", "is_empty", "summary", "rows_for_display"]


def _values(row: Row, columns) -> dict:
    return {c: row.values.get(c, "") for c in columns if row.values.get(c, "")}


def _link_key(row: Row) -> tuple[str, str, str]:
    return (row.get("subject"), row.get("predicate"), row.get("object"))


def diff_rows(old: list[Row], new: list[Row], key, columns) -> dict:
    before = {key(r): _values(r, columns) for r in old}
    after = {key(r): _values(r, columns) for r in new}
    changed = []
    for k in after:
        if k in before and before[k] != after[k]:
            fields = sorted(set(before[k]) | set(after[k]), key=list(columns).index)
            changes = {
                f: [before[k].get(f, ""), after[k].get(f, "")]
                for f in fields
                if before[k].get(f, "") != after[k].get(f, "")
            }
            changed.append(
                {"id" if isinstance(k, str) else "link": k if isinstance(k, str) else list(k), "changes": changes}
            )
    return {
        "added": [after[k] for k in after if k not in before],
        "changed": changed,
        "removed": [before[k] for k in before if k not in after],
    }


def diff_lists(old: Lists, new: Lists) -> dict:
    """The difference of two versions, as plain data."""
    return {
        "entities": diff_rows(old.entities, new.entities, lambda r: r.get("id"), ENTITY_COLUMNS),
        "links": diff_rows(old.links, new.links, _link_key, LINK_COLUMNS),
    }


def is_empty(diff: dict) -> bool:
    return not any(diff[part][what] for part in ("entities", "links") for what in ("added", "changed", "removed"))


def summary(diff: dict) -> dict:
    return {
        f"{part}_{what}": len(diff[part][what])
        for part in ("entities", "links")
        for what in ("added", "changed", "removed")
    }


def rows_for_display(diff: dict) -> list[dict]:
    """One line per change, for a table."""
    rows = []
    for entity in diff["entities"]["added"]:
        rows.append(
            {
                "what": "entity",
                "change": "added",
                "key": entity.get("id", ""),
                "detail": f"{entity.get('kind', '')} {entity.get('name_zh', '')}",
            }
        )
    for entity in diff["entities"]["changed"]:
        for field, (a, b) in entity["changes"].items():
            rows.append(
                {
                    "what": "entity",
                    "change": "changed",
                    "key": entity["id"],
                    "detail": f"{field}: {a or '∅'} → {b or '∅'}",
                }
            )
    for entity in diff["entities"]["removed"]:
        rows.append(
            {
                "what": "entity",
                "change": "removed",
                "key": entity.get("id", ""),
                "detail": f"{entity.get('kind', '')} {entity.get('name_zh', '')}",
            }
        )
    for link in diff["links"]["added"]:
        rows.append(
            {
                "what": "link",
                "change": "added",
                "key": f"{link.get('subject')} {link.get('predicate')} {link.get('object')}",
                "detail": _provenance(link),
            }
        )
    for link in diff["links"]["changed"]:
        for field, (a, b) in link["changes"].items():
            rows.append(
                {
                    "what": "link",
                    "change": "changed",
                    "key": " ".join(link["link"]),
                    "detail": f"{field}: {a or '∅'} → {b or '∅'}",
                }
            )
    for link in diff["links"]["removed"]:
        rows.append(
            {
                "what": "link",
                "change": "removed",
                "key": f"{link.get('subject')} {link.get('predicate')} {link.get('object')}",
                "detail": _provenance(link),
            }
        )
    return rows


def _provenance(link: dict) -> str:
    return link.get("quote") or link.get("note", "")
