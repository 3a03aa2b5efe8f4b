"""Extending the graph touches only the files the house says: a new entity field is a row of the schema
table and a property of the ontology; a new kind or link type is a term of the ontology. Each test edits a
copy of the project in exactly those files and runs the real ``kg`` command on it."""

import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parents[1]
TTL = "ontology/plan.ttl"


def project_copy(tmp_path: Path) -> Path:
    """The package and its data, copied; a workspace ``ws`` of the plan's lists beside them."""
    project = tmp_path / "project"
    for name in ("kg", "loaders", "viz", "ontology", "data", "queries"):
        shutil.copytree(ROOT / name, project / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "data", tmp_path / "ws", ignore=shutil.ignore_patterns("source"))
    return project


def edit(project: Path, path: str, old: str, new: str) -> None:
    target = project / path
    text = target.read_text(encoding="utf-8")
    assert old in text, f"{path} no longer holds {old!r}"
    target.write_text(text.replace(old, new, 1), encoding="utf-8")


def append_row(path: Path, values: dict) -> None:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        header = next(csv.reader(handle))
    for column in values:
        assert column in header, column
    with path.open("a", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerow([values.get(c, "") for c in header])


def add_column(path: Path, column: str, values: dict[str, str]) -> None:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    rows[0].append(column)
    for row in rows[1:]:
        row.append(values.get(row[0], ""))
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


def kg(project: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(project), "KG_CACHE_DIR": str(project / ".cache")}
    done = subprocess.run(
        [sys.executable, "-m", "kg", *args], cwd=project, env=env, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr
    return done


def python(project: Path, code: str) -> str:
    env = {**os.environ, "PYTHONPATH": str(project), "KG_CACHE_DIR": str(project / ".cache")}
    done = subprocess.run([sys.executable, "-c", code], cwd=project, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_a_new_entity_field_is_one_row_of_the_schema_and_one_ontology_property(tmp_path):
    project = project_copy(tmp_path)
    edit(
        project,
        "kg/vocab/schema.py",
        "#: Columns of ``links.csv``, in file order.",
        """ENTITY_FIELDS += (
    _attribute(
        "established_year",
        "Platforms only: the year the platform was established.",
        type="year",
        rdf="tjp:establishedYear",
        pg="established_year",
        kinds=("Platform",),
        label_zh="成立年份",
    ),
)

#: Columns of ``links.csv``, in file order.""",
    )
    edit(
        project,
        TTL,
        "tjp:unit a owl:DatatypeProperty",
        """tjp:establishedYear a owl:DatatypeProperty ;
    rdfs:label "成立年份"@zh , "established in"@en ;
    rdfs:comment "平台的成立年份。"@zh , "The year a platform was established."@en ;
    rdfs:domain tjp:Platform ; rdfs:range xsd:gYear .

tjp:unit a owl:DatatypeProperty""",
    )
    ws = tmp_path / "ws"
    add_column(ws / "entities.csv", "established_year", {"national-supercomputing-center-tianjin": "2009"})

    kg(project, "build", "--data", str(ws), "-o", str(tmp_path / "out"))
    nt = (tmp_path / "out" / "plan.nt").read_text(encoding="utf-8")
    assert (
        "<https://w3id.org/tj-sti-plan/id/national-supercomputing-center-tianjin> <https://w3id.org/tj-sti-plan/ontology#establishedYear> "
        '"2009"^^<http://www.w3.org/2001/XMLSchema#gYear> .'
    ) in nt
    # The property graph kg load sends, and the model kg export --from-neo4j reads back from it.
    shown = python(
        project,
        "from kg.graph.mapping import model_to_property_graph, to_model; from kg.lists.checks import check; "
        "from loaders.csv_lists import read_workspace; "
        f"pg = model_to_property_graph(check(read_workspace({str(ws)!r}))); "
        "node = pg.nodes['https://w3id.org/tj-sti-plan/id/national-supercomputing-center-tianjin']; "
        "print(node.props['established_year'], to_model(pg).entities['national-supercomputing-center-tianjin'].established_year)",
    )
    assert shown.split() == ["2009", "2009"]
    kg(project, "export", "--neo4j-admin", str(tmp_path / "admin"), "--data", str(ws))
    with (tmp_path / "admin" / "nodes.csv").open(encoding="utf-8") as handle:
        header, *rows = csv.reader(handle)
    assert "established_year:int" in header
    column = header.index("established_year:int")
    assert [row[column] for row in rows if row[0].endswith("/national-supercomputing-center-tianjin")] == ["2009"]
    page = tmp_path / "view.html"
    kg(project, "viz", "--data", str(ws), "--focus", "national-supercomputing-center-tianjin", "-o", str(page))
    assert '"established_year":2009' in page.read_text(encoding="utf-8")
    # A value on a kind the field is not for is refused with its place in the file.
    with (ws / "entities.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    rows[1][-1] = "2010"  # beijing is a Region
    with (ws / "entities.csv").open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    env = {**os.environ, "PYTHONPATH": str(project), "KG_CACHE_DIR": str(project / ".cache")}
    refused = subprocess.run(
        [sys.executable, "-m", "kg", "validate", "--data", str(ws)],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
    )
    assert refused.returncode == 1
    assert f"entities.csv:2:{len(rows[0])}: established_year is for innovation platforms only" in refused.stderr


def test_a_new_kind_is_one_class_of_the_ontology(tmp_path):
    project = project_copy(tmp_path)
    edit(
        project,
        TTL,
        "tjp:Laboratory a owl:Class",
        """tjp:Incubator a owl:Class ; rdfs:subClassOf tjp:Platform ;
    rdfs:label "孵化器"@zh , "Incubator"@en ;
    rdfs:comment "科技企业孵化器。"@zh , "A technology business incubator."@en .

tjp:Laboratory a owl:Class""",
    )
    ws = tmp_path / "ws"
    append_row(
        ws / "entities.csv",
        {
            "id": "binhai-incubator",
            "kind": "Incubator",
            "name_zh": "滨海孵化器",
            "name_en": "Binhai Incubator",
            "note": "curated: an example incubator",
        },
    )
    append_row(
        ws / "links.csv",
        {
            "subject": "binhai-incubator",
            "predicate": "locatedIn",
            "object": "binhai-new-area",
            "note": "curated: an example",
        },
    )
    kg(project, "validate", "--data", str(ws))
    kg(project, "build", "--data", str(ws), "-o", str(tmp_path / "out"))
    assert (
        "<https://w3id.org/tj-sti-plan/id/binhai-incubator> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
        "<https://w3id.org/tj-sti-plan/ontology#Incubator> ."
    ) in (tmp_path / "out" / "plan.nt").read_text(encoding="utf-8")
    kinds = json.loads(kg(project, "kinds", "--format", "json").stdout)
    assert {
        "what": "kind",
        "name": "Incubator",
        "under": "Platform",
        "label_zh": "孵化器",
        "label_en": "Incubator",
    } in kinds
    kg(project, "export", "--neo4j-admin", str(tmp_path / "admin"), "--data", str(ws))
    nodes = (tmp_path / "admin" / "nodes.csv").read_text(encoding="utf-8")
    assert "Resource|Platform|Incubator" in nodes
    page = tmp_path / "view.html"
    kg(project, "viz", "--data", str(ws), "--kind", "Incubator", "-o", str(page))
    assert '"kind_zh":"孵化器"' in page.read_text(encoding="utf-8")


def test_a_new_link_type_is_one_property_of_the_ontology(tmp_path):
    project = project_copy(tmp_path)
    edit(
        project,
        TTL,
        "tjp:reliesOn a owl:ObjectProperty",
        """tjp:incubates a owl:ObjectProperty ; rdfs:subPropertyOf tjp:linkedTo ;
    rdfs:label "孵化"@zh , "incubates"@en ;
    rdfs:comment "平台孵化一家机构。"@zh , "A platform incubates an institution."@en ;
    rdfs:domain tjp:Platform ; rdfs:range tjp:Institution .

tjp:reliesOn a owl:ObjectProperty""",
    )
    ws = tmp_path / "ws"
    append_row(
        ws / "links.csv",
        {
            "subject": "national-supercomputing-center-tianjin",
            "predicate": "incubates",
            "object": "tsinghua-university",
            "note": "curated: an example link",
        },
    )
    kg(project, "validate", "--data", str(ws))
    kg(project, "build", "--data", str(ws), "-o", str(tmp_path / "out"))
    assert (
        "<https://w3id.org/tj-sti-plan/id/national-supercomputing-center-tianjin> <https://w3id.org/tj-sti-plan/ontology#incubates> "
        "<https://w3id.org/tj-sti-plan/id/tsinghua-university> ."
    ) in (tmp_path / "out" / "plan.nt").read_text(encoding="utf-8")
    report = json.loads(kg(project, "analyze", "--data", str(ws), "--format", "json").stdout)
    assert {"link": "INCUBATES", "link_name": "incubates", "partner_region": "北京", "count": 1} in report["bridges"][
        "by_type"
    ]
    page = tmp_path / "view.html"
    kg(project, "viz", "--data", str(ws), "--focus", "national-supercomputing-center-tianjin", "-o", str(page))
    assert '"label":"孵化"' in page.read_text(encoding="utf-8")
