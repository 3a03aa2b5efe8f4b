"""A SPARQL 1.1 Protocol endpoint over the embedded engine: ``kg serve --engine sparql``.

Read-only unless asked (``update=True``: SPARQL Update by ``POST``, in memory), on loopback, at ``/sparql``:

- queries by ``GET ?query=…``, by ``POST`` of a form (``application/x-www-form-urlencoded``)
  or of the query itself (``application/sparql-query``, UTF-8), with the protocol's
  ``default-graph-uri`` / ``named-graph-uri`` (graphs of the store; nothing is fetched);
- results as the ``Accept`` header asks: SPARQL JSON (the default), XML, CSV or TSV for
  ``SELECT`` and ``ASK``; Turtle (the default), N-Triples, JSON-LD or RDF/XML for
  ``CONSTRUCT`` and ``DESCRIBE``; ``406`` when none of them is acceptable;
- errors as the protocol says: ``400`` for a malformed request or query (with the
  reason in plain text), ``403`` for an update, ``405`` for another method, ``415``
  for a body of another media type, ``503`` when a query runs past its time limit
  (or its memory limit): it is stopped and the server goes on;
- a service description (Turtle) for a ``GET`` without a query;
- CORS headers only for the origin given (``cors="https://yasgui.example"``, or ``"*"``).

Each query runs in a child process under :func:`kg.query.limits.bounded`, which
ends it at ``timeout`` seconds: Oxigraph's own server stops a query at its
timeout only until the first rows, and goes on streaming a huge answer after it.

>>> from kg.lists.checks import check
>>> from kg.query.sparql import SparqlEngine
>>> from loaders.csv_lists import read_workspace
>>> import json, urllib.request
>>> with Endpoint(SparqlEngine.from_model(check(read_workspace(None)))) as endpoint:
...     request = urllib.request.Request(endpoint.url + "?query=ASK%20%7B%7D", headers={"Accept": "application/sparql-results+json"})
...     with urllib.request.urlopen(request) as response:
...         response.headers["Content-Type"], json.load(response)["boolean"]
('application/sparql-results+json', True)
"""

from __future__ import annotations

import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from kg.errors import QueryError
from kg.query.limits import DEFAULT_TIMEOUT, bounded

__all__ = ["Endpoint", "negotiate", "RESULT_TYPES", "GRAPH_TYPES", "PATH"]

PATH = "/sparql"
#: Media types of ``SELECT`` and ``ASK`` answers, the first the default, with pyoxigraph's format names.
RESULT_TYPES = (
    ("application/sparql-results+json", "JSON"),
    ("application/sparql-results+xml", "XML"),
    ("text/csv", "CSV"),
    ("text/tab-separated-values", "TSV"),
    ("application/json", "JSON"),
    ("application/xml", "XML"),
)
#: Media types of ``CONSTRUCT`` and ``DESCRIBE`` answers, the first the default.
GRAPH_TYPES = (
    ("text/turtle", "TURTLE"),
    ("application/n-triples", "N_TRIPLES"),
    ("application/ld+json", "JSON_LD"),
    ("application/rdf+xml", "RDF_XML"),
)
_MOST_BYTES = 1 << 20  # a query (or form) of more than 1 MB is refused


def negotiate(accept: str | None, offered) -> tuple[str, str] | None:
    """The offered ``(media type, format)`` the ``Accept`` header prefers, or None if it accepts none.

    >>> negotiate("text/csv;q=0.5, application/sparql-results+xml", RESULT_TYPES)
    ('application/sparql-results+xml', 'XML')
    >>> negotiate(None, GRAPH_TYPES)
    ('text/turtle', 'TURTLE')
    >>> negotiate("image/png", RESULT_TYPES) is None
    True
    """
    if not accept or not accept.strip():
        return offered[0]
    best, best_rank = None, None
    for position, part in enumerate(accept.split(",")):
        media, *params = (p.strip() for p in part.split(";"))
        media = media.lower()
        quality = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if quality <= 0:
            continue
        for order, (offer, fmt) in enumerate(offered):
            kind = offer.split("/")[0]
            specific = 2 if media == offer else 1 if media == f"{kind}/*" else 0 if media == "*/*" else -1
            if specific < 0:
                continue
            rank = (quality, specific, -position, -order)
            if best_rank is None or rank > best_rank:
                best, best_rank = (offer, fmt), rank
    return best


def _service_description(url: str) -> bytes:
    formats = "\n".join(
        f"    sd:resultFormat <http://www.w3.org/ns/formats/{name}> ;"
        for name in ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV",
                     "Turtle", "N-Triples", "JSON-LD", "RDF_XML")
    )  # fmt: skip
    return (
        "@prefix sd: <http://www.w3.org/ns/sparql-service-description#> .\n\n"
        f"[] a sd:Service ;\n    sd:endpoint <{url}> ;\n    sd:supportedLanguage sd:SPARQL11Query ;\n"
        f"{formats}\n    sd:defaultDataset [ a sd:Dataset ; sd:defaultGraph [ a sd:Graph ] ] .\n"
    ).encode()


