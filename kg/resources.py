"""Find the data shipped with the project: ontology, queries, entity lists, source text.

One resolver for a checkout and an installed wheel. In a wheel the folders
live inside the package (``kg/_data/...``); in a checkout they are the
top-level folders beside ``kg/``.

>>> resource("ontology", "plan.ttl").name
'plan.ttl'
"""

from __future__ import annotations

from importlib.resources import files
from importlib.resources.abc import Traversable

__all__ = ["resource", "data_root"]


def data_root() -> Traversable:
    """The folder that holds ``ontology/``, ``queries/`` and ``data/``."""
    package = files("kg")
    packaged = package / "_data"
    if packaged.is_dir():
        return packaged
    checkout = package / ".."
    if (checkout / "ontology" / "plan.ttl").is_file():
        return checkout
    from .errors import KGError

    raise KGError(
        "the project's data files (ontology/, data/, queries/) were not found",
        hint="reinstall the package with 'pip install .'",
    )


def resource(*parts: str) -> Traversable:
    """A shipped file or folder, e.g. ``resource("ontology", "shapes.ttl")``."""
    return data_root().joinpath(*parts)
