"""Warnings a human must judge: located and explained like errors, printed by kg validate and kg build,
which still succeed (exit 0)."""

from pathlib import Path

import pytest
from rdflib import Literal, URIRef

from kg.cli import main
from kg.lists.judgement import judge
from kg.lists.records import Excerpt, Link, Model, Row
from kg.vocab.iris import ONTOLOGY_BASE
from kg.vocab.ontology import Ontology, parse_turtle_resource
from kg.vocab.schema import ENTITY_COLUMNS, LINK_COLUMNS
from tests.conftest import read_rows, write_rows

ID, KIND = 1, 2
QUOTE = list(LINK_COLUMNS).index("quote") + 1


def add_entity(folder: Path, **values) -> int:
    """Append an entity row to entities.csv; its line in the file."""
    rows = read_rows(folder / "entities.csv")
    rows.append(values)
    write_rows(folder / "entities.csv", rows, list(ENTITY_COLUMNS))
    return len(rows) + 1


def add_link(folder: Path, **values) -> int:
    """Append a link row to links.csv, in place of any row between the same two entities; its line."""
    rows = read_rows(folder / "links.csv")
    ends = (values["subject"], values["object"])
    rows = [r for r in rows if (r["subject"], r["object"]) != ends]
    rows.append(values)
    write_rows(folder / "links.csv", rows, list(LINK_COLUMNS))
    return len(rows) + 1


def warnings_at(runner, folder: Path, file: str, line: int) -> list[str]:
    """kg validate's warnings on one line of a list (it must succeed)."""
    result = runner.invoke(main, ["validate", "--data", str(folder)])
    assert result.exit_code == 0, result.stderr
    return [ln for ln in result.stderr.splitlines() if ln.startswith(f"{folder / file}:{line}:")]


def test_an_alias_naming_another_entity_is_already_an_error(runner, workspace):
    """Not a warning: the row checks refuse an alias that folds to another entity's name."""
    line = add_entity(
        workspace,
        id="twin-area",
        kind="District",
        name_zh="双子区",
        name_en="Twin",
        aliases="ＢＩＮＨＡＩ  new area",
        note="curated: x",
    )
    result = runner.invoke(main, ["validate", "--data", str(workspace)])
    assert result.exit_code == 1
    assert (
        f"{workspace}/entities.csv:{line}:5: name 'ＢＩＮＨＡＩ  new area' also names 'binhai-new-area' "
        in result.stderr
    )


