"""The section index of the plan: map any character offset to its section path.

Paths use the plan's own numbering, normalised where the text is irregular:
the heading written ``2、`` (where ``二、`` is meant) is ``二``, and
``（5）`` beside ``（四）``/``（六）`` is ``（五）``. Numbers are assigned by
position among siblings, so such slips cannot shift the index. Columns
(专栏) and tables (表) are rooted at themselves: ``专栏3 › 2``, ``表1 › 5``.
Text before the first chapter is ``印发通知`` (the cover notice) and ``引言``
(the preamble that follows the title).

>>> from kg.lists.source import plan_text
>>> index = SectionIndex(plan_text())
>>> index.at(plan_text().index("着力推动关键核心技术攻关")).label
'第二章 › 二'
>>> index.at(plan_text().index("依托天津港保税区，充分发挥")).label
'专栏3 › 2'
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

__all__ = ["Section", "SectionIndex", "chinese_numeral"]

_NUMERAL = "[一二三四五六七八九十]+|\\d+"
_BLANK = " \t\u3000"
_PATTERNS = [
    # (kind, regex on the line with leading blanks removed)
    ("chapter", re.compile(rf"^第(?P<n>{_NUMERAL})章\s*(?P<title>.*)$")),
    ("part", re.compile(rf"^(?P<n>{_NUMERAL})、\s*(?P<title>.*)$")),
    ("sub", re.compile(rf"^（(?P<n>{_NUMERAL})）\s*(?P<title>.*)$")),
    ("item", re.compile(r"^(?P<n>\d+)．\s*(?P<title>[^。]*)")),
    ("box", re.compile(r"^(?P<label>专栏(?P<n>\d+))\s+(?P<title>.*)$")),
    ("table", re.compile(r"^(?P<label>表(?P<n>\d+))\s+(?P<title>.*)$")),
]
_TABLE_ROW = re.compile(r"^\t(?P<n>\d+)$")
_LEVEL = {"chapter": 1, "part": 2, "sub": 3, "item": 4}
_DIGITS = "零一二三四五六七八九"


def chinese_numeral(n: int) -> str:
    """Write 1–99 in Chinese numerals.

    >>> [chinese_numeral(n) for n in (2, 10, 15, 20)]
    ['二', '十', '十五', '二十']
    """
    if not 0 < n < 100:
        raise ValueError(f"no Chinese numeral for {n}")
    tens, ones = divmod(n, 10)
    text = ("" if tens == 1 else _DIGITS[tens]) + "十" if tens else ""
    return text + (_DIGITS[ones] if ones else "")


@dataclass
class Section:
    """A span of the plan with its path, e.g. ``('第六章', '二', '（一）')``."""

    path: tuple[str, ...]
    title: str
    start: int
    end: int
    heading: str = ""
    written: str = ""
    parent: Section | None = field(default=None, repr=False)

    @property
    def label(self) -> str:
        """The path as the plan's readers write it: ``第六章 › 二 › （一）``."""
        return " › ".join(self.path)

    @property
    def irregular(self) -> bool:
        """True where the text's own number differs from the normalised one."""
        return bool(self.written) and self.written != self.path[-1]

    def contains(self, offset: int) -> bool:
        return self.start <= offset < self.end


class SectionIndex:
    """All sections of a text, in document order, with lookup by offset."""

    def __init__(self, text: str):
        self.text = text
        self.sections: list[Section] = _parse(text)
        self._starts = [s.start for s in self.sections]

    def at(self, offset: int) -> Section:
        """The innermost section that holds ``offset``."""
        if not 0 <= offset < len(self.text):
            raise IndexError(f"offset {offset} is outside the text (0–{len(self.text) - 1})")
        section = self.sections[bisect.bisect_right(self._starts, offset) - 1]
        while not section.contains(offset):
            section = section.parent
        return section

    def by_label(self, label: str) -> Section:
        for section in self.sections:
            if section.label == label:
                return section
        raise KeyError(label)


