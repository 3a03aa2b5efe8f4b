"""Lists as bureaus publish them: Chinese only, a title above the header, 序号, footnotes, GB18030."""

from __future__ import annotations

import csv

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDFS

from kg.cli import main
from loaders.ids import new_id

ID_BASE = "https://w3id.org/tj-sti-plan/id/"


def entities_of(workspace) -> dict[str, dict]:
    with open(workspace / "entities.csv", encoding="utf-8-sig", newline="") as handle:
        return {row["id"]: row for row in csv.DictReader(handle)}


def links_of(workspace) -> set[tuple[str, str, str]]:
    with open(workspace / "links.csv", encoding="utf-8-sig", newline="") as handle:
        return {(row["subject"], row["predicate"], row["object"]) for row in csv.DictReader(handle)}


def test_a_chinese_only_gb18030_list_imports_with_ids_made_for_it(runner, workspace, tmp_path):
    """The case of the issue: 名称,类型,所在地 and one new platform in 滨海新区, no id, no English name."""
    source = tmp_path / "list.csv"
    source.write_bytes("名称,类型,所在地\n天津市（新型）量子计算创新中心,平台,滨海新区\n".encode("gb18030"))
    result = runner.invoke(main, ["import", str(source), "--data", str(workspace), "--source", "市科技局 2023年名单"])
    assert result.exit_code == 0, result.output
    made = new_id("天津市（新型）量子计算创新中心", "", set())
    assert made == "tian-jin-shi-xin-xing-liang-zi-ji-suan-chuang-xin-zhong-xin"
    row = entities_of(workspace)[made]
    assert (row["name_zh"], row["name_en"], row["kind"]) == ("天津市（新型）量子计算创新中心", "", "Platform")
    assert (made, "locatedIn", "binhai-new-area") in links_of(workspace)
    out = tmp_path / "out"
    built = runner.invoke(main, ["build", "--data", str(workspace), "-o", str(out)])
    assert built.exit_code == 0, built.output
    graph = Graph().parse(out / "plan.ttl")
    labels = set(graph.objects(URIRef(ID_BASE + made), RDFS.label))
    assert labels == {Literal("天津市（新型）量子计算创新中心", lang="zh")}  # no English label: none was given


def test_the_same_name_again_gets_the_same_id_and_a_taken_id_a_stable_suffix(runner, workspace, tmp_path):
    assert new_id("南开大学", "", set()) == new_id("南开大学", "", set()) == "nan-kai-da-xue"
    first = new_id("南开大学", "", {"nan-kai-da-xue"})
    assert first.startswith("nan-kai-da-xue-") and first == new_id("南开大学", "", {"nan-kai-da-xue", "x"})
    assert new_id("南开大学", "", {"nan-kai-da-xue", first}) == first + "-2"
    assert len(new_id("天津" * 60, "", set())) <= 60


def bureau_workbook(path):
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "2023年"
    sheet.append(["2023年天津市重点实验室认定名单"])
    sheet.merge_cells("A1:E1")
    sheet.append([])
    sheet.append(["序号", "实验室名称", "依托单位", "所在区", "认定年份"])
    sheet.append([1, "天津市智能传感重点实验室", "南开大学", "南开区", 2023])
    sheet.append([2, "天津市海洋装备重点实验室", "天津大学", "滨海新区", 2023])
    sheet.append(["注：排名不分先后"])
    sheet.merge_cells("A6:E6")  # a footnote across the table, as bureaus write it
    book.save(path)
    return path


def test_a_bureau_workbook_with_title_row_numbers_and_footnote(runner, workspace, tmp_path):
    book = bureau_workbook(tmp_path / "名单.xlsx")
    before = entities_of(workspace)
    result = runner.invoke(
        main,
        ["import", str(book), "--data", str(workspace), "--kind", "重点实验室", "--source", "市科技局认定名单"],
    )
    assert result.exit_code == 0, result.output
    assert "2 rows above the header (row 3) skipped as a title" in result.stderr
    assert "column '序号' is the sheet's row numbering: left out" in result.stderr
    assert "row 6 skipped as a footnote or total (注：排名不分先后)" in result.stderr
    after = entities_of(workspace)
    new = {k: v for k, v in after.items() if k not in before}
    assert {v["name_zh"] for v in new.values()} == {"天津市智能传感重点实验室", "天津市海洋装备重点实验室"}
    for row in new.values():
        assert row["kind"] == "KeyLaboratory"
        assert row["notation"] == ""  # 序号 is not the plan's numbering
        assert row["note"] == "curated: 市科技局认定名单；认定年份：2023"
    sensing = next(k for k, v in new.items() if v["name_zh"] == "天津市智能传感重点实验室")
    links = links_of(workspace)
    assert (sensing, "reliesOn", "nankai-university") in links
    assert (sensing, "locatedIn", "nankai-district") in links
    assert runner.invoke(main, ["validate", "--data", str(workspace)]).exit_code == 0


