"""Read the first (or a named) sheet of an .xlsx workbook into records; merged cells, formulas, error values
(``#N/A`` …) and dates are errors, and a workbook too large (:mod:`loaders.xlsx_limits`) is refused unparsed.

>>> import io, openpyxl
>>> book = openpyxl.Workbook()
>>> book.active.append(["name", "kind"]); book.active.append(["甲", "Park"]); book.active.append(["乙", "=A2"])
>>> buffer = io.BytesIO(); book.save(buffer)
>>> records, errors = read_xlsx(buffer.getvalue(), "a.xlsx")
>>> [r.values for r in records], errors[0].message
([{'name': '甲', 'kind': 'Park'}, {'name': '乙', 'kind': ''}], 'cell B3 holds a formula (=A2), not a value')
"""

from __future__ import annotations

import datetime
import io

from kg.errors import EntityListError, column_letter
from kg.lists.records import Row
from loaders.layout import LOOK_AHEAD, footnote, footnote_note, header_row, title_note
from loaders.xlsx_limits import check_xlsx

__all__ = ["read_xlsx", "ALL_SHEETS"]

#: ``--sheet all``: every sheet with something in it, each with its own header.
ALL_SHEETS = "all"


def read_xlsx(data: bytes, label: str, sheet: str | None = None, notes: list | None = None):
    """Records and errors of one sheet (the first unless ``sheet`` names one, or every one with
    ``sheet="all"``) of an .xlsx file; each record's ``file`` names its sheet (``book.xlsx[2023年]``).
    The header may come below title rows; footnote and total rows are skipped
    (:mod:`loaders.layout`), and said in ``notes``."""
    import zipfile

    import openpyxl

    errors = check_xlsx(data, label)
    if errors:
        return [], errors
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), data_only=False, read_only=False)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, SyntaxError) as exc:
        return [], [
            EntityListError(
                label,
                0,
                0,
                f"not a readable .xlsx file ({type(exc).__name__})",
                hint="open it in Excel and save it again as .xlsx",
            )
        ]
    if sheet is None:
        sheets = book.worksheets[:1]
    elif sheet == ALL_SHEETS:  # a workbook of one sheet per batch or district
        sheets = [ws for ws in book.worksheets if ws.max_row > 1 or ws["A1"].value is not None]
    elif sheet in book.sheetnames:
        sheets = [book[sheet]]
    else:
        return [], [
            EntityListError(
                label,
                0,
                0,
                f"no sheet named '{sheet}'",
                hint=f"its sheets: {', '.join(book.sheetnames)}; or --sheet {ALL_SHEETS}",
            )
        ]
    records, errors = [], []
    for ws in sheets:
        found, problems = _read_sheet(ws, label, notes)
        records += found
        errors += problems
    return records, errors


def _read_sheet(ws, label: str, notes: list | None):
    """Records and errors of one worksheet."""
    where = f"{label}[{ws.title}]"
    errors = []
    rows = list(ws.iter_rows())
    if not rows:
        return [], [EntityListError(where, 1, 0, "the sheet is empty", hint="the first row must be the header")]
    top = header_row([["" if c.value is None else _cell_text(c.value) for c in row] for row in rows[:LOOK_AHEAD]])
    if top and notes is not None:
        notes.append(title_note(where, top, f"row {rows[top][0].row}"))
    header_at = rows[top][0].row
    merges = sorted(ws.merged_cells.ranges, key=str)
    header = ["" if c.value is None else str(c.value).strip() for c in rows[top]]
    columns = {name: i for i, name in enumerate(header, start=1) if name}
    records, footnotes = [], set()
    for row in rows[top + 1 :]:
        values = {}
        for name, i in columns.items():
            cell = row[i - 1] if i <= len(row) else None
            value = None if cell is None else cell.value
            if cell is not None and cell.data_type == "f":
                errors.append(
                    EntityListError(
                        where,
                        cell.row,
                        i,
                        f"cell {column_letter(i)}{cell.row} holds a formula ({str(value)[:40]}), not a value",
                        hint="copy the column and paste it back as values only",
                    )
                )
                value = None
            problem = _not_text(cell, value)
            if problem:
                message = f"cell {column_letter(i)}{cell.row} {problem[0]}"
                errors.append(EntityListError(where, cell.row, i, message, hint=problem[1]))
                value = None
            values[name] = "" if value is None else _cell_text(value)
        if not any(v.strip() for v in values.values()):
            continue
        if footnote(list(values.values())):
            footnotes.add(row[0].row)
            if notes is not None:
                notes.append(footnote_note(where, f"row {row[0].row}", list(values.values())))
            continue
        records.append(Row(where, row[0].row, values, columns))
    for merged in merges:
        if merged.max_row <= header_at or (merged.min_row == merged.max_row and merged.min_row in footnotes):
            continue  # a title, a header or a footnote spread over cells: its first cell holds the text
        errors.append(
            EntityListError(
                where,
                merged.min_row,
                merged.min_col,
                f"cells {merged.coord} are merged",
                hint="unmerge them and fill every cell with its value",
            )
        )
    return records, errors


def _cell_text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _not_text(cell, value) -> tuple[str, str] | None:
    """What a cell holds instead of text or a number, and the hint: an error value (``#N/A`` …), a date or time."""
    if cell is None or value is None:
        return None
    if cell.data_type == "e":
        return f"holds the error value {value}, not a value", "fix what the error came from, or clear the cell"
    if isinstance(value, (datetime.date, datetime.time, datetime.timedelta)):
        return f"holds a date or time ({value}), not text", "format the column as Text and type the value again"
    return None
