"""One load at a time per database: a lock node taken before a load reads the database, released after.

Two loads that read the database at once would both find a relationship
missing and both create it; relationships are keyed by (start, type, end)
when read back, so the copy would stay. A load therefore first creates
``(:KgLoadLock {prefix})`` under a uniqueness constraint: the second load
gets a constraint error and stops with a message naming the holder, having
written nothing. The lock is removed when the load ends, also on an error or
Ctrl-C.

A load that was killed cannot remove its lock, so the lock is a lease: the
load renews it every :data:`LEASE` / 4 seconds, and a lock not renewed for
:data:`LEASE` seconds is taken over. A lock left on this machine by a process
that is gone (or by an earlier load of this process) is taken over at once.

>>> holder = {"host": "elsewhere", "pid": 1, "token": "t", "until": 0.0}
>>> is_stale(holder, now=1.0)
True
"""

from __future__ import annotations

import contextlib
import os
import socket
import threading
import time
import uuid
from datetime import UTC, datetime

from kg.errors import ConnectionFailed
from kg.vocab.iris import ENTITY_BASE

from .connect import Settings

__all__ = ["LoadLock", "LOCK_LABEL", "LEASE", "is_stale"]

LOCK_LABEL = "KgLoadLock"
#: Seconds a lock stays valid without being renewed.
LEASE = 60.0
_CONSTRAINT = f"CREATE CONSTRAINT kg_load_lock IF NOT EXISTS FOR (n:{LOCK_LABEL}) REQUIRE n.prefix IS UNIQUE"
_TAKE = (
    f"CREATE (l:{LOCK_LABEL} {{prefix: $prefix, token: $token, host: $host, pid: $pid, user: $user, "
    "since: $since, until: $until})"
)
_HOLDER = f"MATCH (l:{LOCK_LABEL} {{prefix: $prefix}}) RETURN properties(l) AS holder"
_RENEW = f"MATCH (l:{LOCK_LABEL} {{prefix: $prefix, token: $token}}) SET l.until = $until"
_DROP = f"MATCH (l:{LOCK_LABEL} {{prefix: $prefix, token: $token}}) DELETE l"
_ACTIVE: set[str] = set()  # tokens of the loads under way in this process


def is_stale(holder: dict, *, now: float | None = None) -> bool:
    """Whether a lock can be taken over: not renewed in time, or left on this machine by a process that
    is gone or by a load of this process that has ended."""
    if float(holder.get("until") or 0) < (time.time() if now is None else now):
        return True
    if holder.get("host") != socket.gethostname():
        return False
    pid = int(holder.get("pid") or 0)
    if pid == os.getpid():
        return holder.get("token") not in _ACTIVE
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:  # alive, someone else's
        return False
    return False


class LoadLock:
    """The lock of one load on the database of ``settings``; :meth:`acquire`, then :meth:`release`."""

    def __init__(self, driver, settings: Settings):
        self.driver, self.settings = driver, settings
        self.token = uuid.uuid4().hex
        self.prefix = ENTITY_BASE
        self._stop = threading.Event()
        self._heartbeat: threading.Thread | None = None

    def _run(self, query: str, **params) -> list[dict]:
        with self.driver.session(database=self.settings.database) as session:  # auto-commit: never retried
            return session.run(query, prefix=self.prefix, **params).data()

    def acquire(self) -> None:
        """Take the lock, taking over a stale one; raise ConnectionFailed if another load holds it."""
        from neo4j.exceptions import ConstraintError

        with self.driver.session(
            database=self.settings.database
        ) as session:  # retried: loads starting at once deadlock
            session.execute_write(lambda tx: tx.run(_CONSTRAINT).consume())
        for _ in range(3):
            try:
                self._run(
                    _TAKE,
                    token=self.token,
                    host=socket.gethostname(),
                    pid=os.getpid(),
                    user=_user(),
                    since=datetime.now(UTC).isoformat(timespec="seconds"),
                    until=time.time() + LEASE,
                )
            except ConstraintError:
                rows = self._run(_HOLDER)
                if rows and not is_stale(rows[0]["holder"]):
                    raise self._held(rows[0]["holder"]) from None
                if rows:
                    self._run(_DROP, token=rows[0]["holder"].get("token"))
                continue
            _ACTIVE.add(self.token)
            self._heartbeat = threading.Thread(target=self._renew, daemon=True, name="kg-load-lock")
            self._heartbeat.start()
            return
        raise ConnectionFailed(f"could not take the load lock of {self.settings.where}", hint="run the load again")

    def _held(self, holder: dict) -> ConnectionFailed:
        by = f"{holder.get('user')} on {holder.get('host')}, process {holder.get('pid')}"
        return ConnectionFailed(
            f"another kg load is writing {self.settings.where} since {holder.get('since')} (by {by}); "
            "nothing was written",
            hint=f"wait for it to end and run the load again; the lock of a load that was killed is taken over "
            f"{LEASE:.0f} s after its last renewal, at once on the machine it ran on",
        )

    def _renew(self) -> None:
        while not self._stop.wait(LEASE / 4):
            with contextlib.suppress(Exception):  # a lost connection fails the load itself
                self._run(_RENEW, token=self.token, until=time.time() + LEASE)

    def release(self) -> None:
        """Remove the lock (if the server can still be reached; else it goes stale)."""
        self._stop.set()
        if self._heartbeat is None:
            return
        self._heartbeat.join()
        self._heartbeat = None
        _ACTIVE.discard(self.token)
        with contextlib.suppress(Exception):
            self._run(_DROP, token=self.token)


def _user() -> str:
    try:
        import getpass

        return getpass.getuser()
    except Exception:  # no user name in this environment
        return "unknown user"
