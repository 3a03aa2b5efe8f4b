"""Loads that find the difference from the rows that changed (a snapshot of the lists as loaded), on a real server.

Each test checks what a user sees (counts, how the difference was found) and
what the database then holds: the lists' graph, and a summary whose digests
are those of what it holds, as if computed from scratch.
"""

from __future__ import annotations

import shutil

import pytest

from kg.errors import LoadInterrupted, ValidationFailed
from kg.graph.mapping import model_to_property_graph
from kg.lists.checks import check
from loaders.bolt.connect import connect
from loaders.bolt.load import load_lists
from loaders.bolt.read import read_graph
from loaders.bolt.snapshot import read_snapshot, snapshot_path
from loaders.bolt.state import LoadState, bucket_sums, digest, read_state
from loaders.csv_lists import read_workspace
from tests.conftest import lose_connection_after, read_rows, shipped_counts, write_rows


def graph_of(folder):
    return model_to_property_graph(check(read_workspace(folder)))


def held(settings):
    """The plan graph the database holds, and its summary."""
    driver = connect(settings)
    try:
        with driver.session(database=settings.database) as session:
            state = session.execute_read(read_state)
        return read_graph(driver, settings.database), state
    finally:
        driver.close()


def assert_summary_is_true(settings):
    """The summary's digests are the sums of the hashes of what the database holds."""
    pg, state = held(settings)
    assert state is not None and not state.dirty
    fresh = LoadState(state.bounds, [])
    assert [digest(total) for total in bucket_sums(fresh, pg)] == state.hashes
    return pg


def edit(folder, name, change):
    rows = read_rows(folder / name)
    change(rows)
    write_rows(folder / name, rows)


def test_a_rename_goes_by_rows(settings, workspace):
    first = load_lists(workspace, settings)
    entities, _ = shipped_counts()
    assert first["compared"] == "everything" and first["nodes_created"] == entities
    edit(workspace, "entities.csv", lambda rows: rows[10].update(name_en=rows[10]["name_en"] + " (renamed)"))
    summary = load_lists(workspace, settings)
    assert summary["compared"] == "rows"
    assert (summary["nodes_updated"], summary["nodes_unchanged"], summary["batches"]) == (1, entities - 1, 1)
    assert assert_summary_is_true(settings) == graph_of(workspace)
    again = load_lists(workspace, settings)
    assert (again["compared"], again["batches"], again["nodes_unchanged"]) == ("rows", 0, entities)


def test_new_entities_and_links_and_a_removed_link(settings, workspace):
    load_lists(workspace, settings)
    edit(
        workspace,
        "entities.csv",
        lambda rows: rows.append(
            {"id": "new-park", "kind": "SciencePark", "name_zh": "新园区", "name_en": "New Park", "note": "curated: t"}
        ),
    )
    removed = read_rows(workspace / "links.csv")[5]

    def links(rows):
        rows.remove(removed)
        rows.append({"subject": "新园区", "predicate": "locatedIn", "object": "滨海新区", "note": "curated: t"})

    edit(workspace, "links.csv", links)
    summary = load_lists(workspace, settings)
    assert summary["compared"] == "rows"
    assert (summary["nodes_created"], summary["relationships_created"]) == (1, 1)
    pg = assert_summary_is_true(settings)
    target = graph_of(workspace)
    # Without --replace the removed link stays in the database, and only it.
    assert set(pg.nodes) == set(target.nodes)
    assert set(pg.rels) - set(target.rels) == {
        (
            f"https://w3id.org/tj-sti-plan/id/{removed['subject']}",
            "BROADER",
            f"https://w3id.org/tj-sti-plan/id/{removed['object']}",
        )
    }
    replaced = load_lists(workspace, settings, replace=True)  # what the lists lack: compared by buckets
    assert (replaced["compared"], replaced["relationships_deleted"]) == ("buckets", 1)
    assert assert_summary_is_true(settings) == target
    assert load_lists(workspace, settings, replace=True)["compared"] == "rows"


def test_a_changed_kind_goes_by_buckets_and_keeps_the_links(settings, workspace):
    load_lists(workspace, settings)

    def kind(rows):
        next(r for r in rows if r["id"] == "tianjin-drug-evaluation-center")["kind"] = "ResearchCenter"

    edit(workspace, "entities.csv", kind)
    summary = load_lists(workspace, settings)
    assert summary["compared"] == "buckets"  # the node is created again, with its links
    assert (summary["nodes_deleted"], summary["nodes_created"]) == (1, 1)
    assert assert_summary_is_true(settings) == graph_of(workspace)


