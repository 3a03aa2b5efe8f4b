"""Write the property graph as CSV files for ``neo4j-admin database import`` (the bulk path for first loads).

Header grammar of Neo4j 5's importer: ``name:TYPE`` for properties (``:int``,
``:double``, ``:string[]`` …), ``uri:ID(Resource)`` for the node id in the id
space ``Resource`` (stored as the property ``uri``), ``:LABEL``, and
``:START_ID(Resource)``, ``:END_ID(Resource)``, ``:TYPE`` for relationships.
Arrays and label lists use ``|`` as delimiter (aliases never hold it).

>>> NODE_HEADER[0], REL_HEADER[:3]
('uri:ID(Resource)', [':START_ID(Resource)', ':END_ID(Resource)', ':TYPE'])
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from kg.graph.mapping import SEARCH_TEXT, PropertyGraph
from kg.vocab.schema import ATTRIBUTES, PROVENANCE, TYPES

from .write import NEO4J_INDEXES, SCHEMA, node_row

__all__ = ["NODE_PROPERTIES", "NODE_HEADER", "REL_HEADER", "ARRAY_DELIMITER", "write_import_files", "command"]

ARRAY_DELIMITER = "|"
#: Node properties and their types in the importer's header grammar, from the schema table.
NODE_PROPERTIES = {
    "id": "string",
    "name_zh": "string",
    "name_en": "string",
    "aliases": "string[]",
    **{
        name: type_
        for f in ATTRIBUTES
        if f.pg
        for name, type_ in (
            (f.pg, f.value_type.admin),
            *([(f.companion[1], TYPES[f.companion[3]].admin)] if f.companion else []),
        )
    },
    **PROVENANCE,
    SEARCH_TEXT: "string",
}
REL_PROPERTIES = dict(PROVENANCE)
NODE_HEADER = ["uri:ID(Resource)", *(f"{k}:{t}" for k, t in NODE_PROPERTIES.items()), ":LABEL"]
REL_HEADER = [":START_ID(Resource)", ":END_ID(Resource)", ":TYPE", *(f"{k}:{t}" for k, t in REL_PROPERTIES.items())]


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ARRAY_DELIMITER.join(str(v) for v in value)
    if isinstance(value, float) and value.is_integer():
        return f"{value:.1f}"
    return str(value)


def _csv(rows: list[list[str]]) -> str:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerows(rows)
    return buffer.getvalue()


def command(database: str = "neo4j", folder: str = "import") -> str:
    """The neo4j-admin command that imports the files (run with the database stopped)."""
    return (
        f"neo4j-admin database import full {database} --overwrite-destination "
        f"--nodes={folder}/nodes.csv --relationships={folder}/relationships.csv "
        f'--array-delimiter="{ARRAY_DELIMITER}" --id-type=string'
    )


def write_import_files(pg: PropertyGraph, directory: str | Path) -> list[Path]:
    """Write ``nodes.csv``, ``relationships.csv`` and ``README.md`` (with the import command)."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    nodes = [NODE_HEADER]
    for uri in sorted(pg.nodes):
        node = pg.nodes[uri]
        props = node_row(node.props)
        nodes.append([uri, *(_cell(props.get(k)) for k in NODE_PROPERTIES), ARRAY_DELIMITER.join(node.labels)])
    rels = [REL_HEADER]
    for key in sorted(pg.rels):
        rel = pg.rels[key]
        rels.append([rel.start, rel.end, rel.type, *(_cell(rel.props.get(k)) for k in REL_PROPERTIES)])
    paths = [directory / "nodes.csv", directory / "relationships.csv", directory / "README.md"]
    paths[0].write_text(_csv(nodes), encoding="utf-8")
    paths[1].write_text(_csv(rels), encoding="utf-8")
    schema = "".join(f"{statement};\n" for statement in (*SCHEMA, *NEO4J_INDEXES)).rstrip()
    paths[2].write_text(
        f"""# Bulk import into Neo4j 5

{len(pg.nodes)} nodes and {len(pg.rels)} relationships of the plan graph, for a first
load of an empty database with `neo4j-admin` (much faster than `kg load` at
millions of rows; later changes go through `kg load`, which sends only what
changed).

Copy this folder to the server's `import/` folder, stop the database, then:

```sh
{command()}
```

Start the database and create the constraint and indexes `kg load` makes
(the next `kg load` makes them too):

```cypher
{schema}
```

Headers: `uri:ID(Resource)` is the node id (id space `Resource`, stored as the
property `uri`); `:LABEL` holds every label of the node's class chain,
separated by `{ARRAY_DELIMITER}`; `aliases:string[]` is an array with the same
delimiter; `:START_ID(Resource)`, `:END_ID(Resource)` and `:TYPE` describe the
relationships, whose provenance properties follow.
""",
        encoding="utf-8",
    )
    return paths
