"""Write a workspace of entity lists atomically, one writer at a time; read it without writing.

Writers hold the workspace's lock (``.kg-lock``, :mod:`loaders.lock`). New
lists are written into a journal folder (``.kg-journal``); a ``COMMIT`` marker
written last is the point of no return. The next writer, under the lock,
finishes a committed write (moves the remaining new files into place) or
discards an uncommitted one, so a crash or Ctrl-C mid-write never leaves old
and new lists mixed. A journal that is not a plain folder of plain files (a
symbolic link, say) is an error: nothing is moved.

Readers never write: :func:`read_lists` reads a committed journal's lists in
place of the old ones, ignores an uncommitted one, and reads again if a
writer replaced a list meanwhile, so both lists come from the same write.

>>> csv_bytes([{"id": "x"}], ["id", "name"])[:3] == b"\\xef\\xbb\\xbf"
True
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import stat
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from kg.errors import KGError
from kg.vocab.schema import ENTITIES_FILE, ENTITY_COLUMNS, LINK_COLUMNS, LINKS_FILE
from loaders.delimited import MAX_FIELD
from loaders.lock import POLL_SECONDS, exclusive, write_failed

__all__ = [
    "JOURNAL",
    "LOCK",
    "LISTS",
    "csv_bytes",
    "list_files",
    "writing",
    "commit_lists",
    "write_workspace",
    "recover",
    "read_lists",
    "init_workspace",
]

JOURNAL = ".kg-journal"
LOCK = ".kg-lock"
LISTS = (ENTITIES_FILE, LINKS_FILE)
_COMMIT = "COMMIT"
_READ_TRIES = 200


def csv_bytes(rows: list[dict], columns) -> bytes:
    """CSV as Excel reads it without asking: UTF-8 with a byte order mark, CRLF line ends."""
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=list(columns), extrasaction="ignore", lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({c: row.get(c, "") for c in columns})
    return b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8")


def _check_fields(rows: list[dict], columns, file: Path) -> None:
    """Refuse to write a field that the lists' reader would refuse (see :data:`loaders.delimited.MAX_FIELD`)."""
    for line, row in enumerate(rows, start=2):
        for column in columns:
            if len(str(row.get(column) or "")) > MAX_FIELD:
                raise KGError(
                    f"{file}:{line}: the field '{column}' is over the limit of {MAX_FIELD:,} characters",
                    hint="shorten it; nothing was written",
                )


