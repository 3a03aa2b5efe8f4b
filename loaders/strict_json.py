"""Parse JSON strictly: a repeated key, ``NaN``, ``Infinity`` or nesting deeper than :data:`MAX_DEPTH` is an error.

Python's ``json`` keeps the last of two equal keys, accepts ``NaN`` and
``Infinity`` (which are not JSON) and recurses once per level of nesting; here
each is an error at its line and column.

>>> parse('{"name": "甲",\\n "name": "乙"}', "a.json")
Traceback (most recent call last):
...
kg.errors.EntityListError: a.json:1:1: duplicate key 'name' in this object (JSON keeps only the last value) (give each field once)
>>> parse('[1, NaN]', "a.json")
Traceback (most recent call last):
...
kg.errors.EntityListError: a.json:1:5: NaN is not JSON (write a number, or leave the field empty)
>>> parse("[" * 101 + "]" * 101, "a.json")
Traceback (most recent call last):
...
kg.errors.EntityListError: a.json:1:101: the JSON is nested deeper than 100 levels (a list of entities needs 3; flatten it)
>>> parse('{"name": "甲"}', "a.json")
{'name': '甲'}
"""

from __future__ import annotations

import json
import json.decoder
import json.scanner
import re

from kg.errors import EntityListError

__all__ = ["MAX_DEPTH", "parse", "raw_parse"]

#: The deepest nesting of lists and objects read.
MAX_DEPTH = 100

_TOKENS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]|-?Infinity|NaN')


class _Duplicate(ValueError):
    def __init__(self, key: str, position: int = -1):
        super().__init__(key)
        self.key, self.position = key, position


def _unique(pairs):
    keys = [key for key, _ in pairs]
    if len(set(keys)) < len(keys):
        raise _Duplicate(next(k for i, k in enumerate(keys) if k in keys[:i]))
    return dict(pairs)


def _constant(name):
    raise ValueError(name)  # found again by the scan, with its position


_DECODER = json.JSONDecoder(object_pairs_hook=_unique, parse_constant=_constant)


def _at(text: str, label: str, position: int, line: int, message: str, hint: str) -> EntityListError:
    """The error at ``position`` of ``text``, whose first line is ``line`` of the file."""
    return EntityListError(
        label, line + text.count("\n", 0, position), position - text.rfind("\n", 0, position), message, hint=hint
    )


def _scan(text: str, label: str, start: int, line: int) -> EntityListError | None:
    """The first constant that is not JSON, or the first level of nesting too deep, from ``start``."""
    if text[start : start + 1] not in ("[", "{"):  # a single value: only a constant can be wrong
        match = _TOKENS.match(text, start)
        if match and match.group()[0] not in '"[]{}':
            return _at(
                text, label, start, line, f"{match.group()} is not JSON", "write a number, or leave the field empty"
            )
        return None
    depth = 0
    for match in _TOKENS.finditer(text, start):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return _at(
                    text,
                    label,
                    match.start(),
                    line,
                    f"the JSON is nested deeper than {MAX_DEPTH} levels",
                    "a list of entities needs 3; flatten it",
                )
        elif token in "]}":
            depth -= 1
            if depth <= 0:
                return None
        elif token[0] != '"':
            return _at(
                text, label, match.start(), line, f"{token} is not JSON", "write a number, or leave the field empty"
            )
    return None


def _duplicate_position(text: str, start: int) -> int:
    """Where the object holding a repeated key opens (the slow pure-Python scanner, only after an error)."""

    def parse_object(s_and_end, strict, scan_once, object_hook, object_pairs_hook, memo=None):
        pairs, end = json.decoder.JSONObject(s_and_end, strict, scan_once, object_hook, list, memo)
        try:
            return _unique(pairs), end
        except _Duplicate as exc:
            raise _Duplicate(exc.key, s_and_end[1] - 1) from None

    decoder = json.JSONDecoder()
    decoder.parse_object = parse_object
    try:
        json.scanner.py_make_scanner(decoder)(text, start)
    except _Duplicate as exc:
        return exc.position
    return start


def raw_parse(text: str, label: str, start: int = 0, line: int = 1):
    """The value at ``start`` of ``text`` and where it ends; ``line`` is the file's line of ``text``'s first."""
    problem = _scan(text, label, start, line)
    if problem is not None:
        raise problem
    try:
        return _DECODER.raw_decode(text, start)
    except _Duplicate as exc:
        raise _at(
            text,
            label,
            _duplicate_position(text, start),
            line,
            f"duplicate key '{exc.key}' in this object (JSON keeps only the last value)",
            "give each field once",
        ) from None
    except json.JSONDecodeError as exc:
        raise _at(text, label, exc.pos, line, f"malformed JSON: {exc.msg}", "the file may be cut short") from None


def parse(text: str, label: str, line: int = 1):
    """The value of a whole JSON ``text``; raises :class:`EntityListError`."""
    start = len(text) - len(text.lstrip())
    value, end = raw_parse(text, label, start, line)
    if text[end:].strip():
        raise _at(text, label, end, line, "malformed JSON: Extra data", "give one JSON value")
    return value
