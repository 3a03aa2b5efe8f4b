"""Read the files users import — CSV, XLSX, JSON, JSON Lines, Turtle — into records with positions.

A record is a :class:`kg.lists.records.Row` whose values are keyed by the file's own
column names; every error names the file (and sheet), line and column. Nothing
is fetched: a URL is not a file, a JSON-LD ``@context`` that names a remote
document is refused, RDF/XML (whose entity expansion can hang a parser) is not
read at all, and CSV is read strictly (an unterminated quote is an error, not
the rest of the file swallowed into one cell).

>>> records, errors = read_records_from_bytes(b"name,kind\\n\\xe7\\x94\\xb2,Platform\\n", "a.csv")
>>> records[0].values, errors
({'name': '甲', 'kind': 'Platform'}, [])
"""

from __future__ import annotations

import codecs
import csv
import io
import json
from pathlib import Path

from kg.errors import EntityListError
from kg.lists.records import Row, entity_values, link_values

__all__ = [
    "FORMATS",
    "MAX_BYTES",
    "format_of",
    "read_records",
    "read_records_from_bytes",
    "decode",
    "read_delimited",
]

#: File name endings and the format each is read as.
FORMATS = {
    ".csv": "csv",
    ".tsv": "tsv",
    ".txt": "tsv",
    ".xlsx": "xlsx",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".ttl": "turtle",
    ".nt": "ntriples",
    ".jsonld": "jsonld",
}
_REFUSED = {
    ".xls": "the old Excel format is not read; save the sheet as .xlsx or as CSV UTF-8",
    ".rdf": "RDF/XML is not read (an XML entity bomb can hang the parser); convert it to Turtle",
    ".owl": "RDF/XML is not read (an XML entity bomb can hang the parser); convert it to Turtle",
    ".xml": "XML is not read (an XML entity bomb can hang the parser); convert it to Turtle or CSV",
}
MAX_BYTES = 20 * 1024 * 1024


def format_of(path: str) -> str:
    """The format of a file, from its ending; an unknown ending is an error, never a guess."""
    if "://" in str(path):
        raise EntityListError(
            str(path),
            0,
            0,
            "only local files are imported; nothing is downloaded",
            hint="download the file first, then import the local copy",
        )
    suffix = Path(path).suffix.lower()
    if suffix in _REFUSED:
        raise EntityListError(str(path), 0, 0, f"{suffix} files are refused", hint=_REFUSED[suffix])
    if suffix not in FORMATS:
        raise EntityListError(
            str(path),
            0,
            0,
            f"unknown file type '{suffix or '(none)'}'",
            hint=f"import one of: {', '.join(sorted(FORMATS))}",
        )
    return FORMATS[suffix]


def read_records(
    path: str | Path, *, encoding: str | None = None, sheet: str | None = None, max_bytes: int = MAX_BYTES
):
    """Records and errors of one local file."""
    label = str(path)
    fmt = format_of(label)
    path = Path(path)
    if not path.is_file():
        return [], [EntityListError(label, 0, 0, "no such file")]
    size = path.stat().st_size
    if size > max_bytes:
        return [], [
            EntityListError(
                label,
                0,
                0,
                f"the file is {size / 1024 / 1024:.1f} MB, over the {max_bytes / 1024 / 1024:.0f} MB limit",
                hint="split it, or raise the limit with --max-size MB if it is really meant",
            )
        ]
    return read_records_from_bytes(path.read_bytes(), label, fmt=fmt, encoding=encoding, sheet=sheet)


def read_records_from_bytes(
    data: bytes, label: str, *, fmt: str | None = None, encoding: str | None = None, sheet: str | None = None
):
    fmt = fmt or format_of(label)
    if fmt == "xlsx":
        return _xlsx(data, label, sheet)
    if sheet is not None:
        return [], [EntityListError(label, 0, 0, "--sheet is for .xlsx files", hint="leave it out for this file")]
    text, errors = decode(data, label, encoding)
    if errors:
        return [], errors
    if not text.strip():
        return [], [
            EntityListError(
                label, 1, 0, "the file is empty", hint="export the list again; the first line must be the header"
            )
        ]
    if fmt in ("csv", "tsv"):
        _, records, errors = read_delimited(text, label, "\t" if fmt == "tsv" else ",")
        return records, errors
    if fmt == "json":
        return _json(text, label)
    if fmt == "jsonl":
        return _jsonl(text, label)
    return _rdf(text, label, fmt)


# Text -------------------------------------------------------------------------