def _write_synced(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        os.fsync(fd)
    finally:
        os.close(fd)


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


def _journal(folder: Path) -> Path | None:
    """The folder's journal if it has one; an error if it is not a plain folder of plain files."""
    journal = folder / JOURNAL
    try:
        mode = os.lstat(journal).st_mode
    except FileNotFoundError:
        return None
    what = None
    if stat.S_ISLNK(mode):
        what = "a symbolic link"
    elif not stat.S_ISDIR(mode):
        what = "not a folder"
    else:
        with os.scandir(journal) as entries:
            odd = next((e.name for e in entries if not e.is_file(follow_symlinks=False)), None)
        if odd is not None:
            what = f"it holds {odd}, which is not a plain file"
    if what:
        raise KGError(
            f"{journal} is not a journal kg wrote ({what}); nothing was read or moved",
            hint="remove it, then run the command again",
        )
    return journal


def recover(folder: str | Path) -> str | None:
    """Finish or discard an interrupted write; return 'finished', 'discarded' or None.

    Only for the holder of the lock (see :func:`writing`).
    """
    folder = Path(folder)
    journal = _journal(folder)
    if journal is None:
        return None
    outcome = "discarded"
    if (journal / _COMMIT).is_file():
        for name in LISTS:
            new = journal / name
            if new.is_file():
                os.replace(new, folder / name)
        _sync_dir(folder)
        outcome = "finished"
    shutil.rmtree(journal, ignore_errors=True)
    return outcome


@contextmanager
def writing(folder: str | Path, *, wait: float = 0.0) -> Iterator[Path]:
    """Hold the workspace's lock (``wait`` seconds at most, see :func:`loaders.lock.exclusive`)
    and finish or discard an interrupted write first."""
    folder = Path(folder)
    with exclusive(folder / LOCK, what=f"the workspace {folder}", wait=wait):
        try:
            recover(folder)
        except OSError as exc:
            raise write_failed(folder, exc) from None
        yield folder


def commit_lists(folder: str | Path, files: dict[str, bytes]) -> None:
    """Replace the lists named in ``files`` together; the caller holds the lock (:func:`writing`).

    An OSError (read-only folder, full disk, file-size limit) is a ``KGError``
    naming the file, and the lists are left as they were.
    """
    folder = Path(folder)
    journal = folder / JOURNAL
    target = journal
    try:
        journal.mkdir()
        for name, data in files.items():
            target = journal / name
            _write_synced(target, data)
        _sync_dir(journal)
        target = journal / _COMMIT
        _write_synced(target, b"")
        _sync_dir(journal)
    except BaseException as exc:
        shutil.rmtree(journal, ignore_errors=True)  # not committed: the old lists stay
        if isinstance(exc, OSError):
            raise write_failed(target, exc) from None
        raise
    try:
        recover(folder)
    except OSError as exc:  # committed: the next writer finishes the write
        raise write_failed(folder, exc) from None


def list_files(folder: str | Path, entity_rows: list[dict], link_rows: list[dict]) -> dict[str, bytes]:
    """The bytes of both lists, for :func:`commit_lists`; a field over the limit is an error."""
    files = {}
    for name, rows, columns in ((ENTITIES_FILE, entity_rows, ENTITY_COLUMNS), (LINKS_FILE, link_rows, LINK_COLUMNS)):
        _check_fields(rows, columns, Path(folder) / name)
        files[name] = csv_bytes(rows, columns)
    return files


def write_workspace(folder: str | Path, entity_rows: list[dict], link_rows: list[dict], *, wait: float = 0.0) -> None:
    """Replace ``entities.csv`` and ``links.csv`` of the folder together, under its lock."""
    files = list_files(folder, entity_rows, link_rows)
    with writing(folder, wait=wait):
        commit_lists(folder, files)


def _state(folder: Path):
    """Which file holds each list now, and its identity; None if the folder changed while looking."""
    try:
        journal = _journal(folder)
        committed = journal is not None and (journal / _COMMIT).is_file()
        state = []
        for name in LISTS:
            path = journal / name if committed and (journal / name).is_file() else folder / name
            try:
                found = os.stat(path)
                state.append((path, (found.st_dev, found.st_ino, found.st_mtime_ns, found.st_size)))
            except FileNotFoundError:
                state.append((path, None))
        return state
    except FileNotFoundError:
        return None


def read_lists(folder: str | Path) -> dict[str, bytes | None]:
    """The bytes of both lists as of one write (None for a missing list), without writing anything."""
    folder = Path(folder)
    for _ in range(_READ_TRIES):
        before = _state(folder)
        if before is not None:
            data = {}
            for name, (path, identity) in zip(LISTS, before, strict=True):
                try:
                    data[name] = path.read_bytes() if identity is not None else None
                except FileNotFoundError:
                    data[name] = None
            if _state(folder) == before:
                return data
        time.sleep(POLL_SECONDS)
    raise KGError(f"the lists of {folder} kept changing while they were read", hint="run the command again")


def init_workspace(directory: str | Path, *, force: bool = False, wait: float = 0.0) -> list[Path]:
    """Copy the plan's entity lists into ``directory`` (made if missing); return the files written.

    Lists already there are an error unless ``force``.

    >>> import tempfile
    >>> [p.name for p in init_workspace(Path(tempfile.mkdtemp()) / "ws")]
    ['entities.csv', 'links.csv']
    """
    from kg.resources import resource

    directory = Path(directory)
    targets = [directory / name for name in LISTS]
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise write_failed(directory, exc) from None
    with writing(directory, wait=wait):
        existing = [str(t) for t in targets if t.exists()]
        if existing and not force:
            raise KGError(f"{', '.join(existing)} already exist", hint="overwrite them with force")
        commit_lists(directory, {name: resource("data", name).read_bytes() for name in LISTS})
    return targets
