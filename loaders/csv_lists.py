"""Read a workspace of entity lists (``entities.csv`` and ``links.csv``) into rows.

CSV is read as imports are (:mod:`loaders.delimited`): strictly, so that an
unterminated quote, a row with more fields than the header, an unknown or
missing column are errors with their line and column.

>>> lists = read_workspace()
>>> lists.entities[0].file
'data/entities.csv'
"""

from __future__ import annotations

import difflib
import hashlib
from pathlib import Path

from kg.errors import EntityListError, ValidationFailed
from kg.lists.records import Lists, Row, paused_gc
from kg.resources import resource
from kg.vocab.schema import (
    ENTITIES_FILE,
    ENTITY_COLUMNS,
    LINK_COLUMNS,
    LINKS_FILE,
    REQUIRED_ENTITY_COLUMNS,
    REQUIRED_LINK_COLUMNS,
)
from loaders.decoding import decode
from loaders.delimited import read_delimited

__all__ = ["read_workspace", "read_list_files", "file_digest", "read_csv_rows", "read_text_rows"]


def read_workspace(folder: str | Path | None = None) -> Lists:
    """Read ``entities.csv`` and ``links.csv`` from ``folder`` (default: the plan's shipped lists).

    Every error of both files is collected and raised at once as ``ValidationFailed``.
    Nothing is written: a write that was interrupted after it committed is
    read from its journal, one that had not is ignored (see :mod:`loaders.workspace`).
    """
    errors: list[EntityListError] = []
    files = _files(folder, errors)
    rows, texts = [], []
    for (label, data), (columns, required) in zip(
        files, ((ENTITY_COLUMNS, REQUIRED_ENTITY_COLUMNS), (LINK_COLUMNS, REQUIRED_LINK_COLUMNS)), strict=True
    ):
        text, file_errors = decode(data, label) if data is not None else ("", [])
        if not file_errors and data is not None:
            file_rows, file_errors = read_text_rows(text, label, columns, required)
            rows.append(file_rows)
            texts.append(text)
        errors.extend(file_errors)
    if errors:
        raise ValidationFailed(errors)
    (entities_file, entity_data), (links_file, link_data) = files
    digests = (file_digest(entity_data), file_digest(link_data))
    return Lists(rows[0], rows[1], entities_file, links_file, (texts[0], texts[1]), digests)


def read_list_files(folder: str | Path | None = None) -> list[tuple[str, bytes]] | None:
    """``(label, bytes)`` of ``entities.csv`` and ``links.csv``; None if a file is missing
    (:func:`read_workspace` says so). Decode the bytes with :func:`loaders.decoding.decode`."""
    files = _files(folder, [])
    return None if any(data is None for _, data in files) else files


def file_digest(data: bytes) -> str:
    """A digest of a list file's bytes (equal digests: the same file)."""
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def _files(folder, errors: list) -> list[tuple[str, bytes | None]]:
    """(label, bytes) of the two lists, bytes None for a missing file (and an error added to ``errors``).

    A missing folder raises ``ValidationFailed``; both lists come from the same write.
    """
    if folder is None:
        base = resource("data")
        label = lambda name: f"data/{name}"  # noqa: E731 - as in a checkout
        committed = {name: (base / name).read_bytes() for name in (ENTITIES_FILE, LINKS_FILE)}
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
        from loaders.workspace import read_lists

        committed = read_lists(base)  # never writes: a committed journal is read in place
    found = []
    for name in (ENTITIES_FILE, LINKS_FILE):
        data = committed[name]
        if data is not None:
            found.append((label(name), data))
            continue
        errors.append(
            EntityListError(
                label(name),
                0,
                0,
                "file is missing",
                hint="every workspace holds entities.csv and links.csv; 'kg init DIR' makes one",
            )
        )
        found.append((label(name), None))
    return found


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
    return read_text_rows(text, file, known, required)


def read_text_rows(
    text: str, file: str, known: dict[str, str], required: tuple[str, ...]
) -> tuple[list[Row], list[EntityListError]]:
    """Parse a list's decoded text into rows; return them with every error found."""
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
