"""The query library: every question answered alike in SPARQL and Cypher; safe parameters; read-only ad-hoc queries."""

import json
import re

import pytest

from kg.cli import main
from kg.errors import QueryError
from kg.graph.mapping import to_property_graph
from kg.query.catalogue import catalogue, prepare, resolve
from kg.query.readonly import check_read_only_cypher, check_read_only_sparql
from kg.query.sparql import SparqlEngine
from kg.resources import resource
from loaders.bolt.load import load
from loaders.bolt.read import ReadSession
from tests.conftest import BOLT_PASSWORD, count_in_db

QUERIES = sorted(catalogue())


@pytest.fixture(scope="module")
def engine(plan_graph):
    return SparqlEngine(plan_graph)


@pytest.fixture(scope="module")
def loaded(bolt_server, plan_graph):
    """The plan loaded once into the session's server (a database of its own state)."""
    from loaders.bolt.connect import Settings

    settings = Settings(
        uri=bolt_server.uri, username=bolt_server.username, password=BOLT_PASSWORD, database=bolt_server.database
    )
    from loaders.bolt.connect import connect

    driver = connect(settings)
    with driver.session(database=settings.database) as session:
        session.execute_write(lambda tx: tx.run("MATCH (n) DETACH DELETE n").consume())
    driver.close()
    load(to_property_graph(plan_graph), settings)
    return settings


def answer_set(rows):
    return {tuple(sorted(row.items())) for row in rows}


def test_catalogue_is_complete():
    assert len(QUERIES) >= 15
    for _query_id, query in catalogue().items():
        assert query.title_zh and query.title_en and query.description
        for engine in ("sparql", "cypher"):
            assert query.text(engine).strip()
    files = {p.name for p in resource("queries").iterdir()}
    assert files == {f"{q}{ext}" for q in QUERIES for ext in (".rq", ".cypher")} | {"catalogue.toml"}


@pytest.mark.parametrize("query_id", QUERIES)
def test_sparql_and_cypher_give_the_same_answer(query_id, engine, loaded):
    query = catalogue()[query_id]
    sparql_columns, sparql_rows = engine.select(
        *prepare(query, "sparql", {}, engine.lookup, engine.names_containing), name=query_id
    )
    with ReadSession(loaded) as session:
        cypher_columns, cypher_rows = session.select(*prepare(query, "cypher", {}, session.lookup), name=query_id)
    assert sparql_columns == cypher_columns
    assert sparql_rows, f"{query_id} gives no answer with its defaults"
    assert answer_set(sparql_rows) == answer_set(cypher_rows)
    assert len(sparql_rows) == len(answer_set(sparql_rows))  # no duplicate rows either


def test_the_biomedicine_question(engine):
    query = catalogue()["parks-biomedicine-beijing"]
    _, rows = engine.select(query.text("sparql"), resolve(query, {}, engine.lookup))
    parks = {row["park"] for row in rows}
    assert parks == {"京津冀特色“细胞谷”", "北辰京津医药谷", "生物制造谷"}
    assert {"park": "北辰京津医药谷", "platform": "国家合成生物技术创新中心", "partner": "北京市"} in rows


def test_other_answers_are_right(engine):
    def run(query_id, **params):
        query = catalogue()[query_id]
        return engine.select(query.text("sparql"), resolve(query, params, engine.lookup))[1]

    relying = {r["entity"] for r in run("relies-on", target="超算天津中心")}
    assert "先进计算大数据创新集聚区" in relying
    located = {r["entity"] for r in run("located-in")}
    assert {"生物制造谷", "北方声谷", "海洋科技创新集聚区"} <= located
    indicators = {r["notation"]: r for r in run("indicators")}
    assert indicators["表1-5"]["change"] == 4180.0 and indicators["表1-2"]["change_pct"] == 60.0
    path = run("shortest-path")
    assert path == [{"hops": 2, "path": "生物制造谷 — 中国科学院天津工业生物技术研究所 — 中国科学院"}]
    provenance = {r["link"]: r for r in run("provenance")}
    assert provenance["RELIES_ON"]["section"] == "专栏3 › 2"
    assert provenance["LOCATED_IN"]["curation_note"].startswith("curated:")


