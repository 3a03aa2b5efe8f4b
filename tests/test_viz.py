"""Interactive views opened in a real headless browser (Debian's chromium, offline)."""

import json
import os
import re
import subprocess
import sys

import pytest

from kg.cli import main
from kg.errors import KGError
from kg.graph.mapping import Node, PropertyGraph, to_property_graph
from kg.graph.regions import regions_of
from tests.conftest import ROOT, read_rows, write_rows
from viz.html import MAX_NODES, render
from viz.select import select

SCREENSHOTS = ROOT / "out" / "screenshots"


@pytest.fixture(scope="module")
def pg(plan_graph):
    return to_property_graph(plan_graph)


def visible(page):
    return page.page.evaluate("window.kgView.applyFilters()")


def test_overview_opens_offline_without_errors(runner, tmp_path, open_page, plan_model):
    result = runner.invoke(main, ["viz", "-o", str(tmp_path / "overview.html")])
    assert result.exit_code == 0, result.output
    page = open_page(tmp_path / "overview.html")
    assert page.errors == []
    assert [m for m in page.console if m[0] in ("error", "warning")] == []
    assert page.requests == [page.url]  # nothing is fetched: no CDN, no fonts, no images
    linked = {link.subject for link in plan_model.links} | {link.object for link in plan_model.links}
    city = sum(1 for link in plan_model.links if "tianjin" in (link.subject, link.object))
    # the unlinked, and the links of Tianjin as a whole, wait behind their toggles
    assert visible(page) == {"nodes": len(linked), "edges": len(plan_model.links) - city}
    page.page.check("#city-links")
    assert visible(page) == {"nodes": len(linked), "edges": len(plan_model.links)}
    page.page.check("#unlinked")
    assert visible(page) == {"nodes": len(plan_model.entities), "edges": len(plan_model.links)}
    assert page.page.evaluate("window.kgView.nodes.length") == len(plan_model.entities)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.page.screenshot(path=str(SCREENSHOTS / "overview.png"))
    assert (SCREENSHOTS / "overview.png").stat().st_size > 10_000


def expected_focus(model, entity_id, hops):
    reach = {entity_id}
    for _ in range(hops):
        reach = (
            reach
            | {link.object for link in model.links if link.subject in reach}
            | {link.subject for link in model.links if link.object in reach}
        )
    edges = [link for link in model.links if link.subject in reach and link.object in reach]
    return {"nodes": len(reach), "edges": len(edges)}


@pytest.mark.parametrize("hops", [1, 2])
def test_focus_view_holds_the_neighbourhood(runner, tmp_path, open_page, plan_model, hops):
    out = tmp_path / "focus.html"
    result = runner.invoke(main, ["viz", "--focus", "细胞谷", "--hops", str(hops), "-o", str(out)])
    assert result.exit_code == 0, result.output
    page = open_page(out)
    assert visible(page) == expected_focus(plan_model, "cell-valley", hops)
    assert page.errors == [] and page.requests == [page.url]
    if hops == 1:
        page.page.evaluate("window.kgView.select('cell-valley')")
        assert page.page.inner_text("#details h2") == "京津冀特色“细胞谷”"
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.page.screenshot(path=str(SCREENSHOTS / "focus-cell-valley.png"))


def test_kind_and_domain_filters(runner, tmp_path, open_page, plan_model):
    out = tmp_path / "zones.html"
    assert (
        runner.invoke(
            main, ["viz", "--kind", "LandmarkZone", "--kind", "CollaborativeInnovationCenter", "-o", str(out)]
        ).exit_code
        == 0
    )
    page = open_page(out)
    assert visible(page)["nodes"] == 14
    out = tmp_path / "domain.html"
    assert runner.invoke(main, ["viz", "--domain", "生物技术与现代医药", "-o", str(out)]).exit_code == 0
    tree = {"dom-biotechnology-and-modern-medicine"}
    tree |= {link.subject for link in plan_model.links if link.predicate == "broader" and link.object in tree}
    focusing = {link.subject for link in plan_model.links if link.predicate == "focusesOn" and link.object in tree}
    assert visible(open_page(out))["nodes"] == len(tree | focusing)


