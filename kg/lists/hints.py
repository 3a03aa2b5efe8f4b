"""Hints in the checks' messages: a 'did you mean …?' for a mistyped name, a short quote, a list of offsets.

>>> suggest("LOCATED_IN", ["locatedIn", "partOf"])
"did you mean 'locatedIn'?"
>>> shorten("天津市" * 20, width=6), offsets_text(list(range(10)))
('天津市天津…', '0, 1, 2, 3, 4, 5, 6, 7 …')
"""

from __future__ import annotations

import difflib

__all__ = ["suggest", "did_you_mean", "shorten", "offsets_text"]


def suggest(value: str, options) -> str | None:
    """'did you mean …?' for a mistyped name; case, '_' and '-' do not count (LOCATED_IN → locatedIn)."""

    def fold(text: str) -> str:
        return text.replace("_", "").replace("-", "").casefold()

    folded = {fold(o): o for o in options}
    close = [folded[fold(value)]] if fold(value) in folded else []
    close = close or [folded[c] for c in difflib.get_close_matches(fold(value), folded, n=3)]
    return did_you_mean(close)


def did_you_mean(close: list[str]) -> str | None:
    """'did you mean 'a' or 'b'?', None if there is nothing to suggest."""
    return f"did you mean {' or '.join(repr(c) for c in close)}?" if close else None


def shorten(text: str, width: int = 40) -> str:
    """The text, cut to ``width`` characters with an ellipsis."""
    return text if len(text) <= width else text[: width - 1] + "…"


def offsets_text(offsets: list[int]) -> str:
    """The first eight offsets, then an ellipsis."""
    shown = ", ".join(str(o) for o in offsets[:8])
    return shown + (" …" if len(offsets) > 8 else "")
