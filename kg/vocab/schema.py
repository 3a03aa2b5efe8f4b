"""The entity schema: one table of the lists' fields, and what each becomes in RDF, in the property
graph (Neo4j, networkx, the views) and in the neo4j-admin files; the regions; the relationship types.

Every consumer iterates this table instead of spelling fields again: the row checks, the RDF build,
the property-graph mapping and its inverses, the neo4j-admin files, the importer's column names, the
lists' writer, the diff and the views' detail panel. Adding an entity field is adding a
:class:`Field` here (with its ``tjp:`` property in ``ontology/plan.ttl`` when it has one).

Kinds and link types are not listed here: they are read from the ontology (:mod:`kg.vocab.ontology`),
and so are the relationship types (:data:`REL`).

>>> [f.column for f in ENTITY_FIELDS][:4]
['id', 'kind', 'name_zh', 'name_en']
>>> FIELDS["value_2020"].pg, FIELDS["value_2020"].kinds
('baseline_value', ('Indicator',))
>>> [f.column for f in ATTRIBUTES]
['notation', 'unit', 'value_2020', 'value_2025', 'region']
>>> REL.LOCATED_IN
'LOCATED_IN'
>>> REL.LOCATED_AT
Traceback (most recent call last):
...
AttributeError: no relationship type 'LOCATED_AT' in the ontology (link types of ontology/plan.ttl, in UPPER_SNAKE_CASE)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache

__all__ = [
    "Field",
    "ValueType",
    "TYPES",
    "ENTITY_FIELDS",
    "LINK_FIELDS",
    "FIELDS",
    "ATTRIBUTES",
    "AT_LEAST_ONE",
    "ENTITY_COLUMNS",
    "LINK_COLUMNS",
    "REQUIRED_ENTITY_COLUMNS",
    "REQUIRED_LINK_COLUMNS",
    "PROVENANCE",
    "ENTITIES_FILE",
    "LINKS_FILE",
    "ALIAS_SEPARATOR",
    "RESOURCE_LABEL",
    "REGIONS",
    "JINGJINJI",
    "REL",
    "rel_type",
    "link_name",
]

ENTITIES_FILE = "entities.csv"
LINKS_FILE = "links.csv"
ALIAS_SEPARATOR = "|"
#: The label every entity node carries, with the uniqueness constraint on ``uri``.
RESOURCE_LABEL = "Resource"


@dataclass(frozen=True)
class ValueType:
    """How a field's text is checked and written: in RDF (its datatype), in the property graph and
    in the neo4j-admin header grammar; ``parse`` turns the list's text into the property-graph value
    and raises ``ValueError`` on bad text, ``text`` turns that value back into the list's text."""

    name: str
    datatype: str | None  # XSD datatype IRI; None for a plain string literal
    admin: str  # neo4j-admin header type
    parse: object
    text: object
    example: str
    what: str  # "a number", for messages


def _decimal(text: str) -> float:
    try:
        return float(Decimal(text))
    except InvalidOperation:
        raise ValueError(text) from None


def _decimal_text(value) -> str:
    """The list's text of a decimal read back (``3.2``, ``40.0``)."""
    return repr(float(value)) if not float(value).is_integer() else f"{int(value)}.0"


def _region(text: str) -> str:
    if text not in REGIONS:
        raise ValueError(text)
    return text


def _year(text: str) -> int:
    if not re.fullmatch(r"\d{4}", text):
        raise ValueError(text)
    return int(text)


_XSD = "http://www.w3.org/2001/XMLSchema#"
TYPES = {
    "text": ValueType("text", None, "string", str, str, "天津", "text"),
    "decimal": ValueType("decimal", _XSD + "decimal", "double", _decimal, _decimal_text, "3.2", "a number"),
    "year": ValueType("year", _XSD + "gYear", "int", _year, str, "2021", "a year"),
    "region": ValueType("region", None, "string", _region, str, "tianjin", "a region"),
}