def test_filters_inside_the_page(runner, tmp_path, open_page, pg):
    out = tmp_path / "all.html"
    assert runner.invoke(main, ["viz", "-o", str(out)]).exit_code == 0
    page = open_page(out)
    regions = regions_of(pg)
    page.page.select_option("#region", "北京")
    beijing = sum(1 for r in regions.values() if r == "北京")
    assert page.page.evaluate("window.kgView.nodes.get({filter: n => !n.hidden}).length") == beijing
    assert f"{beijing} 个节点" in page.page.inner_text("#count")
    page.page.click("#reset")
    page.page.check("#unlinked")
    page.page.uncheck("#kinds input[value=TechnologyDomain]")
    domains = sum(1 for n in pg.nodes.values() if "TechnologyDomain" in n.labels)
    assert visible(page)["nodes"] == len(pg.nodes) - domains


def test_clicking_a_node_shows_its_quote(runner, tmp_path, open_page):
    out = tmp_path / "valley.html"
    assert runner.invoke(main, ["viz", "--focus", "生物制造谷", "-o", str(out)]).exit_code == 0
    page = open_page(out)
    box = page.page.locator("#network canvas").bounding_box()
    point = page.page.evaluate(
        "(() => { const n = window.kgView.network; const p = n.getPositions(['bio-manufacturing-valley'])['bio-manufacturing-valley']; return n.canvasToDOM(p); })()"
    )
    page.page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])
    details = page.page.inner_text("#details")
    assert details.startswith("生物制造谷")
    assert "专栏3 › 2" in details
    assert "“依托天津港保税区，充分发挥国家合成生物技术创新中心" in details
    assert "依托 天津港保税区" in details  # the link, with its own quote below it


def test_search_box_finds_by_alias(runner, tmp_path, open_page):
    out = tmp_path / "all.html"
    assert runner.invoke(main, ["viz", "-o", str(out)]).exit_code == 0
    page = open_page(out)
    page.page.fill("#search", "超算天津")
    page.page.click("#results button")
    assert page.page.inner_text("#details h2") == "国家超级计算天津中心"
    assert page.page.evaluate("window.kgView.network.getSelectedNodes()") == ["national-supercomputing-center-tianjin"]


XSS = '<img src=x onerror="window.__xss=1;alert(1)">'


