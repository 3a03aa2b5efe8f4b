"""Normalise names so that one entity is found under every spelling users type.

Full-width and half-width forms (NFKC), stray and doubled spaces, the dash
forms (—, －, -, –) and letter case are folded.

>>> normalise("滨海－中关村科技园") == normalise("滨海—中关村科技园") == normalise(" 滨海-中关村科技园 ")
True
>>> normalise("ＴＥＤＡ")
'teda'

Invisible format characters (Unicode category Cf: zero-width spaces, the BOM,
direction marks) are not folded but refused: a name holding one looks like
another name and is not it.

>>> [message for _, message, _ in invisible_characters({"name_zh": "天津\\ufeff中心"}, ["name_zh"])]
['name_zh holds an invisible character U+FEFF (ZERO WIDTH NO-BREAK SPACE) at position 3']
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["normalise", "invisible_characters"]

_DASHES = re.compile("[\u002d\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d]+")
_SPACES = re.compile(r"\s+")


def normalise(name: str) -> str:
    """The key under which a name is compared with others."""
    text = unicodedata.normalize("NFKC", name)
    text = _DASHES.sub("-", text)
    text = _SPACES.sub(" ", text).strip()
    return text.casefold()


def invisible_characters(values, columns) -> list[tuple[str, str, str]]:
    """``(column, message, hint)`` for the first invisible format character of each of these columns."""
    found = []
    for column in columns:
        text = values.get(column) or ""
        if text.isascii() or text.isprintable():  # a format character (Cf) is never printable
            continue
        for position, char in enumerate(text, start=1):
            if unicodedata.category(char) == "Cf":
                code = f"U+{ord(char):04X} ({unicodedata.name(char, 'unnamed')})"
                message = f"{column} holds an invisible character {code} at position {position}"
                found.append((column, message, "delete it: it makes the text look like text it is not"))
                break
    return found
