"""`kg export --neo4j-admin`: files in neo4j-admin's header grammar holding the graph `kg load` writes."""

import csv
import os
import re
import shlex
import subprocess

from kg.cli import main
from kg.graph.mapping import SEARCH_TEXT, Node, PropertyGraph, Rel, model_to_property_graph, search_text
from loaders.bolt.admin import ARRAY_DELIMITER, command
from loaders.bolt.connect import Settings, connect
from loaders.bolt.load import load
from loaders.bolt.neo4j_server import Neo4jServer, fetch_jars, java, settings_for
from loaders.bolt.read import read_graph
from tests.conftest import BOLT_PASSWORD

# Neo4j 5 import header fields: [name][:TYPE or :ID/:START_ID/:END_ID(idspace) or :LABEL/:TYPE]
FIELD = re.compile(
    r"^(?:(?P<name>[A-Za-z_][A-Za-z0-9_]*)?:(?P<kind>ID|START_ID|END_ID)\((?P<space>[A-Za-z_]+)\)"
    r"|:(?P<special>LABEL|TYPE)"
    r"|(?P<prop>[A-Za-z_][A-Za-z0-9_]*):(?P<type>string|int|long|double|float|boolean|date|datetime)(?P<array>\[\])?)$"
)
PARSE = {"string": str, "int": int, "long": int, "double": float, "float": float}


def read_back(path, header_kinds):
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    header, body = rows[0], rows[1:]
    fields = [FIELD.match(h) for h in header]
    assert all(fields), [h for h, f in zip(header, fields, strict=True) if not f]
    assert {f["kind"] or f["special"] for f in fields} - {None} == header_kinds
    out = []
    for row in body:
        record = {"props": {}}
        for field, value in zip(fields, row, strict=True):
            if field["kind"] in ("ID", "START_ID", "END_ID"):
                assert field["space"] == "Resource"
                record[field["kind"]] = value
                if field["name"]:
                    record["props"][field["name"]] = value
            elif field["special"]:
                record[field["special"]] = value
            elif value != "":
                parse = PARSE[field["type"]]
                record["props"][field["prop"]] = (
                    [parse(v) for v in value.split(ARRAY_DELIMITER)] if field["array"] else parse(value)
                )
        out.append(record)
    return out


def test_files_follow_the_header_grammar_and_hold_the_loaded_graph(runner, tmp_path, settings):
    result = runner.invoke(main, ["export", "--neo4j-admin", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "neo4j-admin database import full neo4j" in result.output
    pg = PropertyGraph()
    for record in read_back(tmp_path / "nodes.csv", {"ID", "LABEL"}):
        labels = tuple(record["LABEL"].split(ARRAY_DELIMITER))
        props = record["props"]
        assert props.pop(SEARCH_TEXT) == search_text(props)  # written for the search index, not read back
        pg.nodes[record["ID"]] = Node(record["ID"], labels, props)
    for record in read_back(tmp_path / "relationships.csv", {"START_ID", "END_ID", "TYPE"}):
        rel = Rel(record["START_ID"], record["TYPE"], record["END_ID"], record["props"])
        pg.rels[rel.key] = rel
    assert runner.invoke(main, ["load"]).exit_code == 0
    driver = connect(settings)
    loaded = read_graph(driver, settings.database)
    driver.close()
    assert pg == loaded
    readme = (tmp_path / "README.md").read_text(encoding="utf-8")
    assert '--array-delimiter="|"' in readme and "CREATE CONSTRAINT resource_uri" in readme


def test_neo4j_admin_imports_the_files_and_kg_load_finds_nothing_to_change(runner, tmp_path, plan_model):
    """The import tool itself (org.neo4j.cli.AdminTool from the Maven jars) runs the command the export
    prints, into a stopped Neo4j's folder; started, the database holds what `kg load` would write."""
    files, home = tmp_path / "import", tmp_path / "neo4j"
    assert runner.invoke(main, ["export", "--neo4j-admin", str(files)]).exit_code == 0
    server = Neo4jServer(password=BOLT_PASSWORD, root=home)
    conf = home / "conf" / "neo4j.conf"
    conf.parent.mkdir(parents=True)
    conf.write_text("".join(f"{k}={v}\n" for k, v in settings_for(port=server.port, database="plan").items()))
    words = shlex.split(command("plan", str(files)))
    assert words[:4] == ["neo4j-admin", "database", "import", "full"]
    admin = [java(), "-cp", f"{fetch_jars()}{os.sep}*", "org.neo4j.cli.AdminTool", *words[1:]]
    done = subprocess.run(
        admin,
        env={**os.environ, "NEO4J_HOME": str(home), "NEO4J_CONF": str(conf.parent)},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert f"Imported:\n  {len(plan_model.entities)} nodes\n  {len(plan_model.links)} relationships" in done.stdout
    with server:
        settings = Settings(uri=server.uri, username=server.username, password=BOLT_PASSWORD, database="plan")
        driver = connect(settings)
        assert read_graph(driver, "plan") == model_to_property_graph(plan_model)
        driver.close()
        summary = load(model_to_property_graph(plan_model), settings)
        assert summary["nodes_unchanged"] == len(plan_model.entities) and summary["nodes_created"] == 0
        assert summary["relationships_unchanged"] == len(plan_model.links)
