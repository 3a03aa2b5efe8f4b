"""SPARQL on the embedded graph, read-only, with Oxigraph as the engine.

rdflib's own SPARQL engine evaluates joins naively (a name filter after a
cross product), so queries run on an Oxigraph store: in memory, loaded with
the triples of :func:`kg.rdf.build.triples` (:meth:`SparqlEngine.from_model`) or of
an rdflib graph, or on disk as 'kg build --store' wrote it (:meth:`SparqlEngine.open`). Updates, ``SERVICE`` and ``FROM``
(which could fetch remote data) are refused before anything runs.

Parameters are bound as SEP-0007 substitutions, which Oxigraph applies to
variables of the projection: a parameter variable is therefore projected by
the query and dropped from the answer.

>>> from rdflib import Graph, Literal, URIRef
>>> engine = SparqlEngine(Graph().add((URIRef("urn:a"), URIRef("urn:p"), Literal("x"))))
>>> engine.select("SELECT ?s ?v WHERE { ?s ?p ?o FILTER(STR(?o) = ?v) }", {"v": "x"})
(['s'], [{'s': 'urn:a'}])
"""

from __future__ import annotations

import bisect
import io
import itertools
import json
import shutil
from pathlib import Path

from kg.errors import QueryError
from kg.query.readonly import check_read_only_sparql
from kg.query.sparql_terms import plain_term, shown, term_json
from kg.query.sparql_text import in_query_order, syntax_message, undeclared_prefixes

__all__ = ["SparqlEngine", "check_read_only_sparql", "write_store", "check_store_target", "STORE_MARK"]

#: The file that marks a folder as a finished store (written last).
STORE_MARK = "kg-store.txt"
#: :meth:`SparqlEngine.names_containing` lists at most this many resources (else the query scans).
NARROW_MOST = 200

_RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
_ALT_LABEL = "http://www.w3.org/2004/02/skos/core#altLabel"
_IDENTIFIER = "http://purl.org/dc/terms/identifier"


