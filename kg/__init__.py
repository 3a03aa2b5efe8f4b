"""Knowledge graph of Tianjin's 14th Five-Year Science & Technology Innovation Plan.

The library behind the ``kg`` command, in layers, each importing only those
before it: :mod:`kg.vocab` (the ontology, its terms and the schema table),
:mod:`kg.lists` (rows, checks, names, sections, diff), :mod:`kg.rdf` (the RDF
build, serialisation, SHACL) and :mod:`kg.graph` (the one property-graph
mapping, regions), :mod:`kg.query` (the catalogue and its engines) and
:mod:`kg.analysis`, then :mod:`kg.cli`. Readers of list files and the Bolt
loader are in the ``loaders`` package, the views in ``viz``.

The names below are the Python API; each is imported when first used, so
``import kg`` stays cheap.

>>> import kg
>>> model = kg.check(kg.read_workspace())
>>> pg = kg.model_to_property_graph(model)
>>> len(pg.nodes) == len(model.entities)
True
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

#: Public name → the module that defines it.
_API = {
    "read_workspace": "loaders.csv_lists",
    "check": "kg.lists.checks",
    "checked": "kg.rdf.validate",
    "triples": "kg.rdf.build",
    "build_graph": "kg.rdf.build",
    "write_rdf": "kg.rdf.serialize",
    "model_to_property_graph": "kg.graph.mapping",
    "to_networkx": "kg.graph.regions",
    "regions_of": "kg.graph.regions",
    "analyze": "kg.analysis.measures",
    "catalogue": "kg.query.catalogue",
    "answer": "kg.query.engine",
    "load_ontology": "kg.vocab.ontology",
    "KGError": "kg.errors",
}

__all__ = ["__version__", *_API]


def __getattr__(name: str):
    module = _API.get(name)
    if module is None:
        raise AttributeError(f"module 'kg' has no attribute '{name}'")
    return getattr(importlib.import_module(module), name)


def __dir__():
    return sorted(__all__)
