"""Read JSON (a list of objects, or an object with an ``entities`` list) and JSON Lines into records.

>>> records, errors = read_json('[{"name": "甲", "aliases": ["a", "b"]},\\n {"name": "乙"}]', "a.json")
>>> [(r.line, r.values) for r in records], errors
([(1, {'name': '甲', 'aliases': 'a|b'}), (2, {'name': '乙'})], [])
>>> records, errors = read_jsonl('{"name": "甲"}\\n[1]\\n', "a.jsonl")
>>> [r.values for r in records], errors[0].message
([{'name': '甲'}], 'expected an object with named fields, found list')
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from kg.errors import EntityListError
from kg.lists.records import Row
from loaders.rows import keyed_row
from loaders.strict_json import parse, raw_parse

__all__ = ["read_json", "read_jsonl"]


def read_json(text: str, label: str) -> tuple[list[Row], list[EntityListError]]:
    """Records and errors of a JSON document; each record's line is where its object starts. Read strictly
    (:mod:`loaders.strict_json`): a repeated key, ``NaN`` or too deep a nesting is an error."""
    index = len(text) - len(text.lstrip())
    try:
        if text[index] != "[":
            document = parse(text, label)
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
                item, end = raw_parse(text, label, index)
                items.append((text.count("\n", 0, index) + 1, item))
                index = end
    except json.JSONDecodeError as exc:
        return [], [
            EntityListError(
                label, exc.lineno, exc.colno, f"malformed JSON: {exc.msg}", hint="the file may be cut short"
            )
        ]
    except EntityListError as exc:
        return [], [exc]
    errors: list[EntityListError] = []
    return _records(items, label, errors), errors


def read_jsonl(text: str, label: str) -> tuple[list[Row], list[EntityListError]]:
    """Records and errors of JSON Lines: one object a line, blank lines skipped."""
    errors: list[EntityListError] = []

    def items():  # lazily, so that errors stay in the order of the lines
        for line, raw in enumerate(text.splitlines(), start=1):
            if not raw.strip():
                continue
            try:
                yield line, parse(raw, label, line)
            except EntityListError as exc:
                errors.append(exc)

    return _records(items(), label, errors), errors


def _records(items: Iterable[tuple[int, object]], label: str, errors: list) -> list[Row]:
    """The records of ``(line, item)`` pairs, in order; an item that is not a record adds to ``errors``."""
    records = []
    for line, item in items:
        record = _json_record(item, label, line, errors)
        if record is not None:
            records.append(record)
    return records


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
    return keyed_row(label, line, values)
