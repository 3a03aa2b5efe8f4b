"""Merge entity lists from users' files into a workspace: read, map columns, merge, check; :func:`plan_import`.

Each step has its module: the files are read by :mod:`loaders.formats`, their
column names and kinds (zh or en, see :data:`COLUMN_NAMES`) understood by
:mod:`loaders.columns`, their records turned into list rows by
:mod:`loaders.list_rows` and merged into the workspace's lists by
:mod:`loaders.merge` as ``on_conflict`` says (``fail``, ``update``, ``skip``).
The merged lists pass every check of ``kg validate`` before anything is
written; :func:`loaders.workspace.write_workspace` writes them atomically.

>>> plan = plan_import([], None)
>>> plan.imported, len(plan.entity_rows) == len(plan.old.entities)
(0, True)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from kg.errors import EntityListError, KGError, ValidationFailed
from kg.lists.records import Lists, Row
from kg.vocab.schema import ENTITY_COLUMNS, LINK_COLUMNS
from loaders.columns import COLUMN_NAMES, KIND_WORDS, LINK_WORDS, canonical_column, kind_of
from loaders.csv_lists import read_workspace
from loaders.formats import MAX_BYTES, read_records
from loaders.list_rows import to_list_rows
from loaders.merge import merge_rows

__all__ = [
    "ImportPlan",
    "plan_import",
    "CONFLICT_POLICIES",
    # the vocabulary of columns and kinds, re-exported from loaders.columns
    "COLUMN_NAMES",
    "KIND_WORDS",
    "LINK_WORDS",
    "canonical_column",
    "kind_of",
]

CONFLICT_POLICIES = ("fail", "update", "skip")


@dataclass
class ImportPlan:
    """The merged lists, what changed, and what was skipped; nothing written yet."""

    old: Lists
    new: Lists
    entity_rows: list[dict]
    link_rows: list[dict]
    skipped: list[str] = field(default_factory=list)
    imported: int = 0


def plan_import(
    paths: list[str],
    workspace: str | Path,
    *,
    kind: str | None = None,
    on_conflict: str = "fail",
    encoding: str | None = None,
    sheet: str | None = None,
    source: str | None = None,
    max_bytes: int = MAX_BYTES,
    progress: Callable[[int, int], None] | None = None,
) -> ImportPlan:
    """Read the files, merge them into the workspace's lists and check the result; write nothing.

    Raises ``ValidationFailed`` with every error found in every file.
    """
    from kg.rdf.validate import checked

    if on_conflict not in CONFLICT_POLICIES:
        raise KGError(f"unknown conflict policy '{on_conflict}'", hint=f"use one of {', '.join(CONFLICT_POLICIES)}")
    default_kind = None
    if kind:
        default_kind = kind_of(kind)
        if default_kind is None:
            raise KGError(f"kind '{kind}' is not in the ontology", hint="see 'kg kinds'")
    old = read_workspace(workspace)
    errors: list[EntityListError] = []
    entity_rows: list[Row] = []
    link_rows: list[Row] = []
    for path in paths:
        try:
            records, file_errors = read_records(path, encoding=encoding, sheet=sheet, max_bytes=max_bytes)
        except EntityListError as exc:
            errors.append(exc)
            continue
        errors.extend(file_errors)
        if file_errors:
            continue
        entities, links = to_list_rows(records, default_kind=default_kind, source=source, errors=errors)
        entity_rows += entities
        link_rows += links
    # Every error of every file and step is collected, and reported together at the end.
    skipped: list[str] = []
    merged_entities, merged_links = merge_rows(old, entity_rows, link_rows, on_conflict, errors, skipped)
    total = len(merged_entities) + len(merged_links)
    if progress:
        progress(0, total)
    try:
        model = checked(Lists(merged_entities, merged_links, old.entities_file, old.links_file))
    except ValidationFailed as failed:
        raise ValidationFailed(errors + failed.errors) from None
    if errors:
        raise ValidationFailed(errors)
    if progress:
        progress(total, total)
    # Links as written: references resolved to ids; repeated links from the import are dropped.
    resolved = {id(link.row): link for link in model.links}
    out_links, seen = [], set()
    for row in merged_links:
        link = resolved.get(id(row))
        if link is None or link.key in seen:
            continue
        seen.add(link.key)
        out_links.append(
            {
                **{c: row.get(c) for c in LINK_COLUMNS},
                "subject": link.subject,
                "predicate": link.predicate,
                "object": link.object,
            }
        )
    out_entities = [{c: row.get(c) for c in ENTITY_COLUMNS} for row in merged_entities]
    new = Lists([Row("", 0, e, {}) for e in out_entities], [Row("", 0, r, {}) for r in out_links])
    return ImportPlan(old, new, out_entities, out_links, skipped, len(entity_rows) + len(link_rows))