HOSTILE = [
    "'",
    '"',
    "`",
    "} ; DROP GRAPH <urn:x> ; {",
    "') MATCH (n) DETACH DELETE n //",
    '" } } DELETE WHERE { ?s ?p ?o } #',
    "\\u0027 OR 1=1 --",
    "<script>alert(1)</script>",
    "line\nbreak",
]
#: Texts to search for: Chinese, Latin of either case, one letter, punctuation, a tab, hostile strings.
SEARCHES = [
    "中关村",
    "ZHONGGUANCUN",
    "tianjin",
    "天津",
    "Valley",
    "a",
    "-",
    "谷",
    "no such name",
    "'",
    "ß",
    "\t",
    *HOSTILE,
]


@pytest.mark.parametrize("text", HOSTILE)
@pytest.mark.parametrize("engine_name", ["sparql", "cypher"])
def test_hostile_text_parameters_are_plain_values(runner, loaded, neo4j_env_for, engine_name, text, plan_model):
    before = count_in_db(loaded)
    result = runner.invoke(
        main,
        ["query", "search", "--param", f"text={text}", "--engine", engine_name, "--format", "json"],
        env=neo4j_env_for(loaded),
    )
    assert result.exit_code == 0, result.output
    found = {row["id"] for row in json.loads(result.output)}  # the same rows from both engines
    # Exactly the entities whose names hold the text literally (an apostrophe is in some English names).
    expected = {e.id for e in plan_model.entities.values() if any(text.lower() in n.lower() for n in (e.id, *e.names))}
    assert found == expected
    assert count_in_db(loaded) == before == (len(plan_model.entities), len(plan_model.links))


@pytest.mark.parametrize("engine_name", ["sparql", "cypher"])
def test_hostile_entity_parameter_is_an_unknown_entity(runner, loaded, neo4j_env_for, engine_name):
    result = runner.invoke(
        main,
        ["query", "relies-on", "-p", "target=x'}) DETACH DELETE (n", "--engine", engine_name],
        env=neo4j_env_for(loaded),
    )
    assert result.exit_code == 1
    assert "relies-on: no entity has the id, name or alias 'x'}) DETACH DELETE (n' (parameter target)" in result.stderr


@pytest.fixture
def neo4j_env_for():
    def env(settings):
        return {
            "NEO4J_URI": settings.uri,
            "NEO4J_USERNAME": settings.username,
            "NEO4J_PASSWORD": settings.password,
            "NEO4J_DATABASE": settings.database,
        }

    return env


def test_query_command_formats(runner):
    table = runner.invoke(main, ["query", "indicators"])
    assert table.exit_code == 0
    assert table.output.splitlines()[0].split() == [
        "notation",
        "indicator",
        "unit",
        "value_2020",
        "value_2025",
        "change",
        "change_pct",
    ]
    assert "(11 rows)" in table.stderr
    csv_out = runner.invoke(main, ["query", "indicators", "--format", "csv"]).output.splitlines()
    assert csv_out[1] == "表1-1,全社会研究与试验发展（R&D）经费支出占地区生产总值比重,%,3.2,3.3,0.1,3.125"
    assert {"entity": "新一代超级计算机", "link": "RELIES_ON"} in json.loads(
        runner.invoke(main, ["query", "relies-on", "--format", "json"]).output
    )
    data = json.loads(runner.invoke(main, ["query", "relies-on", "--format", "sparql-json"]).output)
    assert data["head"]["vars"] == ["entity", "link"]
    assert {"type": "literal", "value": "新一代超级计算机", "xml:lang": "zh"} in [
        b["entity"] for b in data["results"]["bindings"]
    ]


def test_queries_lists_the_catalogue(runner):
    rows = json.loads(runner.invoke(main, ["queries", "--format", "json"]).output)
    assert [r["id"] for r in rows] == list(catalogue())
    assert any(r["params"] == "target=国家超级计算天津中心" for r in rows)