def test_a_merged_cell_among_the_rows_is_still_refused(runner, workspace, tmp_path):
    import openpyxl

    path = bureau_workbook(tmp_path / "merged.xlsx")
    book = openpyxl.load_workbook(path)
    book.active.merge_cells("C4:C5")
    book.save(path)
    before = (workspace / "entities.csv").read_bytes()
    result = runner.invoke(
        main, ["import", str(path), "--data", str(workspace), "--kind", "重点实验室", "--source", "x"]
    )
    assert result.exit_code == 1
    assert "cells C4:C5 are merged" in result.stderr
    assert (workspace / "entities.csv").read_bytes() == before


def test_a_host_not_in_the_lists_is_added_with_the_kind_its_name_says(runner, workspace, tmp_path):
    source = tmp_path / "centres.csv"
    source.write_text(
        "中心名称,类型,依托单位,所在区\n"
        "天津市中医针灸临床医学研究中心,临床医学研究中心,天津中医药大学第一附属医院,西青区\n"
        "天津市车联网技术创新中心,技术创新中心,中汽数据有限公司,东丽区\n"
        "天津市高端装备技术创新中心,技术创新中心,南开大学,东丽区\n"
        "天津市汽车数据技术创新中心,技术创新中心,中汽数据有限公司,东丽区\n",
        encoding="utf-8",
    )
    before = entities_of(workspace)
    result = runner.invoke(main, ["import", str(source), "--data", str(workspace), "--source", "市科技局 2024"])
    assert result.exit_code == 0, result.output
    added = {v["name_zh"]: v for k, v in entities_of(workspace).items() if k not in before}
    assert added["天津中医药大学第一附属医院"]["kind"] == "Hospital"
    assert added["中汽数据有限公司"]["kind"] == "Enterprise"
    assert added["中汽数据有限公司"]["note"] == "curated: 市科技局 2024"
    assert "南开大学" not in added  # an entity of the lists: linked, not added
    assert (
        f"'中汽数据有限公司' is no entity of the lists: added as Enterprise '{added['中汽数据有限公司']['id']}'"
        in result.stderr
    )
    # A host named on two rows is one entity, with its plain id, said once.
    assert added["中汽数据有限公司"]["id"] == "zhong-qi-shu-ju-you-xian-gong-si"
    assert result.stderr.count("'中汽数据有限公司' is no entity of the lists") == 1
    centre = next(v["id"] for v in added.values() if v["name_zh"] == "天津市车联网技术创新中心")
    assert (centre, "reliesOn", added["中汽数据有限公司"]["id"]) in links_of(workspace)
    assert runner.invoke(main, ["build", "--data", str(workspace), "-o", str(tmp_path / "out")]).exit_code == 0


def test_a_host_close_to_an_entity_is_refused_with_the_entity_it_may_be(runner, workspace, tmp_path):
    source = tmp_path / "short.csv"
    source.write_text("实验室名称,类型,依托单位\n天津市某某重点实验室,重点实验室,南开\n", encoding="utf-8")
    before = (workspace / "entities.csv").read_bytes(), (workspace / "links.csv").read_bytes()
    result = runner.invoke(main, ["import", str(source), "--data", str(workspace), "--source", "x"])
    assert result.exit_code == 1
    assert "'南开' is no entity of the lists, and close to" in result.stderr
    assert "Traceback" not in result.output
    assert ((workspace / "entities.csv").read_bytes(), (workspace / "links.csv").read_bytes()) == before


