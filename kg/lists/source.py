"""The plan's source text, shipped byte-for-byte with its SHA-256.

>>> plan_text()[:12]
'天津市人民政府办公厅关于'
>>> len(plan_sha256())
64
"""

from __future__ import annotations

import hashlib
from functools import lru_cache

from kg.errors import SourceError
from kg.resources import resource

__all__ = ["SOURCE_FILE", "plan_text", "plan_sha256", "section_index"]

SOURCE_FILE = "tianjin-sti-plan-14th-fyp.txt"


@lru_cache(maxsize=1)
def plan_text() -> str:
    """The full text, checked against the recorded SHA-256."""
    data = resource("data", "source", SOURCE_FILE).read_bytes()
    if hashlib.sha256(data).hexdigest() != plan_sha256():
        raise SourceError(
            f"data/source/{SOURCE_FILE} is not the recorded version of the plan",
            hint="restore it from the repository; quotes and offsets refer to that exact text",
        )
    return data.decode("utf-8")


@lru_cache(maxsize=1)
def plan_sha256() -> str:
    """The SHA-256 recorded in ``data/source/<file>.sha256``."""
    line = resource("data", "source", SOURCE_FILE + ".sha256").read_text(encoding="utf-8")
    return line.split()[0]


@lru_cache(maxsize=1)
def section_index():
    """The section index of the plan (built once)."""
    from kg.lists.sections import SectionIndex

    return SectionIndex(plan_text())
