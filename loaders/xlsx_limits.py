"""Check an .xlsx workbook's size before it is parsed: inflated bytes, rows and cells, well-formed sheets.

A zip file of a few MB can inflate to gigabytes of sheet XML. The sizes the zip
directory declares bound what can be read from it (``zipfile`` reads no more),
so their sum is checked first, without inflating anything; then each sheet's
XML is streamed, counting rows and cells (or trusting its ``<dimension>`` when
that already says too many), and a sheet cut short is reported by its name.

>>> import io, openpyxl
>>> book = openpyxl.Workbook()
>>> book.active.append(["name", "kind"])
>>> buffer = io.BytesIO(); book.save(buffer)
>>> check_xlsx(buffer.getvalue(), "a.xlsx")
[]
>>> check_xlsx(buffer.getvalue(), "a.xlsx", max_cells=1)[0].message
'sheet Sheet has 2 cells, over the limit of 1'
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile

from kg.errors import EntityListError

__all__ = ["MAX_UNPACKED", "MAX_ROWS", "MAX_CELLS", "check_xlsx"]

#: The most bytes all parts of a workbook may inflate to.
MAX_UNPACKED = 50 * 1024 * 1024
#: The most rows, and cells, a sheet may hold.
MAX_ROWS = 100_000
MAX_CELLS = 1_000_000

_HINT = "split the workbook, or export the sheet as CSV UTF-8"


def check_xlsx(
    data: bytes, label: str, *, max_unpacked: int = MAX_UNPACKED, max_rows: int = MAX_ROWS, max_cells: int = MAX_CELLS
) -> list[EntityListError]:
    """Errors of a workbook too large or with a sheet cut short; none for a file that is not a zip at all
    (the reader reports that)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError):
        return []
    with archive:
        unpacked = sum(info.file_size for info in archive.infolist())
        if unpacked > max_unpacked:
            return [
                EntityListError(
                    label,
                    0,
                    0,
                    f"the workbook inflates to {unpacked / 1024 / 1024:.0f} MB, "
                    f"over the {max_unpacked / 1024 / 1024:.0f} MB limit",
                    hint=_HINT,
                )
            ]
        for part, title in _sheets(archive).items():
            problem = _sheet_problem(archive, part, max_rows, max_cells)
            if problem:
                hint = _HINT if "limit" in problem else "the file may be cut short; save or copy it again"
                return [EntityListError(f"{label}[{title}]", 0, 0, f"sheet {title} {problem}", hint=hint)]
    return []


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _sheets(archive: zipfile.ZipFile) -> dict[str, str]:
    """Each worksheet part and its sheet's name (the part's name when the workbook does not say)."""
    from defusedxml import ElementTree

    parts = {n: posixpath.basename(n) for n in archive.namelist() if n.startswith("xl/worksheets/sheet")}
    try:
        rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
        targets = {r.get("Id"): posixpath.normpath(posixpath.join("/xl", r.get("Target", "")))[1:] for r in rels}
        for sheet in ElementTree.fromstring(archive.read("xl/workbook.xml")).iter():
            if _local(sheet.tag) == "sheet":
                rid = next((v for k, v in sheet.attrib.items() if _local(k) == "id"), None)
                if targets.get(rid) in parts:
                    parts[targets[rid]] = sheet.get("name", parts[targets[rid]])
    except (KeyError, ValueError, SyntaxError):  # ParseError is a SyntaxError; openpyxl reports these parts
        pass
    return parts


def _sheet_problem(archive: zipfile.ZipFile, part: str, max_rows: int, max_cells: int) -> str | None:
    """What is wrong with one sheet's XML, streamed: too many rows or cells, or cut short."""
    from defusedxml import ElementTree

    rows = cells = 0
    try:
        with archive.open(part) as stream:
            for _, element in ElementTree.iterparse(stream, events=("end",)):
                tag = _local(element.tag)
                if tag == "c":
                    cells += 1
                    if cells > max_cells:
                        return f"has more than {max_cells} cells, over the limit"
                elif tag == "row":
                    rows += 1
                    if rows > max_rows:
                        return f"has more than {max_rows} rows, over the limit"
                    element.clear()
                elif tag == "dimension":
                    size = _dimension(element.get("ref", ""))
                    if size and size[0] > max_rows:
                        return f"has {size[0]} rows, over the limit of {max_rows}"
                    if size and size[0] * size[1] > max_cells:
                        return f"has {size[0] * size[1]} cells, over the limit of {max_cells}"
    except (SyntaxError, ValueError) as exc:  # ElementTree's ParseError; defusedxml refuses DTDs and entities
        return f"is not well-formed XML ({str(exc) or type(exc).__name__})"
    except (zipfile.BadZipFile, EOFError, OSError) as exc:
        return f"cannot be read from the zip file ({exc})"
    return None


def _dimension(ref: str) -> tuple[int, int] | None:
    """Rows and columns of a range such as ``A1:C20``."""
    match = re.fullmatch(r"([A-Z]+)(\d+):([A-Z]+)(\d+)", ref)
    if not match:
        return None

    def column(letters: str) -> int:
        n = 0
        for letter in letters:
            n = n * 26 + ord(letter) - 64
        return n

    first_col, first_row, last_col, last_row = match.groups()
    return int(last_row) - int(first_row) + 1, column(last_col) - column(first_col) + 1