@dataclass(frozen=True)
class Field:
    """One column of a list and what it becomes.

    ``role``: ``core`` columns have their own handling everywhere (the id, the kind, the names,
    the provenance, a link's ends); ``attribute`` columns are handled generically from this table:
    checked by ``type``, allowed only on ``kinds`` and the kinds below them (every kind when empty),
    ``required`` on them,
    written to ``rdf`` (a ``tjp:`` or W3C property as a CURIE) and to the property graph as ``pg``.
    ``companion`` is a constant written beside a filled value: ``(rdf CURIE, pg name, text, type)``
    (the baseline year beside the baseline value). ``headers`` are other column names users give it
    (matched by the importer after folding case, spaces, '-' and '_').
    """

    column: str
    doc: str
    role: str = "core"
    type: str = "text"
    rdf: str | None = None
    pg: str | None = None
    kinds: tuple[str, ...] = ()
    required: bool = False
    companion: tuple[str, str, str, str] | None = None
    headers: tuple[str, ...] = ()
    label_zh: str = ""
    hint: str = ""  # how to fill it in, for a missing or bad value

    @property
    def value_type(self) -> ValueType:
        return TYPES[self.type]


def _attribute(column, doc, **kw) -> Field:
    return Field(column, doc, role="attribute", **kw)


#: Columns of ``entities.csv``, in file order.
ENTITY_FIELDS: tuple[Field, ...] = (
    Field(
        "id",
        "Stable id: lowercase ASCII words joined by single hyphens (binhai-new-area). Never reuse or change an id.",
        headers=("编号", "标识", "ID"),
    ),
    Field(
        "kind",
        "The entity's kind: a class of ontology/plan.ttl (Platform, TechnologyInnovationCenter, District, University, TechnologyDomain, Indicator …).",
        headers=("type", "类型", "类别", "种类"),
    ),
    Field(
        "name_zh",
        "The name exactly as the plan writes it.",
        headers=(
            "name",
            "名称",
            "中文名",
            "中文名称",
            "名字",
            "实验室名称",
            "中心名称",
            "平台名称",
            "企业名称",
            "单位名称",
            "机构名称",
            "园区名称",
            "项目名称",
        ),
    ),
    Field("name_en", "English name.", headers=("english", "english_name", "英文名", "英文名称")),
    Field(
        "aliases",
        "Other names separated by '|': short forms the plan uses and common short names users search for (超算天津中心).",
        headers=("alias", "别名", "简称"),
    ),
    Field(
        "quote",
        "A verbatim excerpt of the plan that names the entity; it must contain the name or an alias.",
        headers=("原文", "引文", "规划原文"),
    ),
    Field(
        "quote_start",
        "Character offset of the quote in the plan (Unicode code points from 0). May be left empty when the quote occurs once.",
        headers=("原文位置", "偏移"),
    ),
    Field(
        "note",
        "For a curated entity the plan does not name: why it is there ('curated: …'). For an entity with no link: why, after 'isolated:' ('isolated: the plan names it without a partner'); otherwise kg validate warns that it has no link.",
        headers=("source", "备注", "来源", "说明"),
    ),
    _attribute(
        "notation",
        "The plan's own numbering, if any (2.5.1 for a domain, 表1-5, 专栏3-2).",
        rdf="skos:notation",
        pg="notation",
        headers=("编号（规划）",),
        label_zh="编号",
    ),
    _attribute(
        "unit",
        "Indicators only: the unit as table 1 writes it (%, 件, 亿元 …).",
        rdf="tjp:unit",
        pg="unit",
        kinds=("Indicator",),
        required=True,
        headers=("单位",),
        label_zh="单位",
        hint="copy it from table 1, e.g. %",
    ),
    _attribute(
        "value_2020",
        "Indicators only: the 2020 baseline value (empty for a target the plan sets in its prose without one).",
        type="decimal",
        rdf="tjp:baselineValue",
        pg="baseline_value",
        kinds=("Indicator",),
        companion=("tjp:baselineYear", "baseline_year", "2020", "year"),
        headers=("2020", "2020年", "基数"),
        label_zh="2020年基数",
        hint="write the value as in table 1, e.g. 3.2",
    ),
    _attribute(
        "value_2025",
        "Indicators only: the 2025 target value (empty for a 2020 fact the plan sets no target for).",
        type="decimal",
        rdf="tjp:targetValue",
        pg="target_value",
        kinds=("Indicator",),
        companion=("tjp:targetYear", "target_year", "2025", "year"),
        headers=("2025", "2025年", "目标"),
        label_zh="2025年目标",
        hint="write the value as in table 1, e.g. 3.2",
    ),
    _attribute(
        "region",
        "Where the entity is: beijing, tianjin, hebei, national (a central or national-level body), china (elsewhere in China) or abroad. Empty where unknown; kg validate says when it disagrees with the place the entity is located in.",
        type="region",
        rdf="tjp:region",
        pg="region",
        label_zh="区域",
        hint="one of: beijing, tianjin, hebei, national, china, abroad",
    ),
    Field(
        "derived_from",
        "Where an imported row came from, written by kg import: the list's file and row (名单.csv:5); in a workbook, Excel's reference of the row in its sheet (名单.xlsx:2023年!5:5).",
        headers=("出处",),
    ),
)

