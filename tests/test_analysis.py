"""Network analysis: known facts of the plan's graph, and the same answer every time."""

import json
import os
import subprocess
import sys

import pytest

from kg.analysis.markdown import to_markdown
from kg.analysis.measures import analyze, bridges, communities, profiles
from kg.cli import main
from kg.graph.mapping import to_property_graph
from kg.graph.regions import regions_of


@pytest.fixture(scope="module")
def pg(plan_graph):
    return to_property_graph(plan_graph)


def uri(pg, entity_id):
    return next(u for u, n in pg.nodes.items() if n.props["id"] == entity_id)


def test_regions_follow_location_before_parent_organisation(pg):
    regions = regions_of(pg)
    assert regions[uri(pg, "tib-cas")] == "天津"  # a CAS institute located in Tianjin
    assert regions[uri(pg, "cas")] == "国家"  # a national body, not Beijing's
    assert regions[uri(pg, "state-council")] == "国家"
    assert regions[uri(pg, "tsinghua-university")] == "北京"
    assert regions[uri(pg, "xiongan-new-area")] == "河北"
    assert regions[uri(pg, "bio-manufacturing-valley")] == "天津"
    assert regions[uri(pg, "dom-artificial-intelligence")] is None


def test_every_bridge_is_a_real_cross_region_link(pg, plan_model):
    regions = regions_of(pg)
    found = bridges(pg, regions)
    names = {e.name_zh: e.id for e in plan_model.entities.values()}
    links = {(link.subject, link.predicate, link.object) for link in plan_model.links}
    assert found["links"]
    for row in found["links"]:
        t, p = names[row["tianjin_side"]], names[row["partner"]]
        from kg.vocab.schema import link_name

        link = link_name(row["link"])
        assert (t, link, p) in links or (p, link, t) in links
        assert regions[uri(pg, t)] == "天津" and regions[uri(pg, p)] == row["partner_region"] in ("北京", "河北")
    pairs = {(r["tianjin_side"], r["link"], r["partner"]) for r in found["links"]}
    assert ("中国科学院天津工业生物技术研究所", "SUB_ORGANIZATION_OF", "中国科学院") not in pairs  # national
    assert not any(r["partner"] in ("党中央", "国务院", "国家海洋局", "中国科学院") for r in found["links"])
    assert ("京津微创新中心", "SERVES", "雄安新区") in pairs
    assert ("滨海—中关村科技园", "PARTNERS_WITH", "北京中关村") in pairs
    assert not any(r["partner"] == "天津港保税区" for r in found["links"])  # a Tianjin-internal link
    assert sum(r["count"] for r in found["by_type"]) == len(found["links"])
    assert found["by_scope"]["city"] + found["by_scope"]["actor"] == len(found["links"])
    assert {r["scope"] for r in found["links"] if r["tianjin_side"] == "天津"} == {"city"}
    assert {r["scope"] for r in found["links"] if r["tianjin_side"] != "天津"} == {"actor"}
    assert found["carriers"][0] == {
        "entity": "天津",
        "cross_region_links": sum(1 for r in found["links"] if r["tianjin_side"] == "天津"),
    }


def test_communities_partition_the_linked_entities(pg):
    found = communities(pg)
    members = [m for c in found for m in c["members"]]
    assert len(members) == len(set(members))
    assert all(c["name"].split(" · ")[0] == c["members"][0] for c in found)
    assert [c["community"] for c in found] == list(range(1, len(found) + 1))
    assert sorted((c["size"] for c in found), reverse=True) == [c["size"] for c in found]


def test_profiles(pg):
    by_place = {p["place"]: p for p in profiles(pg)}
    assert "国家合成生物技术创新中心" in by_place["天津港保税区"]["platforms"]
    assert "中国科学院天津工业生物技术研究所" in by_place["天津港保税区"]["institutions"]
    assert {"国家合成生物技术创新中心", "中国科学院天津工业生物技术研究所"} <= set(
        by_place["生物制造谷"]["platforms"] + by_place["生物制造谷"]["institutions"]
    )
    assert "合成生物技术" in by_place["生物制造谷"]["domains"]


def test_analysis_is_deterministic(pg):
    assert analyze(pg) == analyze(pg)
    outputs = []
    for seed in ("3", "2024"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        outputs.append(
            subprocess.run(
                [sys.executable, "-m", "kg", "analyze", "--format", "json"], env=env, capture_output=True, check=True
            ).stdout
        )
    assert outputs[0] == outputs[1]
    report = json.loads(outputs[0])
    assert set(report) == {"summary", "centrality", "communities", "bridges", "profiles"}


def test_markdown_report(runner, pg):
    text = to_markdown(analyze(pg))
    assert text.startswith("# 天津市科技创新“十四五”规划知识图谱：网络分析")
    assert (
        "## 京津冀跨区域关联" in text
        and "| 滨海—中关村科技园 | PARTNERS_WITH | 北京中关村 | 北京 | actor | plan |" in text
    )
    result = runner.invoke(main, ["analyze", "--format", "md"])
    assert result.exit_code == 0 and result.output.strip() == text.strip()


def test_table_output(runner):
    result = runner.invoke(main, ["analyze", "--top", "3"])
    assert result.exit_code == 0
    for heading in (
        "Centrality",
        "Communities",
        "Bridges by link type",
        "Bridge carriers",
        "Cross-region links",
        "Profiles",
    ):
        assert f"\n{heading}\n" in result.output


def test_report_writes_views_analysis_and_index(runner, tmp_path, open_page, plan_model):
    result = runner.invoke(main, ["report", "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    names = {p.name for p in tmp_path.iterdir()}
    assert {
        "index.html",
        "analysis.md",
        "overview-force.html",
        "overview-regions.html",
        "overview-geo.html",
        "plan.ttl",
    } <= names
    focused = sorted(n for n in names if n.startswith("focus-"))
    assert len(focused) == 14  # 4 centres of column 2 and 10 zones of column 3
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    for name in focused + ["analysis.md", "overview-regions.html"]:
        assert f'href="{name}"' in index
    page = open_page(tmp_path / "focus-bio-manufacturing-valley.html")
    assert page.errors == [] and page.requests == [page.url]
    assert page.page.inner_text("h1") == "专栏3-2 生物制造谷"


def test_one_definition_of_a_jingjinji_link(pg, plan_model, runner, tmp_path):
    """The analysis, the catalogue's query (both languages answer alike elsewhere) and the report's
    index count the same links."""
    from kg.query.engine import answer
    from kg.query.sparql import SparqlEngine

    found = bridges(pg)
    _, rows = answer("jingjinji-links", {}, SparqlEngine.from_model(plan_model))
    assert {(r["tianjin_side"], r["link"], r["partner"], r["scope"]) for r in rows} == {
        (r["tianjin_side"], r["link"], r["partner"], r["scope"]) for r in found["links"]
    }
    assert len(rows) == len(found["links"])
    assert runner.invoke(main, ["report", "-o", str(tmp_path / "report")]).exit_code == 0
    index = (tmp_path / "report" / "index.html").read_text(encoding="utf-8")
    assert f"{len(rows)} 条天津与京冀之间的关联" in index
    assert f"其中 {found['by_scope']['city']} 条为天津市整体的承诺" in index
