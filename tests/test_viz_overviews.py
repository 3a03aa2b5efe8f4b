"""The views as a planner meets them (1600×1000, headless Chromium): overviews read at first sight (the 20
most connected entities labelled at 11 px or more at the initial zoom, their labels barely overlapping, the
entities without a link behind a toggle), a zh/en switch, and export as PNG and SVG."""

import json
from importlib.resources import files
from pathlib import Path

import pytest

from kg.analysis.flows import region_flows
from kg.cli import main
from kg.graph.mapping import model_to_property_graph
from kg.graph.regions import root_kind
from viz.geomap import inside

SCREENSHOTS = Path(__file__).resolve().parents[1] / "out" / "screenshots"


def _nodes_by_id(model):
    pg = model_to_property_graph(model)
    return {node.props["id"]: node for node in pg.nodes.values()}


#: On-screen size of the labels of the 20 most connected shown nodes (by the links drawn), and the share
#: of their label boxes that overlap (pairs), as the page draws them at its initial zoom.
MEASURE = """() => {
  const view = window.kgView, network = view.network, scale = network.getScale();
  const shown = new Set(view.nodes.get({filter: n => !n.hidden}).map(n => n.id));
  const degree = {};
  shown.forEach(id => { degree[id] = 0; });
  view.edges.get().forEach(e => { if (!e.hidden && shown.has(e.from) && shown.has(e.to)) { degree[e.from]++; degree[e.to]++; } });
  const top = Object.keys(degree).sort((a, b) => degree[b] - degree[a] || (a < b ? -1 : 1)).slice(0, 20);
  const px = top.map(id => view.nodes.get(id).font.size * scale);
  const boxes = top.map(id => network.getBoundingBox(id));
  let pairs = 0, overlapping = 0;
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i], b = boxes[j];
      pairs++;
      if (a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom) overlapping++;
    }
  }
  return {smallest: Math.min(...px), overlap: overlapping / pairs, shown: shown.size};
}"""


@pytest.mark.parametrize("layout", ["force", "regions", "geo"])
def test_an_overview_is_readable_without_zooming(runner, tmp_path, open_page, plan_model, layout):
    out = tmp_path / f"{layout}.html"
    assert runner.invoke(main, ["viz", "--layout", layout, "-o", str(out)]).exit_code == 0
    page = open_page(out)
    measured = page.page.evaluate(MEASURE)
    assert measured["smallest"] >= 11, measured
    assert measured["overlap"] <= 0.05, measured
    linked = {link.subject for link in plan_model.links} | {link.object for link in plan_model.links}
    # The map shows places and actors; the domains (not places) wait behind their box in the kind filter.
    hidden_kinds = {"TechnologyDomain"} if layout == "geo" else set()
    roots = {i: root_kind(node.labels) for i, node in _nodes_by_id(plan_model).items()}
    assert measured["shown"] == sum(1 for i in linked if roots[i] not in hidden_kinds)
    assert page.page.is_visible("#unlinked")
    assert page.page.inner_text("label:has(#unlinked)").endswith(f"({len(plan_model.entities) - len(linked)})")
    assert page.requests == [page.url] and page.errors == []


def test_the_unlinked_come_back_with_the_toggle_and_go_with_reset(runner, tmp_path, open_page, plan_model):
    out = tmp_path / "overview.html"
    assert runner.invoke(main, ["viz", "-o", str(out)]).exit_code == 0
    page = open_page(out)
    page.page.check("#unlinked")
    assert page.page.evaluate(MEASURE)["shown"] == len(plan_model.entities)
    page.page.click("#reset")
    assert not page.page.is_checked("#unlinked")
    assert page.page.evaluate(MEASURE)["shown"] < len(plan_model.entities)


def test_a_narrowed_view_shows_everything_it_selected(runner, tmp_path, open_page):
    out = tmp_path / "zones.html"
    assert runner.invoke(main, ["viz", "--kind", "LandmarkZone", "-o", str(out)]).exit_code == 0
    page = open_page(out)
    assert page.page.evaluate("window.kgView.nodes.get({filter: n => !n.hidden}).length") == page.page.evaluate(
        "window.kgView.nodes.length"
    )


