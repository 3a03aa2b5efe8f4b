"""Check RDF text before rdflib parses it: how many terms, how deep the nesting, and nothing to fetch.

rdflib's Turtle parser takes minutes and gigabytes over a long collection, and
recurses once per level of ``[ ]`` and ``( )``; its JSON-LD parser fetches any
context named by a URL (a ``@context`` string, an ``@import``), ``file:`` ones
included. So the text is scanned first: at most :data:`MAX_TERMS` terms (IRIs,
names, literals), nesting at most :data:`MAX_NESTING` deep, and JSON-LD whose
contexts are all inline.

>>> turtle_problem('@prefix : <urn:x#> . :a :p ( "(" ) .')
>>> turtle_problem(":a :p " + "[ :p " * 40 + "1" + " ]" * 40 + " .")
(1, 'the brackets are nested deeper than 32 levels')
>>> jsonld_problem({"@context": {"@import": "http://127.0.0.1/c.jsonld"}})
'the JSON-LD imports a context (http://127.0.0.1/c.jsonld); nothing is fetched'
"""

from __future__ import annotations

import re

__all__ = ["MAX_TERMS", "MAX_NESTING", "turtle_problem", "jsonld_problem"]

#: The most terms (IRIs, names, literals, JSON values) an RDF input may hold: several times the whole plan.
MAX_TERMS = 60_000
#: The deepest nesting of Turtle's ``[ ]`` and ``( )``.
MAX_NESTING = 32

_TURTLE_TOKENS = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n]|\\.)*"'
    r"|'(?:[^'\\\n]|\\.)*'"
    r"|<[^<>\s]*>"
    r"|#[^\n]*"
    r"|[\[\]()]"
    r"|[^\s\[\]()<>\"'#,;.]+(?:\.[^\s\[\]()<>\"'#,;.]+)*"
)


def turtle_problem(text: str) -> tuple[int, str] | None:
    """The line and message of the first excess in Turtle or N-Triples text, or None."""
    depth = terms = 0
    for match in _TURTLE_TOKENS.finditer(text):
        token = match.group()
        if token in ("[", "("):
            depth += 1
            if depth > MAX_NESTING:
                return text.count(
                    "\n", 0, match.start()
                ) + 1, f"the brackets are nested deeper than {MAX_NESTING} levels"
        elif token in ("]", ")"):
            depth -= 1
        elif token[0] != "#":
            terms += 1
            if terms > MAX_TERMS:
                return text.count("\n", 0, match.start()) + 1, f"the file holds more than {MAX_TERMS} terms"
    return None


def jsonld_problem(document) -> str | None:
    """What in a parsed JSON-LD document would be fetched, or is too much, or None."""
    terms = 0
    stack = [document]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "@import":
                    return f"the JSON-LD imports a context ({str(value)[:80]}); nothing is fetched"
                if key == "@context":
                    for context in value if isinstance(value, list) else [value]:
                        if isinstance(context, str):
                            return f"the JSON-LD names a remote @context ({context[:80]}); it is not fetched"
                stack.append(value)
        elif isinstance(node, list):
            stack.extend(node)
        else:
            terms += 1
            if terms > MAX_TERMS:
                return f"the JSON-LD holds more than {MAX_TERMS} values"
    return None
