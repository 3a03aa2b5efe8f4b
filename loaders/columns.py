"""The words users give columns, kinds and link types, in Chinese or English, mapped to the lists' own.

:data:`COLUMN_NAMES` is derived from the schema table (:mod:`kg.vocab.schema`); a
name is matched after folding case, full-width forms, spaces, ``-`` and ``_``.

>>> canonical_column("名称"), canonical_column("所在地"), canonical_column("located_in")
('name_zh', ('link', 'locatedIn'), ('link', 'locatedIn'))
>>> kind_of("技术创新中心"), kind_of("platform"), link_of("依托单位")
('TechnologyInnovationCenter', 'Platform', 'reliesOn')
"""

from __future__ import annotations

import re

from kg.lists.names import normalise
from kg.vocab.ontology import load_ontology
from kg.vocab.schema import ENTITY_FIELDS, LINK_FIELDS

__all__ = ["COLUMN_NAMES", "LINK_WORDS", "KIND_WORDS", "canonical_column", "kind_of", "link_of"]

#: Other names users give the columns (matched after folding case, spaces, '-' and '_'), from the schema table.
COLUMN_NAMES = {f.column: [f.column, *f.headers] for f in (*ENTITY_FIELDS, *LINK_FIELDS[:3])}
#: Other names of link types, as columns of an entity list or values of a 'predicate' column.
LINK_WORDS = {
    "locatedIn": [
        "located_in",
        "location",
        "所在地",
        "所在区",
        "所在区域",
        "所属区",
        "所属区域",
        "区域",
        "所在区县",
        "位置",
    ],
    "reliesOn": ["relies_on", "依托", "依托单位", "牵头单位", "承建单位"],
    "drawsOn": ["draws_on", "借助", "技术依托"],
    "partnersWith": ["partners_with", "partner", "partners", "合作", "合作单位", "合作伙伴"],
    "jointlyBuiltWith": ["jointly_built_with", "共建", "共建单位"],
    "focusesOn": ["focuses_on", "domain", "领域", "聚焦领域", "技术领域"],
    "broader": ["上位领域", "上级领域"],
    "subOrganizationOf": ["sub_organization_of", "parent", "隶属", "上级单位", "主管单位", "主管部门"],
    "partOf": ["part_of", "属于"],
    "coreArea": ["core_area", "核心承载区", "核心区"],
    "serves": ["服务"],
}
#: Other names of kinds (besides each kind's name and its zh/en labels in the ontology).
KIND_WORDS = {
    "平台": "Platform",
    "实验室": "Laboratory",
    "重点实验室": "KeyLaboratory",
    "技术创新中心": "TechnologyInnovationCenter",
    "工程中心": "EngineeringResearchCenter",
    "园区": "Park",
    "科技园": "SciencePark",
    "标志区": "LandmarkZone",
    "聚集区": "InnovationCluster",
    "示范区": "DemonstrationZone",
    "区": "District",
    "市": "City",
    "省": "Region",
    "大学": "University",
    "院所": "ResearchInstitute",
    "研究院": "ResearchInstitute",
    "研究所": "ResearchInstitute",
    "公司": "Enterprise",
    "高新技术企业": "Enterprise",
    "政府部门": "GovernmentBody",
    "领域": "TechnologyDomain",
    "计划": "Programme",
    "项目": "Programme",
}


def _fold(text: str) -> str:
    """``text`` folded for matching: normalised, without spaces, dashes and underscores."""
    return re.sub(r"[\s_\-]+", "", normalise(text))


def _column_index() -> dict[str, object]:
    """Every folded column name and link word, and what it stands for."""
    onto = load_ontology()
    index: dict[str, object] = {}
    for canonical, names in COLUMN_NAMES.items():
        for name in names:
            index[_fold(name)] = canonical
    for link, link_type in onto.links.items():
        for name in [link, link_type.label_zh, link_type.label_en, *LINK_WORDS.get(link, [])]:
            index.setdefault(_fold(name), ("link", link))
    return index


def canonical_column(name: str):
    """The column a file's column name stands for: a list column, ``("link", type)``, or None."""
    return _column_index().get(_fold(name))


def kind_of(value: str) -> str | None:
    """The kind a value names, in English or Chinese (``平台``, ``Platform``, ``技术创新中心`` …)."""
    onto = load_ontology()
    folded = _fold(value)
    for name, kind in onto.kinds.items():
        if folded in (_fold(name), _fold(kind.label_zh), _fold(kind.label_en)):
            return name
    for word, name in KIND_WORDS.items():
        if folded == _fold(word):
            return name
    return None


def link_of(value: str) -> str | None:
    """The link type a value names, in English or Chinese (``所在地``, ``locatedIn`` …)."""
    target = _column_index().get(_fold(value))
    return target[1] if isinstance(target, tuple) else None