def test_the_language_switch_changes_labels_legend_and_panel(runner, tmp_path, open_page):
    out = tmp_path / "overview.html"
    assert runner.invoke(main, ["viz", "-o", str(out)]).exit_code == 0
    page = open_page(out).page
    label = "window.kgView.nodes.get('binhai-new-area').label"
    assert page.evaluate(label) == "滨海新区"
    page.select_option("#lang", "en")
    assert page.evaluate(label) == "Binhai New Area"
    assert page.evaluate("window.kgView.edges.get().some(e => e.label === 'located in')")
    assert not page.is_visible("#legend [lang=zh] >> nth=0")
    assert page.is_visible("#legend [lang=en] >> nth=0")
    page.evaluate("window.kgView.select('binhai-new-area')")
    assert page.is_visible("#details h3 [lang=en] >> nth=0") and not page.is_visible("#details h3 [lang=zh] >> nth=0")
    page.select_option("#lang", "zh")
    assert page.evaluate(label) == "滨海新区"
    assert not page.is_visible("#legend [lang=en] >> nth=0")


def test_the_view_exports_as_png_and_svg(runner, workspace, tmp_path, open_page):
    import xml.etree.ElementTree as ET

    out = tmp_path / "overview.html"
    assert runner.invoke(main, ["viz", "--focus", "细胞谷", "-o", str(out)]).exit_code == 0
    opened = open_page(out)
    page = opened.page
    with page.expect_download() as png:
        page.click("#export-png")
    data = png.value.path().read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000
    with page.expect_download() as svg:
        page.click("#export-svg")
    root = ET.fromstring(svg.value.path().read_bytes())
    shown = page.evaluate("window.kgView.nodes.get({filter: n => !n.hidden}).length")
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert len(root.findall(".//{http://www.w3.org/2000/svg}circle")) == shown
    assert "细胞谷" in "".join(t.text or "" for t in root.iter("{http://www.w3.org/2000/svg}text"))
    assert opened.requests == [opened.url] and opened.errors == []


def test_the_map_draws_jingjinji_and_keeps_each_area_node_inside_its_outline(runner, tmp_path, open_page, plan_model):
    out = tmp_path / "geo.html"
    assert runner.invoke(main, ["viz", "--layout", "geo", "-o", str(out)]).exit_code == 0
    opened = open_page(out)
    page = opened.page
    source = json.loads((files("viz") / "templates" / "map.json").read_text(encoding="utf-8"))
    names = {area["name_zh"] for area in source["areas"]}
    assert {"北京市", "天津市", "河北省", "滨海新区", "蓟州区", "廊坊市"} <= names
    assert sum(1 for area in source["areas"] if area["level"] == "district") == 16
    assert sum(1 for area in source["areas"] if area["level"] == "city") == 11
    assert page.evaluate("window.kgView.map.polygons") == sum(len(area["rings"]) for area in source["areas"])
    # Every entity that stands for an area of the map (a province, a district, a city) is drawn inside it.
    drawn = json.loads(page.inner_text("#kg-data"))["map"]
    rings = {area["name_zh"]: area["rings"] for area in drawn}
    at = page.evaluate("window.kgView.network.getPositions()")
    checked = 0
    for entity in plan_model.entities.values():
        area = next((n for n in (entity.name_zh, *entity.aliases) if n in rings), None)
        if area:
            assert inside((at[entity.id]["x"], at[entity.id]["y"]), rings[area]), (entity.id, area)
            checked += 1
    assert checked >= 10
    # The arcs between the regions count the cross-region links drawn: the actors' alone at first,
    # all of them once the links of Tianjin as a whole are shown.
    flows = region_flows(model_to_property_graph(plan_model))
    redrawn = "(() => { window.kgView.network.redraw(); return window.kgView.map.flows; })()"
    drawn_pairs = page.evaluate(redrawn)
    for pair in flows["pairs"]:
        key = "|".join(sorted((pair["a"], pair["b"])))
        if {pair["a"], pair["b"]} <= {"北京", "天津", "河北"} and pair["total"] > pair["city"]:
            assert drawn_pairs[key] == pair["total"] - pair["city"], key
    page.check("#city-links")
    drawn_pairs = page.evaluate(redrawn)
    for pair in flows["pairs"]:
        if {pair["a"], pair["b"]} <= {"北京", "天津", "河北"}:
            assert drawn_pairs["|".join(sorted((pair["a"], pair["b"])))] == pair["total"]
    page.uncheck("#city-links")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "map.png"))  # the README's docs/map.png
    assert opened.requests == [opened.url] and opened.errors == []
