"""Read a workspace of entity lists (``entities.csv`` and ``links.csv``) into rows.

CSV is read as imports are (:mod:`loaders.formats`): strictly, so that an
unterminated quote, a row with more fields than the header, an unknown or
missing column are errors with their line and column.

>>> lists = read_workspace()
>>> lists.entities[0].file
'data/entities.csv'
"""

from __future__ import annotations

import difflib
from pathlib import Path

from kg.bulk import paused_gc
from kg.errors import EntityListError, ValidationFailed
from kg.model import (
    ENTITIES_FILE,
    ENTITY_COLUMNS,
    LINK_COLUMNS,
    LINKS_FILE,
    REQUIRED_ENTITY_COLUMNS,
    REQUIRED_LINK_COLUMNS,
    Lists,
    Row,
)
from kg.resources import resource

from .formats import decode, read_delimited

__all__ = ["read_workspace", "read_csv_rows"]


def read_workspace(folder: str | Path | None = None) -> Lists:
    """Read ``entities.csv`` and ``links.csv`` from ``folder`` (default: the plan's shipped lists).

    Every error of both files is collected and raised at once as ``ValidationFailed``.
    A write to the folder that was interrupted is first finished (if it had
    committed) or discarded (see :mod:`loaders.workspace`).
    """
    if folder is None:
        base = resource("data")
        label = lambda name: f"data/{name}"  # noqa: E731 - as in a checkout
    else:
        base = Path(folder)
        if not base.is_dir():
            raise ValidationFailed(
                [
                    EntityListError(
                        str(folder), 0, 0, "no such folder of entity lists", hint="create one with 'kg init DIR'"
                    )
                ]
            )
        label = lambda name: str(Path(folder) / name)  # noqa: E731
        from .workspace import recover

        recover(base)  # finish or discard a write that was interrupted
    errors: list[EntityListError] = []
    results = []
    for name, columns, required in (
        (ENTITIES_FILE, ENTITY_COLUMNS, REQUIRED_ENTITY_COLUMNS),
        (LINKS_FILE, LINK_COLUMNS, REQUIRED_LINK_COLUMNS),
    ):
        path = base / name
        if not path.is_file():
            errors.append(
                EntityListError(
                    label(name),
                    0,
                    0,
                    "file is missing",
                    hint="every workspace holds entities.csv and links.csv; 'kg init DIR' makes one",
                )
            )
            results.append([])
            continue
        rows, file_errors = read_csv_rows(path.read_bytes(), label(name), columns, required)
        errors.extend(file_errors)
        results.append(rows)
    if errors:
        raise ValidationFailed(errors)
    return Lists(results[0], results[1], label(ENTITIES_FILE), label(LINKS_FILE))


def read_csv_rows(
    data: bytes, file: str, known: dict[str, str], required: tuple[str, ...]
) -> tuple[list[Row], list[EntityListError]]:
    """Parse a list's CSV bytes into rows; return them with every error found.

    The encoding is detected as for imports (UTF-8 with or without BOM, UTF-16
    with BOM, GB18030/GBK as Excel saves it on Chinese Windows).
    """
    text, errors = decode(data, file)
    if errors:
        return [], errors
    if not text.strip():
        return [], [
            EntityListError(
                file, 1, 0, "the file is empty", hint=f"the first line must be the header: {','.join(known)}"
            )
        ]
    with paused_gc():
        header, records, errors = read_delimited(text, file)
    for position, name in enumerate(header, start=1):
        if name not in known:
            close = difflib.get_close_matches(name, known, n=1)
            hint = f"did you mean '{close[0]}'?" if close else f"known columns: {', '.join(known)}"
            errors.append(EntityListError(file, 1, position, f"unknown column '{name}'", hint=hint))
    for name in required:
        if name not in header:
            errors.append(
                EntityListError(
                    file,
                    1,
                    0,
                    f"required column '{name}' is missing",
                    hint=f"add a column named '{name}' to the header",
                )
            )
    if errors:
        return [], errors
    return records, []
