"""From rows to a checked model: the row checks, and the SHACL shapes where they are run.

>>> from kg.lists.records import Lists, Row
>>> row = Row("entities.csv", 2, {"id": "tianjin", "kind": "Region", "name_zh": "天津",
...           "name_en": "Tianjin", "quote": "天津市人民政府办公厅关于印发"}, {})
>>> model = checked(Lists(entities=[row]))
>>> model.entities["tianjin"].name_en
'Tianjin'
"""

from __future__ import annotations

from kg.errors import ValidationFailed
from kg.lists.checks import check
from kg.lists.records import Lists, Model

__all__ = ["checked", "shacl_runs", "SHACL_MAX_ENTITIES"]

#: Above this many entities SHACL is not run by default: pyshacl takes ~20 s for
#: 10 k entities and grows faster than linearly, while the row checks, which
#: cover every constraint of the shapes, take under a second.
SHACL_MAX_ENTITIES = 20_000


def shacl_runs(model: Model, shacl: bool | None) -> bool:
    """Whether :func:`checked` runs the shapes: ``None`` means up to :data:`SHACL_MAX_ENTITIES` entities."""
    return shacl if shacl is not None else len(model.entities) <= SHACL_MAX_ENTITIES


def checked(lists: Lists, *, shacl: bool | None = None) -> Model:
    """Check the rows (and run SHACL if asked); raise ``ValidationFailed`` on any error.

    ``shacl=None`` runs the shapes on lists of up to :data:`SHACL_MAX_ENTITIES`
    entities; ``True`` and ``False`` force it on or off. The RDF graph SHACL
    needs is built only when the shapes run.
    """
    model = check(lists)
    if shacl_runs(model, shacl):
        from kg.rdf.build import build_graph
        from kg.rdf.shacl import validate_graph

        errors = validate_graph(build_graph(model), model)
        if errors:
            raise ValidationFailed(errors)
    return model
