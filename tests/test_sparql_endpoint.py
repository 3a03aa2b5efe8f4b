"""The SPARQL 1.1 Protocol endpoint (kg serve --engine sparql) and the catalogue on any endpoint
(kg query --endpoint): the W3C protocol cases that apply to a read-only endpoint, a real client
(SPARQLWrapper), time limits, CORS, and the same answers as the embedded engine."""

from __future__ import annotations

import http.client
import json
import os
import signal
import subprocess
import sys
import time
from urllib.parse import quote, urlsplit

import pytest

from kg.query.catalogue import catalogue
from kg.query.endpoint import Endpoint
from kg.query.engine import answer
from kg.query.remote import RemoteEngine
from kg.query.sparql import SparqlEngine

RESULTS = ("application/sparql-results+json", "application/sparql-results+xml")
TEXT = "text/plain; charset=utf-8"


@pytest.fixture(scope="module")
def engine(plan_model):
    return SparqlEngine.from_model(plan_model)


@pytest.fixture(scope="module")
def endpoint(engine):
    with Endpoint(engine, timeout=3) as running:
        yield running


def send(endpoint, method: str, target: str, body: bytes | None = None, headers: dict | None = None):
    """One request as written (http.client adds no header of its own but Host and Content-Length)."""
    parts = urlsplit(endpoint.url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        connection.request(method, target, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.getheader("Content-Type"), response.read(), response
    finally:
        connection.close()


ASK = quote("ASK {}")
DATA0 = quote("http://kasei.us/2009/09/sparql/data/data0.rdf", safe="")
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
DIRECT = {"Content-Type": "application/sparql-query"}

#: The cases of the W3C SPARQL 1.1 Protocol test manifest (sparql11/protocol/manifest.ttl) that apply
#: to a read-only endpoint serving one dataset: (name, method, target, headers, body, status, content type).
#: The manifest asks for a 2xx or 3xx (answers) or a 4xx (errors); each row holds the exact status and type
#: this endpoint gives. Not applicable: query_dataset_* and query_multiple_dataset (they need the
#: manifest's own graphs loaded in the endpoint) and update_* (the endpoint is read-only: every update
#: is a 403, which the bad_update_* rows also meet).
W3C_CASES = [
    ("query_post_form", "POST", f"/sparql/?default-graph-uri={DATA0}", FORM, f"query={ASK}".encode(), 200, RESULTS[0]),
    ("query_get", "GET", f"/sparql?query={ASK}", {}, None, 200, RESULTS[0]),
    (
        "query_content_type_select",
        "POST",
        f"/sparql/?default-graph-uri={DATA0}",
        DIRECT,
        b"SELECT (1 AS ?value) {}",
        200,
        RESULTS[0],
    ),
    ("query_content_type_ask", "POST", f"/sparql/?default-graph-uri={DATA0}", DIRECT, b"ASK {}", 200, RESULTS[0]),
    (
        "query_content_type_describe",
        "POST",
        f"/sparql/?default-graph-uri={DATA0}",
        DIRECT,
        b"DESCRIBE <http://example.org/>",
        200,
        "text/turtle; charset=utf-8",
    ),
    (
        "query_content_type_construct",
        "POST",
        f"/sparql/?default-graph-uri={DATA0}",
        DIRECT,
        b"CONSTRUCT { <s> <p> 1 } WHERE {}",
        200,
        "text/turtle; charset=utf-8",
    ),
    ("query_post_direct", "POST", "/sparql/", DIRECT, b"ASK {}", 200, RESULTS[0]),
    ("bad_query_method", "PUT", f"/sparql/?query={ASK}&default-graph-uri={DATA0}", FORM, b"", 405, TEXT),
    ("bad_multiple_queries", "GET", f"/sparql/?query={ASK}&query={quote('SELECT * {}')}", {}, None, 400, TEXT),
    ("bad_query_wrong_media_type", "POST", "/sparql/", {"Content-Type": "text/plain"}, b"ASK {}", 415, TEXT),
    ("bad_query_missing_form_type", "POST", "/sparql/", {}, f"query={ASK}".encode(), 415, TEXT),
    ("bad_query_missing_direct_type", "POST", "/sparql/", {}, b"ASK {}", 415, TEXT),
    (
        "bad_query_non_utf8",
        "POST",
        "/sparql/",
        {"Content-Type": "application/sparql-query; charset=UTF-16"},
        "ASK {}".encode("utf-16"),
        400,
        TEXT,
    ),
    ("bad_query_syntax", "GET", f"/sparql/?query={quote('ASK {')}", {}, None, 400, TEXT),
    ("bad_update_get", "GET", f"/sparql/?update={quote('CLEAR ALL')}", {}, None, 403, TEXT),
    ("bad_multiple_updates", "POST", "/sparql/", FORM, b"update=CLEAR%20NAMED&update=CLEAR%20DEFAULT", 403, TEXT),
    ("bad_update_wrong_media_type", "POST", "/sparql/", {"Content-Type": "text/plain"}, b"CLEAR NAMED", 415, TEXT),
    ("bad_update_missing_form_type", "POST", "/sparql/", {}, b"update=CLEAR%20NAMED", 415, TEXT),
    (
        "bad_update_non_utf8",
        "POST",
        "/sparql/",
        {"Content-Type": "application/sparql-update; charset=UTF-16"},
        "CLEAR NAMED".encode("utf-16"),
        403,
        TEXT,
    ),
    ("bad_update_syntax", "POST", "/sparql/", {"Content-Type": "application/sparql-update"}, b"CLEAR XYZ", 403, TEXT),
    (
        "bad_update_dataset_conflict",
        "POST",
        f"/sparql/?using-graph-uri={DATA0}",
        {"Content-Type": "application/sparql-update"},
        b"CLEAR ALL",
        403,
        TEXT,
    ),
]


@pytest.mark.parametrize("case", W3C_CASES, ids=[c[0] for c in W3C_CASES])
def test_w3c_protocol_case(endpoint, case):
    name, method, target, headers, body, status, content_type = case
    got_status, got_type, payload, _ = send(endpoint, method, target, body, headers)
    assert (got_status, got_type) == (status, content_type), payload[:300]
    if name in ("query_post_form", "query_get", "query_content_type_ask", "query_post_direct"):
        assert json.loads(payload)["boolean"] is True
    if name == "query_content_type_select":
        assert json.loads(payload)["results"]["bindings"][0]["value"]["value"] == "1"
    if status >= 400:
        assert payload.strip(), "an error says why"


@pytest.mark.parametrize(
    ("accept", "query", "content_type"),
    [
        ("application/sparql-results+xml", "ASK {}", "application/sparql-results+xml"),
        ("text/csv", "SELECT (1 AS ?x) {}", "text/csv; charset=utf-8"),
        ("text/tab-separated-values", "SELECT (1 AS ?x) {}", "text/tab-separated-values; charset=utf-8"),
        ("application/json", "SELECT (1 AS ?x) {}", "application/json"),
        (
            "text/csv;q=0.2, application/sparql-results+xml;q=0.9",
            "SELECT (1 AS ?x) {}",
            "application/sparql-results+xml",
        ),
        ("application/n-triples", "CONSTRUCT { <urn:s> <urn:p> 1 } {}", "application/n-triples"),
        ("application/ld+json", "CONSTRUCT { <urn:s> <urn:p> 1 } {}", "application/ld+json"),
        ("application/rdf+xml", "CONSTRUCT { <urn:s> <urn:p> 1 } {}", "application/rdf+xml"),
        ("*/*", "CONSTRUCT { <urn:s> <urn:p> 1 } {}", "text/turtle; charset=utf-8"),
    ],
)
def test_content_negotiation(endpoint, accept, query, content_type):
    status, got, body, response = send(endpoint, "GET", f"/sparql?query={quote(query)}", headers={"Accept": accept})
    assert (status, got) == (200, content_type)
    assert response.getheader("Vary") == "Accept"
    assert body


def test_an_answer_no_format_fits_is_406_and_says_what_would(endpoint):
    status, got, body, _ = send(endpoint, "GET", f"/sparql?query={ASK}", headers={"Accept": "text/turtle"})
    assert (status, got) == (406, TEXT)
    assert b"application/sparql-results+json" in body


def test_other_paths_are_404_and_get_without_query_describes_the_service(endpoint):
    assert send(endpoint, "GET", "/other?query=ASK%20%7B%7D")[0] == 404
    status, got, body, _ = send(endpoint, "GET", "/sparql")
    assert (status, got) == (200, "text/turtle; charset=utf-8")
    from rdflib import Graph, URIRef

    graph = Graph().parse(data=body.decode(), format="turtle")
    endpoints = set(graph.objects(None, URIRef("http://www.w3.org/ns/sparql-service-description#endpoint")))
    assert endpoints == {URIRef(endpoint.url)}


def test_queries_that_would_fetch_are_refused(endpoint):
    status, _, body, _ = send(
        endpoint, "GET", f"/sparql?query={quote('SELECT * { SERVICE <http://example.org/> { ?s ?p ?o } }')}"
    )
    assert status == 400 and b"SERVICE" in body


def test_sparqlwrapper_gets_the_plan_in_every_results_format(endpoint, engine):
    from SPARQLWrapper import CSV, JSON, POST, TURTLE, XML, SPARQLWrapper

    query = 'SELECT ?id WHERE { ?e dcterms:identifier ?id FILTER(STRSTARTS(?id, "tianjin")) } ORDER BY ?id'
    expected = [row["id"] for row in engine.select(query)[1]]
    assert len(expected) > 5
    client = SPARQLWrapper(endpoint.url)
    client.setQuery(query)
    client.setReturnFormat(JSON)
    assert [b["id"]["value"] for b in client.queryAndConvert()["results"]["bindings"]] == expected
    client.setMethod(POST)
    client.setReturnFormat(XML)
    document = client.queryAndConvert()  # an xml.dom document
    literals = [node.firstChild.data for node in document.getElementsByTagName("literal")]
    assert literals == expected
    client.setReturnFormat(CSV)
    assert client.queryAndConvert().decode().split("\r\n")[1:-1] == expected
    client.setQuery(
        'CONSTRUCT { ?e dcterms:identifier ?id } WHERE { ?e dcterms:identifier ?id FILTER(STRSTARTS(?id, "tianjin")) }'
    )
    client.setReturnFormat(TURTLE)
    from rdflib import Graph

    assert len(Graph().parse(data=client.queryAndConvert(), format="turtle")) == len(expected)


def test_a_runaway_query_ends_with_503_and_frees_the_server(endpoint):
    runaway = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    before = set(subprocess.run(["pgrep", "-P", str(os.getpid())], capture_output=True, text=True).stdout.split())
    start = time.monotonic()
    status, got, body, _ = send(endpoint, "GET", f"/sparql?query={quote(runaway)}")
    took = time.monotonic() - start
    assert (status, got) == (503, TEXT)
    assert b"did not finish within 3 s" in body
    assert took < 3 + 5
    after = set(subprocess.run(["pgrep", "-P", str(os.getpid())], capture_output=True, text=True).stdout.split())
    assert after <= before, "the query's process is gone (the session's servers stay)"
    status, _, body, _ = send(endpoint, "GET", f"/sparql?query={ASK}")
    assert status == 200 and json.loads(body)["boolean"] is True


def test_cors_only_for_the_origin_asked(engine, endpoint):
    target = f"/sparql?query={ASK}"
    _, _, _, response = send(endpoint, "GET", target, headers={"Origin": "https://yasgui.example"})
    assert response.getheader("Access-Control-Allow-Origin") is None
    with Endpoint(engine, cors="https://yasgui.example") as open_to_one:
        _, _, _, response = send(open_to_one, "GET", target, headers={"Origin": "https://yasgui.example"})
        assert response.getheader("Access-Control-Allow-Origin") == "https://yasgui.example"
        _, _, _, response = send(open_to_one, "GET", target, headers={"Origin": "https://elsewhere.example"})
        assert response.getheader("Access-Control-Allow-Origin") is None
        status, _, _, response = send(
            open_to_one,
            "OPTIONS",
            "/sparql",
            headers={"Origin": "https://yasgui.example", "Access-Control-Request-Method": "POST"},
        )
        assert status == 204
        assert "POST" in response.getheader("Access-Control-Allow-Methods")


def test_every_catalogue_question_on_the_endpoint_answers_as_the_embedded_engine(endpoint, engine):
    remote = RemoteEngine(endpoint.url)
    for query_id in catalogue():
        assert answer(query_id, {}, remote) == answer(query_id, {}, engine), query_id
    params = {"target": "超算天津中心"}
    assert answer("relies-on", params, remote) == answer("relies-on", params, engine)
    assert answer("relies-on", params, remote)[1]


def test_kg_serve_sparql_then_kg_query_endpoint(tmp_path):
    """The two commands as a user runs them: the endpoint prints its URL, kg query asks it, SIGTERM stops it."""
    with subprocess.Popen(
        [sys.executable, "-m", "kg", "serve", "--engine", "sparql", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as server:
        try:
            line = server.stdout.readline()
            assert line.startswith("SPARQL endpoint: http://127.0.0.1:"), line
            url = line.split()[2]
            ask = [sys.executable, "-m", "kg", "query", "relies-on", "-p", "target=超算天津中心", "--format", "csv"]
            done = subprocess.run([*ask, "--endpoint", url], capture_output=True, text=True)
            assert done.returncode == 0, done.stderr
            local = subprocess.run(ask, capture_output=True, text=True)
            assert done.stdout == local.stdout and done.stdout.count("\n") > 1
        finally:
            server.send_signal(signal.SIGTERM)
            assert server.wait(timeout=30) == 0


def test_an_endpoint_that_is_not_there_is_a_clear_error(runner):
    from kg.cli import main

    result = runner.invoke(main, ["query", "indicators", "--endpoint", "http://127.0.0.1:9/sparql"])
    assert result.exit_code != 0
    assert "cannot reach the SPARQL endpoint http://127.0.0.1:9/sparql" in result.output
    assert "Traceback" not in result.output
    result = runner.invoke(main, ["query", "indicators", "--endpoint", "ftp://example.org/"])
    assert result.exit_code != 0 and "is not an http(s) URL" in result.output


def test_prefixes_are_predeclared_and_an_undeclared_one_is_named(runner):
    from kg.cli import main

    result = runner.invoke(
        main, ["sparql", "SELECT ?n WHERE { tj:national-supercomputing-center-tianjin rdfs:label ?n }"]
    )
    assert result.exit_code == 0 and "国家超级计算天津中心" in result.output
    result = runner.invoke(main, ["sparql", "SELECT ?n WHERE { foo:x rdfs:label ?n }"])
    assert result.exit_code != 0
    assert "the prefix foo: is not declared" in result.output and "PREFIX foo: <…>" in result.output


def test_updates_only_when_asked_applied_in_memory_and_fetching_nothing(plan_model):
    from SPARQLWrapper import POST, SPARQLWrapper

    insert = b"INSERT DATA { tj:tianjin rdfs:comment 'added' }"
    ask = quote("ASK { tj:tianjin rdfs:comment 'added' }")
    with Endpoint(SparqlEngine.from_model(plan_model)) as read_only:
        assert send(read_only, "POST", "/sparql", insert, {"Content-Type": "application/sparql-update"})[0] == 403
    with Endpoint(SparqlEngine.from_model(plan_model), update=True) as open_:
        assert json.loads(send(open_, "GET", f"/sparql?query={ask}")[2])["boolean"] is False
        status, _, body, _ = send(open_, "POST", "/sparql", insert, {"Content-Type": "application/sparql-update"})
        assert status == 204, body
        assert json.loads(send(open_, "GET", f"/sparql?query={ask}")[2])["boolean"] is True
        status, _, body, _ = send(
            open_, "POST", "/sparql", b"LOAD <http://example.org/x.ttl>", {"Content-Type": "application/sparql-update"}
        )
        assert status == 400 and b"LOAD at line 1, column 1 is refused" in body
        assert send(open_, "GET", f"/sparql?update={quote('CLEAR ALL')}")[0] == 400  # by POST only
        client = SPARQLWrapper(open_.url)  # a real client's update, by form
        client.setMethod(POST)
        client.setQuery("DELETE DATA { tj:tianjin rdfs:comment 'added' }")
        client.query()
        assert json.loads(send(open_, "GET", f"/sparql?query={ask}")[2])["boolean"] is False
