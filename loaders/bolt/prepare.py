"""Connect, create the uniqueness constraint, take the load lock and read what the database holds, in a thread,
while the lists are read and checked (the indexes are made once the rows are written)."""

from __future__ import annotations

import threading

from kg.graph.mapping import PropertyGraph
from loaders.bolt.connect import Settings, connect, lost_while
from loaders.bolt.lock import LoadLock
from loaders.bolt.read import read_graph
from loaders.bolt.state import LoadState, read_state
from loaders.bolt.write import create_schema

__all__ = ["Prepare"]


class Prepare(threading.Thread):
    """Connect, create the uniqueness constraint, take the load lock (:mod:`loaders.bolt.lock`), read the load summary
    (unless ``full``) and, without one, the whole graph. :meth:`result` waits and gives ``(driver, state,
    current)``; :meth:`close` releases the lock and the driver; :meth:`cancel` gives up."""

    def __init__(self, settings: Settings, full: bool):
        # The driver is imported before the thread starts: an import reads a few hundred files, and
        # a thread that gives up the GIL at each read waits for it again while the main thread checks
        # the lists (two seconds at 42 k entities, where the import alone takes a fifth of one).
        import neo4j  # noqa: F401

        super().__init__(daemon=True, name="kg-load-prepare")
        self.settings, self.full = settings, full
        self.cancelled = threading.Event()
        self.driver = None
        self.lock: LoadLock | None = None
        self.state: LoadState | None = None
        self.current: PropertyGraph | None = None
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            self.driver = connect(self.settings)
            with lost_while(self.settings, "reading the database"):
                create_schema(self.driver, self.settings.database, indexes=False)  # the indexes: once written
                self.lock = LoadLock(self.driver, self.settings)
                self.lock.acquire()
                with self.driver.session(database=self.settings.database) as session:
                    self.state = None if self.full else session.execute_read(read_state)
                if self.state is None and not self.cancelled.is_set():
                    self.current = read_graph(self.driver, self.settings.database)
        except BaseException as exc:  # handed to the main thread
            self.error = exc
        finally:
            if self.cancelled.is_set():
                self.close()

    def result(self):
        self.join()
        if self.error is not None:
            self.close()
            raise self.error
        return self.driver, self.state, self.current

    def close(self) -> None:
        """Release the lock and close the driver."""
        if self.lock is not None:
            self.lock.release()
            self.lock = None
        if self.driver is not None:
            self.driver.close()

    def cancel(self) -> None:
        self.cancelled.set()
        if not self.is_alive():
            self.close()