class SparqlEngine:
    """An Oxigraph store holding the triples of an rdflib graph (or of N-Triples bytes):
    in memory, or on disk (:meth:`open`) for graphs too big to load for every question.
    An :class:`kg.query.engine.Engine`."""

    language = "sparql"
    #: Seconds a query may run (and, with it, :data:`kg.query.limits.DEFAULT_MEMORY` of memory), or
    #: None for no limit; set it on an engine, e.g. ``engine.timeout = 60`` (``kg`` does, see ``--timeout``).
    timeout: float | None = None

    def __init__(self, graph, *, store=None):
        import pyoxigraph

        self._names = None  # the name index of names_containing, made when first needed
        if store is not None:
            self.store = store
            return
        data = graph if isinstance(graph, (bytes, io.IOBase)) else graph.serialize(format="nt", encoding="utf-8")
        self.store = pyoxigraph.Store()
        self.store.bulk_load(data, format=pyoxigraph.RdfFormat.N_TRIPLES)

    @classmethod
    def from_model(cls, model) -> SparqlEngine:
        """The engine over the graph of checked entities and links, loaded as the lines are made
        (no rdflib graph is built, and the text of the graph is never held whole)."""
        from kg.rdf.build import triples

        return cls(io.BufferedReader(_LineReader(triples(model))))

    @classmethod
    def open(cls, path: str | Path) -> SparqlEngine:
        """The engine over an on-disk store that :func:`write_store` made, opened read-only."""
        import pyoxigraph

        if not (Path(path) / STORE_MARK).is_file():
            raise QueryError(
                f"{path} is not a store written by 'kg build --store'",
                hint=f"write one with 'kg build --store {path}'",
            )
        try:
            return cls(None, store=pyoxigraph.Store.read_only(str(path)))
        except OSError as exc:
            raise QueryError(f"the store {path} cannot be opened: {exc}") from None

    def raw(
        self,
        text: str,
        *,
        name: str = "query",
        base_iri: str | None = None,
        default_graph: list[str] | None = None,
        named_graphs: list[str] | None = None,
    ):
        """Oxigraph's own answer to a read-only query (to serialise it), its relative IRIs resolved
        against ``base_iri``, over the dataset the SPARQL protocol names (graph IRIs of this store;
        none is fetched). Without a time limit."""
        import pyoxigraph

        dataset = {"base_iri": base_iri} if base_iri else {}
        try:
            if default_graph:
                dataset["default_graph"] = [pyoxigraph.NamedNode(iri) for iri in default_graph]
            if named_graphs:
                dataset["named_graphs"] = [pyoxigraph.NamedNode(iri) for iri in named_graphs]
        except ValueError as exc:
            raise QueryError(f"{name}: a graph IRI is not valid: {exc}") from None
        return self._run(text, None, name, **dataset)

    def update(self, text: str, *, name: str = "update") -> None:
        """Apply a SPARQL update to the graph (in memory: an on-disk store is opened read-only);
        ``LOAD`` and ``SERVICE`` are refused (nothing is fetched)."""
        from kg.query.readonly import check_local_update
        from kg.vocab.terms import PREFIXES

        check_local_update(text, name)
        try:
            self.store.update(text, prefixes=PREFIXES)
        except SyntaxError as exc:
            raise QueryError(f"{name}: SPARQL syntax error {syntax_message(str(exc))}") from None
        except (OSError, ValueError, RuntimeError) as exc:
            raise QueryError(f"{name}: {exc}") from None

    def _run(self, text: str, bindings: dict[str, str] | None, name: str, **dataset):
        import pyoxigraph

        from kg.vocab.terms import PREFIXES  # tjp:, tj:, rdfs:, skos: … need no PREFIX line

        check_read_only_sparql(text, name)
        substitutions = {pyoxigraph.Variable(k): pyoxigraph.Literal(str(v)) for k, v in (bindings or {}).items()}
        try:
            return self.store.query(text, substitutions=substitutions or None, prefixes=PREFIXES, **dataset)
        except SyntaxError as exc:
            missing = undeclared_prefixes(text, PREFIXES)
            if missing:
                raise QueryError(
                    f"{name}: the prefix {', '.join(p + ':' for p in missing)} is not declared",
                    hint=f"declare it (PREFIX {missing[0]}: <…>) or use one the engine knows: "
                    + ", ".join(p + ":" for p in PREFIXES),
                ) from None
            raise QueryError(f"{name}: SPARQL syntax error {syntax_message(str(exc))}") from None
        except (RuntimeError, OSError, ValueError) as exc:
            raise QueryError(f"{name}: {exc}") from None

    def select(
        self, text: str, bindings: dict[str, str] | None = None, *, name: str = "query"
    ) -> tuple[list[str], list[dict]]:
        """Columns and plain rows; ASK gives ``[{"ask": bool}]``, CONSTRUCT subject/predicate/object rows.
        Within :attr:`timeout`, when it is set."""
        return self._limited(self._select, text, bindings, name)

    def _limited(self, method, text: str, bindings: dict[str, str] | None, name: str):
        if self.timeout is None:
            return method(text, bindings, name)
        from kg.query.limits import bounded

        return bounded(lambda: method(text, bindings, name), timeout=self.timeout, what=f"{name}: the query")

    def display(self, text: str, *, name: str = "query") -> tuple[list[str], list[dict]]:
        """Columns and rows as a table shows them: IRIs with the known prefixes (``tj:tianjin``),
        literals with their language (``天津@zh``). Within :attr:`timeout`, when set."""
        return self._limited(lambda t, b, n: self._select(t, b, n, shown), text, None, name)

    def _select(self, text: str, bindings: dict[str, str] | None, name: str, term=None) -> tuple[list[str], list[dict]]:
        import pyoxigraph

        cell = term or plain_term
        result = self._run(text, bindings, name)
        if isinstance(result, pyoxigraph.QueryBoolean):
            return ["ask"], [{"ask": bool(result)}]
        if isinstance(result, pyoxigraph.QueryTriples):
            rows = [
                {"subject": cell(t.subject), "predicate": cell(t.predicate), "object": cell(t.object)} for t in result
            ]
            return ["subject", "predicate", "object"], rows
        columns = in_query_order(text, [v.value for v in result.variables if v.value not in (bindings or {})])
        return columns, [{c: cell(solution[c]) for c in columns} for solution in result]

    def graph_text(self, text: str, media_type: str, *, name: str = "query") -> str:
        """A ``CONSTRUCT`` or ``DESCRIBE`` answer as RDF text (``text/turtle``, ``application/n-triples``,
        ``application/ld+json``), within :attr:`timeout`, when set."""
        return self._limited(lambda t, b, n: self._graph_text(t, media_type, n), text, None, name)

    def _graph_text(self, text: str, media_type: str, name: str) -> str:
        import pyoxigraph

        result = self._run(text, None, name)
        if not isinstance(result, pyoxigraph.QueryTriples):
            raise QueryError(
                f"{name}: only CONSTRUCT and DESCRIBE give a graph", hint="use --format table, csv or json"
            )
        return result.serialize(format=pyoxigraph.RdfFormat.from_media_type(media_type)).decode("utf-8")

    def lookup(self, value: str) -> list[tuple[str, str]]:
        """Entities with this exact id, name or alias, as ``(id, name_zh)``.

        Found through the store's indexes (a SPARQL filter on every label
        would scan them all: Oxigraph plans a bound parameter as unknown).
        """
        import pyoxigraph

        label, alt, identifier = (pyoxigraph.NamedNode(iri) for iri in (_RDFS_LABEL, _ALT_LABEL, _IDENTIFIER))
        forms = [
            (label, pyoxigraph.Literal(value, language="zh")),
            (label, pyoxigraph.Literal(value, language="en")),
            (alt, pyoxigraph.Literal(value, language="zh")),
            (alt, pyoxigraph.Literal(value, language="en")),
            (identifier, pyoxigraph.Literal(value)),
        ]
        found = set()
        for predicate, literal in forms:
            for quad in self.store.quads_for_pattern(None, predicate, literal):
                ids = [q.object.value for q in self.store.quads_for_pattern(quad.subject, identifier, None)]
                names = [
                    q.object.value
                    for q in self.store.quads_for_pattern(quad.subject, label, None)
                    if q.object.language == "zh"
                ]
                found.update((i, n) for i in ids for n in names)
        return sorted(found)

    def names_containing(self, text: str, *, most: int = NARROW_MOST) -> list[str] | None:
        """The IRIs of the resources one of whose ids, labels or alternative labels contains
        ``text``, ignoring case; None if there are more than ``most`` (then a scan is as quick).

        For :func:`kg.query.catalogue.prepare`: Oxigraph has no text index, and a ``CONTAINS``
        filter reads every name (a third of a second at a million triples). This index
        is one string of every name, searched in C; it may find a few resources the
        query then rejects (case folding is looser than ``LCASE``), never fewer.
        """
        if "\x00" in text:
            return None
        if self._names is None:
            self._names = self._name_index()
        joined, starts, owners = self._names
        needle, found, at = text.casefold(), set(), 0
        while (at := joined.find(needle, at)) >= 0:
            found.add(owners[bisect.bisect_right(starts, at) - 1])
            if len(found) > most:
                return None
            at += 1
        return sorted(found)

    def _name_index(self) -> tuple[str, list[int], list[str]]:
        """Every id, label and alternative label, case-folded, joined by NUL, with where each starts and whose it is."""
        import pyoxigraph

        names, owners = [], []
        for iri in (_RDFS_LABEL, _ALT_LABEL, _IDENTIFIER):
            for quad in self.store.quads_for_pattern(None, pyoxigraph.NamedNode(iri), None):
                if isinstance(quad.subject, pyoxigraph.NamedNode) and isinstance(quad.object, pyoxigraph.Literal):
                    names.append(quad.object.value.casefold())
                    owners.append(quad.subject.value)
        starts = list(itertools.accumulate((len(n) + 1 for n in names), initial=0))[:-1]
        return "\x00".join(names), starts, owners

    def results_json(self, text: str, bindings: dict[str, str] | None = None, *, name: str = "query") -> str:
        """The answer in the SPARQL 1.1 Query Results JSON Format (within :attr:`timeout`, when set)."""
        return self._limited(self._results_json, text, bindings, name)

    def _results_json(self, text: str, bindings: dict[str, str] | None, name: str) -> str:
        import pyoxigraph

        result = self._run(text, bindings, name)
        if isinstance(result, pyoxigraph.QueryBoolean):
            return json.dumps({"head": {}, "boolean": bool(result)})
        if isinstance(result, pyoxigraph.QueryTriples):
            raise QueryError(
                f"{name}: CONSTRUCT and DESCRIBE give triples, not a results table", hint="use --format table or csv"
            )
        columns = [v.value for v in result.variables if v.value not in (bindings or {})]
        rows = []
        for solution in result:
            rows.append({c: term_json(solution[c]) for c in columns if solution[c] is not None})
        return json.dumps({"head": {"vars": columns}, "results": {"bindings": rows}}, ensure_ascii=False, indent=2)


