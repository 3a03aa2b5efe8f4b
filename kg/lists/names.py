"""Normalise names so that one entity is found under every spelling users type.

Full-width and half-width forms (NFKC), stray and doubled spaces, the dash
forms (—, －, -, –) and letter case are folded.

>>> normalise("滨海－中关村科技园") == normalise("滨海—中关村科技园") == normalise(" 滨海-中关村科技园 ")
True
>>> normalise("ＴＥＤＡ")
'teda'
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["normalise"]

_DASHES = re.compile("[\u002d\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d]+")
_SPACES = re.compile(r"\s+")


def normalise(name: str) -> str:
    """The key under which a name is compared with others."""
    text = unicodedata.normalize("NFKC", name)
    text = _DASHES.sub("-", text)
    text = _SPACES.sub(" ", text).strip()
    return text.casefold()
