"""Hosts a bureau list names (``依托单位``, ``牵头单位``, ``共建单位``, ``主管部门``) that the lists do not
hold yet: created as new entities of a kind read from their names, unless an entity's name is
close, which is never merged on its own.

>>> kind_from_name("天津中医药大学第一附属医院"), kind_from_name("中汽数据有限公司"), kind_from_name("天津市科学技术局")
('Hospital', 'Enterprise', 'Institution')
>>> close_to("天大", {"天津大学": "tianjin-university", "南开大学": "nankai-university"})
('天津大学', 'tianjin-university')
>>> close_to("天津市农业科学院（筹）", {"天津市农业科学院": "tianjin-academy-of-agricultural-sciences"})
('天津市农业科学院', 'tianjin-academy-of-agricultural-sciences')
"""

from __future__ import annotations

import difflib
import re

__all__ = ["HOST_LINKS", "kind_from_name", "close_to"]

#: The link types whose unknown targets are hosts to create (a place, ``所在区``, never is).
HOST_LINKS = ("reliesOn", "jointlyBuiltWith", "subOrganizationOf", "partnersWith")
#: Name endings and the kind they mean, the first that fits.
_ENDINGS = (
    (("医院",), "Hospital"),
    (("大学", "学院", "学校"), "University"),
    (("研究院", "研究所", "科学院", "研究中心", "设计院"), "ResearchInstitute"),
    (("有限公司", "股份公司", "公司", "集团", "厂"), "Enterprise"),
    (("联盟", "协会", "学会"), "Alliance"),
)
_BRACKETS = re.compile(r"[（(][^）)]*[）)]")


def kind_from_name(name: str) -> str:
    """The kind a host's name says (``…大学`` a University …), else ``Institution``."""
    bare = _BRACKETS.sub("", name).strip()
    for endings, kind in _ENDINGS:
        if bare.endswith(endings):
            return kind
    return "Institution"


def _fold(name: str) -> str:
    from kg.lists.names import normalise

    return _BRACKETS.sub("", normalise(name)).replace(" ", "")


def close_to(name: str, names: dict[str, str]) -> tuple[str, str] | None:
    """An existing ``(name, id)`` close to ``name``: the same once brackets are dropped, a short
    form (its characters in order, the first the same, 天大 / 天津大学), or one or two characters
    apart; None if none is."""
    folded = _fold(name)
    if not folded:
        return None
    best = None
    for other, entity_id in names.items():
        target = _fold(other)
        if not target or target == folded and other == name:
            continue
        if target == folded:
            return other, entity_id
        short = 2 <= len(folded) < len(target) and folded[0] == target[0] and _in_order(folded, target)
        near = len(folded) >= 4 and difflib.SequenceMatcher(None, folded, target).ratio() >= 0.85
        if ((short and len(folded) <= 4) or near) and (best is None or len(other) < len(best[0])):
            best = (other, entity_id)
    return best


def _in_order(short: str, long: str) -> bool:
    at = 0
    for char in short:
        at = long.find(char, at)
        if at < 0:
            return False
        at += 1
    return True
