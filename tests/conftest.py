"""Shared fixtures: a workspace copy of the shipped lists, a CLI runner, the built plan graph."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.model import ENTITY_COLUMNS, LINK_COLUMNS
from kg.resources import resource

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """A folder holding copies of the shipped entities.csv and links.csv."""
    folder = tmp_path / "lists"
    folder.mkdir()
    for name in ("entities.csv", "links.csv"):
        with resource("data", name).open("rb") as source, open(folder / name, "wb") as out:
            shutil.copyfileobj(source, out)
    return folder


@pytest.fixture(scope="session")
def plan_model():
    from kg.checks import check
    from loaders.csv_lists import read_workspace

    return check(read_workspace())


@pytest.fixture(scope="session")
def plan_graph(plan_model):
    from kg.build import build_graph

    return build_graph(plan_model)


def read_rows(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def write_rows(path: Path, rows: list[dict], columns=None) -> None:
    columns = columns or list(ENTITY_COLUMNS if path.name == "entities.csv" else LINK_COLUMNS)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
