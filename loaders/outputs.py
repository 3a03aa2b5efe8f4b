"""Outputs never replace inputs: a path a command writes is checked against the lists it reads.

>>> import tempfile
>>> ws = Path(tempfile.mkdtemp())
>>> check_outputs(ws, [ws / "graph.html"]) == [ws / "graph.html"]
True
>>> check_outputs(ws, [ws / "entities.csv"])
Traceback (most recent call last):
kg.errors.KGError: ...entities.csv would replace ...entities.csv, a list this command reads (write it elsewhere)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps
from pathlib import Path

from kg.errors import KGError
from loaders.lock import write_failed

__all__ = ["check_outputs", "reporting_write_errors"]


def _inputs(data) -> tuple[Path, list[Path], Path]:
    """The folder of lists, its list and lock files, and its journal, resolved."""
    from kg.resources import resource
    from loaders.workspace import JOURNAL, LISTS, LOCK

    folder = Path(str(resource("data"))) if data is None else Path(data)
    folder = folder.resolve()
    return folder, [folder / name for name in (*LISTS, LOCK)], folder / JOURNAL


def check_outputs(data, paths: Iterable[str | Path]) -> list[Path]:
    """``paths`` (files to write, or folders to replace whole) if none of them replaces the lists
    of ``data`` (None: the shipped lists), their lock or journal; else a ``KGError`` naming both."""
    folder, files, journal = _inputs(data)
    paths = [Path(p) for p in paths]
    for path in paths:
        target = path.resolve()
        if target in files:
            raise KGError(
                f"{path} would replace {files[files.index(target)]}, a list this command reads",
                hint="write it elsewhere",
            )
        if target == journal or journal in target.parents:
            raise KGError(f"{path} is inside {journal}, where kg writes the lists", hint="write it elsewhere")
        if target == folder or target in folder.parents:
            raise KGError(
                f"writing {path} would replace {folder}, the lists this command reads", hint="write it elsewhere"
            )
    return paths


def reporting_write_errors(func: Callable) -> Callable:
    """``func`` with an OSError on writing turned into a one-line ``KGError`` naming the file."""

    @wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except OSError as exc:
            raise write_failed(exc.filename or "the output", exc) from None

    return wrapper