@pytest.mark.parametrize(
    "args, message",
    [
        (["query", "parks"], "no query named 'parks'"),
        (["query", "relies-on", "-p", "entity=x"], "relies-on: unknown parameter entity (its parameters: target)"),
        (["query", "indicators", "-p", "x=1"], "indicators: unknown parameter x (it takes no parameters)"),
        (["query", "relies-on", "-p", "target=滨海"], "no entity has the id, name or alias '滨海'"),
    ],
)
def test_query_errors(runner, args, message):
    result = runner.invoke(main, args)
    assert result.exit_code == 1
    assert message in result.stderr


def test_bad_param_syntax_is_a_usage_error(runner):
    result = runner.invoke(main, ["query", "relies-on", "-p", "target"])
    assert result.exit_code == 2
    assert "'target' is not NAME=VALUE" in result.stderr


def test_ad_hoc_sparql(runner):
    result = runner.invoke(
        main,
        [
            "sparql",
            "SELECT (COUNT(*) AS ?n) WHERE { ?e a <https://w3id.org/tj-sti-plan/ontology#Indicator> ; "
            '<http://www.w3.org/2004/02/skos/core#notation> ?t . FILTER(STRSTARTS(?t, "表1")) }',  # table 1's
            "--format",
            "csv",
        ],
    )
    assert result.exit_code == 0
    assert result.output.splitlines() == ["n", "11"]
    from_stdin = runner.invoke(main, ["sparql", "--format", "sparql-json"], input="ASK { ?s ?p ?o }")
    assert from_stdin.exit_code == 0, (from_stdin.output, from_stdin.stderr)
    assert json.loads(from_stdin.output) == {"head": {}, "boolean": True}


@pytest.mark.parametrize(
    "text, message",
    [
        ("INSERT DATA { <urn:a> <urn:b> <urn:c> }", "stdin: SPARQL updates are refused"),
        ("PREFIX x: <urn:x>\nDELETE WHERE { ?s ?p ?o }", "stdin: SPARQL updates are refused"),
        (
            "SELECT * WHERE {\n  SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
            "stdin: SERVICE at line 2, column 3 is refused",
        ),
        (
            "SELECT * FROM <http://example.org/data.ttl> WHERE { ?s ?p ?o }",
            "stdin: FROM at line 1, column 10 is refused",
        ),
        ("SELECT ?s WHERE {\n  ?s ?p }", "stdin: SPARQL syntax error at line 2, column 10: expected one of"),
    ],
)
def test_ad_hoc_sparql_refusals_and_errors(runner, text, message):
    result = runner.invoke(main, ["sparql"], input=text)
    assert result.exit_code == 1
    assert message in result.stderr


def test_sparql_keywords_inside_strings_and_names_are_fine():
    text = 'SELECT ?from WHERE { BIND("SERVICE FROM INSERT" AS ?from) }  # SERVICE'
    assert check_read_only_sparql(text) == text


def test_ad_hoc_cypher(runner, loaded, neo4j_env_for):
    result = runner.invoke(
        main,
        ["cypher", "MATCH (n:LandmarkZone) RETURN count(n) AS zones", "--format", "csv"],
        env=neo4j_env_for(loaded),
    )
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == ["zones", "10"]
    result = runner.invoke(
        main,
        ["cypher", "-p", "id=cas", "--format", "json"],
        input="MATCH (n {id: $id}) RETURN n.name_zh AS name",
        env=neo4j_env_for(loaded),
    )
    assert json.loads(result.output) == [{"name": "中国科学院"}]


