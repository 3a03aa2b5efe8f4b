"""`kg export --neo4j-admin`: files in neo4j-admin's header grammar holding the graph `kg load` writes."""

import csv
import re

from kg.cli import main
from kg.graph.mapping import Node, PropertyGraph, Rel
from loaders.bolt.admin import ARRAY_DELIMITER
from loaders.bolt.connect import connect
from loaders.bolt.read import read_graph

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
        pg.nodes[record["ID"]] = Node(record["ID"], labels, record["props"])
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
