"""Every validation error names file, line and column, says how to fix it, writes nothing and exits 1."""

from pathlib import Path

import pytest

from kg.cli import main
from tests.conftest import read_rows, write_rows


def entity_row(rows, name_zh):
    return next(i for i, r in enumerate(rows) if r["name_zh"] == name_zh)


def mutate_entities(folder: Path, change) -> int:
    """Apply ``change(rows)`` to entities.csv; return the file line it reports (or the one it returns)."""
    rows = read_rows(folder / "entities.csv")
    line = change(rows)
    write_rows(folder / "entities.csv", rows)
    return line


def mutate_links(folder: Path, change) -> int:
    rows = read_rows(folder / "links.csv")
    line = change(rows)
    write_rows(folder / "links.csv", rows)
    return line


def duplicate_id(rows):
    rows.append({**rows[3], "name_zh": "重复条目", "name_en": "Duplicate", "aliases": ""})
    return len(rows) + 1


def name_of_two(rows):
    rows.append({**rows[0], "id": "another-binhai", "name_zh": "滨海新区", "aliases": "", "name_en": "Another"})
    return len(rows) + 1


def unknown_kind(rows):
    i = entity_row(rows, "滨海新区")
    rows[i]["kind"] = "Distrcit"
    return i + 2


def quote_not_in_plan(rows):
    i = entity_row(rows, "滨海新区")
    rows[i]["quote"] = "支持滨海新区建设人才特区和月球基地"
    rows[i]["quote_start"] = ""
    return i + 2


def quote_at_wrong_offset(rows):
    i = entity_row(rows, "滨海新区")
    rows[i]["quote_start"] = str(int(rows[i]["quote_start"] or 0) + 1)
    return i + 2


def no_provenance(rows):
    i = entity_row(rows, "滨海新区")
    rows[i].update(quote="", quote_start="", note="")
    return i + 2


def ambiguous_quote(rows):
    i = entity_row(rows, "天津港保税区")
    rows[i].update(quote="依托天津港保税区", quote_start="")
    return i + 2


def quote_without_name(rows):
    i = entity_row(rows, "滨海新区")
    rows[i].update(quote="经市人民政府同意", quote_start="")
    return i + 2


def bad_indicator(rows):
    i = next(i for i, r in enumerate(rows) if r["kind"] == "Indicator")
    rows[i]["value_2025"] = "3,3"
    return i + 2


def bad_id(rows):
    rows[5]["id"] = "Binhai New_Area"
    return 7


def unknown_reference(rows):
    rows.append(
        {
            "subject": "binhai-new-area",
            "predicate": "partnersWith",
            "object": "清华大学深圳研究院",
            "note": "curated: test",
        }
    )
    return len(rows) + 1


def wrong_kind_link(rows):
    rows.append(
        {
            "subject": "binhai-new-area",
            "predicate": "locatedIn",
            "object": "dom-synthetic-biotechnology",
            "note": "curated: test",
        }
    )
    return len(rows) + 1


def unknown_link_type(rows):
    rows.append({"subject": "binhai-new-area", "predicate": "LOCATED_IN", "object": "tianjin", "note": "curated: test"})
    return len(rows) + 1


def domain_cycle(rows):
    rows.append(
        {
            "subject": "dom-biotechnology-and-modern-medicine",
            "predicate": "broader",
            "object": "dom-synthetic-biotechnology",
            "note": "curated: test",
        }
    )
    return len(rows) + 1


def duplicate_link(rows):
    rows.append(dict(rows[0]))
    return len(rows) + 1


def second_broader(rows):
    # Row checks let it through; the SHACL shape (at most one broader domain) catches it.
    rows.append(
        {
            "subject": "dom-synthetic-biotechnology",
            "predicate": "broader",
            "object": "dom-new-energy",
            "note": "curated: test",
        }
    )
    return len(rows) + 1


CASES = [
    ("entities.csv", duplicate_id, 1, "duplicate id", "give this entity another id"),
    (
        "entities.csv",
        name_of_two,
        3,
        "name '滨海新区' also names 'binhai-new-area'",
        "a name or alias must name one entity",
    ),
    ("entities.csv", unknown_kind, 2, "kind 'Distrcit' is not in the ontology", "did you mean 'District'?"),
    ("entities.csv", quote_not_in_plan, 6, "the quote is not in the plan", "copy the words from data/source exactly"),
    ("entities.csv", quote_at_wrong_offset, 7, "the quote is not at offset", "it occurs at"),
    ("entities.csv", no_provenance, 6, "neither a quote of the plan nor a curation note", "curated: …"),
    (
        "entities.csv",
        ambiguous_quote,
        7,
        "the quote occurs 3 times in the plan",
        "set quote_start to one of 20629, 20752, 21225",
    ),
    (
        "entities.csv",
        quote_without_name,
        6,
        "the quote contains neither the name nor an alias",
        "add the form it uses as an alias",
    ),
    ("entities.csv", bad_indicator, 12, "value_2025 '3,3' is not a number", "write the value as in table 1"),
    ("entities.csv", bad_id, 1, "id 'Binhai New_Area' is not lowercase ASCII words", "for example 'binhai-new-area'"),
    ("links.csv", unknown_reference, 3, "unknown entity '清华大学深圳研究院'", "did you mean"),
    (
        "links.csv",
        wrong_kind_link,
        3,
        "a locatedIn link must point to a Place (地点), but 'dom-synthetic-biotechnology' is a TechnologyDomain",
        "choose another link type",
    ),
    ("links.csv", unknown_link_type, 2, "link type 'LOCATED_IN' is not in the ontology", "did you mean 'locatedIn'?"),
    ("links.csv", domain_cycle, 3, "broader links form a cycle", "remove one of these links"),
    ("links.csv", duplicate_link, 1, "duplicate link", "delete one of the two rows"),
    (
        "links.csv",
        second_broader,
        0,
        "SHACL: dom-synthetic-biotechnology at broader: a technology domain has at most one broader domain",
        "see ontology/shapes.ttl",
    ),
]


