"""Turn records with a file's own columns (zh or en) into entity rows and link rows in the lists' columns.

>>> from kg.lists.records import Row
>>> record = Row("a.csv", 2, {"名称": "甲 平台", "类型": "平台", "依托": "乙|丙"}, {"名称": 1, "类型": 2, "依托": 3})
>>> errors = []
>>> entities, links = to_list_rows([record], default_kind=None, source="a survey", errors=errors)
>>> entities[0].values, [(link.get("subject"), link.get("object")) for link in links], errors
({'name_zh': '甲 平台', 'kind': 'Platform', 'note': 'curated: a survey', '_note_from_source': 'yes', 'derived_from': 'a.csv:2'}, [('甲 平台', '乙'), ('甲 平台', '丙')], [])
"""

from __future__ import annotations

import re
from pathlib import Path

from kg.errors import EntityListError, row_reference, sheet_reference
from kg.lists.records import Row
from kg.vocab.schema import ALIAS_SEPARATOR
from loaders.columns import canonical_column, kind_of, link_of
from loaders.delimited import MAX_FIELD
from loaders.layout import NOTED_COLUMNS, is_row_number

__all__ = ["to_list_rows", "FROM_SOURCE", "NO_PROVENANCE", "no_provenance"]

#: Marks a row whose note is the --source text (not a column of the file); never written.
FROM_SOURCE = "_note_from_source"
#: Marks a row with neither a quote nor a note (the column to point at); never written.
NO_PROVENANCE = "_no_provenance"

#: What separates the items of a list in one cell: '|', ';' and their full-width forms.
_ITEM_SEPARATORS = re.compile(r"[|｜;；]")


def _clean_name(text: str) -> str:
    """A name as stored: trimmed, inner runs of spaces made one (the plan's own forms are kept)."""
    return re.sub(r"[ \t\u3000]+", " ", text).strip()


def _cell_error(record: Row, positions: dict, key: str, message: str, hint: str) -> EntityListError:
    """An error in the cell of ``key`` of ``record``."""
    return EntityListError(record.file, record.line, positions.get(key, 0), message, hint=hint)


