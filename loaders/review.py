"""A curator's review of what an import cannot be sure of: hosts it would create, and names close
to an entity's, written to a sheet (CSV or XLSX) that the curator marks, then applied by the next
import with the same ``--review`` sheet.

Each row is one host name as the list writes it. Its ``decision`` is one of:

- ``accept`` (接受): do what ``proposal`` says: create the host (of the ``kind`` and with the ``id``
  of the row, both editable), or, for a close name, take it to be that entity;
- ``reject`` (拒绝): do not: a new host is not created and the list's links to it are left out;
  a close name is a body of its own, created with the row's ``kind`` and ``id``;
- an entity's id (use this id): the host is that entity of the lists.

>>> review = Review({})
>>> review.decide("天大", "University", "tian-da", ("天津大学", "tianjin-university"), "a.csv:2")
>>> [(p.name, p.proposal) for p in review.pending]
[('天大', 'same as 天津大学 (tianjin-university)')]
>>> Review({"天大": Decision("accept", "University", "tian-da")}).decide("天大", "University", "tian-da", ("天津大学", "tianjin-university"), "a.csv:2")
('use', 'tianjin-university')
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field, replace
from pathlib import Path

from kg.errors import EntityListError, KGError
from kg.lists.names import normalise

__all__ = ["COLUMNS", "Decision", "Proposal", "Review", "read_review", "write_review"]

#: The review sheet's columns, in order; the curator fills ``decision`` (and may edit ``kind`` and ``id``).
COLUMNS = ("decision", "name", "proposal", "kind", "id", "where", "if_accepted", "if_rejected")
ACCEPT = ("accept", "接受", "是", "yes")
REJECT = ("reject", "拒绝", "否", "no")


@dataclass(frozen=True)
class Decision:
    """What the curator decided for a name: ``accept``, ``reject`` or ``use`` (``id`` of an entity)."""

    verdict: str
    kind: str = ""
    id: str = ""
    at: tuple[str, int, int] = ("", 0, 0)  # the decision's cell in the review sheet


@dataclass(frozen=True)
class Proposal:
    """An uncertain step of an import, for the review sheet."""

    name: str
    proposal: str
    kind: str
    id: str
    where: str
    if_accepted: str
    if_rejected: str
    decision: str = ""

    def row(self) -> dict[str, str]:
        return {c: getattr(self, c) for c in COLUMNS}


@dataclass
class Review:
    """The decisions read from a review sheet (by folded name); what is still to decide goes to ``pending``."""

    decisions: dict[str, Decision]
    pending: list[Proposal] = field(default_factory=list)
    reviewed: list[Proposal] = field(default_factory=list)  # with the curator's decision, rewritten as it was

    def __post_init__(self):
        self.decisions = {normalise(name): d for name, d in self.decisions.items()}

    def error(self, name: str, message: str, hint: str) -> EntityListError:
        """An error at the decision for ``name`` in the review sheet."""
        return EntityListError(*self.decisions[normalise(name)].at, f"{name}: {message}", hint=hint)

    def decide(self, name: str, kind: str, made_id: str, near: tuple[str, str] | None, where: str):
        """``('new', kind, id)``, ``('use', id)``, ``('drop',)``; None while undecided (then proposed)."""
        decision = self.decisions.get(normalise(name))
        if near is None:
            proposal = Proposal(
                name,
                f"new {kind} '{made_id}'",
                kind,
                made_id,
                where,
                "create it (with this kind and id)",
                "leave out the links to it",
            )
        else:
            proposal = Proposal(
                name,
                f"same as {near[0]} ({near[1]})",
                kind,
                made_id,
                where,
                f"link to {near[1]}",
                "create it as a body of its own (with this kind and id)",
            )
        if decision is None:
            self.pending.append(proposal)
            return None
        self.reviewed.append(
            replace(
                proposal,
                decision=decision.id if decision.verdict == "use" else decision.verdict,
                kind=decision.kind or kind,
                id=decision.id if decision.verdict != "use" and decision.id else made_id,
            )
        )
        if decision.verdict == "use":
            return ("use", decision.id)
        if decision.verdict == "accept":
            return ("use", near[1]) if near is not None else ("new", decision.kind or kind, decision.id or made_id)
        return ("new", decision.kind or kind, decision.id or made_id) if near is not None else ("drop",)


def read_review(path: str | Path, errors: list) -> dict[str, Decision]:
    """The decisions of a review sheet; a bad or missing decision goes to ``errors`` at its cell."""
    from loaders.columns import kind_of
    from loaders.formats import read_records

    records, file_errors = read_records(path)
    errors.extend(file_errors)
    decisions: dict[str, Decision] = {}
    for record in records:
        get = record.values.get
        name, verdict = (get("name") or "").strip(), (get("decision") or "").strip()
        if not name:
            continue
        cell = record.columns.get("decision", 0)
        kind = (get("kind") or "").strip()
        if kind and kind_of(kind) is None:
            errors.append(
                EntityListError(
                    record.file,
                    record.line,
                    record.columns.get("kind", 0),
                    f"kind '{kind}' is not in the ontology",
                    hint="see 'kg kinds'",
                )
            )
            continue
        kind = kind_of(kind) if kind else ""
        at = (record.file, record.line, cell)
        if verdict.lower() in ACCEPT:
            decisions[name] = Decision("accept", kind, (get("id") or "").strip(), at)
        elif verdict.lower() in REJECT:
            decisions[name] = Decision("reject", kind, (get("id") or "").strip(), at)
        elif verdict:
            decisions[name] = Decision("use", "", verdict, at)
        else:
            errors.append(
                EntityListError(
                    record.file,
                    record.line,
                    cell,
                    f"no decision for '{name}'",
                    hint="write accept, reject, or the id of the entity it is",
                )
            )
    return decisions


def write_review(path: str | Path, proposals: list[Proposal]) -> Path:
    """Write the review sheet whole (CSV as Excel reads it, or XLSX with a choice list), atomically."""
    from kg.resources import write_whole
    from loaders.workspace import csv_bytes

    path = Path(path)
    rows = [p.row() for p in proposals]
    data = _xlsx_bytes(rows) if path.suffix.lower() == ".xlsx" else csv_bytes(rows, COLUMNS)
    try:
        write_whole(path, data)
    except OSError as exc:
        raise KGError(f"cannot write {path}: {exc.strerror}", hint="choose another path with --review") from None
    return path


def _xlsx_bytes(rows: list[dict]) -> bytes:
    import openpyxl
    from openpyxl.worksheet.datavalidation import DataValidation

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "review"
    sheet.append(list(COLUMNS))
    for row in rows:
        sheet.append([row[c] for c in COLUMNS])
    choice = DataValidation(type="list", formula1='"accept,reject"', allow_blank=True, showErrorMessage=False)
    choice.prompt = "accept, reject, or the id of the entity it is"
    sheet.add_data_validation(choice)
    choice.add(f"A2:A{max(len(rows) + 1, 2)}")
    for letter, width in zip("ABCDEFGH", (10, 28, 40, 18, 36, 24, 36, 36), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