def _answer(engine, text: str, accept: str | None, dataset: dict) -> tuple[int, str, bytes]:
    """Run the query and serialise its answer as ``accept`` asks (in the child process)."""
    import pyoxigraph

    try:
        result = engine.raw(text, name="query", **dataset)
    except QueryError as exc:
        return 400, "text/plain; charset=utf-8", (exc.message + "\n").encode()
    if isinstance(result, pyoxigraph.QueryTriples):
        offered, formats = GRAPH_TYPES, pyoxigraph.RdfFormat
    else:
        offered, formats = RESULT_TYPES, pyoxigraph.QueryResultsFormat
    chosen = negotiate(accept, offered)
    if chosen is None:
        listed = ", ".join(media for media, _ in offered)
        return 406, "text/plain; charset=utf-8", f"this answer can be had as {listed}\n".encode()
    media, name = chosen
    body = result.serialize(format=getattr(formats, name))
    charset = "; charset=utf-8" if media.startswith("text/") else ""
    return 200, media + charset, body


class Endpoint:
    """The endpoint over ``engine`` (a :class:`kg.query.sparql.SparqlEngine`), serving in a thread
    once started (``with Endpoint(engine) as endpoint: … endpoint.url``) or in the caller's
    thread (:meth:`serve_forever`). ``port=0`` takes a free port."""

    def __init__(
        self,
        engine,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        timeout: float = DEFAULT_TIMEOUT,
        cors: str | None = None,
        concurrent: int = 2,
        update: bool = False,
    ):
        self.engine, self.timeout, self.cors, self.update = engine, timeout, cors, update
        self._slots = threading.BoundedSemaphore(concurrent)
        self._writing = threading.Lock()  # with updates on: one query or update at a time
        self._server = ThreadingHTTPServer((host, port), _handler(self))
        self._server.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}{PATH}"

    def serve_forever(self) -> None:
        self._server.serve_forever(poll_interval=0.2)

    def start(self) -> Endpoint:
        self._thread = threading.Thread(target=self.serve_forever, daemon=True, name="kg-sparql-endpoint")
        self._thread.start()
        return self

    def close(self) -> None:
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join()
        self._server.server_close()

    def __enter__(self) -> Endpoint:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.close()

    def apply(self, text: str) -> tuple[int, str, bytes]:
        """Status, content type and body of the answer to an update (``update=True`` only): run in this
        process, as it changes the graph the next queries see; ``LOAD`` and ``SERVICE`` are refused."""
        with self._writing:
            try:
                self.engine.update(text)
            except QueryError as exc:
                message = exc.message + (f" ({exc.hint})" if exc.hint else "")
                return 400, "text/plain; charset=utf-8", (message + "\n").encode()
        return 204, "text/plain; charset=utf-8", b""

    def answer(self, text: str, accept: str | None, dataset: dict) -> tuple[int, str, bytes]:
        """Status, content type and body of a query's answer, the query stopped at :attr:`timeout`."""
        if self.update:  # a query's process must not copy the graph half updated
            with self._writing:
                return self._answer(text, accept, dataset)
        return self._answer(text, accept, dataset)

    def _answer(self, text: str, accept: str | None, dataset: dict) -> tuple[int, str, bytes]:
        with self._slots:
            try:
                return bounded(
                    lambda: _answer(self.engine, text, accept, dataset), timeout=self.timeout, what="the query"
                )
            except QueryError as exc:  # past its time or memory limit: stopped
                message = exc.message + (f" ({exc.hint})" if exc.hint else "")
                return 503, "text/plain; charset=utf-8", (message + "\n").encode()