def to_list_rows(
    records: list[Row], *, default_kind: str | None, source: str | None, errors: list, notes: list | None = None
) -> tuple[list[Row], list[Row]]:
    """Records with the file's columns → entity rows and link rows in the lists' columns.
    A row-number column (``序号``) is the sheet's own numbering: left out, and said once in ``notes``."""
    if not records:
        return [], []
    columns = records[0].columns
    mapping, links, noted = {}, {}, []
    for name, position in columns.items():
        target = canonical_column(name)
        if is_row_number(name):
            if notes is not None:
                notes.append(
                    f"{sheet_reference(records[0].file)}: column '{name}' is the sheet's row numbering: left out"
                )
        elif name.strip() in NOTED_COLUMNS:
            noted.append(name)
        elif target is None:
            errors.append(
                EntityListError(
                    records[0].file,
                    1,
                    position,
                    f"unknown column '{name}'",
                    hint="see the README for the column names understood (zh or en), or delete the column",
                )
            )
        elif isinstance(target, tuple):
            links[name] = target[1]
        else:
            twin = next((other for other, t in mapping.items() if t == target), None)
            if twin is not None:
                errors.append(
                    EntityListError(
                        records[0].file,
                        1,
                        position,
                        f"two columns for {target}: '{twin}' (column {columns[twin]}) and '{name}' (column {position})",
                        hint="keep one of them, or rename the other to a column the lists have",
                    )
                )
                continue
            mapping[name] = target
    canonical = set(mapping.values())
    is_link_table = {"subject", "predicate", "object"} <= canonical
    if not is_link_table and "name_zh" not in canonical and "id" not in canonical:
        errors.append(
            EntityListError(
                records[0].file,
                1,
                0,
                f"no column for the name (名称 / name_zh) among {', '.join(repr(c) for c in columns)}",
                hint="add a column with the entities' Chinese names, or name the one that holds them 名称",
            )
        )
    if not is_link_table and "kind" not in canonical and default_kind is None:
        errors.append(
            EntityListError(
                records[0].file,
                1,
                0,
                "no column for the kind (类型 / kind)",
                hint="add one, or give the kind of every row with --kind",
            )
        )
    entity_rows, link_rows = [], []
    for record in records:
        derived_from = row_reference(Path(record.file).name, record.line)
        positions = {mapping[name]: pos for name, pos in record.columns.items() if name in mapping}
        values = {mapping[name]: value.strip() for name, value in record.values.items() if name in mapping}
        for key in ("name_zh", "name_en", "aliases"):
            if key in values:
                if "\n" in values[key] or "\r" in values[key]:
                    errors.append(
                        _cell_error(
                            record,
                            positions,
                            key,
                            f"{key} holds a line break",
                            "remove the line break (Alt+Enter in Excel)",
                        )
                    )
                values[key] = _clean_name(values[key].replace("\n", " ").replace("\r", " "))
        if "aliases" in values:
            values["aliases"] = ALIAS_SEPARATOR.join(
                _clean_name(a) for a in _ITEM_SEPARATORS.split(values["aliases"]) if a.strip()
            )
        if not values.get("note") and not values.get("quote") and source:
            values["note"] = source
            values[FROM_SOURCE] = "yes"  # never given to an entity the plan quotes (loaders.merge)
        extra = "；".join(f"{n.strip()}：{record.values[n].strip()}" for n in noted if record.values.get(n, "").strip())
        if extra and (values.get("note") or not values.get("quote")):
            values["note"] = f"{values['note']}；{extra}" if values.get("note") else extra
        if values.get("note") and not values.get("quote") and not values["note"].startswith("curated:"):
            values["note"] = f"curated: {values['note']}"  # a fact from outside the plan
        for key, value in values.items():
            if len(value) > MAX_FIELD:
                too_long = f"the field '{key}' holds {len(value):,} characters, over the limit of {MAX_FIELD:,}"
                errors.append(
                    _cell_error(record, positions, key, too_long, "shorten it: the lists hold no longer field")
                )
        if is_link_table:
            predicate = values.get("predicate", "")
            values["predicate"] = link_of(predicate) or predicate
            values["derived_from"] = values.get("derived_from") or derived_from
            link_rows.append(Row(record.file, record.line, values, positions))
            continue
        kind = values.get("kind") or default_kind or ""
        values["kind"] = kind_of(kind) or kind
        if "kind" not in positions:
            positions["kind"] = 0
        if not values.get("note") and not values.get("quote"):
            # Needed by a new entity or link only (loaders.merge): a row for an entity of the lists
            # that changes nothing, or is skipped, needs none.
            values[NO_PROVENANCE] = str(positions.get("note") or positions.get("name_zh") or 0)
        values["derived_from"] = values.get("derived_from") or derived_from  # kept by new entities (loaders.merge)
        entity_rows.append(Row(record.file, record.line, values, positions))
        reference = values.get("id") or values.get("name_zh", "")
        for column, link in links.items():
            for target in _ITEM_SEPARATORS.split(record.values.get(column, "")):
                if target.strip():
                    link_values = {
                        "subject": reference,
                        "predicate": link,
                        "object": _clean_name(target),
                        "note": values.get("note", ""),
                        "derived_from": derived_from,
                    }
                    if NO_PROVENANCE in values:
                        link_values[NO_PROVENANCE] = values[NO_PROVENANCE]
                    link_positions = {
                        "subject": positions.get("id", positions.get("name_zh", 0)),
                        "predicate": record.columns[column],
                        "object": record.columns[column],
                    }
                    link_rows.append(Row(record.file, record.line, link_values, link_positions))
    return entity_rows, link_rows


def no_provenance(row: Row) -> EntityListError:
    """The error of a row that makes a new entity or link with neither a quote nor a note."""
    return EntityListError(
        row.file,
        row.line,
        int(row.get(NO_PROVENANCE) or 0),
        "no provenance: neither a quote of the plan nor a note",
        hint="add a note column (来源 / note), or pass --source 'where the list comes from'",
    )
