"""The catalogue's SPARQL on any SPARQL 1.1 Protocol endpoint (GraphDB, Fuseki, Oxigraph, ``kg serve
--engine sparql``): ``kg query NAME --endpoint URL``.

An :class:`kg.query.engine.Engine` like the embedded one, with the same parameter
binding and the same answers: the embedded engine binds a parameter as a SEP-0007
substitution (the variable replaced by its value everywhere, and dropped from the
answer), which the protocol has no way to ask for; :func:`bind` does the same to
the query's text before it is sent (the variable dropped from every ``SELECT``,
``GROUP BY`` and ``ORDER BY`` list, its other occurrences replaced by the value as a literal).

>>> bind('SELECT DISTINCT ?entity ?target WHERE { ?t <urn:id> ?target . FILTER(?target != "?target") }', {"target": 'a"b'})
'SELECT DISTINCT ?entity  WHERE { ?t <urn:id> "a\\\\"b" . FILTER("a\\\\"b" != "?target") }'
"""

from __future__ import annotations

import base64
import json
import re
import urllib.error
import urllib.request
from urllib.parse import urlencode, urlsplit, urlunsplit

from kg.errors import QueryError
from kg.query.limits import DEFAULT_TIMEOUT

__all__ = ["RemoteEngine", "bind"]

_TOKENS = re.compile(
    r"""(?P<skip><[^<>\s]*>|\"\"\"[\s\S]*?\"\"\"|'''[\s\S]*?'''|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|\#[^\n]*)"""
    r"|(?P<zone>\bSELECT\b|\bGROUP\s+BY\b|\bORDER\s+BY\b)|(?P<end>\b(?:WHERE|HAVING|LIMIT|OFFSET|VALUES)\b|[{}])"
    r"|(?P<open>\()|(?P<close>\))|(?P<var>[?$][A-Za-z_][\w]*)",
    re.IGNORECASE,
)
_LOOKUP = """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT DISTINCT ?id ?name WHERE {
  VALUES ?v { @V @V@zh @V@en }
  ?e rdfs:label|skos:altLabel|dcterms:identifier ?v ; dcterms:identifier ?id ; rdfs:label ?name .
  FILTER(LANG(?name) = "zh")
}"""


def literal(value: str) -> str:
    """A SPARQL string literal."""
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return f'"{escaped}"'


def bind(text: str, bindings: dict[str, str] | None) -> str:
    """The query with each parameter's variable replaced by its value (a string literal) and dropped
    from the lists of variables (``SELECT``, ``GROUP BY``, ``ORDER BY``), as a SEP-0007 substitution binds it.

    >>> bind("SELECT ?g (COUNT(?x) AS ?n) ?p WHERE { ?x <urn:p> ?p } GROUP BY ?g ?p ORDER BY DESC(?p)", {"p": "v"})
    'SELECT ?g (COUNT(?x) AS ?n)  WHERE { ?x <urn:p> "v" } GROUP BY ?g  ORDER BY DESC("v")'
    """
    if not bindings:
        return text
    out, at, listing, depth = [], 0, False, 0
    for match in _TOKENS.finditer(text):
        if match["zone"]:  # a list of variables: SELECT, GROUP BY, ORDER BY
            listing, depth = True, 0
        elif match["end"]:
            listing = False
        elif match["open"] or match["close"]:
            depth += 1 if match["open"] else -1
        elif match["var"] and match["var"][1:] in bindings:
            out.append(text[at : match.start()])
            dropped = listing and depth == 0  # a constant is no column, and groups or orders nothing
            out.append("" if dropped else literal(str(bindings[match["var"][1:]])))
            at = match.end()
    out.append(text[at:])
    return "".join(out)


def _plain_term(term: dict):
    """A value of the SPARQL JSON results as the embedded engine gives it (numbers and booleans typed)."""
    from kg.query.sparql_terms import typed

    if term.get("type") == "bnode":
        return "_:" + term["value"]
    return typed(term["value"], term.get("datatype", ""))


class RemoteEngine:
    """A SPARQL endpoint at ``url`` (credentials in the URL are sent as HTTP basic auth, never shown).
    Queries go by ``POST`` of a form, answers come as SPARQL JSON; the client stops waiting after
    ``timeout`` seconds (the endpoint may go on: its own limit is its own)."""

    language = "sparql"

    def __init__(self, url: str, *, timeout: float | None = DEFAULT_TIMEOUT):
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise QueryError(
                f"{url!r} is not an http(s) URL of a SPARQL endpoint", hint="e.g. http://127.0.0.1:7878/sparql"
            )
        self._auth = None
        if parts.username is not None:
            pair = f"{parts.username}:{parts.password or ''}".encode()
            self._auth = "Basic " + base64.b64encode(pair).decode()
        netloc = parts.hostname + (f":{parts.port}" if parts.port else "")
        self.url = urlunsplit((parts.scheme, netloc, parts.path or "/", parts.query, ""))
        self.timeout = timeout

    def _post(self, text: str, name: str) -> dict:
        request = urllib.request.Request(
            self.url,
            data=urlencode({"query": text}).encode(),
            headers={
                "Accept": "application/sparql-results+json",
                "Content-Type": "application/x-www-form-urlencoded",
                **({"Authorization": self._auth} if self._auth else {}),
            },
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                media = response.headers.get_content_type()
                body = response.read()
        except urllib.error.HTTPError as exc:
            reason = exc.read(2000).decode("utf-8", "replace").strip().splitlines()
            said = f": {reason[0]}" if reason else ""
            raise QueryError(f"{name}: {self.url} answered {exc.code} {exc.reason}{said}") from None
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise QueryError(
                f"{name}: cannot reach the SPARQL endpoint {self.url} ({reason})",
                hint="check the URL, and that the endpoint runs (kg serve --engine sparql starts one)",
            ) from None
        if media not in ("application/sparql-results+json", "application/json"):
            raise QueryError(f"{name}: {self.url} answered {media}, not SPARQL JSON results")
        try:
            return json.loads(body)
        except ValueError:
            raise QueryError(f"{name}: {self.url} answered JSON that does not parse") from None

    def select(
        self, text: str, bindings: dict[str, str] | None = None, *, name: str = "query"
    ) -> tuple[list[str], list[dict]]:
        """Columns and plain rows, as the embedded engine gives them."""
        answer = self._post(bind(text, bindings), name)
        if "boolean" in answer:
            return ["ask"], [{"ask": bool(answer["boolean"])}]
        columns = answer.get("head", {}).get("vars", [])
        rows = [
            {c: _plain_term(b[c]) if c in b else None for c in columns}
            for b in answer.get("results", {}).get("bindings", [])
        ]
        return columns, rows

    def results_json(self, text: str, bindings: dict[str, str] | None = None, *, name: str = "query") -> str:
        """The answer in the SPARQL 1.1 Query Results JSON Format."""
        return json.dumps(self._post(bind(text, bindings), name), ensure_ascii=False, indent=2)

    def lookup(self, value: str) -> list[tuple[str, str]]:
        """Entities with this exact id, name or alias, as ``(id, name_zh)``."""
        rows = self.select(_LOOKUP.replace("@V", literal(value)), name="lookup")[1]
        return sorted({(r["id"], r["name"]) for r in rows})

    def names_containing(self, text: str) -> None:
        """None: the endpoint's query finds the entities a text names itself."""
        return None
