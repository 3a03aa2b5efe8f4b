"""The query library: a catalogue of analyst questions, each a SPARQL and a Cypher file.

SPARQL runs on the embedded engine (:mod:`kg.query.sparql`), Cypher on a Bolt
server (:mod:`loaders.bolt.connect`); both give plain rows (:func:`plain`), so
their answers can be compared.

>>> q = catalogue()["relies-on"]
>>> q.params[0].name, q.params[0].default
('target', '国家超级计算天津中心')
>>> bind(q, {"target": "超算天津中心"})
{'target': '超算天津中心'}
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from kg.errors import QueryError
from kg.resources import resource

__all__ = [
    "Param",
    "Query",
    "catalogue",
    "bind",
    "resolve",
    "prepare",
    "plain",
    "listing",
    "get",
    "ENGINES",
]

ENGINES = {"sparql": ".rq", "cypher": ".cypher"}


@dataclass(frozen=True)
class Param:
    """A query parameter. An ``entity`` parameter is given as an id, name or alias and
    reaches the query as the entity's id; a ``text`` parameter reaches it as given.
    ``narrows`` names the variable an index may narrow down by the parameter's value
    (see :func:`prepare`)."""

    name: str
    default: str
    description: str
    kind: str = "entity"
    narrows: str = ""
    one_of: tuple[str, ...] = ()  # the entity ids it may name (none: any)


@dataclass(frozen=True)
class Query:
    """A question of the catalogue; ``listing`` when it lists every item of a sort (its answer
    grows with the graph, where the others look up what concerns given entities)."""

    id: str
    title_zh: str
    title_en: str
    description: str
    params: tuple[Param, ...] = ()
    listing: bool = False

    def text(self, engine: str) -> str:
        """The query text for ``sparql`` or ``cypher``."""
        return resource("queries", self.id + ENGINES[engine]).read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def catalogue() -> dict[str, Query]:
    """Every query of ``queries/catalogue.toml``, by id."""
    data = tomllib.loads(resource("queries", "catalogue.toml").read_text(encoding="utf-8"))
    queries = {}
    for query_id, entry in data.items():
        params = tuple(
            Param(
                name,
                str(spec["default"]),
                spec.get("description", ""),
                spec.get("kind", "entity"),
                spec.get("narrows", ""),
                tuple(spec.get("one_of", ())),
            )
            for name, spec in entry.get("params", {}).items()
        )
        queries[query_id] = Query(
            query_id, entry["title_zh"], entry["title_en"], entry["description"], params, entry.get("listing", False)
        )
    return queries


def listing() -> list[dict]:
    """One row per query: id, titles, parameters with their defaults, and what it answers.

    >>> listing()[0]["id"] == sorted(catalogue())[0] or bool(listing())
    True
    """
    return [
        {
            "id": q.id,
            "title_zh": q.title_zh,
            "title_en": q.title_en,
            "params": "; ".join(f"{p.name}={p.default}" for p in q.params),
            "description": q.description,
        }
        for q in catalogue().values()
    ]


def get(query_id: str) -> Query:
    """The query ``query_id``; an unknown id is an error naming the closest ones."""
    try:
        return catalogue()[query_id]
    except KeyError:
        import difflib

        close = difflib.get_close_matches(query_id, catalogue(), n=3)
        hint = f"did you mean {' or '.join(repr(c) for c in close)}?" if close else "the catalogue lists them"
        raise QueryError(f"no query named '{query_id}'", hint=hint) from None


def bind(query: Query, given: dict[str, str]) -> dict[str, str]:
    """The query's parameters: the given values over the defaults; unknown names are refused."""
    known = {p.name: p.default for p in query.params}
    unknown = sorted(set(given) - set(known))
    if unknown:
        hint = f"its parameters: {', '.join(known)}" if known else "it takes no parameters"
        raise QueryError(f"{query.id}: unknown parameter {', '.join(unknown)}", hint=hint)
    return {**known, **given}


