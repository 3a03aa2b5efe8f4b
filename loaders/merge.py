"""Import entity lists into a workspace: merge, show what changes, and write every list or none.

>>> describe({"entities_added": 1, "entities_changed": 0, "links_added": 2, "links_changed": 0})
'entities: 1 added, 0 changed; links: 2 added, 0 changed'
"""

from __future__ import annotations

from pathlib import Path

from kg.errors import KGError

__all__ = ["check_workspace", "import_lists", "describe", "diff_workspaces"]


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


def import_lists(files, data, *, dry_run: bool = False, progress=None, **options) -> dict:
    """Merge ``files`` into the workspace ``data`` and write it, unless ``dry_run`` or nothing changes.

    ``options`` are those of :func:`loaders.importer.plan_import` (kind, on_conflict, encoding,
    sheet, source, max_bytes). Returns the ``summary``, the ``changes``, the ``skipped`` notes,
    and whether the lists were ``written``.
    """
    from kg.lists.diff import diff_lists, is_empty, summary
    from loaders.importer import plan_import
    from loaders.workspace import write_workspace

    workspace = check_workspace(data)
    plan = plan_import(list(files), workspace, progress=progress, **options)
    changes = diff_lists(plan.old, plan.new)
    written = not dry_run and not is_empty(changes)
    if written:
        write_workspace(workspace, plan.entity_rows, plan.link_rows)
    return {
        "summary": summary(changes),
        "changes": changes,
        "skipped": plan.skipped,
        "written": written,
    }


def diff_workspaces(old, new) -> dict:
    """What changed from the lists of folder ``old`` to those of ``new``: the ``summary`` and the ``changes``."""
    from kg.lists.diff import diff_lists, summary
    from loaders.csv_lists import read_workspace

    changes = diff_lists(read_workspace(old), read_workspace(new))
    return {"summary": summary(changes), "changes": changes}