def test_cypher_nodes_relationships_and_paths_read_as_neo4j_writes_them(runner, loaded, neo4j_env_for):
    """Not Python's reprs: Neo4j's Query API shapes in JSON, labels in a stable order, lists in CSV as the lists write them."""
    nscc = ["-p", "id=national-supercomputing-center-tianjin"]
    node_query = "MATCH (n:Resource {id: $id}) RETURN n"
    first, again = (
        runner.invoke(main, ["cypher", node_query, *nscc, "--format", "json"], env=neo4j_env_for(loaded))
        for _ in range(2)
    )
    assert first.exit_code == 0, first.output
    assert first.output == again.output
    (node,) = [row["n"] for row in json.loads(first.output)]
    assert set(node) == {"elementId", "labels", "properties"}
    assert node["labels"] == sorted(node["labels"]) and {"Resource", "SupercomputingCenter"} <= set(node["labels"])
    assert sorted(node["properties"]["aliases"]) == sorted(["超算天津中心", "NSCC-TJ", "国家超算天津中心"])
    path_query = "MATCH p = (:Resource {id: $id})-[r]->(:Resource) RETURN p, r ORDER BY type(r) LIMIT 1"
    result = runner.invoke(main, ["cypher", path_query, *nscc, "--format", "json"], env=neo4j_env_for(loaded))
    assert result.exit_code == 0, result.output
    (row,) = json.loads(result.output)
    assert row["r"] == row["p"]["relationships"][0]
    assert row["r"]["startNodeElementId"] == row["p"]["nodes"][0]["elementId"] == node["elementId"]
    assert row["r"]["endNodeElementId"] == row["p"]["nodes"][1]["elementId"]
    assert row["r"]["type"].isupper()
    table = runner.invoke(main, ["cypher", node_query, *nscc], env=neo4j_env_for(loaded))
    assert "<Node" not in table.output and '"elementId":' in table.output
    aliases = runner.invoke(
        main,
        ["cypher", "MATCH (n:Resource {id: $id}) RETURN n.aliases AS aliases", *nscc, "--format", "csv"],
        env=neo4j_env_for(loaded),
    )
    assert aliases.output.splitlines() == ["aliases", "|".join(node["properties"]["aliases"])]


@pytest.mark.parametrize(
    "text, message",
    [
        ("MATCH (n) DETACH DELETE n", "query: DETACH at line 1, column 11 writes to the database"),
        ("CREATE (n:Resource {uri: 'x'})", "query: CREATE at line 1, column 1 writes"),
        ("MATCH (n)\nSET n.name_zh = 'x'", "query: SET at line 2, column 1 writes"),
        ("LOAD CSV FROM 'http://example.org/x.csv' AS row RETURN row", "query: LOAD at line 1, column 1"),
        ("MATCH (n RETURN n", "query: Cypher syntax error"),
    ],
)
def test_ad_hoc_cypher_refusals_and_errors(runner, loaded, neo4j_env_for, text, message):
    before = count_in_db(loaded)
    result = runner.invoke(main, ["cypher", text], env=neo4j_env_for(loaded))
    assert result.exit_code == 1
    assert message in result.stderr
    assert count_in_db(loaded) == before


def test_writes_that_slip_through_are_refused_or_rolled_back(loaded, bolt_server):
    # The lexical check is the first guard; the read transaction is the second: Neo4j refuses to write
    # in read access mode, ArcadeDB (which does not enforce the mode) loses the write with the rollback.
    before = count_in_db(loaded)
    verb = "CRE" + "ATE"  # built as a string, as a careless script would
    with ReadSession(loaded) as session:
        if bolt_server.engine == "neo4j":
            with pytest.raises(QueryError, match="read access mode"):
                session.select(f"CALL {{ {verb} (n:Resource {{uri: 'urn:x'}}) }} RETURN 1 AS one")
        else:
            session.select(f"CALL {{ {verb} (n:Resource {{uri: 'urn:x'}}) }} RETURN 1 AS one")
    assert count_in_db(loaded) == before


def test_cypher_keywords_inside_strings_and_properties_are_fine():
    text = "MATCH (n) WHERE n.set = 'CREATE' AND $delete IS NULL RETURN n // MERGE"
    assert check_read_only_cypher(text) == text