def test_hostile_names_stay_text(runner, workspace, tmp_path, open_page):
    rows = read_rows(workspace / "entities.csv")
    rows.append(
        {
            "id": "hostile",
            "kind": "Enterprise",
            "name_zh": XSS,
            "name_en": "</script><script>window.__xss=2</script>",
            "aliases": "{{SCRIPT}}|<b>x</b>",
            "note": "curated: a test entity",
        }
    )
    write_rows(workspace / "entities.csv", rows)
    links = read_rows(workspace / "links.csv")
    links.append(
        {
            "subject": "hostile",
            "predicate": "locatedIn",
            "object": "tianjin",
            "note": "curated: <script>window.__xss=3</script>",
        }
    )
    write_rows(workspace / "links.csv", links)
    out = tmp_path / "hostile.html"
    result = runner.invoke(
        main, ["viz", "--data", str(workspace), "--focus", "hostile", "--title", "<i>标题</i>", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert "<img src=x" not in text and "</script><script>window.__xss" not in text
    page = open_page(out)
    page.page.evaluate("window.kgView.select('hostile')")
    assert page.page.evaluate("window.__xss") is None
    assert page.dialogs == [] and page.errors == []
    assert page.page.inner_text("#details h2") == XSS
    assert "curated: <script>window.__xss=3</script>" in page.page.inner_text("#details")
    assert page.page.inner_text("h1") == "<i>标题</i>"
    assert page.page.evaluate("window.kgView.nodes.get('hostile').label") == XSS


def test_same_input_same_bytes(tmp_path):
    outputs = []
    for seed in ("1", "99"):
        out = tmp_path / f"v{seed}.html"
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run(
            [sys.executable, "-m", "kg", "viz", "--layout", "regions", "-o", str(out)],
            check=True,
            env=env,
            capture_output=True,
        )
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]


def test_layouts_place_regions_and_coordinates(pg, open_page, tmp_path):
    from viz.html import write_page

    regions = regions_of(pg)
    for layout in ("regions", "geo"):
        path = write_page(render(pg, layout=layout, regions=regions), tmp_path / f"{layout}.html")
        page = open_page(path)
        xy = page.page.evaluate(
            "window.kgView.network.getPositions(['beijing', 'tianjin', 'hebei', 'binhai-new-area', 'tsinghua-university'])"
        )
        assert xy["beijing"]["x"] < xy["tianjin"]["x"]
        if layout == "regions":
            assert xy["tsinghua-university"]["x"] < xy["tianjin"]["x"] < xy["hebei"]["x"]
        else:
            assert xy["beijing"]["y"] < xy["tianjin"]["y"]  # north is up
            assert xy["tianjin"]["x"] < xy["binhai-new-area"]["x"]  # Binhai lies east of the city
            assert (
                xy["hebei"]["x"] < xy["beijing"]["x"] and xy["hebei"]["y"] > xy["tianjin"]["y"]
            )  # Shijiazhuang, south-west


def test_too_many_nodes_is_refused_unless_allowed():
    big = PropertyGraph()
    for i in range(MAX_NODES + 1):
        big.nodes[f"n{i}"] = Node(f"n{i}", ("Resource", "Programme"), {"id": f"n{i}", "name_zh": str(i)})
    with pytest.raises(KGError, match=r"would hold 2001 nodes.*") as caught:
        render(big)
    assert "--focus" in caught.value.hint and "--max-nodes to 2001" in caught.value.hint
    page = render(big, max_nodes=MAX_NODES + 1)
    assert '"id":"n2000"' in page


def test_a_big_view_through_the_cli(runner, tmp_path):
    """2,100 nodes: refused by default, drawn with --max-nodes (the big graphs' layout)."""
    assert runner.invoke(main, ["synth", "2100", "-o", str(tmp_path / "ws")]).exit_code == 0
    args = ["viz", "--data", str(tmp_path / "ws"), "-o", str(tmp_path / "big.html")]
    refused = runner.invoke(main, args)
    assert refused.exit_code == 1 and "raise --max-nodes to 2100" in refused.stderr
    drawn = runner.invoke(main, [*args, "--max-nodes", "2100"])
    assert drawn.exit_code == 0, drawn.output
    assert drawn.output.startswith("2100 nodes,")
    page = (tmp_path / "big.html").read_text(encoding="utf-8")
    data = json.loads(re.search(r'id="kg-data">(.*?)</script>', page, re.S)[1])
    xs = sorted(node["x"] for node in data["nodes"])
    assert len(xs) == 2100 and xs[-1] - xs[0] > 1000  # spread out, not piled up


def test_no_stray_files(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert runner.invoke(main, ["viz", "-o", "views/one.html"]).exit_code == 0
    assert sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*")) == ["views", "views/one.html"]


def test_unknown_focus(runner):
    result = runner.invoke(main, ["viz", "--focus", "细胞"])
    assert result.exit_code == 1
    assert "no entity has the id, name or alias '细胞'" in result.stderr


def test_select_is_plain_data(pg):
    part = select(pg, focus="bio-manufacturing-valley", hops=1, kinds=("Platform",))
    assert {n.props["id"] for n in part.nodes.values()} == {
        "bio-manufacturing-valley",
        "national-synthetic-biotech-innovation-center",
    }
