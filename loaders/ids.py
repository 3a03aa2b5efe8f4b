"""Ids for new entities that come without one: from the English name if there is one, else from
the Chinese name's pinyin (``pypinyin``, tone marks dropped).

The scheme, the same on every machine and run: the name is folded (NFKC, so
full-width letters and digits become ASCII), written in pinyin word by word
(ASCII text kept as it is), lowercased, every run of other characters made
one hyphen, and cut to at most :data:`MOST` characters at a hyphen. An id
already taken (in the lists, or by an earlier row) gets the first 6 hex digits
of the BLAKE2b hash of the full Chinese name appended, which depends on the
name alone, not on the order of the rows; only if that too is taken is a
counter added (``-2``, ``-3`` …). An existing id is never reused.

>>> new_id("天津市（新型）量子计算创新中心", "", set())
'tian-jin-shi-xin-xing-liang-zi-ji-suan-chuang-xin-zhong-xin'
>>> new_id("南开大学", "", {"nan-kai-da-xue"})
'nan-kai-da-xue-0c6268'
>>> new_id("天津大学", "Tianjin University", set())
'tianjin-university'
"""

from __future__ import annotations

import re
import unicodedata
from hashlib import blake2b

__all__ = ["new_id", "MOST"]

#: The longest id made (in characters), cut at a hyphen.
MOST = 60


def _slug(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    if len(slug) > MOST:
        slug = slug[: MOST + 1].rsplit("-", 1)[0] if "-" in slug[: MOST + 1] else slug[:MOST]
    return slug


def _pinyin(name: str) -> str:
    from pypinyin import lazy_pinyin

    return " ".join(lazy_pinyin(unicodedata.normalize("NFKC", name), errors="ignore"))


def new_id(name_zh: str, name_en: str, taken: set[str]) -> str:
    """An id for a new entity named ``name_zh`` (and ``name_en``, if any) that is not in ``taken``;
    empty if neither name gives one."""
    base = _slug(unicodedata.normalize("NFKC", name_en)) if name_en.strip() else _slug(_pinyin(name_zh))
    if not base or base not in taken:
        return base
    stamp = blake2b(name_zh.encode("utf-8"), digest_size=3).hexdigest()
    candidate, n = f"{base}-{stamp}", 2
    while candidate in taken:
        candidate, n = f"{base}-{stamp}-{n}", n + 1
    return candidate
