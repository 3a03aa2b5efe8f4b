"""Rows as read from a list file, and the checked entities and links they become.

Rows are plain data with their position (file, line, column of each field),
so that every error can say where it is. Checked entities and links are what
the build turns into RDF. Rows, entities and links are made by the hundred
thousand and are not frozen (a frozen dataclass takes three times as long to
make); nothing changes them once made. Which columns there are, and what each
becomes, is the schema table's (:mod:`kg.vocab.schema`).

>>> e = Entity(id="tianjin", kind="Region", name_zh="天津", name_en="Tianjin", attrs={"notation": "1"})
>>> e.notation, e.unit, e.names
('1', '', ('天津', 'Tianjin'))
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from dataclasses import dataclass, field

from kg.vocab.schema import ALIAS_SEPARATOR, ATTRIBUTES, ENTITIES_FILE, ENTITY_FIELDS, LINKS_FILE

__all__ = ["Row", "Lists", "Excerpt", "Entity", "Link", "Model", "entity_values", "link_values", "paused_gc"]

_ATTRIBUTE_COLUMNS = frozenset(f.column for f in ATTRIBUTES)


@dataclass(slots=True)
class Row:
    """One row of an entity list, with where it came from.

    ``columns`` maps a column name to its 1-based position in the file.
    """

    file: str
    line: int
    values: dict[str, str]
    columns: dict[str, int]

    def get(self, name: str) -> str:
        return self.values.get(name, "")

    def column(self, name: str) -> int:
        return self.columns.get(name, 0)


@dataclass
class Lists:
    """The rows of a workspace: entities and links, each from its file. When they were read from
    files, ``texts`` holds the two files' decoded text and ``digests`` a digest of their bytes
    (see :mod:`kg.lists.incremental`)."""

    entities: list[Row] = field(default_factory=list)
    links: list[Row] = field(default_factory=list)
    entities_file: str = ENTITIES_FILE
    links_file: str = LINKS_FILE
    texts: tuple[str, str] | None = field(default=None, repr=False, compare=False)
    digests: tuple[str, str] | None = field(default=None, repr=False, compare=False)


@dataclass(frozen=True, slots=True, kw_only=True)
class Excerpt:
    """A verbatim excerpt of the plan: ``text == plan[start:end]``."""

    start: int
    end: int
    text: str


@dataclass(slots=True, kw_only=True)
class Entity:
    """A checked entity. ``attrs`` holds the filled attribute fields of the schema table, by column;
    each is also an attribute of the entity (``entity.unit``, empty when not filled)."""

    id: str
    kind: str
    name_zh: str
    name_en: str
    aliases: tuple[str, ...] = ()
    excerpt: Excerpt | None = None
    note: str = ""
    derived_from: str = ""  # an imported row's file, sheet and row
    attrs: dict[str, str] = field(default_factory=dict)
    row: Row | None = field(default=None, compare=False, repr=False)

    def __getattr__(self, name: str) -> str:
        if name in _ATTRIBUTE_COLUMNS:
            return self.attrs.get(name, "")
        raise AttributeError(f"'Entity' object has no attribute '{name}'")

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name_zh, self.name_en, *self.aliases)


@dataclass(slots=True, kw_only=True)
class Link:
    """A checked link between two entities, by id."""

    subject: str
    predicate: str
    object: str
    excerpt: Excerpt | None = None
    note: str = ""
    derived_from: str = ""
    row: Row | None = field(default=None, compare=False, repr=False)

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.subject, self.predicate, self.object)

    @classmethod
    def of_row(cls, row: Row, subject: str, predicate: str, obj: str, excerpt: Excerpt | None) -> Link:
        """The link a checked row of ``links.csv`` states, with the row's note and ``derived_from``."""
        get = row.values.get
        return cls(
            subject=subject,
            predicate=predicate,
            object=obj,
            excerpt=excerpt,
            note=get("note", ""),
            derived_from=get("derived_from", ""),
            row=row,
        )


@dataclass
class Model:
    """Checked entities (by id, in file order) and links (in file order); ``names`` maps each
    normalised name and alias to the ids of the entities that bear it (filled in by
    :func:`kg.lists.checks.check`)."""

    entities: dict[str, Entity] = field(default_factory=dict)
    links: list[Link] = field(default_factory=list)
    names: dict[str, list[str]] = field(default_factory=dict, repr=False, compare=False)


def entity_values(entity: Entity) -> dict[str, str]:
    """The entity as a row of ``entities.csv``: every column of the schema table, in file order."""
    excerpt = entity.excerpt
    core = {
        "id": entity.id,
        "kind": entity.kind,
        "name_zh": entity.name_zh,
        "name_en": entity.name_en,
        "aliases": ALIAS_SEPARATOR.join(entity.aliases),
        "quote": excerpt.text if excerpt else "",
        "quote_start": str(excerpt.start) if excerpt else "",
        "note": entity.note,
        "derived_from": entity.derived_from,
    }
    return {f.column: core[f.column] if f.role == "core" else entity.attrs.get(f.column, "") for f in ENTITY_FIELDS}


def link_values(link: Link) -> dict[str, str]:
    """The link as a row of ``links.csv``, in file order."""
    excerpt = link.excerpt
    return {
        "subject": link.subject,
        "predicate": link.predicate,
        "object": link.object,
        "quote": excerpt.text if excerpt else "",
        "quote_start": str(excerpt.start) if excerpt else "",
        "note": link.note,
        "derived_from": link.derived_from,
    }


@contextmanager
def paused_gc():
    """Pause Python's cyclic garbage collector for the block (restored as it was, also on an error).

    Rows, entities and links hold no reference cycles, so reference counting frees
    them; the cyclic collector would only rescan them, again and again, as they
    pile up (at 100 k entities that is half of the time spent reading the lists).

    >>> with paused_gc():
    ...     gc.isenabled()
    False
    >>> gc.isenabled()
    True
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
