"""The command line end to end: build, validate, stats, init, kinds, locate."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from kg.cli import main
from tests.conftest import ROOT


def test_build_writes_three_equivalent_serialisations(runner, tmp_path):
    result = runner.invoke(main, ["build", "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"{len(list(_entities()))} entities, ")  # warnings, if any, go to stderr
    graphs = {
        suffix: Graph().parse(tmp_path / f"plan.{suffix}", format=fmt)
        for suffix, fmt in (("ttl", "turtle"), ("nt", "nt"), ("jsonld", "json-ld"))
    }
    assert len(graphs["ttl"]) > 5000
    assert isomorphic(graphs["ttl"], graphs["nt"])
    assert isomorphic(graphs["ttl"], graphs["jsonld"])
    assert not list(tmp_path.glob(".*.tmp"))


def _entities():
    from loaders.csv_lists import read_workspace

    return read_workspace().entities


def _build_in_subprocess(out: Path, seed: str) -> dict[str, bytes]:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    subprocess.run([sys.executable, "-m", "kg", "build", "-o", str(out)], check=True, env=env, capture_output=True)
    return {p.name: p.read_bytes() for p in sorted(out.iterdir())}


def test_output_is_deterministic_across_processes(tmp_path):
    first = _build_in_subprocess(tmp_path / "a", "1")
    second = _build_in_subprocess(tmp_path / "b", "4242")
    assert set(first) == {"plan.ttl", "plan.nt", "plan.jsonld"}
    assert first == second


def test_default_output_folder_is_out(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert runner.invoke(main, ["build"]).exit_code == 0
    assert (tmp_path / "out" / "plan.ttl").is_file()


def test_data_from_environment(runner, workspace, tmp_path):
    (workspace / "links.csv").write_text("subject,predicate,object,quote,quote_start,note\n", encoding="utf-8")
    result = runner.invoke(main, ["build", "-o", str(tmp_path)], env={"KG_DATA": str(workspace)})
    assert result.exit_code == 0, result.output
    assert ", 0 links, " in result.output


def test_validate(runner):
    result = runner.invoke(main, ["validate"])
    assert result.exit_code == 0
    assert result.stdout.startswith("OK: ")  # warnings, if any, go to stderr
    assert "pass every check and the SHACL shapes" in result.stdout


def test_init_copies_lists_and_refuses_to_overwrite(runner, tmp_path):
    target = tmp_path / "mine"
    result = runner.invoke(main, ["init", str(target)])
    assert result.exit_code == 0, result.output
    assert (target / "entities.csv").read_bytes() == (ROOT / "data" / "entities.csv").read_bytes()
    assert (target / "links.csv").read_bytes() == (ROOT / "data" / "links.csv").read_bytes()
    (target / "links.csv").write_text("changed", encoding="utf-8")
    result = runner.invoke(main, ["init", str(target)])
    assert result.exit_code == 1
    assert "already exist (use --force to overwrite them)" in result.stderr
    assert (target / "links.csv").read_text(encoding="utf-8") == "changed"
    assert runner.invoke(main, ["init", str(target), "--force"]).exit_code == 0
    assert runner.invoke(main, ["validate", "--data", str(target)]).exit_code == 0


def test_stats_formats(runner, plan_model):
    result = runner.invoke(main, ["stats", "--format", "json"])
    assert result.exit_code == 0
    rows = json.loads(result.output)
    kinds = {r["name"]: r["count"] for r in rows if r["what"] == "entity"}
    assert sum(kinds.values()) == len(plan_model.entities)
    links = {r["name"]: r["count"] for r in rows if r["what"] == "link"}
    assert sum(links.values()) == len(plan_model.links)
    table = runner.invoke(main, ["stats"]).output
    assert "TechnologyDomain" in table and "locatedIn" in table
    csv_out = runner.invoke(main, ["stats", "--format", "csv"]).output
    assert csv_out.splitlines()[0] == "what,group,name,label_zh,count"


def test_locate(runner):
    result = runner.invoke(main, ["locate", "依托天津港保税区", "--format", "csv"])
    assert result.exit_code == 0
    assert result.output.splitlines() == [
        "quote_start,section",
        "20629,专栏3 › 2",
        "20752,专栏3 › 3",
        "21225,专栏3 › 8",
    ]
    result = runner.invoke(main, ["locate", "月球基地"])
    assert result.exit_code == 1
    assert "'月球基地' is not in the plan" in result.stderr


def test_kinds_lists_the_ontology(runner):
    rows = json.loads(runner.invoke(main, ["kinds", "--format", "json"]).output)
    names = {r["name"] for r in rows}
    assert {"Platform", "LandmarkZone", "University", "locatedIn", "broader"} <= names


def test_usage_error_exits_2(runner):
    result = runner.invoke(main, ["stats", "--format", "xml"])
    assert result.exit_code == 2
    assert "'xml' is not one of 'table', 'csv', 'excel-csv', 'json'" in result.stderr


def command_names():
    return sorted(main.commands)


@pytest.mark.parametrize("name", command_names())
def test_every_command_has_help_and_a_readme_entry(runner, name):
    result = runner.invoke(main, [name, "--help"])
    assert result.exit_code == 0
    assert main.commands[name].help
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"kg {name} --help" in readme or f"Usage: kg {name}" in readme


def test_python_dash_m(tmp_path):
    result = subprocess.run([sys.executable, "-m", "kg", "--help"], capture_output=True, text=True, check=True)
    assert result.stdout.startswith("Usage: kg ")
