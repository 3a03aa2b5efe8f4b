"""Decode the bytes of a list file: UTF-8, UTF-16 with BOM, or GB18030/GBK, detected or named.

A file that is UTF-8 up to a character cut short at its end is an error, never
read again as GB18030 (which would turn its last characters into others).

>>> decode("名称".encode("gb18030"), "a.csv")
('名称', [])
>>> decode(b"\\xff", "a.csv", "ascii")[1][0].message
'not ascii (byte 0xff at byte 0)'
>>> str(decode("名称\\n天津".encode()[:-1], "a.csv")[1][0])
'a.csv:2:2: the file ends in the middle of a UTF-8 character (byte 0xe6 at byte 10) (the file was cut short; copy or export it again)'
"""

from __future__ import annotations

import codecs

from kg.errors import EntityListError

__all__ = ["decode"]


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
            return "", [
                _undecodable(data, exc, label, f"not {encoding}", hint="check the encoding the file was saved in")
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
    if utf8_error.reason == "unexpected end of data":  # valid UTF-8 up to a character cut at the end
        start = utf8_error.start
        line_start = data.rfind(b"\n", 0, start) + 1
        column = len(data[line_start:start].decode("utf-8-sig")) + 1
        return "", [
            EntityListError(
                label,
                data[:start].count(b"\n") + 1,
                column,
                f"the file ends in the middle of a UTF-8 character (byte 0x{data[start]:02x} at byte {start})",
                hint="the file was cut short; copy or export it again",
            )
        ]
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        return "", [
            _undecodable(
                data,
                utf8_error,
                label,
                "neither UTF-8 nor GB18030/GBK",
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


def _undecodable(data: bytes, exc: UnicodeDecodeError, label: str, what: str, *, hint: str) -> EntityListError:
    """The error for bytes that do not decode, at the line and byte where decoding stopped."""
    line = data[: exc.start].count(b"\n") + 1
    return EntityListError(label, line, 0, f"{what} (byte 0x{data[exc.start]:02x} at byte {exc.start})", hint=hint)