@pytest.mark.parametrize("file, change, column, message, hint", CASES, ids=[c[1].__name__ for c in CASES])
def test_error_is_located_explained_and_writes_nothing(
    runner, workspace, tmp_path, file, change, column, message, hint
):
    mutate = mutate_entities if file == "entities.csv" else mutate_links
    line = mutate(workspace, change)
    out = tmp_path / "out"
    result = runner.invoke(main, ["build", "--data", str(workspace), "-o", str(out)])
    assert result.exit_code == 1, result.output
    lines = [ln for ln in result.stderr.splitlines() if message in ln]
    assert lines, result.stderr
    assert lines[0].startswith(f"{workspace / file}:{line}:{column}: "), lines[0]
    assert hint in lines[0]
    assert "nothing was written" in result.stderr.splitlines()[-1]
    assert not out.exists()


def test_all_errors_are_reported_at_once(runner, workspace, tmp_path):
    mutate_entities(workspace, unknown_kind)
    mutate_entities(workspace, bad_indicator)
    mutate_links(workspace, unknown_link_type)
    result = runner.invoke(main, ["validate", "--data", str(workspace)])
    assert result.exit_code == 1
    assert "Error: 3 errors in the entity lists; nothing was written" in result.stderr


def test_existing_output_is_left_untouched(runner, workspace, tmp_path):
    out = tmp_path / "out"
    assert runner.invoke(main, ["build", "--data", str(workspace), "-o", str(out)]).exit_code == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    mutate_entities(workspace, unknown_kind)
    assert runner.invoke(main, ["build", "--data", str(workspace), "-o", str(out)]).exit_code == 1
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


@pytest.mark.parametrize(
    "content, message",
    [
        ("", "entities.csv:1:0: the file is empty"),
        ("id,kind,name_zh\n", "entities.csv:1:0: required column 'name_en' is missing"),
        ("id,kind,name_zh,name_en,nmae_en\n", "entities.csv:1:5: unknown column 'nmae_en' (did you mean 'name_en'?)"),
        (
            'id,kind,name_zh,name_en,quote\nx,Region,天津,Tianjin,"天津市人民政府办公厅关于印发\n',
            "entities.csv:2:0: a quote opened on line 2 is never closed",
        ),
        (
            "id,kind,name_zh,name_en\nx,Region,天津,Tianjin,extra\n",
            "entities.csv:2:5: the row has 5 fields, the header 4",
        ),
        ("id,kind,id,name_zh,name_en\n", "entities.csv:1:3: column 'id' appears twice"),
    ],
)
def test_malformed_files(runner, workspace, content, message):
    (workspace / "entities.csv").write_text(content, encoding="utf-8")
    result = runner.invoke(main, ["validate", "--data", str(workspace)])
    assert result.exit_code == 1
    assert f"{workspace}/{message}" in result.stderr


def test_gbk_lists_are_read(runner, workspace):
    """Excel on Chinese Windows saves CSV as GBK: the lists are read all the same."""
    rows = read_rows(workspace / "entities.csv")
    write_rows(workspace / "entities.csv", rows)
    text = (workspace / "entities.csv").read_text(encoding="utf-8")
    (workspace / "entities.csv").write_bytes(text.encode("gb18030"))
    result = runner.invoke(main, ["validate", "--data", str(workspace)])
    assert result.exit_code == 0, result.stderr


def test_unknown_encoding(runner, workspace):
    (workspace / "entities.csv").write_bytes(
        "id,kind,name_zh,name_en\nx,Region,Zürich café,Tianjin\n".encode("latin-1")
    )
    result = runner.invoke(main, ["validate", "--data", str(workspace)])
    assert result.exit_code == 1
    assert f"{workspace}/entities.csv:2:0: neither UTF-8 nor GB18030/GBK" in result.stderr
    assert "save the file as 'CSV UTF-8'" in result.stderr


def test_missing_folder(runner, tmp_path):
    result = runner.invoke(main, ["validate", "--data", str(tmp_path / "nope")])
    assert result.exit_code == 1
    assert "no such folder of entity lists (create one with 'kg init DIR')" in result.stderr