def test_an_entity_with_no_link(runner, workspace, tmp_path):
    line = add_entity(
        workspace, id="lonely-lab", kind="Laboratory", name_zh="孤立实验室", name_en="Lonely", note="curated: x"
    )
    assert warnings_at(runner, workspace, "entities.csv", line) == [
        f"{workspace}/entities.csv:{line}:{ID}: warning: 'lonely-lab' has no link: it is neither the subject nor the "
        "object of any link (link it in the links list, or say why in its note "
        "('isolated: the plan names it without a partner'))"
    ]
    # A warning does not stop the build.
    result = runner.invoke(main, ["build", "--data", str(workspace), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.stderr
    assert f"{workspace}/entities.csv:{line}:{ID}: warning: 'lonely-lab' has no link" in result.stderr
    assert "for a human to judge" in result.stdout
    assert (tmp_path / "out" / "plan.ttl").exists()


def test_a_quote_with_wording_the_link_type_excludes(runner, workspace):
    line = add_link(
        workspace,
        subject="tianjin",
        predicate="partnersWith",
        object="cgs-hydrogeology-environment-survey-center",
        quote="引进中国地质调查局水文地质环境调查中心等一批科研机构",
        quote_start="16946",
    )
    [warning] = warnings_at(runner, workspace, "links.csv", line)
    # The link type the hint suggests, if any, is the ontology's (see the next test).
    assert warning.startswith(
        f"{workspace}/links.csv:{line}:{QUOTE}: warning: the quote holds '引进': wording the ontology marks as not "
        "stating a partnersWith link (if the plan states another link here, change the predicate"
    )
    assert warning.endswith("; if it does state partnersWith, quote the words that do)")


def test_the_excluded_wording_is_read_from_the_ontology_graph():
    """Wording added to the ontology's graph is judged: no table in the code holds it."""
    graph = parse_turtle_resource("ontology", "plan.ttl")
    onto = Ontology.from_graph(graph)
    row = Row("links.csv", 2, {}, {"quote": 4})
    link = Link(
        subject="a",
        predicate="locatedIn",
        object="b",
        excerpt=Excerpt(start=0, end=8, text="依托天津港保税区"),
        row=row,
    )
    assert judge(Model(links=[link]), onto) == []
    graph.add((URIRef(onto.links["locatedIn"].iri), URIRef(ONTOLOGY_BASE + "excludedWording"), Literal("依托")))
    [warning] = judge(Model(links=[link]), Ontology.from_graph(graph))
    assert (warning.where, warning.message, warning.hint) == (
        "links.csv:2:4",
        "the quote holds '依托': wording the ontology marks as not stating a locatedIn link",
        # reliesOn's label is 依托
        "if the plan states another link here, change the predicate (perhaps reliesOn); "
        "if it does state locatedIn, quote the words that do",
    )


@pytest.mark.parametrize(
    "kind, name, message, hint",
    [
        (
            "Region",
            "京津走廊",
            "kind Region is a province-level region (省级区域), and '京津走廊' is not the name of one",
            "an area spanning several regions (京津冀, 通武廊) is kind InterRegionalArea; a province-level region is "
            "named as the plan writes it (河北省, 河北, 天津市, 新疆维吾尔自治区)",
        ),
        (
            "Region",
            "保定市",
            "kind Region is a province-level region (省级区域), and '保定市' is not the name of one",
            None,
        ),
        (
            "City",
            "测试城",
            "kind City is a prefecture-level city (地级城市), and '测试城' ends with 城, not 市",
            "a city's name ends with 市 (廊坊市); an urban area of a city's spatial plan, such as 津城 or 滨城, is kind "
            "UrbanArea",
        ),
    ],
)
def test_a_kind_whose_definition_the_name_does_not_meet(runner, workspace, kind, name, message, hint):
    line = add_entity(workspace, id="odd-place", kind=kind, name_zh=name, name_en="Odd", note="curated: x; isolated: x")
    [warning] = warnings_at(runner, workspace, "entities.csv", line)
    assert warning.startswith(f"{workspace}/entities.csv:{line}:{KIND}: warning: {message} (")
    if hint is not None:
        assert warning == f"{workspace}/entities.csv:{line}:{KIND}: warning: {message} ({hint})"


@pytest.mark.parametrize(
    "kind, name",
    [
        ("Region", "重庆市"),
        ("Region", "宁夏回族自治区"),
        ("Region", "内蒙古"),
        ("Region", "香港特别行政区"),
        ("City", "测试市"),
    ],
)
def test_good_rows_give_no_warning(runner, workspace, kind, name):
    """A well-named place with a link; an entity without one whose note says why; a partnersWith link
    whose quote holds none of the wording the type excludes."""
    lines = {
        "entities.csv": [
            add_entity(workspace, id="good-place", kind=kind, name_zh=name, name_en="Good", note="curated: x"),
            add_entity(
                workspace,
                id="quiet-lab",
                kind="Laboratory",
                name_zh="安静实验室",
                name_en="Quiet",
                note="curated: x; isolated: the plan names it without a partner",
            ),
        ],
        "links.csv": [
            add_link(workspace, subject="good-place", predicate="partOf", object="china", note="curated: x"),
            add_link(
                workspace,
                subject="tianjin",
                predicate="partnersWith",
                object="cgs-hydrogeology-environment-survey-center",
                quote="中国地质调查局水文地质环境调查中心等一批科研机构",
                quote_start="16948",
            ),
        ],
    }
    result = runner.invoke(main, ["validate", "--data", str(workspace)])
    assert result.exit_code == 0, result.stderr
    for file, found in lines.items():
        for line in found:
            assert f"{workspace / file}:{line}:" not in result.stderr


def test_a_region_that_differs_from_its_place_is_a_warning_at_the_region_cell(runner, workspace):
    """What the README's column table says of `region`: kg validate says when it disagrees."""
    region = list(ENTITY_COLUMNS).index("region") + 1
    line = add_entity(
        workspace,
        id="misplaced-lab",
        kind="Platform",
        name_zh="错区实验室",
        name_en="Lab",
        note="curated: x",
        region="hebei",
    )
    add_link(workspace, subject="misplaced-lab", predicate="locatedIn", object="binhai-new-area", note="curated: x")
    assert warnings_at(runner, workspace, "entities.csv", line) == [
        f"{workspace}/entities.csv:{line}:{region}: warning: '错区实验室' has region hebei, but is located in "
        "'滨海新区', whose region is tianjin (correct the region of one of them, or the locatedIn link)"
    ]
    add_entity(
        workspace,
        id="national-lab",
        kind="Platform",
        name_zh="国家实验室甲",
        name_en="N",
        note="curated: x",
        region="national",
    )
    add_link(workspace, subject="national-lab", predicate="locatedIn", object="binhai-new-area", note="curated: x")
    assert warnings_at(runner, workspace, "entities.csv", line + 1) == []  # a national body may sit anywhere
