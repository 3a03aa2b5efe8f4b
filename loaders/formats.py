"""Read the files users import — CSV, XLSX, JSON, JSON Lines, Turtle — into records with positions.

The format is chosen from the file's ending (:data:`FORMATS`) and read by its
own module: :mod:`loaders.decoding`, :mod:`loaders.delimited`, :mod:`loaders.xlsx`,
:mod:`loaders.json_lists`, :mod:`loaders.rdf_inputs`.

A record is a :class:`kg.lists.records.Row` whose values are keyed by the file's own
column names; every error names the file (and sheet), line and column. Nothing
is fetched: a URL is not a file, a JSON-LD ``@context`` or ``@import`` that
names a document is refused, RDF/XML (whose entity expansion can hang a parser)
is not read at all, and CSV is read strictly (an unterminated quote is an error,
not the rest of the file swallowed into one cell). Besides :data:`MAX_BYTES`, the
readers bound what a small file can expand to: :mod:`loaders.xlsx_limits`,
:mod:`loaders.strict_json`, :mod:`loaders.rdf_limits`.

>>> records, errors = read_records_from_bytes(b"name,kind\\n\\xe7\\x94\\xb2,Platform\\n", "a.csv")
>>> records[0].values, errors
({'name': '甲', 'kind': 'Platform'}, [])
"""

from __future__ import annotations

from pathlib import Path

from kg.errors import EntityListError
from loaders.decoding import decode
from loaders.delimited import read_delimited
from loaders.json_lists import read_json, read_jsonl
from loaders.rdf_inputs import read_rdf
from loaders.xlsx import read_xlsx

__all__ = [
    "FORMATS",
    "MAX_BYTES",
    "format_of",
    "read_records",
    "read_records_from_bytes",
    "decode",  # re-exported: imported from here by the list readers and loaders
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
    path: str | Path,
    *,
    encoding: str | None = None,
    sheet: str | None = None,
    max_bytes: int = MAX_BYTES,
    notes: list | None = None,
):
    """Records and errors of one local file (title and footnote rows skipped, and said in ``notes``)."""
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
    return read_records_from_bytes(path.read_bytes(), label, fmt=fmt, encoding=encoding, sheet=sheet, notes=notes)


def read_records_from_bytes(
    data: bytes,
    label: str,
    *,
    fmt: str | None = None,
    encoding: str | None = None,
    sheet: str | None = None,
    notes: list | None = None,
):
    """Records and errors of a file's bytes, read as ``fmt`` (by default, as its label's ending says)."""
    fmt = fmt or format_of(label)
    if fmt == "xlsx":
        return read_xlsx(data, label, sheet, notes)
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
        _, records, errors = read_delimited(text, label, "\t" if fmt == "tsv" else ",", notes)
        return records, errors
    if fmt == "json":
        return read_json(text, label)
    if fmt == "jsonl":
        return read_jsonl(text, label)
    return read_rdf(text, label, fmt)
