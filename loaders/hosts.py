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

__all__ = ["HOST_LINKS", "TIANJIN_DISTRICTS", "kind_from_name", "close_to", "NearNames"]

#: The link types whose unknown targets are hosts to create (a place, ``所在区``, never is).
HOST_LINKS = ("reliesOn", "jointlyBuiltWith", "subOrganizationOf", "partnersWith")
#: Tianjin's sixteen districts and their English names: a ``所在区`` (locatedIn) value that names one
#: the lists lack is added as a District of Tianjin.
TIANJIN_DISTRICTS = {
    "和平区": "Heping District", "河东区": "Hedong District", "河西区": "Hexi District",
    "南开区": "Nankai District", "河北区": "Hebei District", "红桥区": "Hongqiao District",
    "东丽区": "Dongli District", "西青区": "Xiqing District", "津南区": "Jinnan District",
    "北辰区": "Beichen District", "武清区": "Wuqing District", "宝坻区": "Baodi District",
    "宁河区": "Ninghe District", "静海区": "Jinghai District", "蓟州区": "Jizhou District",
    "滨海新区": "Binhai New Area",
}  # fmt: skip
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


class NearNames:
    """The entities' names, folded once, to find the one close to a host's name (:meth:`close_to`)."""

    def __init__(self, names: dict[str, str]):
        self.folded: dict[str, tuple[str, str]] = {}
        self.entries: list[tuple[str, str, str]] = []
        self.by_first: dict[str, list[int]] = {}  # for short forms: the names starting with a character
        self.by_pair: dict[str, list[int]] = {}  # for near names: the names holding two characters in a row
        for other, entity_id in names.items():
            target = _fold(other)
            if not target:
                continue
            self.folded.setdefault(target, (other, entity_id))
            index = len(self.entries)
            self.entries.append((target, other, entity_id))
            self.by_first.setdefault(target[0], []).append(index)
            for pair in {target[i : i + 2] for i in range(len(target) - 1)}:
                self.by_pair.setdefault(pair, []).append(index)

    def close_to(self, name: str) -> tuple[str, str] | None:
        """An existing ``(name, id)`` close to ``name``: the same once brackets are dropped, a short
        form (its characters in order, the first the same, 天大 / 天津大学), or one or two characters
        apart; None if none is."""
        folded = _fold(name)
        if not folded:
            return None
        same = self.folded.get(folded)
        if same is not None and same[0] != name:
            return same
        best = None

        def better(index: int) -> bool:
            return best is None or len(self.entries[index][1]) < len(best[0])

        if 2 <= len(folded) <= 4:  # a short form: its characters in order in a longer name, the first the same
            for index in self.by_first.get(folded[0], ()):
                target, other, entity_id = self.entries[index]
                if len(target) > len(folded) and _in_order(folded, target) and better(index):
                    best = (other, entity_id)
        if len(folded) >= 4:  # a character or two apart: the names sharing most of its pairs of characters
            shared: dict[int, int] = {}
            pairs = {folded[i : i + 2] for i in range(len(folded) - 1)}
            for pair in pairs:
                for index in self.by_pair.get(pair, ()):
                    shared[index] = shared.get(index, 0) + 1
            matcher = difflib.SequenceMatcher(None)
            matcher.set_seq2(folded)  # its index is made once, for every name compared
            for index, count in shared.items():
                if count < len(pairs) - 4 or not better(index):
                    continue
                matcher.set_seq1(self.entries[index][0])
                if matcher.real_quick_ratio() >= 0.85 and matcher.quick_ratio() >= 0.85 and matcher.ratio() >= 0.85:
                    best = self.entries[index][1:]
        return best


def close_to(name: str, names: dict[str, str]) -> tuple[str, str] | None:
    """:meth:`NearNames.close_to` for one name (to ask for many, make a :class:`NearNames` once)."""
    return NearNames(names).close_to(name)


def _in_order(short: str, long: str) -> bool:
    at = 0
    for char in short:
        at = long.find(char, at)
        if at < 0:
            return False
        at += 1
    return True
