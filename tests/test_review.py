"""A curator's review of an import: hosts it would create and names close to an entity's are written
to a sheet, marked accept / reject / an entity's id, and applied by the next run."""

from __future__ import annotations

import csv

import openpyxl
import pytest

from kg.cli import main


def workbook(path, host="天津大学（筹）"):
    """A bureau's workbook: a title row, 序号, hosts known by a near name, new, and districts the lists lack."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "2024年"
    sheet.append(["2024年天津市技术创新中心名单"])
    sheet.merge_cells("A1:E1")
    sheet.append(["序号", "中心名称", "依托单位", "所在区", "批次"])
    sheet.append([1, "天津市脑机接口技术创新中心", host, "南开区", "第一批"])
    sheet.append([2, "天津市医学影像技术创新中心", "天津医科大学总医院", "和平区", "第一批"])
    sheet.append([3, "天津市海洋传感技术创新中心", "南开大学", "河西区", "第一批"])
    sheet.append(["注：排名不分先后"])
    book.save(path)
    return path


def rows_of(path) -> dict[str, dict]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return {row.get("id") or row["subject"] + row["object"]: row for row in csv.DictReader(handle)}


def lists_bytes(workspace) -> tuple[bytes, bytes]:
    return (workspace / "entities.csv").read_bytes(), (workspace / "links.csv").read_bytes()


def decide(review, first: str = "accept") -> None:
    """Mark the decisions of a CSV review sheet as a curator does in Excel: the first row ``first``, the others accept."""
    lines = review.read_text(encoding="utf-8-sig").splitlines()
    lines = [lines[0], first + lines[1]] + ["accept" + line for line in lines[2:]]
    review.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")


def import_args(book, workspace, review):
    return [
        "import",
        str(book),
        "--data",
        str(workspace),
        "--kind",
        "技术创新中心",
        "--source",
        "市科技局 2024年名单",
    ] + [
        "--review",
        str(review),
    ]


def test_the_review_round_trip_in_excel(runner, workspace, tmp_path):
    book, review = workbook(tmp_path / "名单.xlsx"), tmp_path / "review.xlsx"
    before = lists_bytes(workspace)
    first = runner.invoke(main, import_args(book, workspace, review))
    assert first.exit_code == 1
    assert f"Error: 4 decisions to review: written to {review}; nothing imported yet" in first.stderr
    assert lists_bytes(workspace) == before
    sheet = openpyxl.load_workbook(review).active
    rows = [
        dict(zip([c.value for c in sheet[1]], [c.value for c in r], strict=True)) for r in sheet.iter_rows(min_row=2)
    ]
    assert [(r["name"], r["proposal"], r["where"].rsplit("/", 1)[-1]) for r in rows] == [
        ("天津大学（筹）", "same as 天津大学 (tianjin-university)", "名单.xlsx:2024年!3:3"),
        ("天津医科大学总医院", "new Hospital 'tian-jin-yi-ke-da-xue-zong-yi-yuan'", "名单.xlsx:2024年!4:4"),
        ("和平区", "new District 'heping-district'", "名单.xlsx:2024年!4:4"),
        ("河西区", "new District 'hexi-district'", "名单.xlsx:2024年!5:5"),
    ]
    assert sheet.data_validations.dataValidation[0].formula1 == '"accept,reject"'
    # The curator: the near name is 天津大学; the hospital is new, under an id of their own; 和平区 is
    # new; 河西区 is left out for now.
    for cell, value in (("A2", "accept"), ("A3", "accept"), ("E3", "tmu-general-hospital"), ("A4", "接受")):
        sheet[cell] = value
    sheet["A5"] = "reject"
    sheet.parent.save(review)
    second = runner.invoke(main, import_args(book, workspace, review))
    assert second.exit_code == 0, second.output
    assert "名单.xlsx:2024年!5:5: '河西区' left out, as reviewed, with its links" in second.stderr  # after the path
    entities, links = rows_of(workspace / "entities.csv"), rows_of(workspace / "links.csv")
    hospital = entities["tmu-general-hospital"]
    assert (hospital["kind"], hospital["name_zh"], hospital["derived_from"]) == (
        "Hospital",
        "天津医科大学总医院",
        "名单.xlsx:2024年!4:4",
    )
    heping = entities["heping-district"]
    assert (heping["kind"], heping["name_en"], heping["region"]) == ("District", "Heping District", "tianjin")
    brain = next(k for k, v in entities.items() if v["name_zh"] == "天津市脑机接口技术创新中心")
    assert brain + "tianjin-university" in links  # the near name, taken as 天津大学
    ocean = next(k for k, v in entities.items() if v["name_zh"] == "天津市海洋传感技术创新中心")
    assert not any(v["subject"] == ocean and v["predicate"] == "locatedIn" for v in links.values())  # 河西区 left out
    assert ocean + "nankai-university" in links
    assert not any(v["name_zh"] == "河西区" for v in entities.values())
    assert runner.invoke(main, ["validate", "--data", str(workspace)]).exit_code == 0
    assert runner.invoke(main, ["build", "--data", str(workspace), "-o", str(tmp_path / "out")]).exit_code == 0
    # The sheet keeps the decisions as the curator wrote them: a third run changes nothing.
    third = runner.invoke(main, import_args(book, workspace, review))
    assert third.exit_code == 0 and "Nothing to change" in third.stderr, third.output


def test_a_rejected_near_name_is_a_body_of_its_own_and_an_id_links_to_that_entity(runner, workspace, tmp_path):
    book, review = workbook(tmp_path / "名单.xlsx"), tmp_path / "review.csv"
    assert runner.invoke(main, import_args(book, workspace, review)).exit_code == 1
    with review.open(encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    decisions = {"天津大学（筹）": "reject", "天津医科大学总医院": "cams-blood-diseases-hospital", "和平区": "accept"}
    for row in rows:
        row["decision"] = decisions.get(row["name"], "reject")
    with review.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    result = runner.invoke(main, import_args(book, workspace, review))
    assert result.exit_code == 0, result.output
    entities, links = rows_of(workspace / "entities.csv"), rows_of(workspace / "links.csv")
    preparing = entities["tian-jin-da-xue-chou"]
    assert (preparing["name_zh"], preparing["kind"]) == ("天津大学（筹）", "University")
    medical = next(k for k, v in entities.items() if v["name_zh"] == "天津市医学影像技术创新中心")
    assert medical + "cams-blood-diseases-hospital" in links  # the curator's id
    assert not any(v["name_zh"] == "天津医科大学总医院" for v in entities.values())


@pytest.mark.parametrize(
    ("decision", "message"),
    [
        ("", "no decision for '天津大学（筹）' (write accept, reject, or the id of the entity it is)"),
        (
            "no-such-entity",
            "天津大学（筹）: 'no-such-entity' is no entity of the lists (write an existing id, accept or reject)",
        ),
    ],
)
def test_a_missing_or_unknown_decision_is_an_error_at_its_cell_and_writes_nothing(
    runner, workspace, tmp_path, decision, message
):
    book, review = workbook(tmp_path / "名单.xlsx"), tmp_path / "review.csv"
    assert runner.invoke(main, import_args(book, workspace, review)).exit_code == 1
    decide(review, first=decision)
    before = lists_bytes(workspace)
    result = runner.invoke(main, import_args(book, workspace, review))
    assert result.exit_code == 1
    assert f"{review}:2:1: {message}" in result.stderr
    assert "Traceback" not in result.output
    assert lists_bytes(workspace) == before


def test_a_name_new_since_the_review_is_added_to_the_sheet_with_the_decisions_kept(runner, workspace, tmp_path):
    review = tmp_path / "review.csv"
    assert runner.invoke(main, import_args(workbook(tmp_path / "a.xlsx"), workspace, review)).exit_code == 1
    decide(review)
    other = workbook(tmp_path / "b.xlsx", host="天津市第一中心医院")
    result = runner.invoke(main, import_args(other, workspace, review))
    assert result.exit_code == 1 and "1 decision to review" in result.stderr
    with review.open(encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["name"], r["decision"]) for r in rows] == [
        ("天津医科大学总医院", "accept"),
        ("和平区", "accept"),
        ("河西区", "accept"),
        ("天津市第一中心医院", ""),
    ]


def test_a_review_sheet_may_not_replace_the_lists(runner, workspace, tmp_path):
    book = workbook(tmp_path / "名单.xlsx")
    before = lists_bytes(workspace)
    result = runner.invoke(main, import_args(book, workspace, workspace / "entities.csv"))
    assert result.exit_code == 1
    assert "a list this command reads" in result.stderr
    assert lists_bytes(workspace) == before


def test_the_reviewed_import_loads(runner, workspace, tmp_path, neo4j_env):
    book, review = workbook(tmp_path / "名单.xlsx"), tmp_path / "review.csv"
    assert runner.invoke(main, import_args(book, workspace, review)).exit_code == 1
    decide(review)
    assert runner.invoke(main, import_args(book, workspace, review)).exit_code == 0
    loaded = runner.invoke(main, ["load", "--data", str(workspace)])
    assert loaded.exit_code == 0, loaded.output
    found = runner.invoke(
        main,
        [
            "cypher",
            "MATCH (n:Hospital {id: $id}) RETURN n.derived_from AS row",
            "--param",
            "id=tian-jin-yi-ke-da-xue-zong-yi-yuan",
            "--format",
            "csv",
        ],
    )
    assert found.exit_code == 0, found.output
    assert found.stdout.splitlines() == ["row", "名单.xlsx:2024年!4:4"]


def test_the_view_shows_the_row_an_entity_was_imported_from(runner, workspace, tmp_path, open_page):
    book, review = workbook(tmp_path / "名单.xlsx"), tmp_path / "review.csv"
    assert runner.invoke(main, import_args(book, workspace, review)).exit_code == 1
    decide(review)
    assert runner.invoke(main, import_args(book, workspace, review)).exit_code == 0
    hospital = "tian-jin-yi-ke-da-xue-zong-yi-yuan"
    out = tmp_path / "hospital.html"
    assert runner.invoke(main, ["viz", "--data", str(workspace), "--focus", hospital, "-o", str(out)]).exit_code == 0
    page = open_page(out)
    page.page.evaluate(f"window.kgView.select('{hospital}')")
    details = page.page.inner_text("#details")
    assert details.startswith("天津医科大学总医院")
    assert "curated: 市科技局 2024年名单；批次：第一批" in details
    assert details.count("导入自 imported from: 名单.xlsx:2024年!4:4") == 2  # the entity, and its link from the centre
