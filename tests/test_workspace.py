"""What kg guarantees about a workspace: one writer, reads that never write, readable lists, outputs that never
replace inputs, write errors in one line with the lists unchanged."""

import errno
import json
import os
import resource
import subprocess
import sys

import pytest

from kg.cli import main
from loaders.lock import exclusive
from loaders.workspace import JOURNAL, LOCK, writing
from tests.conftest import ROOT, read_rows, shipped_counts
from tests.test_import import CORPUS, big_list


def snapshot(folder) -> dict:
    """Every file and link under ``folder`` (links not followed): the bytes, or where a link points."""
    return {
        str(p.relative_to(folder)): os.readlink(p) if p.is_symlink() else p.read_bytes() if p.is_file() else None
        for p in sorted(folder.rglob("*"))
    }


ENV = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONDONTWRITEBYTECODE": "1"}
BUSY = "Error: another kg import is writing the workspace {ws} (pid {pid}) (wait for it to finish, or pass --wait)"


def kg(*args, **options) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "kg", *map(str, args)],
        env=ENV,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        **options,
    )


def named_list(path, prefix: str, rows: int):
    path.write_text(
        "名称,英文名,类型,所在地,来源\n"
        + "".join(f"{prefix}企业{i:04d},{prefix} Enterprise {i:04d},企业,滨海高新区,名单\n" for i in range(rows)),
        encoding="utf-8",
    )
    return path


def names(workspace) -> set[str]:
    return {row["name_zh"] for row in read_rows(workspace / "entities.csv")}


def test_an_import_while_another_writes_fails_with_nothing_changed(runner, workspace):
    before = snapshot(workspace)
    with exclusive(workspace / LOCK, what=f"the workspace {workspace}"):
        result = runner.invoke(main, ["import", str(CORPUS / "good.xlsx"), "--data", str(workspace)])
        for command in (["init", str(workspace), "--force"], ["synth", "10", "-o", str(workspace)]):
            assert runner.invoke(main, command).exit_code == 1
    assert result.exit_code == 1
    assert result.stderr.strip() == BUSY.format(ws=workspace, pid=os.getpid())
    assert snapshot(workspace) == before  # the lock file goes with the lock


@pytest.mark.parametrize("run", range(5))
def test_two_imports_at_once_lose_nothing(workspace, tmp_path, run):
    """Two real imports into one workspace: each one's rows are there, or it failed with the lock message."""
    sources = [named_list(tmp_path / f"{p}.csv", p, 1500) for p in ("甲", "乙")]
    processes = [kg("import", source, "--data", workspace) for source in sources]
    done = [(p.communicate()[1], p.returncode)[::-1] for p in processes]
    found = names(workspace)
    for (code, stderr), process, prefix in zip(done, processes, ("甲", "乙"), strict=True):
        if code == 0:
            assert "entities: 1500 added" in stderr
            assert {f"{prefix}企业{i:04d}" for i in range(1500)} <= found
        else:
            assert stderr.strip().splitlines()[-1] == BUSY.format(
                ws=workspace, pid=processes[1 - processes.index(process)].pid
            )
            assert not any(name.startswith(prefix) for name in found)
    assert 0 in [code for code, _ in done]
    assert len(found) == shipped_counts()[0] + 1500 * sum(code == 0 for code, _ in done)
    assert subprocess.run([sys.executable, "-m", "kg", "validate", "--data", str(workspace)], env=ENV).returncode == 0
    assert sorted(p.name for p in workspace.iterdir()) == ["entities.csv", "links.csv"]


def test_two_imports_with_wait_both_succeed(workspace, tmp_path):
    sources = [named_list(tmp_path / f"{p}.csv", p, 1500) for p in ("甲", "乙")]
    processes = [kg("import", source, "--data", workspace, "--wait") for source in sources]
    done = [(p.communicate()[1], p.returncode)[::-1] for p in processes]
    assert [code for code, _ in done] == [0, 0], done
    entities, links = shipped_counts()
    assert len(names(workspace)) == entities + 3000
    assert len(read_rows(workspace / "links.csv")) == links + 3000


def long_note(tmp_path, length: int):
    path = tmp_path / "rows.json"
    row = {"名称": "天津甲中心", "英文名": "Jia Center", "类型": "平台", "所在地": "滨海新区", "来源": "x" * length}
    path.write_text(json.dumps([row], ensure_ascii=False), encoding="utf-8")
    return path