#: Columns of ``links.csv``, in file order.
LINK_FIELDS: tuple[Field, ...] = (
    Field("subject", "The entity the link starts from: its id, name or alias.", headers=("主体", "起点")),
    Field(
        "predicate",
        "The link type: a link property of ontology/plan.ttl (locatedIn, reliesOn, drawsOn, partnersWith …).",
        headers=("relation", "link", "关系", "关联"),
    ),
    Field("object", "The entity the link points to: its id, name or alias.", headers=("客体", "终点", "对象")),
    Field("quote", "A verbatim excerpt of the plan that states the link."),
    Field("quote_start", "Character offset of the quote in the plan. May be left empty when the quote occurs once."),
    Field(
        "note", "For a curated fact the plan does not state: its source ('curated: …'). Empty when there is a quote."
    ),
    Field("derived_from", "Where an imported link came from: the list's file, sheet and row, as for entities."),
)

#: Fields of which a kind needs at least one filled: an indicator has a 2020 value, a 2025 target, or both.
AT_LEAST_ONE: dict[str, tuple[str, ...]] = {"Indicator": ("value_2020", "value_2025")}

#: Every field by column (a link's quote, quote_start and note are the entity's).
FIELDS: dict[str, Field] = {f.column: f for f in (*LINK_FIELDS, *ENTITY_FIELDS)}
#: The attribute fields, handled generically by every consumer.
ATTRIBUTES: tuple[Field, ...] = tuple(f for f in ENTITY_FIELDS if f.role == "attribute")
ENTITY_COLUMNS: dict[str, str] = {f.column: f.doc for f in ENTITY_FIELDS}
LINK_COLUMNS: dict[str, str] = {f.column: f.doc for f in LINK_FIELDS}
REQUIRED_ENTITY_COLUMNS = ("id", "kind", "name_zh", "name_en")
REQUIRED_LINK_COLUMNS = ("subject", "predicate", "object")

#: The provenance of a node or relationship in the property graph, with neo4j-admin types.
PROVENANCE = {
    "section": "string",
    "quote": "string",
    "quote_start": "int",
    "quote_end": "int",
    "curation_note": "string",
    "editorial_note": "string",
    "derived_from": "string",
}

#: The regions an entity can be in: code → (Chinese, English) name. The first three are Jing-Jin-Ji's,
#: each also an entity with that id; ``national`` is for central and national-level bodies (党中央,
#: 国务院, 中国科学院 …), not Beijing's; an entity with no region stated or derivable is unknown.
REGIONS = {
    "beijing": ("北京", "Beijing"),
    "tianjin": ("天津", "Tianjin"),
    "hebei": ("河北", "Hebei"),
    "national": ("国家", "National"),
    "china": ("国内其他", "Elsewhere in China"),
    "abroad": ("境外", "Abroad"),
}
#: The regions of Jing-Jin-Ji, whose links across are the collaboration the plan is about.
JINGJINJI = ("beijing", "tianjin", "hebei")


@lru_cache(maxsize=256)
def rel_type(link: str) -> str:
    """The relationship type of a link type: ``locatedIn`` → ``LOCATED_IN``."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", link).upper()


def link_name(rel: str) -> str:
    """``LOCATED_IN`` → ``locatedIn`` (the inverse of :func:`rel_type`)."""
    head, *rest = rel.lower().split("_")
    return head + "".join(part.capitalize() for part in rest)


class _RelTypes:
    """The relationship types of the ontology's link types, as attributes (``REL.LOCATED_IN``);
    a name that is not one raises, so a typo cannot make a query that silently matches nothing."""

    def __getattr__(self, name: str) -> str:
        if name.startswith("_"):
            raise AttributeError(name)
        from .ontology import load_ontology

        if link_name(name) in load_ontology().links and rel_type(link_name(name)) == name:
            return name
        raise AttributeError(
            f"no relationship type '{name}' in the ontology (link types of ontology/plan.ttl, in UPPER_SNAKE_CASE)"
        )

    def __iter__(self):
        from .ontology import load_ontology

        return iter([rel_type(name) for name in load_ontology().links])


REL = _RelTypes()
