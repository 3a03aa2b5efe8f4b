"""Read a workspace of entity lists (``entities.csv`` and ``links.csv``) into rows.

CSV is read strictly: an unterminated quote, a row with more fields than the
header, an unknown or missing column are errors with their line and column.

>>> lists = read_workspace()
>>> lists.entities[0].file
'data/entities.csv'
"""

from __future__ import annotations

import csv
import difflib
import io
from pathlib import Path

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
    """Parse CSV bytes (UTF-8, optional BOM) into rows; return them with every error found."""
    errors: list[EntityListError] = []
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return [], [
            EntityListError(
                file,
                line,
                0,
                f"not UTF-8 (byte 0x{data[exc.start]:02x} at byte {exc.start})",
                hint="save the file as 'CSV UTF-8' in Excel",
            )
        ]
    if not text.strip():
        return [], [
            EntityListError(file, 1, 0, "file is empty", hint=f"the first line must be the header: {','.join(known)}")
        ]
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader)
    except csv.Error as exc:
        return [], [EntityListError(file, 1, 0, f"header cannot be read: {exc}")]
    header = [name.strip() for name in header]
    columns: dict[str, int] = {}
    for position, name in enumerate(header, start=1):
        if name not in known:
            close = difflib.get_close_matches(name, known, n=1)
            hint = f"did you mean '{close[0]}'?" if close else f"known columns: {', '.join(known)}"
            errors.append(EntityListError(file, 1, position, f"unknown column '{name}'", hint=hint))
        elif name in columns:
            errors.append(
                EntityListError(file, 1, position, f"column '{name}' appears twice", hint="delete one of them")
            )
        else:
            columns[name] = position
    for name in required:
        if name not in columns:
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
    rows: list[Row] = []
    line = reader.line_num + 1
    while True:
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            errors.append(
                EntityListError(
                    file,
                    line,
                    0,
                    f"malformed CSV: {exc}",
                    hint="check the quotes on this line: a field that opens a quote must close it",
                )
            )
            break
        start, line = line, reader.line_num + 1
        if not any(cell.strip() for cell in record):
            continue
        if len(record) > len(header):
            errors.append(
                EntityListError(
                    file,
                    start,
                    len(header) + 1,
                    f"row has {len(record)} fields, the header has {len(header)}",
                    hint="quote fields that contain commas",
                )
            )
            continue
        values = {name: record[pos - 1].strip() if pos <= len(record) else "" for name, pos in columns.items()}
        rows.append(Row(file, start, values, columns))
    return rows, errors