def _handler(endpoint: Endpoint):
    class Handler(BaseHTTPRequestHandler):
        server_version = "tj-sti-plan-kg"
        protocol_version = "HTTP/1.1"

        def log_message(self, format, *args):  # quiet: the CLI says where it serves
            pass

        # Replies ----------------------------------------------------------------

        def reply(self, status: int, content_type: str, body: bytes, headers: dict | None = None) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Vary", "Accept, Origin" if endpoint.cors else "Accept")
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            origin = self.headers.get("Origin")
            if endpoint.cors and origin and endpoint.cors in ("*", origin):
                self.send_header("Access-Control-Allow-Origin", "*" if endpoint.cors == "*" else origin)
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def error(self, status: HTTPStatus, message: str, headers: dict | None = None) -> None:
            self.reply(status, "text/plain; charset=utf-8", (message + "\n").encode(), headers)

        # Methods ----------------------------------------------------------------

        def do_GET(self):
            target = self.target()
            if target is None:
                return
            params = self.params(target.query)
            if params is None:
                return
            if not params:
                return self.reply(200, "text/turtle; charset=utf-8", _service_description(endpoint.url))
            self.query(params)

        do_HEAD = do_GET

        def do_POST(self):
            target = self.target()
            if target is None:
                return
            length = int(self.headers.get("Content-Length") or 0)
            if length > _MOST_BYTES:
                return self.error(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "a query of more than 1 MB is refused")
            body = self.rfile.read(length)
            params = self.params(target.query)
            if params is None:
                return
            media, *options = (p.strip().lower() for p in (self.headers.get("Content-Type") or "").split(";"))
            charset = next((o.split("=", 1)[1].strip('"') for o in options if o.startswith("charset=")), "utf-8")
            if media == "application/sparql-update":
                if not endpoint.update:
                    return self.error(HTTPStatus.FORBIDDEN, "this endpoint is read-only: updates are refused")
                if charset not in ("utf-8", "utf8"):
                    return self.error(HTTPStatus.BAD_REQUEST, f"the update must be UTF-8, not {charset}")
                try:
                    return self.reply(*endpoint.apply(body.decode("utf-8")))
                except UnicodeDecodeError:
                    return self.error(HTTPStatus.BAD_REQUEST, "the update is not valid UTF-8")
            if media == "application/x-www-form-urlencoded":
                form = self.params(body.decode("latin-1"))
                if form is None:
                    return
                for key, values in form.items():
                    params.setdefault(key, []).extend(values)
            elif media == "application/sparql-query":
                if charset not in ("utf-8", "utf8"):
                    return self.error(HTTPStatus.BAD_REQUEST, f"the query must be UTF-8, not {charset}")
                try:
                    text = body.decode("utf-8")
                except UnicodeDecodeError:
                    return self.error(HTTPStatus.BAD_REQUEST, "the query is not valid UTF-8")
                if "query" in params:
                    return self.error(HTTPStatus.BAD_REQUEST, "a query in the body and in the URL: send one")
                params["query"] = [text]
            else:
                return self.error(
                    HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
                    "send the query as application/x-www-form-urlencoded (query=…) or application/sparql-query",
                )
            self.query(params)

        def do_OPTIONS(self):
            headers = {"Allow": "GET, HEAD, POST, OPTIONS"}
            if endpoint.cors:
                headers |= {
                    "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
                    "Access-Control-Allow-Headers": "Content-Type, Accept",
                    "Access-Control-Max-Age": "600",
                }
            self.reply(204, "text/plain; charset=utf-8", b"", headers)

        def refuse(self):
            self.error(HTTPStatus.METHOD_NOT_ALLOWED, "use GET or POST", {"Allow": "GET, HEAD, POST, OPTIONS"})

        do_PUT = do_DELETE = do_PATCH = refuse

        # Parts ------------------------------------------------------------------

        def target(self):
            target = urlsplit(self.path)
            if target.path.rstrip("/") != PATH:
                self.error(HTTPStatus.NOT_FOUND, f"the SPARQL endpoint is at {PATH}")
                return None
            return target

        def params(self, text: str) -> dict | None:
            """The parameters of a query string or form, decoded as UTF-8 (a 400 if they are not)."""
            try:
                raw = text.encode("latin-1") if isinstance(text, str) else text
                return parse_qs(raw.decode("ascii"), keep_blank_values=True, strict_parsing=False, errors="strict")
            except (UnicodeError, ValueError):
                self.error(HTTPStatus.BAD_REQUEST, "the parameters are not URL-encoded UTF-8")
                return None

        def query(self, params: dict) -> None:
            if "update" in params:
                if not endpoint.update:
                    return self.error(HTTPStatus.FORBIDDEN, "this endpoint is read-only: updates are refused")
                if self.command != "POST" or "query" in params or len(params["update"]) != 1:
                    return self.error(HTTPStatus.BAD_REQUEST, "send one update, alone, by POST")
                return self.reply(*endpoint.apply(params["update"][0]))
            queries = params.get("query", [])
            if len(queries) != 1:
                found = "no query" if not queries else f"{len(queries)} queries"
                return self.error(HTTPStatus.BAD_REQUEST, f"{found} in the request: send exactly one")
            dataset = {"base_iri": endpoint.url}  # relative IRIs of a query: against the service's
            if params.get("default-graph-uri"):
                dataset["default_graph"] = params["default-graph-uri"]
            if params.get("named-graph-uri"):
                dataset["named_graphs"] = params["named-graph-uri"]
            status, content_type, body = endpoint.answer(queries[0], self.headers.get("Accept"), dataset)
            self.reply(status, content_type, body)

    return Handler
