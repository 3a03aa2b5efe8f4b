"""The one error tree of the project: every failure a user can act on is a KGError.

Each error knows *where* it happened (file, line, column, query name, URI) and
*how to fix it*; the CLI turns it into a message and exit code 1 at one place.

>>> err = EntityListError("data/entities.csv", 4, 2, "unknown kind 'Parc'", hint="use one of: Park")
>>> str(err)
"data/entities.csv:4:2: unknown kind 'Parc' (use one of: Park)"
"""

from __future__ import annotations

import re

__all__ = [
    "row_reference",
    "sheet_reference",
    "KGError",
    "EntityListError",
    "ValidationFailed",
    "OntologyError",
    "SourceError",
    "QueryError",
    "ConnectionFailed",
    "LoadInterrupted",
]


class KGError(Exception):
    """Base of every error the project raises on purpose."""

    def __init__(self, message: str, *, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        text = self.message
        if self.hint:
            text += f" ({self.hint})"
        return text


def sheet_reference(file: str) -> str:
    """A list as the messages name it: ``a.csv``; a workbook's sheet (``file[sheet]``) as Excel does, ``list.xlsx:Sheet1``.

    >>> sheet_reference("名单.xlsx[2023年]"), sheet_reference("a.csv")
    ('名单.xlsx:2023年', 'a.csv')
    """
    sheet = _sheet(file)
    return file if sheet is None else "{}:{}".format(*sheet)


def row_reference(file: str, line: int) -> str:
    """A row of a list: ``a.csv:7``; in a workbook's sheet (``file[sheet]``) Excel's ``list.xlsx:Sheet1!7:7``.

    >>> row_reference("名单.xlsx[2023年]", 7), row_reference("a.csv", 7)
    ('名单.xlsx:2023年!7:7', 'a.csv:7')
    """
    sheet = _sheet(file)
    return f"{file}:{line}" if sheet is None else f"{sheet[0]}:{sheet[1]}!{line}:{line}"


def _sheet(file: str) -> tuple[str, str] | None:
    """``(book, sheet)`` of a workbook's sheet as records name it (``book.xlsx[Sheet1]``); None for a plain file."""
    found = re.fullmatch(r"(.+)\[([^\[\]]+)\]", file)
    return None if found is None else (found[1], found[2])


def column_letter(n: int) -> str:
    """Excel's letters of the ``n``-th column (1-based): 1 → A, 27 → AA."""
    letters = ""
    while n > 0:
        n, rest = divmod(n - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


class EntityListError(KGError):
    """A problem in an entity list, located at ``file:line:column``.

    ``line`` and ``column`` are 1-based; ``column`` is the field's position in
    the row (0 when the error concerns the whole row or file).
    """

    def __init__(
        self,
        file: str,
        line: int,
        column: int,
        message: str,
        *,
        hint: str | None = None,
    ):
        super().__init__(message, hint=hint)
        self.file = file
        self.line = line
        self.column = column

    @property
    def where(self) -> str:
        """``file:line:column``; in a workbook's sheet (``file[sheet]``) Excel's own reference:
        ``list.xlsx:Sheet1!C7`` for a cell, ``list.xlsx:Sheet1!7:7`` for a row, ``list.xlsx:Sheet1``.

        >>> EntityListError("名单.xlsx[2023年]", 7, 3, "x").where, EntityListError("a.csv", 7, 3, "x").where
        ('名单.xlsx:2023年!C7', 'a.csv:7:3')
        """
        sheet = _sheet(self.file)
        if sheet is None:
            return f"{self.file}:{self.line}:{self.column}"
        book, name = sheet
        if self.line <= 0:
            return f"{book}:{name}"
        if self.column <= 0:
            return row_reference(self.file, self.line)
        return f"{book}:{name}!{column_letter(self.column)}{self.line}"

    def __str__(self) -> str:
        return f"{self.where}: {super().__str__()}"

    def as_dict(self) -> dict:
        """Plain data for JSON output."""
        return {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "message": self.message,
            "hint": self.hint,
        }


class ValidationFailed(KGError):
    """One or more entity-list errors; all of them are reported at once."""

    def __init__(self, errors: list[EntityListError]):
        self.errors = sorted(errors, key=lambda e: (e.file, e.line, e.column, e.message))
        count = len(self.errors)
        super().__init__(f"{count} error{'s' if count != 1 else ''} in the entity lists; nothing was written")

    def __str__(self) -> str:
        return "\n".join([*(str(e) for e in self.errors), self.message])


class OntologyError(KGError):
    """The ontology (or shapes) file cannot be read or is inconsistent."""


class SourceError(KGError):
    """The plan's source text is missing or not the recorded version."""


class QueryError(KGError):
    """A query cannot run: unknown name, bad parameter, syntax error (with its position), refused."""


class ConnectionFailed(KGError):
    """The graph database cannot be used: bad URI, unreachable, wrong credentials, no such database.

    Messages name the URI and the user, never the password.
    """


class LoadInterrupted(KGError):
    """A load stopped part-way; the database holds an incomplete graph until the load is run again."""