def test_an_on_disk_store_answers_as_the_lists_do(runner, engine, tmp_path):
    store = tmp_path / "store"
    result = runner.invoke(main, ["build", "-o", str(tmp_path / "out"), "--store", str(store)])
    assert result.exit_code == 0, result.output
    on_disk = SparqlEngine.open(store)
    for query_id in QUERIES:
        query = catalogue()[query_id]
        values = resolve(query, {}, engine.lookup)
        assert resolve(query, {}, on_disk.lookup) == values
        expected = engine.select(query.text("sparql"), values, name=query_id)
        assert on_disk.select(query.text("sparql"), values, name=query_id) == expected, query_id
    result = runner.invoke(main, ["query", "located-in", "--store", str(store), "--format", "sparql-json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["results"]["bindings"]


def test_a_store_is_refused_unless_kg_build_wrote_it(runner, tmp_path):
    (tmp_path / "notes").mkdir()
    result = runner.invoke(main, ["sparql", "--store", str(tmp_path / "notes"), "ASK { ?s ?p ?o }"])
    assert result.exit_code == 1
    assert "is not a store written by 'kg build --store'" in result.stderr
    result = runner.invoke(main, ["build", "-o", str(tmp_path / "out"), "--store", str(tmp_path / "notes")])
    assert result.exit_code == 1
    assert "exists and is not a store" in result.stderr
    assert (tmp_path / "notes").is_dir() and not list((tmp_path / "notes").iterdir())
    assert not (tmp_path / "out").exists()
    result = runner.invoke(main, ["query", "located-in", "--store", str(tmp_path), "--data", str(tmp_path)])
    assert result.exit_code == 2
    assert "give --data or --store, not both" in result.stderr


@pytest.mark.parametrize("text", SEARCHES)
def test_search_through_the_name_index_answers_as_the_scan(engine, text):
    """The index only narrows the entities asked about: the answer is the full scan's, whatever the text."""
    query = catalogue()["search"]
    narrowed_text, values = prepare(query, "sparql", {"text": text}, engine.lookup, engine.names_containing)
    scan_text, _ = prepare(query, "sparql", {"text": text}, engine.lookup)
    assert "VALUES ?e { UNDEF }" in scan_text
    found = engine.names_containing(text)
    if found is not None:  # few enough to list: the query is asked about them only
        assert "VALUES ?e { UNDEF }" not in narrowed_text
    assert engine.select(narrowed_text, values) == engine.select(scan_text, values)


def test_cypher_search_answers_as_sparql_on_each_server(engine, loaded):
    """The Cypher search finds its candidates in ``search_text`` (Neo4j: through a text index) and tests
    each name itself: the same rows as SPARQL's scan of every name, whatever the text (a tab included,
    which is what separates the names in ``search_text``)."""
    query = catalogue()["search"]
    with ReadSession(loaded) as session:
        for text in SEARCHES:
            sparql_text, values = prepare(query, "sparql", {"text": text}, engine.lookup)
            cypher_text, _ = prepare(query, "cypher", {"text": text}, session.lookup)
            assert answer_set(session.select(cypher_text, values)[1]) == answer_set(
                engine.select(sparql_text, values)[1]
            ), text


def _operators(plan: dict) -> list[str]:
    return [plan["operatorType"].split("@")[0]] + [op for child in plan.get("children", []) for op in _operators(child)]


@pytest.mark.parametrize("bolt_server", ["neo4j"], indirect=True)
def test_on_neo4j_no_question_about_entities_scans_every_node(loaded):
    """The plans Neo4j makes (``EXPLAIN``, as Neo4j Browser shows them) for the lookup and every question
    that is not a listing start from the indexes ``kg load`` makes: no node or label scan; ``search``
    finds its candidates in the text index."""
    from loaders.bolt.connect import connect
    from loaders.bolt.read import LOOKUP

    driver = connect(loaded)
    plans = {}
    with ReadSession(loaded) as session, driver.session(database=loaded.database) as raw:
        plans["lookup"] = raw.run("EXPLAIN " + LOOKUP, value="超算天津中心", phrase='"超算天津中心"').consume().plan
        for query in catalogue().values():
            if not query.listing:
                text, values = prepare(query, "cypher", {}, session.lookup)
                plans[query.id] = raw.run("EXPLAIN " + text, values).consume().plan
    driver.close()
    operators = {name: _operators(plan) for name, plan in plans.items()}
    assert {name for name, ops in operators.items() if {"AllNodesScan", "NodeByLabelScan"} & set(ops)} == set()
    assert "NodeIndexContainsScan" in operators["search"]
    assert operators["lookup"].count("NodeIndexSeek") == 3 and "ProcedureCall" in operators["lookup"]


def test_the_name_index_lists_a_few_entities_or_gives_up(engine):
    assert engine.names_containing("中关村") == sorted(engine.names_containing("中关村"))
    assert "https://w3id.org/tj-sti-plan/id/binhai-zhongguancun-science-park" in engine.names_containing("中关村")
    assert engine.names_containing("no such name") == []
    assert engine.names_containing("a") is None  # more than 200: the query scans


def test_answer_is_the_same_on_both_engines(engine, loaded):
    from kg.query.engine import Engine, answer

    params = {"target": "超算天津中心"}
    sparql_columns, sparql_rows = answer("relies-on", params, engine)
    with ReadSession(loaded) as session:
        assert isinstance(session, Engine) and isinstance(engine, Engine)
        cypher_columns, cypher_rows = answer("relies-on", params, session)
    assert sparql_columns == cypher_columns
    assert "先进计算大数据创新集聚区" in {row["entity"] for row in sparql_rows}
    assert answer_set(sparql_rows) == answer_set(cypher_rows)


@pytest.mark.parametrize("typed", ["nscc-tj", " 超算天津中心", "超算天津中心 ", "ＮＳＣＣ－ＴＪ", "Nscc-Tj"])
def test_entity_names_are_found_as_users_type_them(runner, typed):
    expected = runner.invoke(main, ["query", "relies-on", "--format", "csv"]).output
    result = runner.invoke(main, ["query", "relies-on", "--param", f"target={typed}", "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert result.output == expected and expected.count("\n") > 1


def test_a_parameter_limited_to_some_entities_refuses_others(runner):
    hebei = runner.invoke(main, ["query", "parks-biomedicine-beijing", "-p", "region=Hebei", "--format", "json"])
    assert hebei.exit_code == 0, hebei.output
    tianjin = runner.invoke(main, ["query", "parks-biomedicine-beijing", "-p", "region=天津"])
    assert tianjin.exit_code != 0
    assert "region '天津' is 天津 (tianjin), not one of beijing, hebei" in tianjin.output


def test_the_hint_for_an_unknown_name_keeps_the_whole_name(runner):
    result = runner.invoke(main, ["query", "relies-on", "-p", "target=Hebeiprov"])
    assert result.exit_code != 0
    assert "find it with: kg query search --param text=Hebeiprov" in result.output


def test_excel_csv_has_a_byte_order_mark_and_the_same_rows(runner, workspace):
    for args in (["query", "indicators"], ["stats"]):
        plain = runner.invoke(main, [*args, "--format", "csv"]).output_bytes
        excel = runner.invoke(main, [*args, "--format", "excel-csv"]).output_bytes
        assert excel == b"\xef\xbb\xbf" + plain
        assert excel.decode("utf-8-sig") == plain.decode("utf-8")


def test_a_long_table_is_cut_and_says_how_much(runner):
    from kg.cli.render import TABLE_ROWS

    result = runner.invoke(main, ["sparql", "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"])
    assert result.exit_code == 0
    assert len(result.stdout.splitlines()) == TABLE_ROWS + 2  # header and rule
    shown = int(re.search(r"\((\d+) rows; (\d+) more not shown", result.stderr)[1])
    assert shown > TABLE_ROWS and f"{shown - TABLE_ROWS} more not shown" in result.stderr
    full = runner.invoke(main, ["sparql", "SELECT ?s ?p ?o WHERE { ?s ?p ?o }", "--format", "csv"])
    assert len(full.output.splitlines()) == shown + 1


def test_queries_shows_a_question_and_its_text_in_either_language(runner):
    for engine_name, suffix in (("sparql", ".rq"), ("cypher", ".cypher")):
        result = runner.invoke(main, ["queries", "relies-on", "--engine", engine_name])
        assert result.exit_code == 0, result.output
        assert result.output.startswith("# relies-on: ")
        assert "# parameter target (default 国家超级计算天津中心)" in result.output
        assert resource("queries", "relies-on" + suffix).read_text(encoding="utf-8").rstrip() in result.output
    listed = json.loads(runner.invoke(main, ["queries", "--format", "json"]).output)
    assert all(row["description"] for row in listed)
    unknown = runner.invoke(main, ["queries", "relies_on"])
    assert unknown.exit_code != 0 and "did you mean 'relies-on'" in unknown.output


def test_select_star_keeps_the_order_of_the_query(runner):
    result = runner.invoke(
        main,
        ["sparql", "SELECT * WHERE { ?zz rdfs:label ?aa . ?zz dcterms:identifier ?mm } LIMIT 1", "--format", "csv"],
    )
    assert result.output.splitlines()[0] == "zz,aa,mm"


def test_construct_and_describe_are_written_as_rdf(runner):
    from rdflib import Graph, Literal, URIRef

    construct = 'CONSTRUCT { ?e rdfs:label ?n } WHERE { ?e dcterms:identifier "tianjin" ; rdfs:label ?n }'
    tianjin = URIRef("https://w3id.org/tj-sti-plan/id/tianjin")
    for fmt, rdflib_format in (("turtle", "turtle"), ("ntriples", "nt"), ("jsonld", "json-ld")):
        result = runner.invoke(main, ["sparql", construct, "--format", fmt])
        assert result.exit_code == 0, result.output
        graph = Graph().parse(data=result.output, format=rdflib_format)
        assert set(graph.objects(tianjin)) == {Literal("天津", lang="zh"), Literal("Tianjin", lang="en")}
    described = runner.invoke(main, ["sparql", "DESCRIBE tj:tianjin", "--format", "turtle"])
    assert len(Graph().parse(data=described.output, format="turtle")) > 2
    refused = runner.invoke(main, ["sparql", "SELECT ?s WHERE { ?s ?p ?o } LIMIT 1", "--format", "turtle"])
    assert refused.exit_code != 0 and "only CONSTRUCT and DESCRIBE give a graph" in refused.output


def test_sparql_tables_show_prefixed_iris_and_languages(runner):
    query = 'SELECT ?e ?n ?k WHERE { ?e dcterms:identifier "tianjin" ; rdfs:label ?n ; a ?k } ORDER BY ?n'
    table = runner.invoke(main, ["sparql", query]).stdout.splitlines()
    assert table[2].split() == ["tj:tianjin", "Tianjin@en", "tjp:Region"]
    assert table[3].split() == ["tj:tianjin", "天津@zh", "tjp:Region"]
    rows = json.loads(runner.invoke(main, ["sparql", query, "--format", "json"]).output)
    assert rows[0] == {
        "e": "https://w3id.org/tj-sti-plan/id/tianjin",
        "n": "Tianjin",
        "k": "https://w3id.org/tj-sti-plan/ontology#Region",
    }


def test_sparql_and_cypher_agree_on_a_chinese_only_imported_list(loaded, plan_graph, runner, workspace, tmp_path):
    """Rows a bureau's list brings (Chinese only, no notation, no quote) are answered alike by both engines."""
    from kg.rdf.build import build_graph
    from kg.rdf.validate import checked
    from loaders.csv_lists import read_workspace

    source = tmp_path / "list.csv"
    source.write_text(
        "名称,类型,所在区,依托单位\n"
        "天津市新型标志区甲,创新标志区,滨海新区,\n"
        "新型京津协同创新中心乙,京津冀协同创新中心,武清区,天津大学\n"
        "新型科技行动计划丙,计划,,\n",
        encoding="utf-8",
    )
    assert runner.invoke(main, ["import", str(source), "--data", str(workspace), "--source", "x"]).exit_code == 0
    graph = build_graph(checked(read_workspace(workspace)))
    engine = SparqlEngine(graph)
    load(to_property_graph(graph), loaded)
    try:
        for query_id, params in (
            ("programmes", {}),
            ("landmark-zones", {}),
            ("collaboration-centres", {}),
            ("located-in", {"place": "滨海新区"}),
            ("search", {"text": "新型"}),
        ):
            query = catalogue()[query_id]
            _, sparql_rows = engine.select(*prepare(query, "sparql", params, engine.lookup, engine.names_containing))
            with ReadSession(loaded) as session:
                _, cypher_rows = session.select(*prepare(query, "cypher", params, session.lookup))
            assert answer_set(sparql_rows) == answer_set(cypher_rows), query_id
            assert any("新型" in str(value) for row in sparql_rows for value in row.values()), query_id
    finally:
        load(to_property_graph(plan_graph), loaded)  # the module's other tests read the plan
