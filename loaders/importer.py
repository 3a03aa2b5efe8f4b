"""Merge entity lists from users' files into a workspace: read, map columns, merge, check; :func:`plan_import`.

Each step has its module: the files are read by :mod:`loaders.formats`, their
column names and kinds (zh or en, see :data:`COLUMN_NAMES`) understood by
:mod:`loaders.columns`, their records turned into list rows by
:mod:`loaders.list_rows` and merged into the workspace's lists by
:mod:`loaders.merge` as ``on_conflict`` says (``fail``, ``update``, ``skip``).
The merged lists pass every row check of ``kg validate`` (they cover every
SHACL shape) before anything is written; :func:`loaders.workspace.write_workspace` writes them atomically.

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
from loaders.review import Review, read_review, write_review

__all__ = [
    "ImportPlan",
    "ReviewPending",
    "plan_import",
    "import_lists",
    "check_workspace",
    "describe",
    "diff_workspaces",
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
    notes: list[str] = field(default_factory=list)


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
    review: str | Path | None = None,
) -> ImportPlan:
    """Read the files, merge them into the workspace's lists and check the result; write nothing.

    Raises ``ValidationFailed`` with every error found in every file. With ``review`` (a CSV or
    XLSX path, :mod:`loaders.review`), the hosts to create and the names close to an entity's are
    as that sheet decides; while some are undecided, the sheet is written with them and
    ``ReviewPending`` raised.
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
    sheet_review = None
    if review is not None:
        sheet_review = Review(read_review(review, errors) if Path(review).exists() else {})
    entity_rows: list[Row] = []
    link_rows: list[Row] = []
    skipped: list[str] = []  # rows kept as they were (a conflict policy): said to the user
    notes: list[str] = []  # what the import read past, or made (title rows, 序号, new hosts): said too
    for path in paths:
        try:
            records, file_errors = read_records(path, encoding=encoding, sheet=sheet, max_bytes=max_bytes, notes=notes)
        except EntityListError as exc:
            errors.append(exc)
            continue
        errors.extend(file_errors)
        if file_errors:
            continue
        by_sheet: dict[str, list] = {}  # each sheet of a workbook has its own header
        for record in records:
            by_sheet.setdefault(record.file, []).append(record)
        for part in by_sheet.values():
            entities, links = to_list_rows(part, default_kind=default_kind, source=source, errors=errors, notes=notes)
            entity_rows += entities
            link_rows += links
    # Every error of every file and step is collected, and reported together at the end.
    merged_entities, merged_links = merge_rows(
        old, entity_rows, link_rows, on_conflict, errors, skipped, notes, sheet_review
    )
    total = len(merged_entities) + len(merged_links)
    if progress:
        progress(0, total)
    try:
        # The row checks, which cover every SHACL shape (kg validate runs the shapes too, on demand).
        model = checked(Lists(merged_entities, merged_links, old.entities_file, old.links_file), shacl=False)
    except ValidationFailed as failed:
        raise ValidationFailed(errors + failed.errors) from None
    if errors:
        raise ValidationFailed(errors)
    if sheet_review is not None and sheet_review.pending:
        write_review(review, sheet_review.reviewed + sheet_review.pending)
        raise ReviewPending(review, len(sheet_review.pending))
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
    return ImportPlan(old, new, out_entities, out_links, skipped, len(entity_rows) + len(link_rows), notes)


class ReviewPending(KGError):
    """Some steps of an import wait for a curator's decision in the review sheet; nothing was written."""

    def __init__(self, sheet, count: int):
        super().__init__(
            f"{count} decision{'s' if count > 1 else ''} to review: written to {sheet}; nothing imported yet",
            hint="mark each row's decision: accept, reject, or the id of the entity it is; then run the same command again",
        )
        self.sheet, self.count = sheet, count


def check_workspace(data) -> Path:
    """``data`` if it is a workspace of lists that an import may write into."""
    if data is None:
        raise KGError(
            "importing writes into a workspace of lists, never into the installed package",
            hint="make one with init_workspace(DIR), then import into DIR",
        )
    data = Path(data)
    if not (data / "entities.csv").is_file():
        raise KGError(
            f"{data} is not a workspace of lists (no entities.csv)", hint=f"make one with init_workspace({data})"
        )
    return data


def describe(counts: dict) -> str:
    """The summary of changes in words."""
    return (
        f"entities: {counts['entities_added']} added, {counts['entities_changed']} changed; "
        f"links: {counts['links_added']} added, {counts['links_changed']} changed"
    )


def import_lists(files, data, *, dry_run: bool = False, wait: float = 0.0, progress=None, **options) -> dict:
    """Merge ``files`` into the workspace ``data`` and write it, unless ``dry_run`` or nothing changes.

    The workspace's lock is held from reading the lists to writing them, so
    that no other import's rows are lost (``wait``: how many seconds to wait
    for another writer, see :func:`loaders.lock.exclusive`); a dry run only reads.
    ``options`` are those of :func:`loaders.importer.plan_import` (kind, on_conflict, encoding,
    sheet, source, max_bytes, review). Returns the ``summary``, the ``changes``, the ``skipped`` rows, the
    ``notes`` (rows read past, hosts created) and whether the lists were ``written``.
    """
    from contextlib import nullcontext

    from kg.lists.diff import diff_lists, is_empty, summary
    from loaders.workspace import commit_lists, list_files, writing

    workspace = check_workspace(data)
    with nullcontext() if dry_run else writing(workspace, wait=wait):
        plan = plan_import(list(files), workspace, progress=progress, **options)
        changes = diff_lists(plan.old, plan.new)
        written = not dry_run and not is_empty(changes)
        if written:
            commit_lists(workspace, list_files(workspace, plan.entity_rows, plan.link_rows))
    return {
        "summary": summary(changes),
        "changes": changes,
        "skipped": plan.skipped,
        "notes": plan.notes,
        "written": written,
    }


def diff_workspaces(old, new) -> dict:
    """What changed from the lists of folder ``old`` to those of ``new``: the ``summary`` and the ``changes``."""
    from kg.lists.diff import diff_lists, summary
    from loaders.csv_lists import read_workspace

    changes = diff_lists(read_workspace(old), read_workspace(new))
    return {"summary": summary(changes), "changes": changes}