def decode(data: bytes, label: str, encoding: str | None = None) -> tuple[str, list[EntityListError]]:
    """Text of the bytes: UTF-8 (with or without BOM), UTF-16 with BOM, or GB18030/GBK as
    Excel and WPS export on Chinese Windows; ``encoding`` overrides the detection."""
    if encoding:
        try:
            codecs.lookup(encoding)
        except LookupError:
            return "", [
                EntityListError(label, 0, 0, f"unknown encoding '{encoding}'", hint="use utf-8, gb18030, gbk or utf-16")
            ]
        try:
            return data.decode(encoding), []
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            return "", [
                EntityListError(
                    label,
                    line,
                    0,
                    f"not {encoding} (byte 0x{data[exc.start]:02x} at byte {exc.start})",
                    hint="check the encoding the file was saved in",
                )
            ]
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), []
        except UnicodeDecodeError:
            return "", [
                EntityListError(
                    label,
                    0,
                    0,
                    "the file starts with a UTF-16 byte order mark but is not UTF-16",
                    hint="save it as CSV UTF-8",
                )
            ]
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        utf8_error = exc
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        line = data[: utf8_error.start].count(b"\n") + 1
        return "", [
            EntityListError(
                label,
                line,
                0,
                f"neither UTF-8 nor GB18030/GBK (byte 0x{data[utf8_error.start]:02x} at byte {utf8_error.start})",
                hint="save the file as 'CSV UTF-8', or name its encoding with --encoding",
            )
        ]
    if sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff") < sum(1 for ch in text if ord(ch) > 0x7F) / 2:
        return "", [
            EntityListError(
                label,
                0,
                0,
                "the encoding could not be recognised (not UTF-8; as GB18030 it is not Chinese text)",
                hint="name it with --encoding",
            )
        ]
    return text, []


def read_delimited(text: str, label: str, delimiter: str = ","):
    """The header, the records and the errors of delimited text, read strictly."""
    first = text.split("\n", 1)[0]
    if delimiter == "," and "\t" in first and "," not in first:
        delimiter = "\t"  # Excel's "Unicode text" export is tab-separated
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    errors: list[EntityListError] = []
    try:
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
            if "end of data" in str(exc):
                message = f"a quote opened on line {start} is never closed (the file may be cut short)"
            else:
                message = f"malformed CSV: {exc}"
            errors.append(EntityListError(label, start, 0, message, hint="close the quote, or export the file again"))
            break
        line = reader.line_num + 1
        if not "".join(cells).strip():
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


# XLSX -------------------------------------------------------------------------


def _column_letter(n: int) -> str:
    letters = ""
    while n:
        n, rest = divmod(n - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _xlsx(data: bytes, label: str, sheet: str | None):
    import zipfile

    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), data_only=False, read_only=False)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
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
        ws = book.worksheets[0]
    elif sheet in book.sheetnames:
        ws = book[sheet]
    else:
        return [], [
            EntityListError(label, 0, 0, f"no sheet named '{sheet}'", hint=f"its sheets: {', '.join(book.sheetnames)}")
        ]
    where = f"{label}[{ws.title}]"
    errors = []
    for merged in sorted(ws.merged_cells.ranges, key=str):
        errors.append(
            EntityListError(
                where,
                merged.min_row,
                merged.min_col,
                f"cells {merged.coord} are merged",
                hint="unmerge them and fill every cell with its value",
            )
        )
    rows = list(ws.iter_rows())
    if not rows:
        return [], [EntityListError(where, 1, 0, "the sheet is empty", hint="the first row must be the header")]
    header = ["" if c.value is None else str(c.value).strip() for c in rows[0]]
    columns = {name: i for i, name in enumerate(header, start=1) if name}
    records = []
    for row in rows[1:]:
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
                        f"cell {_column_letter(i)}{cell.row} holds a formula ({str(value)[:40]}), not a value",
                        hint="copy the column and paste it back as values only",
                    )
                )
                value = None
            values[name] = "" if value is None else _cell_text(value)
        if any(v.strip() for v in values.values()):
            records.append(Row(where, row[0].row, values, columns))
    return records, errors


def _cell_text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# JSON -------------------------------------------------------------------------


def _json_record(item, label: str, line: int, errors: list) -> Row | None:
    if not isinstance(item, dict):
        errors.append(
            EntityListError(label, line, 0, f"expected an object with named fields, found {type(item).__name__}")
        )
        return None
    if any(key in item for key in ("@context", "@id", "@graph")):
        errors.append(
            EntityListError(
                label,
                line,
                0,
                "JSON-LD is not read as a list of entities",
                hint="save it as .jsonld to import it as RDF, or give plain objects",
            )
        )
        return None
    values = {}
    for key, value in item.items():
        if isinstance(value, list):
            value = "|".join(str(v) for v in value)
        elif isinstance(value, dict):
            errors.append(
                EntityListError(
                    label, line, 0, f"field '{key}' holds an object", hint="give text, numbers or lists of text"
                )
            )
            continue
        values[str(key)] = "" if value is None else str(value)
    return Row(label, line, values, {k: i for i, k in enumerate(values, start=1)})


