"""One writer at a time: an exclusive advisory lock (``flock``) on a lock file that holds the writer's pid.

The lock file is removed when the lock is released; a process that finds the
file replaced or removed after locking it locks again, so two writers never
hold two different files. A writer that is killed releases the lock with its
file descriptors (the kernel does it); the file it leaves is taken over.

>>> import tempfile
>>> path = Path(tempfile.mkdtemp()) / ".lock"
>>> with exclusive(path, what="the folder"):
...     path.read_text().strip() == str(os.getpid())
True
>>> path.exists()
False
"""

from __future__ import annotations

import errno
import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from kg.errors import KGError

__all__ = ["exclusive", "Busy", "write_failed", "POLL_SECONDS", "WAIT_SECONDS"]

#: How often a waiting writer tries the lock again.
POLL_SECONDS = 0.05
#: How long ``--wait`` waits for another writer, at most.
WAIT_SECONDS = 600.0


class Busy(KGError):
    """Another process holds the lock."""


def write_failed(path: str | Path, exc: OSError) -> KGError:
    """An OSError on writing ``path`` as a one-line error with a hint.

    >>> str(write_failed("ws/entities.csv", OSError(errno.ENOSPC, "No space left on device")))
    'cannot write ws/entities.csv: No space left on device (free some space on the disk, then run the command again)'
    """
    hints = {
        errno.EROFS: "the folder is read-only: make it writable, or work on a copy",
        errno.EACCES: "permission denied: make the folder writable, or work on a copy",
        errno.EPERM: "permission denied: make the folder writable, or work on a copy",
        errno.ENOSPC: "free some space on the disk, then run the command again",
        errno.EDQUOT: "the disk quota is used up: free some space, then run the command again",
        errno.EFBIG: "the file is over the file-size limit ('ulimit -f'): raise the limit, then run the command again",
    }
    reason = exc.strerror or str(exc)
    return KGError(f"cannot write {path}: {reason}", hint=hints.get(exc.errno, "fix the cause, then run it again"))


def _holder(path: Path) -> str:
    try:
        return path.read_text(encoding="ascii").strip() or "unknown"
    except (OSError, UnicodeDecodeError):
        return "unknown"


def _open(path: Path) -> int:
    try:
        return os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise KGError(f"{path} is a symbolic link", hint="remove it; kg makes its own lock file") from None
        raise write_failed(path, exc) from None


def _same_file(fd: int, path: Path) -> bool:
    try:
        return os.path.samestat(os.fstat(fd), os.lstat(path))
    except FileNotFoundError:
        return False


@contextmanager
def exclusive(path: str | Path, *, what: str, wait: float = 0.0) -> Iterator[None]:
    """Hold the lock ``path`` while the block runs; ``wait`` seconds at most for another holder
    (0: fail at once; ``float('inf')``: until it is free). ``what`` names what is locked, for the message."""
    path = Path(path)
    deadline = time.monotonic() + wait
    while True:
        fd = _open(path)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            if time.monotonic() >= deadline:
                raise Busy(
                    f"another kg import is writing {what} (pid {_holder(path)})",
                    hint="wait for it to finish, or pass --wait",
                ) from None
            time.sleep(POLL_SECONDS)
            continue
        if _same_file(fd, path):
            break
        os.close(fd)  # the holder before us removed the file: lock the one there now
    try:
        try:
            os.ftruncate(fd, 0)
            os.write(fd, f"{os.getpid()}\n".encode("ascii"))
        except OSError as exc:
            raise write_failed(path, exc) from None
        yield
    finally:
        with suppress(OSError):
            os.unlink(path)
        os.close(fd)
