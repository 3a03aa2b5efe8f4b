"""Where a list's header is, and which rows are not entities: the layouts bureaus publish.

A sheet often starts with a title (``2023年天津市重点实验室认定名单``) and maybe a
date line above the header; it may end with footnotes (``注：…``) or a total row
(``合计``). :func:`header_row` finds the header as the first of the first rows in
which at least two cells are column names the import understands (or, failing
that, the first row with anything in it); :func:`footnote` tells the rows to skip.

>>> header_row([["2023年天津市重点实验室认定名单", "", ""], ["序号", "实验室名称", "依托单位"], ["1", "甲实验室", "南开大学"]])
1
>>> footnote(["注：排名不分先后", "", ""]), footnote(["合计", "12", ""]), footnote(["1", "甲实验室", ""])
(True, True, False)
"""

from __future__ import annotations

import re

from kg.errors import sheet_reference

__all__ = ["header_row", "footnote", "is_row_number", "title_note", "footnote_note", "LOOK_AHEAD", "NOTED_COLUMNS"]

#: Columns of bureau lists the lists have no field for: their values go into the row's note
#: (``认定年份：2023``), so that nothing the bureau said is lost.
NOTED_COLUMNS = ("认定年份", "认定时间", "认定批次", "批次", "年份", "年度")

#: How many rows from the top are searched for the header.
LOOK_AHEAD = 10
_FOOTNOTE = re.compile(r"^\s*(注|备注|说明|附注|资料来源|数据来源)\s*\d*\s*[:：、.]|^\s*(合计|总计|小计)\s*[:：]?\s*$")
_ROW_NUMBER = {"序号", "序", "编号序号", "no", "no.", "#"}


def is_row_number(name: str) -> bool:
    """Whether a column name is a row number (``序号``): the sheet's own numbering, not the plan's."""
    return name.strip().lower() in _ROW_NUMBER


def header_row(rows: list[list[str]]) -> int:
    """The index of the header among ``rows`` (cells as text)."""
    from loaders.columns import canonical_column

    first_filled = None
    for index, cells in enumerate(rows[:LOOK_AHEAD]):
        filled = [c for c in cells if c and c.strip()]
        if not filled:
            continue
        if first_filled is None:
            first_filled = index
        known = sum(
            1 for c in filled if canonical_column(c) is not None or is_row_number(c) or c.strip() in NOTED_COLUMNS
        )
        if known >= 2:
            return index
    return first_filled if first_filled is not None else 0


def footnote(cells: list[str]) -> bool:
    """Whether a row is a footnote or a total, not an entity: its first filled cell says so."""
    first = next((c for c in cells if c and c.strip()), "")
    return bool(_FOOTNOTE.match(first))


def title_note(label: str, rows: int, header_at: str) -> str:
    """The note that the rows above the header were skipped."""
    label = sheet_reference(label)
    return f"{label}: {rows} row{'s' if rows != 1 else ''} above the header ({header_at}) skipped as a title"


def footnote_note(label: str, where: str, cells) -> str:
    """The note that a footnote or total row was skipped."""
    text = next((c.strip() for c in cells if c and c.strip()), "")
    label = sheet_reference(label)
    return f"{label}: {where} skipped as a footnote or total ({text if len(text) <= 24 else text[:23] + '…'})"
