"""From rows to a checked, SHACL-valid graph: the steps every command shares.

>>> from loaders.csv_lists import read_workspace  # doctest: +SKIP
>>> model, graph = build_checked(read_workspace())  # doctest: +SKIP
"""

from __future__ import annotations

from rdflib import Graph

from .build import build_graph
from .checks import Model, check
from .errors import ValidationFailed
from .model import Lists
from .shacl import validate_graph

__all__ = ["build_checked"]


def build_checked(lists: Lists, *, shacl: bool = True) -> tuple[Model, Graph]:
    """Check the rows, build the graph and run SHACL; raise ``ValidationFailed`` on any error."""
    model = check(lists)
    graph = build_graph(model)
    if shacl:
        errors = validate_graph(graph, model)
        if errors:
            raise ValidationFailed(errors)
    return model, graph
