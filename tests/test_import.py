"""Importing updated lists: the bad-input corpus, policies, diffs, atomic writes, syncing to Neo4j."""

import csv
import os
import signal
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import pytest

from kg.cli import main
from loaders.workspace import JOURNAL, writing
from tests.conftest import ROOT, count_in_db, read_rows, shipped_counts

CORPUS = Path(__file__).parent / "bad_inputs"
CASES = tomllib.loads((CORPUS / "cases.toml").read_text(encoding="utf-8"))["case"]


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_the_corpus_is_large_enough():
    assert len(CASES) >= 30
    files = {f for case in CASES for f in case["files"] if "://" not in f}
    assert files <= {p.name for p in CORPUS.iterdir()}


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_bad_input(runner, workspace, monkeypatch, case):
    monkeypatch.chdir(CORPUS)
    before = snapshot(workspace)
    result = runner.invoke(main, ["import", *case["files"], "--data", str(workspace), *case.get("args", [])])
    output = result.output + result.stderr
    assert result.exit_code == case["exit"], output
    for message in case["messages"]:
        assert message in output, f"{message!r} not in:\n{output}"
    assert snapshot(workspace) == before  # the lists are byte-identical, no journal left behind


def test_a_50_mb_file_is_refused(runner, workspace, tmp_path):
    big = tmp_path / "big.csv"
    line = "天津甲中心,Jia Center,平台,滨海新区,名单\n".encode()
    with open(big, "wb") as handle:
        handle.write("名称,英文名,类型,所在地,来源\n".encode())
        handle.write(line * (50 * 1024 * 1024 // len(line) + 1))
    before = snapshot(workspace)
    result = runner.invoke(main, ["import", str(big), "--data", str(workspace)])
    assert result.exit_code == 1
    assert (
        f"{big}:0:0: the file is 50.0 MB, over the 20 MB limit (split it, or raise the limit with --max-size MB"
        in result.stderr
    )
    assert snapshot(workspace) == before


def test_import_needs_a_workspace(runner, tmp_path):
    result = runner.invoke(main, ["import", str(CORPUS / "gbk.csv")])
    assert result.exit_code == 1
    assert "importing writes into a workspace of lists, never into the installed package" in result.stderr
    result = runner.invoke(main, ["import", str(CORPUS / "gbk.csv"), "--data", str(tmp_path)])
    assert result.exit_code == 1 and "is not a workspace of lists" in result.stderr


def test_import_writes_and_validates(runner, workspace):
    result = runner.invoke(main, ["import", str(CORPUS / "good.xlsx"), "--data", str(workspace), "--format", "json"])
    assert result.exit_code == 0, result.output + result.stderr
    assert "Wrote" in result.stderr and "entities: 1 added" in result.stderr
    rows = {r["id"]: r for r in read_rows(workspace / "entities.csv")}
    assert rows["jia-center"]["name_zh"] == "天津甲中心"
    assert rows["jia-center"]["kind"] == "Platform"
    assert rows["jia-center"]["note"] == "curated: 名单"
    links = read_rows(workspace / "links.csv")
    assert {"subject": "jia-center", "predicate": "locatedIn", "object": "binhai-new-area"}.items() <= links[-1].items()
    assert (workspace / "entities.csv").read_bytes().startswith(b"\xef\xbb\xbf")  # Excel opens it as UTF-8
    assert not (workspace / JOURNAL).exists()
    assert runner.invoke(main, ["validate", "--data", str(workspace)]).exit_code == 0
    again = runner.invoke(main, ["import", str(CORPUS / "good.xlsx"), "--data", str(workspace)])
    assert again.exit_code == 0 and "Nothing to change" in again.stderr


def test_conflict_policies(runner, workspace):
    conflict = str(CORPUS / "conflict.csv")
    before = snapshot(workspace)
    skip = runner.invoke(main, ["import", conflict, "--data", str(workspace), "--on-conflict", "skip"])
    assert skip.exit_code == 0
    assert "skipped: " in skip.stderr and "kept 'national-supercomputing-center-tianjin' as it was" in skip.stderr
    assert snapshot(workspace) == before
    update = runner.invoke(main, ["import", conflict, "--data", str(workspace), "--on-conflict", "update"])
    assert update.exit_code == 0, update.stderr
    assert (
        "entity  changed  national-supercomputing-center-tianjin  name_en: National Supercomputer Center in Tianjin → NSCC Tianjin (new name)"
        in update.output
    )
    row = next(r for r in read_rows(workspace / "entities.csv") if r["id"] == "national-supercomputing-center-tianjin")
    assert row["name_en"] == "NSCC Tianjin (new name)"
    assert row["quote"] == "依托国家超级计算天津中心"  # what the import did not give is kept


def test_import_with_kind_and_source(runner, workspace, tmp_path):
    plain = tmp_path / "names.csv"
    plain.write_text("name,name_en,located_in\n天津甲园,Jia Park,滨海－中关村科技园\n", encoding="utf-8")
    result = runner.invoke(
        main,
        [
            "import",
            str(plain),
            "--data",
            str(workspace),
            "--kind",
            "园区",
            "--source",
            "市科技局 2023",
            "--format",
            "csv",
        ],
    )
    assert result.exit_code == 0, result.stderr
    assert "link,added,jia-park locatedIn binhai-zhongguancun-science-park,curated: 市科技局 2023" in result.output


def test_diff_between_workspaces(runner, workspace, tmp_path):
    other = tmp_path / "other"
    assert runner.invoke(main, ["init", str(other)]).exit_code == 0
    assert (
        runner.invoke(
            main, ["import", str(CORPUS / "conflict.csv"), "--data", str(other), "--on-conflict", "update"]
        ).exit_code
        == 0
    )
    assert runner.invoke(main, ["import", str(CORPUS / "good.xlsx"), "--data", str(other)]).exit_code == 0
    result = runner.invoke(main, ["diff", str(workspace), str(other), "--format", "json"])
    import json

    data = json.loads(result.output)
    assert data["summary"] == {
        "entities_added": 1, "entities_changed": 1, "entities_removed": 0,
        "links_added": 1, "links_changed": 0, "links_removed": 0,
    }  # fmt: skip
    assert data["changes"]["entities"]["changed"][0]["changes"]["name_en"] == [
        "National Supercomputer Center in Tianjin",
        "NSCC Tianjin (new name)",
    ]
    back = json.loads(runner.invoke(main, ["diff", str(other), str(workspace), "--format", "json"]).output)
    assert back["summary"]["entities_removed"] == 1 and back["summary"]["links_removed"] == 1


def big_list(path: Path, rows: int) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["名称", "英文名", "类型", "所在地", "领域", "来源"])
        for i in range(rows):
            writer.writerow(
                [
                    f"天津高新技术企业{i:04d}",
                    f"Tianjin High-Tech Enterprise {i:04d}",
                    "企业",
                    "滨海高新区",
                    "人工智能",
                    "2023年高企名单",
                ]
            )
    return path


def test_two_thousand_rows(runner, workspace, tmp_path):
    source = big_list(tmp_path / "htes.csv", 2000)
    result = runner.invoke(main, ["import", str(source), "--data", str(workspace)])
    assert result.exit_code == 0, result.stderr
    assert "entities: 2000 added, 0 changed; links: 4000 added" in result.stderr
    assert len(read_rows(workspace / "entities.csv")) == shipped_counts()[0] + 2000


def test_killed_mid_write_leaves_the_lists_whole(workspace, tmp_path):
    """Kill the import at many moments; every time the lists are the old ones or the new ones."""
    source = big_list(tmp_path / "htes.csv", 2000)
    old = snapshot(workspace)
    seen = set()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for delay in (0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 5.0, 8.0):
        process = subprocess.Popen(
            [sys.executable, "-m", "kg", "import", str(source), "--data", str(workspace)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait()
        reader = subprocess.run(
            [sys.executable, "-m", "kg", "validate", "--data", str(workspace)], env=env, capture_output=True, text=True
        )
        assert reader.returncode == 0, reader.stderr  # never a mixed or half-written pair of lists
        with writing(workspace):  # the next writer takes the killed one's lock and finishes or discards its write
            pass
        now = snapshot(workspace)
        assert sorted(now) == ["entities.csv", "links.csv"]
        state = "old" if now == old else "new"
        if state == "new":
            entities, links = shipped_counts()
            assert len(read_rows(workspace / "entities.csv")) == entities + 2000
            assert len(read_rows(workspace / "links.csv")) == links + 4000
            (workspace / "entities.csv").write_bytes(old["entities.csv"])
            (workspace / "links.csv").write_bytes(old["links.csv"])
        seen.add(state)
    assert "old" in seen


def test_interrupted_commit_is_finished_or_discarded(workspace):
    from kg.vocab.schema import ENTITY_COLUMNS
    from loaders.workspace import csv_bytes, recover

    old = snapshot(workspace)
    journal = workspace / JOURNAL
    journal.mkdir()
    (journal / "entities.csv").write_bytes(csv_bytes([], ENTITY_COLUMNS))
    assert recover(workspace) == "discarded"  # no COMMIT marker: the old lists stay
    assert snapshot(workspace) == old
    journal.mkdir()
    new_entities = old["entities.csv"].replace(b"Binhai New Area", b"Binhai New District")
    (journal / "entities.csv").write_bytes(new_entities)
    (journal / "COMMIT").write_bytes(b"")
    assert recover(workspace) == "finished"  # committed: the write is completed
    assert (workspace / "entities.csv").read_bytes() == new_entities
    assert not journal.exists()


def test_load_after_import_sends_only_the_change(runner, workspace, settings):
    assert runner.invoke(main, ["load", "--data", str(workspace)]).exit_code == 0
    assert runner.invoke(main, ["import", str(CORPUS / "good.xlsx"), "--data", str(workspace)]).exit_code == 0
    assert (
        runner.invoke(
            main, ["import", str(CORPUS / "conflict.csv"), "--data", str(workspace), "--on-conflict", "update"]
        ).exit_code
        == 0
    )
    result = runner.invoke(main, ["load", "--data", str(workspace), "--format", "csv"])
    assert result.exit_code == 0, result.stderr
    counts = dict(line.split(",") for line in result.output.splitlines()[1:])
    assert counts["nodes_created"] == "1" and counts["nodes_updated"] == "1" and counts["relationships_created"] == "1"
    entities, links = shipped_counts()
    assert counts["nodes_unchanged"] == str(entities - 1)
    assert count_in_db(settings) == (entities + 1, links + 1)


def test_server_stopped_mid_sync_then_rerun_completes(runner, workspace, tmp_path, server_engine):
    from kg.errors import LoadInterrupted
    from kg.graph.mapping import model_to_property_graph
    from kg.rdf.validate import checked
    from loaders.bolt.connect import Settings
    from loaders.bolt.load import load
    from loaders.bolt.server import free_port, local_server
    from loaders.csv_lists import read_workspace
    from tests.conftest import BOLT_PASSWORD

    port, root = free_port(), tmp_path / "server"

    def server():
        return local_server(server_engine, password=BOLT_PASSWORD, port=port, root=root)

    settings = Settings(
        uri=f"bolt://127.0.0.1:{port}", username=server().username, password=BOLT_PASSWORD, database="plan"
    )
    with server():
        load(model_to_property_graph(checked(read_workspace(workspace))), settings)
    assert (
        runner.invoke(main, ["import", str(big_list(tmp_path / "htes.csv", 300)), "--data", str(workspace)]).exit_code
        == 0
    )
    target = model_to_property_graph(checked(read_workspace(workspace)))
    running = server().start()

    def stop_part_way(done, total):
        if done >= 100:
            running.kill()

    with pytest.raises(LoadInterrupted):
        load(target, settings, batch_size=20, progress=stop_part_way)
    with server():
        summary = load(target, settings)
        assert 0 < summary["nodes_created"] < 300  # only what the interrupted sync had not sent
        assert count_in_db(settings) == (len(target.nodes), len(target.rels))
