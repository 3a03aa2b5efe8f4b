"""Warnings on checked lists, where a rule can point at a doubt but a human must judge.

Errors stop a build (:mod:`kg.lists.checks`); these findings do not. Each is a
:class:`ListWarning`, located and explained like an error:

- an entity with no link at all, unless its note says why (``isolated: …``);
- a link whose quote holds wording the ontology marks (``tjp:excludedWording`` on
  the link type) as not stating that type of link;
- a Region whose name is not that of a province-level region, and a City whose
  name ends with 城 rather than 市;
- an entity whose region differs from that of a place it is located in.

An alias that folds (:func:`kg.lists.names.normalise`) to another entity's name or
alias is not judged here: the row checks already refuse it as an error.

>>> from kg.lists.records import Entity, Model, Row
>>> row = Row("entities.csv", 2, {}, {"id": 1, "kind": 2, "note": 8})
>>> city = Entity(id="jincheng", kind="City", name_zh="津城", name_en="Jincheng", note="isolated: x", row=row)
>>> for warning in judge(Model({"jincheng": city})):
...     print(warning)
entities.csv:2:2: warning: kind City is a prefecture-level city (地级城市), and '津城' ends with 城, not 市 (a city's name ends with 市 (廊坊市); an urban area of a city's spatial plan, such as 津城 or 滨城, is kind UrbanArea)
"""

from __future__ import annotations

from kg.errors import EntityListError, KGError
from kg.lists.records import Entity, Link, Model
from kg.vocab.ontology import Ontology, load_ontology

__all__ = [
    "ListWarning",
    "judge",
    "isolated",
    "region_doubts",
    "kind_doubt",
    "is_province_level_name",
    "excluded_wording",
    "wording_doubt",
    "ISOLATED",
    "PROVINCE_LEVEL_NAMES",
]

#: A note holding this says why an entity has no link; it is then not warned about.
ISOLATED = "isolated:"

#: The short names of China's 34 province-level regions (北京, 河北, 新疆 …).
PROVINCE_LEVEL_NAMES = frozenset(
    {
        "北京",
        "天津",
        "上海",
        "重庆",
        "河北",
        "山西",
        "辽宁",
        "吉林",
        "黑龙江",
        "江苏",
        "浙江",
        "安徽",
        "福建",
        "江西",
        "山东",
        "河南",
        "湖北",
        "湖南",
        "广东",
        "海南",
        "四川",
        "贵州",
        "云南",
        "陕西",
        "甘肃",
        "青海",
        "台湾",
        "内蒙古",
        "广西",
        "西藏",
        "宁夏",
        "新疆",
        "香港",
        "澳门",
    }
)
#: The four municipalities, whose full names end with 市 (北京市).
MUNICIPALITIES = frozenset({"北京", "天津", "上海", "重庆"})
#: Endings of the full names of provinces, autonomous regions and special administrative regions.
PROVINCE_LEVEL_ENDINGS = ("省", "自治区", "特别行政区")


class ListWarning(EntityListError):
    """A finding a human must judge, at ``file:line:column`` with a hint; shown, never raised.

    >>> print(ListWarning("a.csv", 3, 2, "doubtful", hint="look again"))
    a.csv:3:2: warning: doubtful (look again)
    """

    def __str__(self) -> str:
        return f"{self.where}: warning: {KGError.__str__(self)}"


def judge(model: Model, ontology: Ontology | None = None) -> list[ListWarning]:
    """The warnings on a checked model, in file order; ``ontology`` defaults to the shipped one."""
    onto = ontology or load_ontology()
    warnings = isolated(model)
    warnings += [w for e in model.entities.values() if (w := kind_doubt(e)) is not None]
    warnings += region_doubts(model)
    excluded = excluded_wording(onto)
    for link in model.links:
        warning = wording_doubt(link, excluded.get(link.predicate, ()), onto)
        if warning is not None:
            warnings.append(warning)
    return sorted(warnings, key=lambda w: (w.file, w.line, w.column, w.message))


def _at(owner: Entity | Link, column: str, message: str, hint: str) -> ListWarning:
    row = owner.row
    if row is None:  # made in code, not read from a list
        return ListWarning("", 0, 0, message, hint=hint)
    return ListWarning(row.file, row.line, row.column(column), message, hint=hint)


