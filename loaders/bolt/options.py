"""What a load is asked to do (:class:`LoadOptions`), the load under way (:class:`LoadRun`) and what it did (:class:`Outcome`).

>>> LoadOptions(replace=True).batch_size
1000
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from loaders.bolt.connect import Settings
from loaders.bolt.write import BATCH_SIZE

__all__ = ["LoadOptions", "LoadRun", "Outcome"]


@dataclass(frozen=True)
class LoadOptions:
    """How to load: ``replace`` deletes what the lists lack, ``verify`` compares everything (and finds
    changes made by hand), ``batch_size`` rows go to a statement, ``progress(sent, total)`` is told
    of each batch written."""

    replace: bool = False
    verify: bool = False
    batch_size: int = BATCH_SIZE
    progress: Callable[[int, int], None] | None = None


@dataclass(frozen=True)
class LoadRun:
    """A load under way: the driver it writes with, where to, and how."""

    driver: object
    settings: Settings
    options: LoadOptions

    @property
    def database(self) -> str | None:
        return self.settings.database


@dataclass
class Outcome:
    """What a load did, and the summary it left: bounds, the digests the database holds, and the
    sums of the lists' own graph per bucket (they differ where the database holds more)."""

    summary: dict
    bounds: list[str]
    hashes: list[str]
    target_sums: list[int]
