"""Render plain data as text: the one registry of output formats behind every ``--format``.

Each sort of result (``rows``, ``analysis``, ``changes``) names the formats it
can be shown in; a command offers exactly those.

>>> print(render([{"kind": "District", "count": 9}], "table"))
kind      count
--------  -----
District      9
>>> formats("analysis")
('table', 'json', 'md')
"""

from __future__ import annotations

import csv
import io
import json
import unicodedata
from collections.abc import Callable

from kg.vocab.schema import ALIAS_SEPARATOR

__all__ = ["FORMATS", "formats", "render", "render_as", "TABLE_CHANGES", "TABLE_ROWS"]

#: What rows can be shown as. ``excel-csv`` is CSV that Excel opens as UTF-8 (a byte order mark
#: first): without one, Excel on a Chinese Windows reads UTF-8 as GBK.
FORMATS = ("table", "csv", "excel-csv", "json")
#: A table of changes longer than this shows its head and says how many more there are.
TABLE_CHANGES = 50
#: A table of rows (kg query, kg sparql, kg cypher) shows at most this many, and says how many it cut.
TABLE_ROWS = 200
BOM = "\ufeff"

_RENDERERS: dict[str, dict[str, Callable]] = {}


def _renders(what: str, fmt: str):
    def register(func):
        _RENDERERS.setdefault(what, {})[fmt] = func
        return func

    return register


def formats(what: str) -> tuple[str, ...]:
    """The formats a sort of result can be shown in, the default first."""
    return tuple(_RENDERERS[what])


def render_as(what: str, data, fmt: str) -> str:
    """``data``, a result of sort ``what``, as text in format ``fmt``."""
    try:
        return _RENDERERS[what][fmt](data)
    except KeyError:
        raise ValueError(f"unknown format {fmt!r} for {what}; use one of {', '.join(formats(what))}") from None


def render(rows: list[dict], fmt: str = "table", columns: list[str] | None = None) -> str:
    """Rows (dicts) as text; ``columns`` fixes the order (default: the first row's keys)."""
    return render_as("rows", (rows, columns), fmt)


def _columns(rows, columns):
    return columns or (list(rows[0]) if rows else [])


@_renders("rows", "table")
def _rows_table(data) -> str:
    rows, columns = data
    return _table(rows, _columns(rows, columns))


@_renders("rows", "csv")
def _rows_csv(data) -> str:
    rows, columns = data
    columns = _columns(rows, columns)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row.get(c), LIST_SEPARATOR) for c in columns])
    return buffer.getvalue().rstrip("\n")


@_renders("rows", "excel-csv")
def _rows_excel_csv(data) -> str:
    return BOM + _rows_csv(data)


@_renders("rows", "json")
def _rows_json(data) -> str:
    rows, columns = data
    columns = _columns(rows, columns)
    return json.dumps([{c: row.get(c) for c in columns} for row in rows], ensure_ascii=False, indent=2)


def _json(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)


# Network analysis (kg.analysis.measures.analyze) ------------------------------------


@_renders("analysis", "table")
def _analysis_table(report: dict) -> str:
    sections = [
        ("Centrality", report["centrality"], None),
        (
            "Communities",
            [{k: v for k, v in c.items() if k != "members"} for c in report["communities"]],
            ["community", "name", "size"],
        ),
        ("Bridges by link type", report["bridges"]["by_type"], ["link", "partner_region", "count"]),
        ("Bridge carriers", report["bridges"]["carriers"], None),
        ("Cross-region links", report["bridges"]["links"], None),
        (
            "Profiles",
            [{**p, **{k: len(p[k]) for k in ("platforms", "institutions", "domains")}} for p in report["profiles"]],
            None,
        ),
    ]
    return "\n".join(f"\n{heading}\n\n{render(rows, 'table', columns)}" for heading, rows, columns in sections)


_renders("analysis", "json")(_json)


@_renders("analysis", "md")
def _analysis_md(report: dict) -> str:
    from kg.analysis.markdown import to_markdown

    return to_markdown(report)


# Changes between lists (kg.lists.diff) ----------------------------------------------

_CHANGE_COLUMNS = ["what", "change", "key", "detail"]


@_renders("changes", "table")
def _changes_table(result: dict) -> str:
    from kg.lists.diff import rows_for_display

    rows = rows_for_display(result["changes"])
    if len(rows) <= TABLE_CHANGES:
        return render(rows, "table", _CHANGE_COLUMNS)
    more = f"… and {len(rows) - TABLE_CHANGES} more changes (--format csv or json lists them all)"
    return render(rows[:TABLE_CHANGES], "table", _CHANGE_COLUMNS) + "\n" + more


@_renders("changes", "csv")
def _changes_csv(result: dict) -> str:
    from kg.lists.diff import rows_for_display

    return render(rows_for_display(result["changes"]), "csv", _CHANGE_COLUMNS)


@_renders("changes", "excel-csv")
def _changes_excel_csv(result: dict) -> str:
    return BOM + _changes_csv(result)


_renders("changes", "json")(_json)


# Table layout ----------------------------------------------------------------------


def _width(text: str) -> int:
    """Display width: CJK and full-width characters take two columns."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


#: How a list is written in a CSV cell: as the lists' own multi-valued cells (``aliases``) are.
LIST_SEPARATOR = ALIAS_SEPARATOR


def _cell(value, separator: str = ", ") -> str:
    """A value as the text of a cell: a list of plain values joined, a node, relationship or path
    (a dict, :func:`kg.query.catalogue.plain`) as compact JSON."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict) or (
        isinstance(value, (list, tuple)) and any(isinstance(v, (dict, list)) for v in value)
    ):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    if isinstance(value, (list, tuple)):
        return separator.join(_cell(v) for v in value)
    return str(value).replace("\n", " ") if separator == ", " else str(value)


def _table(rows: list[dict], columns: list[str]) -> str:
    cells = [[_cell(row.get(c)) for c in columns] for row in rows]
    widths = [max([_width(c), *(_width(r[i]) for r in cells)]) for i, c in enumerate(columns)]
    numeric = [all(_is_number(r[i]) for r in cells) and cells for i in range(len(columns))]

    def line(values):
        parts = []
        for i, value in enumerate(values):
            pad = " " * (widths[i] - _width(value))
            parts.append(pad + value if numeric[i] else value + pad)
        return "  ".join(parts).rstrip()

    out = [line(columns), "  ".join("-" * w for w in widths)]
    out.extend(line(r) for r in cells)
    return "\n".join(out)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