def isolated(model: Model) -> list[ListWarning]:
    """An entity that no link starts from or points to, unless its note holds :data:`ISOLATED`."""
    linked = {link.subject for link in model.links} | {link.object for link in model.links}
    return [
        _at(
            entity,
            "id",
            f"'{entity.id}' has no link: it is neither the subject nor the object of any link",
            f"link it in the links list, or say why in its note ('{ISOLATED} the plan names it without a partner')",
        )
        for entity in model.entities.values()
        if entity.id not in linked and ISOLATED not in entity.note
    ]


def region_doubts(model: Model) -> list[ListWarning]:
    """An entity whose ``region`` differs from the region of a place it is located in (``national``
    holds every other: 中国科学院 in Beijing, 上海 in 中国, are not doubted).

    >>> from kg.lists.records import Entity, Link, Model
    >>> lab = Entity(id="lab", kind="Platform", name_zh="甲", name_en="", attrs={"region": "hebei"})
    >>> park = Entity(id="park", kind="Park", name_zh="乙", name_en="", attrs={"region": "tianjin"})
    >>> [w.message for w in region_doubts(Model({"lab": lab, "park": park}, [Link(subject="lab", predicate="locatedIn", object="park")]))]
    ["'甲' has region hebei, but is located in '乙', whose region is tianjin"]
    """
    found = []
    for link in model.links:
        if link.predicate != "locatedIn" or link.subject not in model.entities or link.object not in model.entities:
            continue
        entity, place = model.entities[link.subject], model.entities[link.object]
        mine, theirs = entity.attrs.get("region"), place.attrs.get("region")
        if mine and theirs and mine != theirs and "national" not in (mine, theirs):
            found.append(
                _at(
                    entity,
                    "region",
                    f"'{entity.name_zh}' has region {mine}, but is located in '{place.name_zh}', whose region is {theirs}",
                    "correct the region of one of them, or the locatedIn link",
                )
            )
    return found


def is_province_level_name(name: str) -> bool:
    """Whether ``name`` is written as a province-level region's name: full or short.

    >>> [is_province_level_name(n) for n in ("河北省", "天津市", "河北", "西藏自治区", "廊坊市", "京津冀")]
    [True, True, True, True, False, False]
    """
    name = name.strip()
    return (
        name in PROVINCE_LEVEL_NAMES
        or name.endswith(PROVINCE_LEVEL_ENDINGS)
        or (name.endswith("市") and name[:-1] in MUNICIPALITIES)
    )


def kind_doubt(entity: Entity) -> ListWarning | None:
    """A Region whose name is not a province-level region's, or a City whose name ends with 城, not 市."""
    name = entity.name_zh.strip()
    if entity.kind == "Region" and not is_province_level_name(name):
        return _at(
            entity,
            "kind",
            f"kind Region is a province-level region (省级区域), and '{name}' is not the name of one",
            "an area spanning several regions (京津冀, 通武廊) is kind InterRegionalArea; "
            "a province-level region is named as the plan writes it (河北省, 河北, 天津市, 新疆维吾尔自治区)",
        )
    if entity.kind == "City" and name.endswith("城") and not name.endswith("市"):
        return _at(
            entity,
            "kind",
            f"kind City is a prefecture-level city (地级城市), and '{name}' ends with 城, not 市",
            "a city's name ends with 市 (廊坊市); an urban area of a city's spatial plan, such as 津城 or 滨城, "
            "is kind UrbanArea",
        )
    return None


def excluded_wording(ontology: Ontology) -> dict[str, tuple[str, ...]]:
    """Each link type's ``tjp:excludedWording`` literals, as the ontology declares them (types without
    any are left out).

    >>> "引进" in excluded_wording(load_ontology())["partnersWith"]
    True
    """
    return {name: link_type.excluded for name, link_type in ontology.links.items() if link_type.excluded}


def wording_doubt(link: Link, words: tuple[str, ...], ontology: Ontology) -> ListWarning | None:
    """The link's quote holds some of ``words``: the wording its type's definition excludes."""
    quote = link.excerpt.text if link.excerpt is not None else ""
    held = sorted((quote.find(w), w) for w in words if w in quote)
    if not held:
        return None
    named = ", ".join(f"'{w}'" for _, w in held)
    others = [
        name
        for name, lt in ontology.links.items()
        if name != link.predicate and lt.label_zh and any(lt.label_zh in w or w in lt.label_zh for _, w in held)
    ]
    instead = f"change the predicate (perhaps {' or '.join(others)})" if others else "change the predicate"
    return _at(
        link,
        "quote",
        f"the quote holds {named}: wording the ontology marks as not stating a {link.predicate} link",
        f"if the plan states another link here, {instead}; if it does state {link.predicate}, quote the words that do",
    )
