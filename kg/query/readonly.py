"""The read-only checks of ad-hoc queries, one per language: updates, writes and fetches are refused
before a query reaches an engine, with the position of the word that was refused.

>>> check_read_only_sparql("SELECT * WHERE { ?s ?p ?o }")
'SELECT * WHERE { ?s ?p ?o }'
"""

from __future__ import annotations

import re

from kg.errors import QueryError

__all__ = ["check_read_only_cypher", "check_read_only_sparql", "check_local_update"]

# SPARQL ---------------------------------------------------------------------

_UPDATES = {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"}
_TOKENS = re.compile(
    r'(?P<skip>"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''
    r'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^<>"{}|^`\\\x00-\x20]*>|#[^\n]*)'
    r"|[?$][A-Za-z0-9_]+|[A-Za-z_][A-Za-z0-9_.-]*:[A-Za-z0-9_.-]*"  # variables and prefixed names
    r"|(?P<word>[A-Za-z_][A-Za-z0-9_]*)",
    re.S,
)


def _sparql_words(text: str):
    """Each keyword of a SPARQL text (not in a string, IRI, comment, variable or prefixed name),
    upper-cased, with its line and column."""
    for match in _TOKENS.finditer(text):
        word = match.group("word")
        if word:
            line = text.count("\n", 0, match.start()) + 1
            column = match.start() - (text.rfind("\n", 0, match.start()) + 1) + 1
            yield word.upper(), line, column


def check_read_only_sparql(text: str, name: str = "query") -> str:
    """Refuse updates, ``SERVICE`` and ``FROM``/``FROM NAMED``; return the text.

    >>> check_read_only_sparql('SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }')
    Traceback (most recent call last):
    ...
    kg.errors.QueryError: query: SERVICE at line 1, column 18 is refused (queries run on the local graph only; nothing is fetched)
    """
    first = True
    for upper, line, column in _sparql_words(text):
        if first and upper not in ("PREFIX", "BASE"):
            first = False
            if upper in _UPDATES:
                raise QueryError(
                    f"{name}: SPARQL updates are refused",
                    hint="the graph is read-only; use SELECT, ASK, CONSTRUCT or DESCRIBE",
                )
        if upper in ("SERVICE", "FROM"):
            raise QueryError(
                f"{name}: {upper} at line {line}, column {column} is refused",
                hint="queries run on the local graph only; nothing is fetched",
            )
    return text


def check_local_update(text: str, name: str = "update") -> str:
    """Refuse the parts of a SPARQL update that would fetch (``LOAD``, ``SERVICE``); return the text.

    >>> check_local_update("LOAD <http://example.org/data.ttl>")
    Traceback (most recent call last):
    ...
    kg.errors.QueryError: update: LOAD at line 1, column 1 is refused (updates change the local graph only; nothing is fetched)
    """
    for upper, line, column in _sparql_words(text):
        if upper in ("LOAD", "SERVICE"):
            raise QueryError(
                f"{name}: {upper} at line {line}, column {column} is refused",
                hint="updates change the local graph only; nothing is fetched",
            )
    return text


# Cypher ---------------------------------------------------------------------

_WRITE_CLAUSES = (
    "CREATE",
    "MERGE",
    "DELETE",
    "DETACH",
    "SET",
    "REMOVE",
    "DROP",
    "FOREACH",
    "LOAD",
    "ALTER",
    "GRANT",
    "DENY",
    "REVOKE",
)
_CYPHER_TOKENS = re.compile(
    r"""(?P<skip>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|`[^`]*`|//[^\n]*|/\*.*?\*/)"""
    r"""|\.\s*[A-Za-z_][A-Za-z0-9_]*|\$[A-Za-z0-9_]+"""  # property keys and parameters
    r"""|(?P<word>[A-Za-z_][A-Za-z0-9_]*)""",
    re.S,
)


def check_read_only_cypher(text: str, name: str = "query") -> str:
    """Refuse Cypher that writes or loads (CREATE, MERGE, SET, DELETE, LOAD CSV …).

    >>> check_read_only_cypher("MATCH (n) WHERE n.set = 'CREATE' RETURN n")
    "MATCH (n) WHERE n.set = 'CREATE' RETURN n"
    >>> check_read_only_cypher("MATCH (n) DETACH DELETE n")
    Traceback (most recent call last):
    ...
    kg.errors.QueryError: query: DETACH at line 1, column 11 writes to the database; ad-hoc Cypher is read-only
    """
    for match in _CYPHER_TOKENS.finditer(text):
        word = match.group("word")
        if word and word.upper() in _WRITE_CLAUSES:
            line = text.count("\n", 0, match.start()) + 1
            column = match.start() - (text.rfind("\n", 0, match.start()) + 1) + 1
            raise QueryError(
                f"{name}: {word.upper()} at line {line}, column {column} writes to the database; ad-hoc Cypher is read-only"
            )
    return text
