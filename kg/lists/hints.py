"""Hints in the checks' messages: a 'did you mean …?' for a mistyped name, a short quote, a list of offsets.

>>> suggest("LOCATED_IN", ["locatedIn", "partOf"])
"did you mean 'locatedIn'?"
>>> shorten("天津市" * 20, width=6), offsets_text(list(range(10)))
('天津市天津…', '0, 1, 2, 3, 4, 5, 6, 7 …')
"""

from __future__ import annotations

import difflib

__all__ = ["suggest", "suggest_label", "kind_hint", "did_you_mean", "shorten", "offsets_text"]


def suggest(value: str, options) -> str | None:
    """'did you mean …?' for a mistyped name; case, '_' and '-' do not count (LOCATED_IN → locatedIn)."""

    def fold(text: str) -> str:
        return text.replace("_", "").replace("-", "").casefold()

    folded = {fold(o): o for o in options}
    close = [folded[fold(value)]] if fold(value) in folded else []
    close = close or [folded[c] for c in difflib.get_close_matches(fold(value), folded, n=3)]
    return did_you_mean(close)


def suggest_label(value: str, labels: dict[str, str]) -> str | None:
    """'did you mean …?' for a mistyped label (a kind in Chinese), with the name it stands for.

    >>> suggest_label("技术创心中心", {"TechnologyInnovationCenter": "技术创新中心", "Park": "园区"})
    "did you mean '技术创新中心 (TechnologyInnovationCenter)'?"
    """
    by_label = {label: name for name, label in labels.items() if label}
    close = difflib.get_close_matches(value, by_label, n=2, cutoff=0.6)
    return did_you_mean([f"{label} ({by_label[label]})" for label in close])


def kind_hint(kind: str, kinds) -> str:
    """The hint for a kind not in the ontology: a kind by its name or Chinese label, else where to look."""
    return (
        suggest(kind, kinds)
        or suggest_label(kind, {name: k.label_zh for name, k in kinds.items()})
        or "see 'kg kinds' for the kinds of the ontology"
    )


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
