"""Oxigraph's terms as plain values (:func:`plain_term`, :func:`typed`), as table cells (:func:`shown`:
prefixed IRIs, language tags) and as the SPARQL JSON results format (:func:`term_json`).

>>> typed("42", "http://www.w3.org/2001/XMLSchema#integer")
42
"""

from __future__ import annotations

import re

from kg.query.catalogue import plain

__all__ = ["plain_term", "shown", "typed", "term_json"]

_XSD = "http://www.w3.org/2001/XMLSchema#"
_INTEGERS = {
    _XSD + t
    for t in (
        "integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger",
        "negativeInteger", "nonPositiveInteger", "unsignedInt", "unsignedLong", "unsignedShort", "unsignedByte",
    )
}  # fmt: skip
_FLOATS = {_XSD + "decimal", _XSD + "double", _XSD + "float"}


def shown(term):
    """A term as a table cell: an IRI with a known prefix, a literal with its language."""
    import pyoxigraph

    from kg.vocab.terms import PREFIXES

    if isinstance(term, pyoxigraph.NamedNode):
        for prefix, namespace in PREFIXES.items():
            local = term.value[len(namespace) :]
            if term.value.startswith(namespace) and re.fullmatch(r"[\w.-]*", local) and not local.endswith("."):
                return f"{prefix}:{local}"
        return f"<{term.value}>"
    if isinstance(term, pyoxigraph.Literal) and term.language:
        return f"{term.value}@{term.language}"
    return plain_term(term)


def plain_term(term):
    import pyoxigraph

    if term is None:
        return None
    if isinstance(term, pyoxigraph.NamedNode):
        return term.value
    if isinstance(term, pyoxigraph.BlankNode):
        return "_:" + term.value
    if isinstance(term, pyoxigraph.Literal):
        return typed(term.value, term.datatype.value)
    return str(term)


def typed(value: str, datatype: str):
    """A literal's value as plain data: integers, decimals and booleans typed, the rest as text.

    >>> typed("42", "http://www.w3.org/2001/XMLSchema#integer"), typed("true", "http://www.w3.org/2001/XMLSchema#boolean")
    (42, True)
    """
    try:
        if datatype in _INTEGERS:
            return int(value)
        if datatype in _FLOATS:
            return plain(float(value))
    except ValueError:
        return value
    if datatype == _XSD + "boolean":
        return value in ("true", "1")
    return value


def term_json(term) -> dict:
    import pyoxigraph

    if isinstance(term, pyoxigraph.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, pyoxigraph.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, pyoxigraph.Literal):
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != _XSD + "string":
            out["datatype"] = term.datatype.value
        return out
    return {"type": "triple", "value": str(term)}