def check_store_target(path: str | Path) -> Path:
    """``path`` if a store may be written there: it does not exist, or holds a store to replace."""
    path = Path(path)
    if path.exists() and not (path / STORE_MARK).is_file():
        raise QueryError(
            f"{path} exists and is not a store written by 'kg build --store'", hint="choose another folder"
        )
    return path


def write_store(ntriples: str | Path, path: str | Path) -> Path:
    """Bulk-load an N-Triples file into an on-disk Oxigraph store at ``path``, replacing any
    store there only once the new one is complete; return the path."""
    import pyoxigraph

    path = check_store_target(path)
    temp = path.with_name(f".{path.name}.tmp")
    shutil.rmtree(temp, ignore_errors=True)
    try:
        store = pyoxigraph.Store(str(temp))
        store.bulk_load(path=str(ntriples), format=pyoxigraph.RdfFormat.N_TRIPLES)
        store.optimize()
        count = len(store)
        del store
        (temp / STORE_MARK).write_text(f"{count} triples from {Path(ntriples).name}\n", encoding="utf-8")
        old = path.with_name(f".{path.name}.old")
        if path.exists():
            path.rename(old)
        temp.rename(path)
        shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(temp, ignore_errors=True)
    return path


class _LineReader(io.RawIOBase):
    """A binary stream over text lines, read in chunks of lines."""

    def __init__(self, lines):
        self._lines = iter(lines)
        self._pending = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        while len(self._pending) < len(buffer):
            chunk = "".join(itertools.islice(self._lines, 2000))
            if not chunk:
                break
            self._pending += chunk.encode("utf-8")
        size = min(len(buffer), len(self._pending))
        buffer[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        return size
