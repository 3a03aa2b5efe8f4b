"""A snapshot of the lists as last loaded into a database, kept in the user's cache.

After a load, :func:`loaders.bolt.load.load_lists` keeps, for that database, the
index of the lists it loaded (:class:`kg.lists.incremental.ListsIndex`) and the
summary it left in the database (the bucket bounds and digests, and the sums
of the lists' own graph). The next load into the same database, of the same
folder or of a copy changed elsewhere, checks only the rows whose text changed
and sends only their nodes and relationships, if the database's summary is
still the one the snapshot recorded; otherwise (someone else loaded it since,
a load stopped half-way, a node was deleted by hand) it compares the whole
lists, as without a snapshot.

A snapshot is a cache: deleting it costs one slower load, never a wrong one.
One made by other code, for another ontology or plan text, or that cannot be
read is ignored. Snapshots live in ``$KG_CACHE_DIR``, else
``$XDG_CACHE_HOME/tj-sti-plan-kg``, else ``~/.cache/tj-sti-plan-kg``; they
hold the lists' text and ids, never a password.

>>> path = snapshot_path(Settings(uri="bolt://127.0.0.1:7687", database="plan"))
>>> path.name.startswith("load-") and path.suffix == ".marshal"
True
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from kg.lists.incremental import ListsIndex
from kg.lists.source import plan_sha256
from kg.resources import cache_dir, write_whole
from loaders.bolt.connect import Settings

__all__ = ["Snapshot", "snapshot_path", "read_snapshot", "write_snapshot", "fingerprint"]

#: Raised whenever the layout of a snapshot file changes, or the code that turns rows into checked
#: entities, graph items and digests changes what it makes (a test guards that code): a snapshot of
#: another format or package version is not used.
FORMAT = 6
_MODULUS = 1 << 128


@dataclass
class Snapshot:
    """The lists' index and the summary their load left: bounds, the digests the database
    holds (``hashes``), and the sums of the lists' own graph per bucket (``target_sums``).
    ``digests`` are those of the two files' bytes, so that an unchanged file is not read again."""

    index: ListsIndex
    bounds: list[str]
    hashes: list[str]
    target_sums: list[int]
    digests: tuple[str, str]
    links_file: str = ""  # the file of the index's links as read, kept while they are not changed


def snapshot_path(settings: Settings) -> Path:
    """The snapshot file for this database."""
    key = "\n".join([settings.uri, settings.database or ""])
    return cache_dir() / f"load-{hashlib.sha256(key.encode('utf-8')).hexdigest()[:32]}.marshal"


@lru_cache(maxsize=1)
def fingerprint() -> str:
    """A digest of what a snapshot's meaning depends on: its format, the package version, the
    ontology and the plan text."""
    from kg import __version__
    from kg.resources import resource

    digest = hashlib.sha256(f"{FORMAT}\n{__version__}\n{plan_sha256()}\n".encode())
    digest.update(resource("ontology", "plan.ttl").read_bytes())
    return digest.hexdigest()


def read_snapshot(path: Path) -> Snapshot | None:
    """The snapshot in this file, or None if there is none that this code can use.

    The index's links, the largest part, are in a file of their own, named by
    its digest: a load that changes no link does not write it again, and one
    that changes only entities does not unpack it.
    """
    path = Path(path)
    try:
        mark, bounds, hashes, sums, digests, entity_part, links_file = marshal.loads(path.read_bytes())
        if mark != fingerprint():
            return None
        link_part = (path.parent / links_file).read_bytes()  # read now: a later load may replace it
        index = ListsIndex.from_parts(marshal.loads(entity_part), lambda: marshal.loads(link_part))
        return Snapshot(index, bounds, hashes, sums, tuple(digests), links_file)
    except (OSError, EOFError, ValueError, TypeError):
        return None


def write_snapshot(path: Path, snapshot: Snapshot) -> bool:
    """Write the snapshot whole or not at all; False if the cache cannot be written (the load is not affected)."""
    path = Path(path)
    index = snapshot.index
    links_file, link_part = snapshot.links_file, None
    if not links_file or index.links_loaded:
        link_part = marshal.dumps(index.link_part())
        links_file = f"{path.stem}-links-{hashlib.blake2b(link_part, digest_size=16).hexdigest()}.marshal"
    data = marshal.dumps(
        (
            fingerprint(),
            snapshot.bounds,
            snapshot.hashes,
            [total % _MODULUS for total in snapshot.target_sums],
            list(snapshot.digests),
            marshal.dumps(index.entity_part()),
            links_file,
        )
    )
    try:
        if link_part is not None and not (path.parent / links_file).is_file():
            write_whole(path.parent / links_file, link_part)
        write_whole(path, data)
    except OSError:
        return False
    for old in path.parent.glob(f"{path.stem}-links-*.marshal"):
        if old.name != links_file:
            with contextlib.suppress(OSError):
                old.unlink()
    return True