def resolve(query: Query, given: dict[str, str], lookup) -> dict[str, str]:
    """The parameters to send: defaults filled in, entity names turned into ids.

    ``lookup(value)`` returns the ``(id, name_zh)`` of every entity with that id, name or alias.
    An unknown or ambiguous name is an error that says what to give instead.
    """
    values = bind(query, given)
    for param in query.params:
        if param.kind != "entity":
            continue
        value = values[param.name]
        matches = sorted(set(lookup(value)))
        for spelling in () if matches else spellings(value):
            matches = sorted(set(lookup(spelling)))
            if matches:
                break
        if not matches:
            raise QueryError(
                f"{query.id}: no entity has the id, name or alias '{value}' (parameter {param.name})",
                hint=f"find it with: kg query search --param text={_fold(value)}",
            )
        if len(matches) > 1:
            listed = ", ".join(f"{i} ({n})" for i, n in matches)
            raise QueryError(
                f"{query.id}: '{value}' names {len(matches)} entities: {listed}", hint="give the id of the one you mean"
            )
        if param.one_of and matches[0][0] not in param.one_of:
            raise QueryError(
                f"{query.id}: {param.name} '{value}' is {matches[0][1]} ({matches[0][0]}), "
                f"not one of {', '.join(param.one_of)}",
                hint=param.description,
            )
        values[param.name] = matches[0][0]
    return values


def spellings(value: str) -> list[str]:
    """Other spellings of a name to look up when it is not found as typed: full-width forms, stray
    and doubled spaces folded (NFKC), then in lower, upper and title case.

    >>> spellings(" ｎｓｃｃ-tj ")
    ['nscc-tj', 'NSCC-TJ', 'Nscc-Tj']
    """
    folded = _fold(value)
    found = dict.fromkeys([folded, folded.lower(), folded.upper(), folded.title()])
    return [s for s in found if s and s != value]


def _fold(value: str) -> str:
    import unicodedata

    return " ".join(unicodedata.normalize("NFKC", value).split())


def prepare(query: Query, language: str, given: dict[str, str], lookup, narrow=None) -> tuple[str, dict[str, str]]:
    """The query's text in ``language`` and the parameters to send with it (:func:`resolve`).

    A parameter that ``narrows`` a variable (``search``: ``?e``, the entities a
    text names) may be answered through an index: ``narrow(value)`` gives the
    IRIs of the entities the variable can be, or None when they are too many to
    list, and the query's ``VALUES ?e { UNDEF }`` line, which leaves ``?e``
    free, is given those IRIs instead. Elsewhere (a SPARQL endpoint, Cypher) the
    query runs as written, with the same answer.

    >>> text, values = prepare(catalogue()["search"], "sparql", {"text": "x"}, None, lambda v: ["urn:a"])
    >>> "VALUES ?e { <urn:a> }" in text, values
    (True, {'text': 'x'})
    """
    values = resolve(query, given, lookup)
    text = query.text(language)
    if narrow is not None and language == "sparql":
        for param in query.params:
            if not param.narrows:
                continue
            iris = narrow(values[param.name])
            if iris is None:
                continue
            marker = re.search(r"VALUES\s+\?" + re.escape(param.narrows) + r"\s*\{\s*UNDEF\s*\}", text)
            if marker is None:
                raise QueryError(f"{query.id}: no 'VALUES ?{param.narrows} {{ UNDEF }}' line to narrow")
            listed = " ".join(f"<{iri}>" for iri in iris)
            text = f"{text[: marker.start()]}VALUES ?{param.narrows} {{ {listed} }}{text[marker.end() :]}"
    return text, values


# Results --------------------------------------------------------------------


def plain(value):
    """A value as plain Python, the same from either engine: numbers rounded to 9 decimals.

    >>> plain(Decimal("0.1")), plain(0.09999999999999964), plain(7420)
    (0.1, 0.1, 7420)
    """
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, Decimal):
        value = float(value)
    if isinstance(value, float):
        return round(value, 9) + 0.0
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (int, str)):
        return value
    return _graph_value(value)


def _graph_value(value):
    """A node, relationship or path of the Bolt driver as Neo4j's Query API writes them in JSON
    (``elementId``, ``labels`` sorted, ``properties``; ``type``, ``startNodeElementId``,
    ``endNodeElementId``; a path's ``nodes`` and ``relationships``); anything else (dates,
    points) as its text."""
    if hasattr(value, "nodes") and hasattr(value, "relationships"):
        return {"nodes": [plain(n) for n in value.nodes], "relationships": [plain(r) for r in value.relationships]}
    if hasattr(value, "element_id") and hasattr(value, "items"):
        properties = {k: plain(v) for k, v in sorted(value.items())}
        if hasattr(value, "labels"):
            return {"elementId": value.element_id, "labels": sorted(value.labels), "properties": properties}
        return {
            "elementId": value.element_id,
            "type": value.type,
            "startNodeElementId": value.start_node.element_id if value.start_node is not None else None,
            "endNodeElementId": value.end_node.element_id if value.end_node is not None else None,
            "properties": properties,
        }
    return str(value)