def test_sheet_all_reads_every_sheet_with_its_own_header(runner, workspace, tmp_path):
    import openpyxl

    book = openpyxl.Workbook()
    first = book.active
    first.title = "第一批"
    first.append(["2023年第一批"])
    first.append(["序号", "实验室名称", "依托单位"])
    first.append([1, "天津市甲重点实验室", "南开大学"])
    second = book.create_sheet("第二批")
    second.append(["实验室名称", "所在区", "依托单位"])  # another order, no title
    second.append(["天津市乙重点实验室", "滨海新区", "天津大学"])
    book.create_sheet("空白")
    path = tmp_path / "批次.xlsx"
    book.save(path)
    before = entities_of(workspace)
    args = ["import", str(path), "--data", str(workspace), "--kind", "重点实验室", "--source", "x"]
    only_first = runner.invoke(main, [*args, "--dry-run", "--format", "json"])
    assert only_first.exit_code == 0, only_first.output
    result = runner.invoke(main, [*args, "--sheet", "all"])
    assert result.exit_code == 0, result.output
    added = {v["name_zh"] for k, v in entities_of(workspace).items() if k not in before}
    assert added == {"天津市甲重点实验室", "天津市乙重点实验室"}
    refused = runner.invoke(main, [*args, "--sheet", "第三批"])
    assert refused.exit_code == 1 and "its sheets: 第一批, 第二批, 空白; or --sheet all" in refused.stderr


def test_source_never_lands_on_an_entity_the_plan_quotes(runner, workspace, tmp_path):
    source = tmp_path / "q.csv"
    source.write_text("name_zh,kind\n国家超级计算天津中心,SupercomputingCenter\n", encoding="utf-8")
    result = runner.invoke(
        main, ["import", str(source), "--data", str(workspace), "--on-conflict", "update", "--source", "XX"]
    )
    assert result.exit_code == 0, result.output
    assert "Nothing to change" in result.output
    assert entities_of(workspace)["national-supercomputing-center-tianjin"]["note"] == ""


def test_one_error_per_cause_at_its_cell_and_a_chinese_kind_suggested(runner, workspace, tmp_path):
    bare = tmp_path / "p.csv"
    bare.write_text("名称,类型\n天津市乙中心,平台\n", encoding="utf-8")
    result = runner.invoke(main, ["import", str(bare), "--data", str(workspace)])
    assert result.exit_code == 1
    assert result.stderr.count("p.csv:2:") == 1
    assert "p.csv:2:1: no provenance: neither a quote of the plan nor a note" in result.stderr
    typo = tmp_path / "k.csv"
    typo.write_text("名称,类型\n天津市甲中心,技术创心中心\n", encoding="utf-8")
    result = runner.invoke(main, ["import", str(typo), "--data", str(workspace), "--source", "s"])
    assert result.exit_code == 1
    assert (
        "k.csv:2:2: kind '技术创心中心' is not in the ontology (did you mean '技术创新中心 (TechnologyInnovationCenter)'"
        in result.stderr
    )


def test_a_sheet_with_two_name_columns_or_none_is_refused_with_what_was_found(runner, workspace, tmp_path):
    two = tmp_path / "two.csv"
    two.write_text("名称,实验室名称,类型\n甲,乙,平台\n", encoding="utf-8")
    result = runner.invoke(main, ["import", str(two), "--data", str(workspace), "--source", "s"])
    assert result.exit_code == 1
    assert "two columns for name_zh: '名称' (column 1) and '实验室名称' (column 2)" in result.stderr
    none = tmp_path / "none.csv"
    none.write_text("单位,类型\n甲,平台\n", encoding="utf-8")
    result = runner.invoke(main, ["import", str(none), "--data", str(workspace), "--source", "s"])
    assert result.exit_code == 1
    assert "no column for the name (名称 / name_zh) among '单位', '类型'" in result.stderr


