"""The plan's source text, shipped byte-for-byte with its SHA-256.

>>> plan_text()[:12]
'天津市人民政府办公厅关于'
>>> len(plan_sha256())
64
>>> locate("天津市人民政府办公厅")[0]["quote_start"]
0
"""

from __future__ import annotations

import hashlib
from functools import lru_cache

from kg.errors import KGError, SourceError
from kg.resources import resource

__all__ = ["SOURCE_FILE", "plan_text", "plan_sha256", "section_index", "locate"]

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


def locate(text: str) -> list[dict]:
    """Every offset of ``text`` in the plan with its section, as ``{"quote_start", "section"}`` rows
    (to fill quote_start); an error if the text is not in the plan."""
    plan, index = plan_text(), section_index()
    rows = []
    start = plan.find(text)
    while start != -1 and text:
        rows.append({"quote_start": start, "section": index.at(start).label})
        start = plan.find(text, start + 1)
    if not rows:
        raise KGError(f"'{text}' is not in the plan", hint="copy the words from data/source exactly")
    return rows
