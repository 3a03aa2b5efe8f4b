"""Write a workspace of entity lists atomically: every file is replaced, or none is.

New files are written into a journal folder (``.kg-journal``) next to the
lists; a ``COMMIT`` marker written last is the point of no return. Whoever
next opens the workspace finishes a committed write (moves the remaining new
files into place) or discards an uncommitted one, so a crash or Ctrl-C
mid-write never leaves old and new lists mixed.

>>> csv_bytes([{"id": "x"}], ["id", "name"])[:3] == b"\\xef\\xbb\\xbf"
True
"""

from __future__ import annotations

import csv
import io
import os
import shutil
from pathlib import Path

from kg.vocab.schema import ENTITIES_FILE, ENTITY_COLUMNS, LINK_COLUMNS, LINKS_FILE

__all__ = ["JOURNAL", "csv_bytes", "write_workspace", "recover", "init_workspace"]

JOURNAL = ".kg-journal"
_COMMIT = "COMMIT"


def csv_bytes(rows: list[dict], columns) -> bytes:
    """CSV as Excel reads it without asking: UTF-8 with a byte order mark, CRLF line ends."""
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=list(columns), extrasaction="ignore", lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({c: row.get(c, "") for c in columns})
    return b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8")


def _write_synced(path: Path, data: bytes) -> None:
    with open(path, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def _sync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def recover(folder: str | Path) -> str | None:
    """Finish or discard an interrupted write; return 'finished', 'discarded' or None."""
    journal = Path(folder) / JOURNAL
    if not journal.is_dir():
        return None
    outcome = "discarded"
    if (journal / _COMMIT).is_file():
        for name in (ENTITIES_FILE, LINKS_FILE):
            new = journal / name
            if new.is_file():
                os.replace(new, Path(folder) / name)
        _sync_dir(Path(folder))
        outcome = "finished"
    shutil.rmtree(journal, ignore_errors=True)
    return outcome


def write_workspace(folder: str | Path, entity_rows: list[dict], link_rows: list[dict]) -> None:
    """Replace ``entities.csv`` and ``links.csv`` of the folder together."""
    folder = Path(folder)
    recover(folder)
    journal = folder / JOURNAL
    journal.mkdir()
    try:
        _write_synced(journal / ENTITIES_FILE, csv_bytes(entity_rows, ENTITY_COLUMNS))
        _write_synced(journal / LINKS_FILE, csv_bytes(link_rows, LINK_COLUMNS))
        _sync_dir(journal)
        _write_synced(journal / _COMMIT, b"")
        _sync_dir(journal)
    except BaseException:
        shutil.rmtree(journal, ignore_errors=True)  # not committed: the old lists stay
        raise
    recover(folder)


def init_workspace(directory: str | Path, *, force: bool = False) -> list[Path]:
    """Copy the plan's entity lists into ``directory`` (made if missing); return the files written.

    Lists already there are an error unless ``force``.

    >>> import tempfile
    >>> [p.name for p in init_workspace(Path(tempfile.mkdtemp()) / "ws")]
    ['entities.csv', 'links.csv']
    """
    from kg.errors import KGError
    from kg.resources import resource

    directory = Path(directory)
    targets = [directory / name for name in (ENTITIES_FILE, LINKS_FILE)]
    existing = [str(t) for t in targets if t.exists()]
    if existing and not force:
        raise KGError(f"{', '.join(existing)} already exist", hint="overwrite them with force")
    directory.mkdir(parents=True, exist_ok=True)
    for target in targets:
        with resource("data", target.name).open("rb") as source, open(target, "wb") as out:
            shutil.copyfileobj(source, out)
    return targets