def test_a_long_note_is_written_and_read_back(runner, workspace, tmp_path):
    result = runner.invoke(main, ["import", str(long_note(tmp_path, 200_000)), "--data", str(workspace)])
    assert result.exit_code == 0, result.stderr
    assert runner.invoke(main, ["stats", "--data", str(workspace)]).exit_code == 0
    note = next(r["note"] for r in read_rows(workspace / "entities.csv") if r["name_zh"] == "天津甲中心")
    assert note == "curated: " + "x" * 200_000


def test_a_note_over_the_field_limit_is_refused_at_import(runner, workspace, tmp_path):
    source = long_note(tmp_path, 1_000_000)
    before = snapshot(workspace)
    result = runner.invoke(main, ["import", str(source), "--data", str(workspace)])
    assert result.exit_code == 1
    assert (
        f"{source}:1:5: the field 'note' holds 1,000,009 characters, over the limit of 1,000,000 "
        "(shorten it: the lists hold no longer field)" in result.stderr
    )
    assert snapshot(workspace) == before


def test_a_list_with_a_field_over_the_limit_says_so(runner, workspace):
    with open(workspace / "entities.csv", "a", encoding="utf-8", newline="") as handle:
        handle.write(f'x-1,Platform,甲,,,,,,"{"x" * 1_000_001}",,,\r\n')
    result = runner.invoke(main, ["stats", "--data", str(workspace)])
    assert result.exit_code == 1
    assert (
        f"{workspace}/entities.csv:{shipped_counts()[0] + 2}:0: a field is over the limit of 1,000,000 characters "
        "(shorten it, or close a quote left open there)" in result.stderr
    )


def test_the_writer_refuses_a_field_the_reader_would_refuse(workspace):
    from kg.errors import KGError
    from loaders.workspace import write_workspace

    before = snapshot(workspace)
    with pytest.raises(KGError, match=r"entities.csv:2: the field 'note' is over the limit of 1,000,000 characters"):
        write_workspace(workspace, [{"id": "a", "note": "x" * 1_000_001}], [])
    assert snapshot(workspace) == before


@pytest.mark.parametrize(
    "args, message",
    [
        (["viz", "-o", "{ws}/entities.csv"], "{ws}/entities.csv would replace {real}/entities.csv, a list this command reads"),
        (["viz", "-o", "{ws}/link.html"], "{ws}/link.html would replace {real}/links.csv, a list this command reads"),
        (["viz", "-o", "{ws}/.kg-journal/g.html"], "{ws}/.kg-journal/g.html is inside {real}/.kg-journal, where kg writes the lists"),
        (["build", "-o", "{ws}/.kg-journal"], "{ws}/.kg-journal/plan.ttl is inside {real}/.kg-journal, where kg writes the lists"),
        (["build", "--store", "{ws}/.."], "writing {ws}/.. would replace {real}, the lists this command reads"),
        (["report", "-o", "{ws}/.kg-journal"], "{ws}/.kg-journal/index.html is inside {real}/.kg-journal, where kg writes the lists"),
    ],
    ids=["viz over a list", "viz through a symlink", "viz into the journal", "build into the journal", "store over the workspace", "report into the journal"],
)  # fmt: skip
def test_outputs_never_replace_inputs(runner, workspace, args, message):
    (workspace / "link.html").symlink_to(workspace / "links.csv")
    before = snapshot(workspace)
    real = workspace.resolve()
    result = runner.invoke(main, [*(a.format(ws=workspace) for a in args), "--data", str(workspace)])
    assert result.exit_code == 1
    assert result.stderr.strip() == f"Error: {message.format(ws=workspace, real=real)} (write it elsewhere)"
    assert snapshot(workspace) == before


def test_a_build_next_to_the_lists_leaves_them(runner, workspace):
    before = snapshot(workspace)
    assert runner.invoke(main, ["build", "--data", str(workspace), "-o", str(workspace)]).exit_code == 0
    assert {name: snapshot(workspace)[name] for name in before} == before


def foreign_journal(workspace, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "COMMIT").write_bytes(b"")
    (elsewhere / "entities.csv").write_bytes(b"id\r\n")
    (workspace / JOURNAL).symlink_to(elsewhere, target_is_directory=True)
    return elsewhere


@pytest.mark.parametrize("command", [["stats"], ["import", str(CORPUS / "good.xlsx")]])
def test_a_journal_that_is_a_symlink_is_an_error_and_nothing_moves(runner, workspace, tmp_path, command):
    elsewhere = foreign_journal(workspace, tmp_path)
    before, theirs = snapshot(workspace), snapshot(elsewhere)
    result = runner.invoke(main, [*command, "--data", str(workspace)])
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        f"Error: {workspace}/.kg-journal is not a journal kg wrote (a symbolic link); nothing was read or moved "
        "(remove it, then run the command again)"
    )
    assert snapshot(workspace) == before and snapshot(elsewhere) == theirs