def test_someone_elses_load_makes_the_snapshot_stale(settings, workspace, tmp_path):
    load_lists(workspace, settings)
    other = shutil.copytree(workspace, tmp_path / "other")
    edit(other, "entities.csv", lambda rows: rows[3].update(name_en="Changed elsewhere"))
    assert load_lists(other, settings, snapshots=False)["nodes_updated"] == 1  # keeps no snapshot
    summary = load_lists(workspace, settings)  # the database no longer holds what the snapshot says
    assert (summary["compared"], summary["nodes_updated"]) == ("buckets", 1)
    assert assert_summary_is_true(settings) == graph_of(workspace)


def test_a_copy_of_the_lists_changed_elsewhere_goes_by_rows(settings, workspace, tmp_path):
    """The snapshot belongs to the database, not to a folder: an edited copy is compared with it."""
    load_lists(workspace, settings)
    copy = shutil.copytree(workspace, tmp_path / "copy")
    edit(copy, "entities.csv", lambda rows: rows[4].update(name_zh=rows[4]["name_zh"]))  # rewritten, same rows
    edit(copy, "links.csv", lambda rows: rows[7].update(note="checked by hand"))
    summary = load_lists(copy, settings)
    assert (summary["compared"], summary["relationships_updated"], summary["nodes_updated"]) == ("rows", 1, 0)
    assert assert_summary_is_true(settings) == graph_of(copy)


def test_an_interrupted_load_by_rows_is_completed_by_buckets(settings, workspace, monkeypatch):
    load_lists(workspace, settings)
    before = graph_of(workspace)
    edit(workspace, "entities.csv", lambda rows: [r.update(name_en=r["name_en"] + " (2)") for r in rows[::20]])
    lose_connection_after(monkeypatch, 1)
    with pytest.raises(LoadInterrupted):
        load_lists(workspace, settings, batch_size=5)
    monkeypatch.undo()
    assert held(settings)[1] is not None and held(settings)[1].dirty  # the buckets being written are marked
    edit(workspace, "entities.csv", lambda rows: [r.update(name_en=r["name_en"].removesuffix(" (2)")) for r in rows])
    summary = load_lists(workspace, settings)  # the lists as first loaded: only the marks say what changed
    assert summary["compared"] == "buckets" and summary["nodes_updated"] == 5
    assert assert_summary_is_true(settings) == before
    assert load_lists(workspace, settings)["compared"] == "rows"


def test_a_snapshot_that_cannot_be_used_is_ignored(settings, workspace):
    load_lists(workspace, settings)
    path = snapshot_path(settings)
    assert read_snapshot(path) is not None
    path.write_bytes(b"not a snapshot")
    edit(workspace, "entities.csv", lambda rows: rows[0].update(name_en="Beijing Municipality"))
    summary = load_lists(workspace, settings)
    assert (summary["compared"], summary["nodes_updated"]) == ("buckets", 1)
    assert read_snapshot(path) is not None  # written again
    assert assert_summary_is_true(settings) == graph_of(workspace)


def test_bad_lists_write_nothing_by_rows_either(settings, workspace):
    load_lists(workspace, settings)
    before = held(settings)
    edit(workspace, "entities.csv", lambda rows: rows[3].update(kind="NoSuchKind"))
    with pytest.raises(ValidationFailed, match="1 error in the entity lists; nothing was written"):
        load_lists(workspace, settings)
    assert held(settings) == before


def test_a_rename_leaves_the_links_of_the_snapshot_alone(settings, workspace):
    """Only entities changed: the snapshot's links (the largest part) are neither unpacked nor written again."""
    load_lists(workspace, settings)
    path = snapshot_path(settings)
    links = read_snapshot(path).links_file
    written = (path.parent / links).stat().st_mtime_ns
    edit(workspace, "entities.csv", lambda rows: rows[10].update(name_en="Renamed"))
    assert load_lists(workspace, settings)["compared"] == "rows"
    snapshot = read_snapshot(path)
    assert snapshot.links_file == links and (path.parent / links).stat().st_mtime_ns == written
    assert not snapshot.index.links_loaded
    assert len(snapshot.index.links) == snapshot.index.link_count == len(read_rows(workspace / "links.csv"))
    edit(workspace, "links.csv", lambda rows: rows[0].update(note="checked"))
    assert load_lists(workspace, settings)["compared"] == "rows"
    assert read_snapshot(path).links_file != links and not (path.parent / links).exists()  # replaced, not piled up