def _parse(text: str) -> list[Section]:
    lines = text.splitlines(keepends=True)
    sections: list[Section] = []
    # The cover notice runs up to the plan's own title line; the preamble follows.
    title_at = _title_offset(text)
    notice = Section(("印发通知",), "天津市人民政府办公厅关于印发天津市科技创新“十四五”规划的通知", 0, title_at)
    sections.append(notice)
    root = Section(("引言",), "天津市科技创新“十四五”规划", title_at, len(text))
    sections.append(root)
    stack: list[Section] = []  # open chapter/part/sub/item sections, outermost first
    box: Section | None = None  # open column or table
    box_item: Section | None = None  # open numbered item of a column
    row: Section | None = None  # open table row
    counters: dict[tuple, int] = {}
    offset = 0
    for raw in lines:
        start, offset = offset, offset + len(raw)
        line = raw.rstrip("\r\n")
        if start < title_at:
            continue
        if box is not None and box.path[0].startswith("表"):
            # Rows are numbered 1, 2, 3…: a cell holding the next number starts a row.
            match = _TABLE_ROW.match(line)
            if match and int(match["n"]) == counters.get(box.path, 0) + 1:
                if row is not None:
                    row.end = start
                n = _count(counters, box.path)
                row = Section((*box.path, str(n)), "", start, len(text), line.strip(), match["n"], box)
                sections.append(row)
                continue
        stripped = line.lstrip(_BLANK)
        kind, match = _heading(stripped)
        if match is None:
            if row is not None and not row.title and line.strip():
                row.title = line.strip()
            continue
        # A heading of level 3 or above closes an open column or table.
        if box is not None and (kind in ("box", "table") or _LEVEL.get(kind, 4) <= 3):
            box.end = start
            for inner in (row, box_item):
                if inner is not None:
                    inner.end = start
            box = row = box_item = None
        if kind in ("box", "table"):
            box = Section((match["label"],), match["title"].strip(), start, len(text), stripped, parent=None)
            box.parent = stack[-1] if stack else root
            sections.append(box)
            continue
        if kind == "item" and box is not None:
            parent, level = box, None
            if box_item is not None:
                box_item.end = start
        else:
            level = _LEVEL[kind]
            while stack and _LEVEL[_kind_of(stack[-1])] >= level:
                stack.pop().end = start
            parent = stack[-1] if stack else root
        n = _count(counters, parent.path if parent is not root else ())
        path_root = parent.path if parent is not root else ()
        written = match["n"]
        if kind == "chapter":
            number = f"第{chinese_numeral(n)}章"
            written = f"第{written}章"
        elif kind == "part":
            number = chinese_numeral(n)
        elif kind == "sub":
            number = f"（{chinese_numeral(n)}）"
            written = f"（{written}）"
        else:
            number = str(n)
        section = Section((*path_root, number), match["title"].strip(), start, len(text), stripped, written, parent)
        sections.append(section)
        if level is not None:
            stack.append(section)
        else:
            box_item = section
    for section in sections:
        # Close every section at its parent's end at the latest.
        if section.parent is not None:
            section.end = min(section.end, section.parent.end)
    return sections


def _heading(line: str):
    """The kind of heading a line starts with, and its match (None if it is body text)."""
    for kind, pattern in _PATTERNS:
        match = pattern.match(line)
        if match:
            return kind, match
    return None, None


def _kind_of(section: Section) -> str:
    last = section.path[-1]
    if last.startswith("第"):
        return "chapter"
    if last.startswith("（"):
        return "sub"
    if last.isdigit():
        return "item"
    return "part"


def _count(counters: dict, key: tuple) -> int:
    counters[key] = counters.get(key, 0) + 1
    return counters[key]


def _title_offset(text: str) -> int:
    match = re.search(r"^天津市科技创新“十四五”规划\s*$", text, flags=re.M)
    return match.start() if match else 0