def test_a_journal_holding_a_symlink_is_an_error(runner, workspace, tmp_path):
    (workspace / JOURNAL).mkdir()
    (workspace / JOURNAL / "COMMIT").write_bytes(b"")
    (workspace / JOURNAL / "entities.csv").symlink_to(tmp_path / "nowhere.csv")
    before = snapshot(workspace)
    result = runner.invoke(main, ["import", str(CORPUS / "good.xlsx"), "--data", str(workspace)])
    assert result.exit_code == 1
    assert f"{workspace}/.kg-journal is not a journal kg wrote (it holds entities.csv, which is not a plain file)" in (
        result.stderr
    )
    assert snapshot(workspace) == before


def test_a_reader_reads_a_committed_journal_without_moving_it(runner, workspace):
    old = snapshot(workspace)
    journal = workspace / JOURNAL
    journal.mkdir()
    (journal / "entities.csv").write_bytes(old["entities.csv"].replace(b"Binhai New Area", b"Binhai New District"))
    (journal / "COMMIT").write_bytes(b"")
    before = {p.name: p.read_bytes() for p in journal.iterdir()}
    result = runner.invoke(main, ["stats", "--data", str(workspace), "--format", "csv"])
    assert result.exit_code == 0, result.stderr
    assert {p.name: p.read_bytes() for p in journal.iterdir()} == before  # nothing moved by a reader
    assert (workspace / "entities.csv").read_bytes() == old["entities.csv"]
    from loaders.csv_lists import read_workspace

    assert any(r.get("name_en") == "Binhai New District" for r in read_workspace(workspace).entities)
    with writing(workspace):  # the next writer finishes the write
        pass
    assert b"Binhai New District" in (workspace / "entities.csv").read_bytes() and not journal.exists()


def failing_open(monkeypatch, inside, code: int):
    real_open = os.open

    def fake(path, flags, *args, **kwargs):
        if flags & os.O_CREAT and str(path).startswith(str(inside)):
            raise OSError(code, os.strerror(code), str(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", fake)


@pytest.mark.parametrize(
    "code, where, message",
    [
        (errno.EROFS, "", "cannot write {ws}/.kg-lock: Read-only file system (the folder is read-only: make it writable, or work on a copy)"),
        (errno.ENOSPC, JOURNAL, "cannot write {ws}/.kg-journal/entities.csv: No space left on device (free some space on the disk, then run the command again)"),
    ],
    ids=["read-only", "disk full"],
)  # fmt: skip
def test_a_write_error_is_one_line_and_the_lists_stay(runner, workspace, monkeypatch, code, where, message):
    before = snapshot(workspace)
    failing_open(monkeypatch, workspace / where, code)
    result = runner.invoke(main, ["import", str(CORPUS / "good.xlsx"), "--data", str(workspace)])
    assert result.exit_code == 1
    assert result.stderr.strip() == "Error: " + message.format(ws=workspace)
    assert snapshot(workspace) == before


def test_a_read_only_output_folder_is_one_line(runner, workspace, tmp_path, monkeypatch):
    output = tmp_path / "out" / "g.html"

    def read_only(src, dst):
        raise OSError(errno.EROFS, "Read-only file system", str(dst))

    monkeypatch.setattr(os, "replace", read_only)
    result = runner.invoke(main, ["viz", "--data", str(workspace), "-o", str(output)])
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        f"Error: cannot write {output}: Read-only file system (the folder is read-only: make it writable, or work on a copy)"
    )


def test_the_file_size_limit_is_one_line_and_the_lists_stay(workspace, tmp_path):
    before = snapshot(workspace)

    def limit():
        resource.setrlimit(resource.RLIMIT_FSIZE, (30_000, 30_000))

    process = subprocess.run(
        [sys.executable, "-m", "kg", "import", str(big_list(tmp_path / "htes.csv", 50)), "--data", str(workspace)],
        env=ENV,
        capture_output=True,
        text=True,
        preexec_fn=limit,
    )
    assert process.returncode == 1
    assert process.stderr.strip().splitlines()[-1] == (
        f"Error: cannot write {workspace}/.kg-journal/entities.csv: File too large "
        "(the file is over the file-size limit ('ulimit -f'): raise the limit, then run the command again)"
    )
    assert snapshot(workspace) == before
