"""Text is what it says, nothing is fetched, and inputs too large are refused in seconds."""

from __future__ import annotations

import http.server
import io
import json
import socket
import threading
import time
import zipfile

import openpyxl
import pytest

from kg.cli import main
from loaders.formats import read_records_from_bytes
from loaders.rdf_limits import MAX_NESTING, MAX_TERMS
from tests.conftest import read_rows, write_rows

PARK = {"@id": "urn:x", "@type": "tjp:Park"}


@pytest.fixture
def server():
    """An HTTP server on 127.0.0.1 that records every request it receives."""
    requests: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            requests.append(self.path)
            body = json.dumps({"@context": {"tjp": "https://w3id.org/tj-sti-plan/ontology#"}}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/ld+json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", requests
    httpd.shutdown()
    httpd.server_close()


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def jsonld(context) -> bytes:
    return json.dumps({"@context": context, **PARK}).encode()


@pytest.mark.parametrize(
    "context",
    [
        "{url}/c.jsonld",
        ["{url}/c.jsonld"],
        {"@import": "{url}/c.jsonld"},
        [{"tjp": "https://w3id.org/tj-sti-plan/ontology#"}, {"@import": "{url}/c.jsonld"}],
        {"tjp": "https://w3id.org/tj-sti-plan/ontology#", "Park": {"@id": "tjp:Park", "@context": "{url}/c.jsonld"}},
        {
            "tjp": "https://w3id.org/tj-sti-plan/ontology#",
            "Park": {"@id": "tjp:Park", "@context": {"@import": "{url}"}},
        },
    ],
    ids=["string", "list", "import", "import-in-list", "scoped-context", "scoped-import"],
)
def test_json_ld_contexts_are_never_fetched(server, context):
    url, requests = server
    data = jsonld(json.loads(json.dumps(context).replace("{url}", url)))
    records, errors = read_records_from_bytes(data, "a.jsonld")
    assert not records
    assert "is not fetched" in errors[0].message or "nothing is fetched" in errors[0].message
    assert requests == []


def test_nested_contexts_in_nodes_are_not_fetched_either(server):
    url, requests = server
    document = {"@context": {"tjp": "https://w3id.org/tj-sti-plan/ontology#"}, "@graph": [{**PARK, "@context": url}]}
    _, errors = read_records_from_bytes(json.dumps(document).encode(), "a.jsonld")
    assert errors[0].message == f"the JSON-LD names a remote @context ({url}); it is not fetched"
    assert requests == []


def test_file_contexts_are_not_opened(tmp_path):
    context = tmp_path / "c.jsonld"
    context.write_text('{"@context": {"tjp": "https://w3id.org/tj-sti-plan/ontology#"}}', encoding="utf-8")
    for given in (context.as_uri(), {"@import": context.as_uri()}):
        _, errors = read_records_from_bytes(jsonld(given), "a.jsonld")
        assert context.as_uri() in errors[0].message and "fetched" in errors[0].message


def test_a_closed_port_answers_like_an_open_one(server):
    url, requests = server
    answers = []
    for base in (url, f"http://127.0.0.1:{closed_port()}"):
        _, errors = read_records_from_bytes(jsonld({"@import": f"{base}/c.jsonld"}), "a.jsonld")
        answers.append(errors[0].message.replace(base, "BASE"))
    assert answers[0] == answers[1] == "the JSON-LD imports a context (BASE/c.jsonld); nothing is fetched"
    assert requests == []


def test_an_invisible_character_fails_validate(runner, workspace):
    rows = read_rows(workspace / "entities.csv")
    rows[1]["name_zh"] = rows[1]["name_zh"][:1] + "\ufeff" + rows[1]["name_zh"][1:]
    write_rows(workspace / "entities.csv", rows)
    result = runner.invoke(main, ["validate", "--data", str(workspace)])
    assert result.exit_code == 1
    assert (
        f"{workspace / 'entities.csv'}:3:3: name_zh holds an invisible character U+FEFF (ZERO WIDTH NO-BREAK SPACE) "
        "at position 2 (delete it: it makes the text look like text it is not)" in result.stderr
    )


@pytest.mark.parametrize("value", ["#N/A", "#REF!", "#VALUE!", "#DIV/0!", "#NAME?", "#NULL!", "#NUM!"])
def test_spreadsheet_error_values_are_errors(value):
    book = openpyxl.Workbook()
    book.active.append(["名称", "类型"])
    book.active.append([value, "平台"])
    book.active["A2"].data_type = "e"
    buffer = io.BytesIO()
    book.save(buffer)
    records, errors = read_records_from_bytes(buffer.getvalue(), "list.xlsx")
    assert [str(e) for e in errors] == [
        f"list.xlsx:Sheet!A2: cell A2 holds the error value {value}, not a value "
        "(fix what the error came from, or clear the cell)"
    ]
    assert records[0].values["名称"] == ""


def test_infinity_is_not_json():
    _, errors = read_records_from_bytes(b'{"name": "x"}\n{"name": -Infinity}\n', "a.jsonl")
    assert str(errors[0]) == "a.jsonl:2:10: -Infinity is not JSON (write a number, or leave the field empty)"


def zip_bomb() -> bytes:
    """A valid workbook of a few MB whose sheet XML inflates to 1 GB."""
    book = openpyxl.Workbook()
    book.active.append(["名称", "类型"])
    buffer = io.BytesIO()
    book.save(buffer)
    source = zipfile.ZipFile(buffer)
    out = io.BytesIO()
    rows = b'<row><c t="inlineStr"><is><t>x</t></is></c></row>' * 20_000
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bomb:
        for info in source.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                bomb.writestr(info, source.read(info))
                continue
            with bomb.open(info.filename, "w", force_zip64=True) as sheet:
                sheet.write(b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
                for _ in range(1024 * 1024 * 1024 // len(rows) + 1):
                    sheet.write(rows)
                sheet.write(b"</sheetData></worksheet>")
    return out.getvalue()


def test_a_zip_bomb_is_refused_in_seconds_without_inflating_it():
    data = zip_bomb()
    assert len(data) < 8 * 1024 * 1024
    start = time.perf_counter()
    records, errors = read_records_from_bytes(data, "bomb.xlsx")
    assert time.perf_counter() - start < 2
    assert [str(e) for e in errors] == [
        "bomb.xlsx:0:0: the workbook inflates to 1024 MB, over the 50 MB limit "
        "(split the workbook, or export the sheet as CSV UTF-8)"
    ]


def test_too_many_rows_are_refused_by_the_dimension_before_parsing():
    book = openpyxl.Workbook()
    book.active.append(["名称", "类型"])
    book.active["A200001"] = "x"
    buffer = io.BytesIO()
    book.save(buffer)
    _, errors = read_records_from_bytes(buffer.getvalue(), "big.xlsx")
    assert str(errors[0]).startswith("big.xlsx:Sheet: sheet Sheet has 200001 rows, over the limit of 100000")


def test_a_long_turtle_collection_is_refused_in_seconds():
    head = b"@prefix : <urn:x#> .\n:a :p ("
    data = head + b" 1" * ((19 * 1024 * 1024 - len(head)) // 2) + b" ) .\n"
    start = time.perf_counter()
    _, errors = read_records_from_bytes(data, "long.ttl")
    assert time.perf_counter() - start < 5
    assert str(errors[0]) == f"long.ttl:2:0: the file holds more than {MAX_TERMS} terms (split the file)"


def test_deep_turtle_nesting_is_refused():
    data = ("@prefix : <urn:x#> .\n:a :p " + "[ :p " * 1000 + "1" + " ]" * 1000 + " .\n").encode()
    _, errors = read_records_from_bytes(data, "deep.ttl")
    assert str(errors[0]) == f"deep.ttl:2:0: the brackets are nested deeper than {MAX_NESTING} levels (split the file)"


def test_brackets_inside_strings_and_iris_do_not_count():
    data = '@prefix : <urn:x#> .\n:a :p "((((", """[[[\n]]]""", <urn:(> .\n' * 40
    _, errors = read_records_from_bytes(data.encode(), "ok.ttl")
    assert errors[0].message == "the file holds no entities of the ontology"