def _json(text: str, label: str):
    decoder = json.JSONDecoder()
    errors: list[EntityListError] = []
    records = []
    index = len(text) - len(text.lstrip())
    try:
        if text[index] != "[":
            document = json.loads(text)
            if isinstance(document, dict) and isinstance(document.get("entities"), list):
                items = [(1, item) for item in document["entities"]]
            else:
                return [], [
                    EntityListError(label, 1, 0, "expected a list of objects, or an object with an 'entities' list")
                ]
        else:
            items = []
            index += 1
            while True:
                while index < len(text) and text[index] in " \t\r\n,":
                    index += 1
                if index >= len(text):
                    raise json.JSONDecodeError("the list is never closed", text, index)
                if text[index] == "]":
                    break
                item, end = decoder.raw_decode(text, index)
                items.append((text.count("\n", 0, index) + 1, item))
                index = end
    except json.JSONDecodeError as exc:
        return [], [
            EntityListError(
                label, exc.lineno, exc.colno, f"malformed JSON: {exc.msg}", hint="the file may be cut short"
            )
        ]
    for line, item in items:
        record = _json_record(item, label, line, errors)
        if record is not None:
            records.append(record)
    return records, errors


def _jsonl(text: str, label: str):
    errors: list[EntityListError] = []
    records = []
    for line, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            item = json.loads(raw)
        except json.JSONDecodeError as exc:
            errors.append(
                EntityListError(
                    label, line, exc.colno, f"malformed JSON: {exc.msg}", hint="each line holds one JSON object"
                )
            )
            continue
        record = _json_record(item, label, line, errors)
        if record is not None:
            records.append(record)
    return records, errors


# RDF --------------------------------------------------------------------------


def _rdf(text: str, label: str, fmt: str):
    """RDF in the graph's own terms, read back into entity and link records."""
    from rdflib import Graph
    from rdflib.namespace import OWL

    if fmt == "jsonld":
        problem = _remote_context(text)
        if problem:
            return [], [
                EntityListError(
                    label,
                    0,
                    0,
                    f"the JSON-LD names a remote @context ({problem}); it is not fetched",
                    hint="put the context inline in the file",
                )
            ]
    graph = Graph()
    try:
        graph.parse(
            data=text,
            format={"turtle": "turtle", "ntriples": "nt", "jsonld": "json-ld"}[fmt],
            publicID="urn:kg:import:",
        )
    except Exception as exc:  # rdflib raises several unrelated types
        if hasattr(exc, "lines"):  # notation3's BadSyntax counts lines from 0
            line, message = exc.lines + 1, getattr(exc, "_why", "") or str(exc)
        else:
            line, message = getattr(exc, "lineno", 0) or 0, str(exc) or type(exc).__name__
        message = message.splitlines()[0][:160]
        return [], [
            EntityListError(
                label,
                int(line) if str(line).isdigit() else 0,
                0,
                f"malformed {fmt}: {message}",
                hint="fix the syntax at that line",
            )
        ]
    imports = sorted(str(o) for o in graph.objects(None, OWL.imports))
    if imports:
        return [], [
            EntityListError(
                label,
                0,
                0,
                f"the file imports {imports[0]}; imports are not followed",
                hint="put the triples you need into the file itself",
            )
        ]
    return _records_from_graph(graph, label)


def _remote_context(text: str) -> str | None:
    try:
        document = json.loads(text)
    except json.JSONDecodeError:
        return None

    def walk(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "@context":
                    for ctx in value if isinstance(value, list) else [value]:
                        if isinstance(ctx, str):
                            return ctx
                found = walk(value)
                if found:
                    return found
        elif isinstance(node, list):
            for value in node:
                found = walk(value)
                if found:
                    return found
        return None

    return walk(document)


def _records_from_graph(graph, label: str):
    from kg.graph.mapping import graph_to_model

    model = graph_to_model(graph)
    records = []
    for number, entity in enumerate(model.entities.values(), start=1):
        values = entity_values(entity)
        records.append(Row(label, number, values, {k: i for i, k in enumerate(values, start=1)}))
    start = len(records)
    for number, link in enumerate(model.links, start=start + 1):
        values = link_values(link)
        records.append(Row(label, number, values, {k: i for i, k in enumerate(values, start=1)}))
    if not records:
        return [], [
            EntityListError(
                label,
                0,
                0,
                "the file holds no entities of the ontology",
                hint="type them with the ontology's classes (tjp:Platform …)",
            )
        ]
    return records, []
