"""What a SPARQL query's text says, for the messages and tables of :mod:`kg.query.sparql`: the prefixes
it uses without declaring them, Oxigraph's syntax errors in plain words, the order of a ``SELECT *``.

>>> undeclared_prefixes("SELECT * { foo:a rdfs:label ?n }", {"rdfs": ""})
['foo']
"""

from __future__ import annotations

import re

__all__ = ["in_query_order", "undeclared_prefixes", "syntax_message"]

_IGNORED = re.compile(
    r'<[^<>\s]*>|"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|#[^\n]*'
)
_PREFIXED = re.compile(r"(?<![\w?$:.-])([A-Za-z][\w.-]*)?:(?=[\w%:])")
_EXPECTED = re.compile(r'"(?:[^"\\]|\\.)*"|\[[^\]]*\]|[^,\s"\[][^,]*')
_DECLARED = re.compile(r"PREFIX\s+([A-Za-z][\w.-]*)?:", re.I)


_STAR = re.compile(r"\bSELECT\s+(?:DISTINCT\s+|REDUCED\s+)?\*", re.I)
_VARIABLE = re.compile(r"[?$]([A-Za-z_]\w*)")


def in_query_order(text: str, columns: list[str]) -> list[str]:
    """The columns of a ``SELECT *`` in the order their variables first appear in the query (Oxigraph
    sorts them by name); other queries' columns as they are.

    >>> in_query_order("SELECT * { ?zz ?mm ?aa }", ["aa", "mm", "zz"])
    ['zz', 'mm', 'aa']
    """
    bare = _IGNORED.sub(" ", text)
    if not _STAR.search(bare):
        return columns
    first = {}
    for match in _VARIABLE.finditer(bare):
        first.setdefault(match[1], match.start())
    return sorted(columns, key=lambda c: first.get(c, len(bare)))


def undeclared_prefixes(text: str, known) -> list[str]:
    """The prefixes a query uses without declaring them (nor being among ``known``).

    >>> undeclared_prefixes('PREFIX ex: <urn:x#> SELECT * { ex:a foo:b "c:d" . ?s <http://e/x> bar:c }', {"tjp": ""})
    ['bar', 'foo']
    """
    bare = _IGNORED.sub(" ", text)
    declared = {m[1] or "" for m in _DECLARED.finditer(bare)}
    used = {m[1] or "" for m in _PREFIXED.finditer(_DECLARED.sub(" ", bare))}
    return sorted(used - declared - set(known))


def syntax_message(message: str) -> str:
    """Oxigraph's message, the position in words and the list of what it expected without character classes.

    >>> syntax_message("error at 1:28: expected one of \\",\\", \\".\\", ['%'], ['0' ..= '9']")
    'at line 1, column 28: expected one of ",", "."'
    """
    where = re.match(r"error at (\d+):(\d+): (.*)", message, flags=re.S)
    if not where:
        return message
    expected = " ".join(where[3].split())
    if expected.startswith("expected one of "):
        items = _EXPECTED.findall(expected[len("expected one of ") :])
        kept = [i.strip() for i in items if not i.startswith("[")]
        expected = "expected one of " + ", ".join(kept) if kept else "unexpected text"
    expected = expected if len(expected) <= 160 else expected[:159] + "…"
    return f"at line {where[1]}, column {where[2]}: {expected}"
