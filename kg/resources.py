"""Find the data shipped with the project: ontology, queries, entity lists, source text.

One resolver for a checkout and an installed wheel. In a wheel the folders
live inside the package (``kg/_data/...``); in a checkout they are the
top-level folders beside ``kg/``.

>>> resource("ontology", "plan.ttl").name
'plan.ttl'
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

__all__ = ["resource", "data_root", "cache_dir", "write_whole"]


def data_root() -> Traversable:
    """The folder that holds ``ontology/``, ``queries/`` and ``data/``."""
    package = files("kg")
    packaged = package / "_data"
    if packaged.is_dir():
        return packaged
    checkout = package / ".."
    if (checkout / "ontology" / "plan.ttl").is_file():
        return checkout
    from kg.errors import KGError

    raise KGError(
        "the project's data files (ontology/, data/, queries/) were not found",
        hint="reinstall the package with 'pip install .'",
    )


def resource(*parts: str) -> Traversable:
    """A shipped file or folder, e.g. ``resource("ontology", "shapes.ttl")``."""
    return data_root().joinpath(*parts)


def cache_dir() -> Path:
    """Where the project keeps what it can always make again (load snapshots, the parsed ontology):
    ``$KG_CACHE_DIR``, else ``$XDG_CACHE_HOME/tj-sti-plan-kg``, else ``~/.cache/tj-sti-plan-kg``."""
    if os.environ.get("KG_CACHE_DIR"):
        return Path(os.environ["KG_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "tj-sti-plan-kg"


def write_whole(path: Path, data: bytes) -> None:
    """Write a file via a temporary one beside it, so that a reader sees the old file or the new, whole."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
