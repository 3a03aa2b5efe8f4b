"""The region-flow page: the matrix counts what `kg query jingjinji-links` lists, a click lists a flow's
links with the plan's words, and it works offline with every text from the data kept as text."""

import pytest

from kg.analysis.flows import region_flows
from kg.cli import main
from kg.graph.mapping import model_to_property_graph
from kg.query.engine import answer
from kg.query.sparql import SparqlEngine
from viz.flows import render_flows
from viz.html import write_page


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    from click.testing import CliRunner

    out = tmp_path_factory.mktemp("report")
    assert CliRunner().invoke(main, ["report", "-o", str(out)]).exit_code == 0
    return out


def test_the_flows_count_the_jingjinji_links(plan_model):
    flows = region_flows(model_to_property_graph(plan_model))
    _, rows = answer("jingjinji-links", {}, SparqlEngine.from_model(plan_model))
    cells = {(p["a"], p["b"]): p for p in flows["pairs"]}
    for partner, entity in (("北京", "beijing"), ("河北", "hebei")):
        pair = cells[tuple(sorted((partner, "天津"), key=flows["regions"].index))]
        listed = [r for r in rows if r["region"] == plan_model.entities[entity].name_zh]
        assert listed
        assert pair["total"] == len(listed)
        assert pair["city"] == sum(1 for r in listed if r["scope"] == "city")
    assert ("北京", "国家") in cells  # Beijing's links to central bodies are not Tianjin's bridges


def test_clicking_a_flow_lists_its_links_with_their_quotes(report, open_page, plan_model):
    page = open_page(report / "flows.html")
    assert page.errors == [] and page.requests == [page.url]
    flows = region_flows(model_to_property_graph(plan_model))
    index = next(i for i, p in enumerate(flows["pairs"]) if {p["a"], p["b"]} == {"北京", "天津"})
    page.page.click(f"g.flow[data-pair='{index}'] >> nth=0")
    assert page.page.locator("#links li").count() == flows["pairs"][index]["total"]
    assert "“对接北京创新资源”" in page.page.inner_text("#links")
    assert page.page.locator("svg#matrix g.flow").count() == 2 * len(flows["pairs"])  # both halves of the matrix
    assert "北辰京津医药谷" in page.page.inner_text("#places")


def test_the_index_links_the_flows_and_every_file_written(report):
    index = (report / "index.html").read_text(encoding="utf-8")
    assert 'href="flows.html"' in index
    for name in ("plan.ttl", "plan.nt", "plan.jsonld", "analysis.md", "overview-geo.html"):
        assert f'href="{name}"' in index and (report / name).is_file()


def test_hostile_names_stay_text(tmp_path, open_page):
    hostile = "<img src=x onerror=alert(1)>"
    link = {
        "from": hostile,
        "from_region": "北京",
        "type": "PARTNERS_WITH",
        "type_zh": "合作",
        "type_en": "partners with",
        "to": "</script><b>x</b>",
        "to_region": "天津",
        "scope": "actor",
        "section": "",
        "quote": hostile,
        "note": "",
    }
    flows = {
        "regions": ["北京", "天津"],
        "places": [
            {
                "place": hostile,
                "kind": "Park",
                "links": 1,
                "partners": [{"partner": hostile, "region": "北京", "links": 1}],
            }
        ],
        "pairs": [
            {"a": "北京", "b": "天津", "total": 1, "city": 0, "actor": 1, "by_type": {"合作": 1}, "links": [link]}
        ],
    }
    path = write_page(render_flows(flows, title=hostile), tmp_path / "flows.html")
    page = open_page(path)
    page.page.click("g.flow >> nth=0")
    assert page.page.locator("img, b").count() == 0
    assert page.dialogs == [] and page.errors == []
    assert hostile in page.page.inner_text("#links")