def test_imported_rows_keep_their_file_sheet_and_row_in_rdf_and_in_the_property_graph(runner, workspace, tmp_path):
    """PROV-O: a new entity and its links are tjp:importedFrom (a sub-property of prov:wasDerivedFrom)
    the row of the list; an entity already in the lists keeps its own provenance."""
    from kg.graph.mapping import node_of, rel_of
    from kg.rdf.validate import checked
    from loaders.csv_lists import read_workspace

    book = bureau_workbook(tmp_path / "名单.xlsx")
    args = ["import", str(book), "--data", str(workspace), "--kind", "重点实验室", "--source", "市科技局认定名单"]
    assert runner.invoke(main, args).exit_code == 0
    rows = {v["name_zh"]: v for v in entities_of(workspace).values()}
    assert rows["天津市智能传感重点实验室"]["derived_from"] == "名单.xlsx:2023年!4:4"
    assert rows["天津市海洋装备重点实验室"]["derived_from"] == "名单.xlsx:2023年!5:5"
    assert rows["南开大学"]["derived_from"] == ""  # named by the list, but the plan's entity
    sensing = rows["天津市智能传感重点实验室"]["id"]
    out = tmp_path / "out"
    assert runner.invoke(main, ["build", "--data", str(workspace), "-o", str(out)]).exit_code == 0
    graph = Graph().parse(out / "plan.ttl")
    found = graph.query(
        """SELECT ?label ?list WHERE {
             ?st rdf:subject ?e ; rdf:predicate tjp:reliesOn ; tjp:importedFrom ?row .
             ?e tjp:importedFrom ?row . ?row a tjp:ListRow ; rdfs:label ?label ; dcterms:isPartOf/rdfs:label ?list . }""",
        initNs={
            "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
            "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
            "dcterms": "http://purl.org/dc/terms/",
            "tjp": "https://w3id.org/tj-sti-plan/ontology#",
        },
    )
    assert sorted((str(a), str(b)) for a, b in found) == [
        ("名单.xlsx:2023年!4:4", "名单.xlsx:2023年"),
        ("名单.xlsx:2023年!5:5", "名单.xlsx:2023年"),
    ]
    model = checked(read_workspace(workspace))
    assert node_of(model.entities[sensing]).props["derived_from"] == "名单.xlsx:2023年!4:4"
    relies = next(link for link in model.links if link.subject == sensing and link.predicate == "reliesOn")
    assert rel_of(relies).props["derived_from"] == "名单.xlsx:2023年!4:4"
    assert "derived_from" not in node_of(model.entities["nankai-university"]).props


def test_on_conflict_skip_skips_a_row_without_provenance_and_a_new_link_still_needs_it(runner, workspace, tmp_path):
    """The row skip would skip is skipped, not failed; what a row adds still needs a quote or a note."""
    source = tmp_path / "skip.csv"
    source.write_text("名称,类型,英文名\n天津大学,企业,TJU University\n", encoding="utf-8")
    before = (workspace / "entities.csv").read_bytes()
    result = runner.invoke(main, ["import", str(source), "--data", str(workspace), "--on-conflict", "skip"])
    assert result.exit_code == 0, result.output
    assert f"skipped: {source}:2: kept 'tianjin-university' as it was (kind, name_en differ)" in result.stderr
    assert (workspace / "entities.csv").read_bytes() == before
    source.write_text("名称,类型,依托单位\n天津大学,大学,南开大学\n新实验室,实验室,南开大学\n", encoding="utf-8")
    result = runner.invoke(main, ["import", str(source), "--data", str(workspace), "--on-conflict", "skip"])
    assert result.exit_code == 1
    message = "no provenance: neither a quote of the plan nor a note"
    assert [line.split(": ", 1)[0] for line in result.stderr.splitlines() if message in line] == [
        f"{source}:2:1",  # the new link of an entity of the lists
        f"{source}:3:1",  # a new entity: said once, not again for its link
    ]
    assert (workspace / "entities.csv").read_bytes() == before


def test_a_list_converted_to_gb18030_by_iconv_imports_with_its_hosts(runner, workspace, tmp_path):
    """As a bureau's CSV reaches us from Chinese Windows: GB18030 bytes, made here by iconv (libc-bin)."""
    import subprocess

    utf8 = tmp_path / "utf8.csv"
    utf8.write_text(
        "序号,平台名称,类型,牵头单位,所属区,批次\n"
        "1,天津市新型储能技术创新中心,技术创新中心,天津大学,津南区,第二批\n"
        "2,天津市海洋牧场工程技术研究中心,工程研究中心,天津农学院,滨海新区,第二批\n",
        encoding="utf-8",
    )
    gb = tmp_path / "名单.csv"
    gb.write_bytes(
        subprocess.run(["iconv", "-f", "UTF-8", "-t", "GB18030", str(utf8)], capture_output=True, check=True).stdout
    )
    assert gb.read_bytes() != utf8.read_bytes()
    result = runner.invoke(main, ["import", str(gb), "--data", str(workspace), "--source", "市科技局 第二批"])
    assert result.exit_code == 0, result.output
    rows = {v["name_zh"]: v for v in entities_of(workspace).values()}
    storage = rows["天津市新型储能技术创新中心"]
    assert (storage["kind"], storage["note"]) == (
        "TechnologyInnovationCenter",
        "curated: 市科技局 第二批；批次：第二批",
    )
    assert rows["天津农学院"]["kind"] == "University"  # a host not in the lists, of the kind its name says
    assert (storage["id"], "reliesOn", "tianjin-university") in links_of(workspace)
    assert (storage["id"], "locatedIn", "jinnan-district") in links_of(workspace)
