"""Read delimited text (CSV, TSV, Excel's tab-separated "Unicode text") strictly into records with positions.

>>> header, records, errors = read_delimited('name,kind\\n"a, b",Park\\n', "a.csv")
>>> header, records[0].values, records[0].line, errors
(['name', 'kind'], {'name': 'a, b', 'kind': 'Park'}, 2, [])
>>> read_delimited('name\\n"open\\n', "a.csv")[2][0].message
'a quote opened on line 2 is never closed (the file may be cut short)'
"""

from __future__ import annotations

import csv
import io

from kg.errors import EntityListError
from kg.lists.records import Row
from loaders.layout import LOOK_AHEAD, footnote, footnote_note, header_row, title_note

__all__ = ["read_delimited", "MAX_FIELD"]

#: The longest field, in characters, that the lists hold: the CSV reader accepts it, an import
#: refuses a longer value, and the lists' writer never writes one. The one place it is set.
MAX_FIELD = 1_000_000


def read_delimited(text: str, label: str, delimiter: str = ",", notes: list | None = None):
    """The header, the records and the errors of delimited text, read strictly.

    With ``notes`` (a list, for an import of a user's file), the header may come below title rows
    and footnote or total rows are skipped (:mod:`loaders.layout`); what was skipped is noted there.
    """
    first = text.split("\n", 1)[0]
    if delimiter == "," and "\t" in first and "," not in first:
        delimiter = "\t"  # Excel's "Unicode text" export is tab-separated
    csv.field_size_limit(MAX_FIELD)
    skip = 0
    if notes is not None:
        top = []
        try:
            for cells in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True):
                top.append(cells)
                if len(top) >= LOOK_AHEAD:
                    break
        except csv.Error:
            pass  # the main reading below reports it
        skip = header_row(top)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    errors: list[EntityListError] = []
    try:
        for _ in range(skip):
            next(reader)
        if skip:
            notes.append(title_note(label, skip, f"line {reader.line_num + 1}"))
        header = [h.strip() for h in next(reader)]
    except csv.Error as exc:
        return [], [], [EntityListError(label, 1, 0, f"the header cannot be read: {exc}")]
    columns: dict[str, int] = {}
    for i, name in enumerate(header, start=1):
        if name in columns:
            errors.append(EntityListError(label, 1, i, f"column '{name}' appears twice", hint="delete one of them"))
        elif name:
            columns[name] = i
    records = []
    line = reader.line_num + 1
    positions = [(name, i - 1) for name, i in columns.items()]
    names = list(columns)
    in_order = [i for _, i in positions] == list(range(len(header)))  # no blank or repeated column name
    while True:
        start = line
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            hint = "close the quote, or export the file again"
            if "end of data" in str(exc):
                message = f"a quote opened on line {start} is never closed (the file may be cut short)"
            elif "field larger than field limit" in str(exc):
                message = f"a field is over the limit of {MAX_FIELD:,} characters"
                hint = "shorten it, or close a quote left open there"
            else:
                message = f"malformed CSV: {exc}"
            errors.append(EntityListError(label, start, 0, message, hint=hint))
            break
        line = reader.line_num + 1
        if not "".join(cells).strip():
            continue
        if notes is not None and footnote(cells):
            notes.append(footnote_note(label, f"line {start}", cells))
            continue
        if len(cells) > len(header):
            errors.append(
                EntityListError(
                    label,
                    start,
                    len(header) + 1,
                    f"the row has {len(cells)} fields, the header {len(header)}",
                    hint="quote fields that hold the separator",
                )
            )
            continue
        if len(cells) < len(header):
            cells += [""] * (len(header) - len(cells))
        if in_order:
            values = dict(zip(names, map(str.strip, cells), strict=True))
        else:
            values = {name: cells[i].strip() for name, i in positions}
        records.append(Row(label, start, values, columns))
    return header, records, errors
