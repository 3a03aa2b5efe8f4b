"""Run a query with a time and a memory limit, in a child process: a runaway query ends at its
deadline, gives its memory back, and Ctrl-C stops it at once.

The embedded engine (Oxigraph) evaluates a query in native code that neither
checks Python's signals nor takes a deadline, so a cross product or a
``COUNT(*)`` over one would run, and grow, until it is done. :func:`bounded`
forks: the child (a copy of this process, store included, shared copy-on-write)
runs the query under ``RLIMIT_AS`` and sends its plain rows back through a pipe;
the parent waits for them until the deadline, and kills the child when the time
is up or the user presses Ctrl-C. Where the system has no ``fork`` (Windows),
the query runs in this process without the limits.

>>> bounded(lambda: sum(range(10)), timeout=5, what="a sum")
45
>>> bounded(lambda: __import__("time").sleep(5), timeout=0.2, what="a nap")
Traceback (most recent call last):
...
kg.errors.QueryError: a nap did not finish within 0.2 s and was stopped (narrow the query (a LIMIT, more bound patterns), or allow it more time)
"""

from __future__ import annotations

import os
import pickle
import select
import signal

from kg.errors import KGError, QueryError

__all__ = ["bounded", "DEFAULT_TIMEOUT", "DEFAULT_MEMORY"]

#: Seconds a query may run by default (``kg query`` and ``kg sparql`` take ``--timeout``).
DEFAULT_TIMEOUT = 60.0
#: Bytes of address space a query may use by default: 4 GiB.
DEFAULT_MEMORY = 4 * 1024**3


def bounded(work, *, timeout: float, memory: int | None = DEFAULT_MEMORY, what: str = "the query"):
    """``work()``'s result (plain, picklable data), computed in a child process that is stopped after
    ``timeout`` seconds or when it needs more than ``memory`` bytes of address space beyond what the
    process held; a :class:`~kg.errors.KGError` it raises is raised here."""
    if not hasattr(os, "fork"):
        return work()
    readable, writable = os.pipe()
    # Ctrl-C is held back from fork until the parent is ready to stop the child: one arriving in
    # between would leave the child running (it ignores SIGINT) with the parent gone.
    mask = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    pid = os.fork()
    if pid == 0:  # the child: never returns
        _child(work, writable, readable, memory, mask)
    try:
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)
        os.close(writable)
        data = _receive(readable, timeout)
    except BaseException:
        _stop(pid)
        raise
    finally:
        os.close(readable)
    if data is None:
        _stop(pid)
        raise QueryError(f"{what} did not finish within {timeout:g} s and was stopped", hint=_TIMEOUT_HINT)
    _, status = os.waitpid(pid, 0)
    if not data:
        reason = "needed more memory than its limit" if memory else "stopped unexpectedly"
        raise QueryError(f"{what} {reason} ({_status(status)})", hint=_MEMORY_HINT)
    outcome, payload = pickle.loads(data)
    if outcome == "ok":
        return payload
    kind, message, hint = payload
    raise (QueryError if kind == "QueryError" else KGError)(message, hint=hint)


_TIMEOUT_HINT = "narrow the query (a LIMIT, more bound patterns), or allow it more time"
_MEMORY_HINT = "narrow the query (a LIMIT, more bound patterns): its intermediate results do not fit"


def _child(work, writable: int, readable: int, memory: int | None, mask) -> None:
    """Run ``work`` and send ``("ok", result)`` or ``("error", (kind, message, hint))``; then exit.
    Its standard streams are /dev/null: a child the parent has not stopped yet keeps no pipe of the
    parent's open."""
    import resource

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent stops the child
    signal.pthread_sigmask(signal.SIG_SETMASK, mask)
    null = os.open(os.devnull, os.O_RDWR)
    for stream in (0, 1, 2):
        os.dup2(null, stream)
    os.close(readable)
    code = 0
    try:
        if memory:
            limit = _address_space() + memory
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        try:
            message = pickle.dumps(("ok", work()))
        except KGError as exc:
            message = pickle.dumps(("error", (type(exc).__name__, exc.message, exc.hint)))
        except MemoryError:
            message, code = b"", 1
        except Exception as exc:  # a fault, not the query's: said as it is
            message = pickle.dumps(("error", ("KGError", f"{type(exc).__name__}: {exc}", None)))
        with os.fdopen(writable, "wb") as out:
            out.write(message)
    except BaseException:  # nothing sensible to send: the parent reports the exit status
        code = 1
    finally:
        os._exit(code)


def _address_space() -> int:
    """Bytes of address space the process holds already (its threads' stacks and arenas count:
    a server's can be gigabytes before a query starts); 0 where /proc does not say."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


#: Seconds between the parent's looks at Ctrl-C while it waits: a terminal's SIGINT may be taken by
#: another thread of the process (the store's), which does not wake a ``select`` in this one.
_WAKE = 0.25


def _receive(readable: int, timeout: float) -> bytes | None:
    """Everything the child writes, or None when the deadline passes first."""
    import time

    deadline = time.monotonic() + timeout
    chunks = []
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return None
        ready, _, _ = select.select([readable], [], [], min(left, _WAKE))  # Python runs its handlers between
        if not ready:
            continue
        chunk = os.read(readable, 1 << 20)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


def _stop(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    except (ProcessLookupError, ChildProcessError):
        pass


def _status(status: int) -> str:
    if os.WIFSIGNALED(status):
        return f"signal {signal.Signals(os.WTERMSIG(status)).name}"
    return f"exit status {os.WEXITSTATUS(status)}"
