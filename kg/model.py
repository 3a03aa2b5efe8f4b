"""The entity-list format: its columns, rows as read from a file, and checked entities and links.

Rows are plain data with their position (file, line, column of each field),
so that every error can say where it is. Checked entities and links are what
the build turns into RDF. Rows, entities and links are made by the hundred
thousand and are not frozen (a frozen dataclass takes three times as long to
make); nothing changes them once made.

>>> sorted(ENTITY_COLUMNS)[:3]
['aliases', 'id', 'kind']
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = [
    "ENTITY_COLUMNS",
    "LINK_COLUMNS",
    "REQUIRED_ENTITY_COLUMNS",
    "REQUIRED_LINK_COLUMNS",
    "ENTITIES_FILE",
    "LINKS_FILE",
    "ALIAS_SEPARATOR",
    "Row",
    "Lists",
    "Excerpt",
    "Entity",
    "Link",
]

ENTITIES_FILE = "entities.csv"
LINKS_FILE = "links.csv"
ALIAS_SEPARATOR = "|"

#: Columns of ``entities.csv``, in file order, with what each holds.
ENTITY_COLUMNS = {
    "id": "Stable id: lowercase ASCII words joined by single hyphens (binhai-new-area). Never reuse or change an id.",
    "kind": "The entity's kind: a class of ontology/plan.ttl (Platform, TechnologyInnovationCenter, District, University, TechnologyDomain, Indicator …).",
    "name_zh": "The name exactly as the plan writes it.",
    "name_en": "English name.",
    "aliases": "Other names separated by '|': short forms the plan uses and common short names users search for (超算天津中心).",
    "quote": "A verbatim excerpt of the plan that names the entity; it must contain the name or an alias.",
    "quote_start": "Character offset of the quote in the plan (Unicode code points from 0). May be left empty when the quote occurs once.",
    "note": "For a curated entity the plan does not name: why it is there ('curated: …'). Empty when there is a quote.",
    "notation": "The plan's own numbering, if any (2.5.1 for a domain, 表1-5, 专栏3-2).",
    "unit": "Indicators only: the unit as table 1 writes it (%, 件, 亿元 …).",
    "value_2020": "Indicators only: the 2020 baseline value.",
    "value_2025": "Indicators only: the 2025 target value.",
}

#: Columns of ``links.csv``, in file order, with what each holds.
LINK_COLUMNS = {
    "subject": "The entity the link starts from: its id, name or alias.",
    "predicate": "The link type: a link property of ontology/plan.ttl (locatedIn, reliesOn, drawsOn, partnersWith …).",
    "object": "The entity the link points to: its id, name or alias.",
    "quote": "A verbatim excerpt of the plan that states the link.",
    "quote_start": "Character offset of the quote in the plan. May be left empty when the quote occurs once.",
    "note": "For a curated fact the plan does not state: its source ('curated: …'). Empty when there is a quote.",
}

REQUIRED_ENTITY_COLUMNS = ("id", "kind", "name_zh", "name_en")
REQUIRED_LINK_COLUMNS = ("subject", "predicate", "object")


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
    (see :mod:`kg.incremental`)."""

    entities: list[Row] = field(default_factory=list)
    links: list[Row] = field(default_factory=list)
    entities_file: str = ENTITIES_FILE
    links_file: str = LINKS_FILE
    texts: tuple[str, str] | None = field(default=None, repr=False, compare=False)
    digests: tuple[str, str] | None = field(default=None, repr=False, compare=False)


@dataclass(frozen=True, slots=True)
class Excerpt:
    """A verbatim excerpt of the plan: ``text == plan[start:end]``."""

    start: int
    end: int
    text: str


@dataclass(slots=True)
class Entity:
    """A checked entity."""

    id: str
    kind: str
    name_zh: str
    name_en: str
    aliases: tuple[str, ...] = ()
    excerpt: Excerpt | None = None
    note: str = ""
    notation: str = ""
    unit: str = ""
    value_2020: str = ""
    value_2025: str = ""
    row: Row | None = field(default=None, compare=False, repr=False)

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name_zh, self.name_en, *self.aliases)


@dataclass(slots=True)
class Link:
    """A checked link between two entities, by id."""

    subject: str
    predicate: str
    object: str
    excerpt: Excerpt | None = None
    note: str = ""
    row: Row | None = field(default=None, compare=False, repr=False)

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.subject, self.predicate, self.object)
