"""The briefing says what the figures mean, with figures from the data, and prints on A4."""

from kg.analysis.briefing import briefing
from kg.analysis.measures import bridges
from kg.graph.mapping import model_to_property_graph
from kg.query.engine import answer
from kg.query.sparql import SparqlEngine
from viz.briefing import render_briefing


def test_the_sentences_hold_the_figures_of_the_data(plan_model):
    pg = model_to_property_graph(plan_model)
    brief = briefing(pg)
    found = bridges(pg)
    _, rows = answer("jingjinji-links", {}, SparqlEngine.from_model(plan_model))
    first = brief["sentences"][0]["zh"]
    assert f"共有 {len(rows)} 条关联" in first
    assert f"其中 {found['by_scope']['city']} 条是天津市整体的承诺" in first
    hebei = sum(1 for r in rows if r["region"] == plan_model.entities["hebei"].name_zh)
    assert f"只有 {hebei} 条关联" in brief["sentences"][1]["zh"]
    assert "与北京关联最多的天津园区是北辰京津医药谷" in brief["sentences"][2]["zh"]
    quoted = sum(1 for link in plan_model.links if link.excerpt is not None)
    assert f"{quoted} 条是规划原文所述" in brief["sentences"][-1]["zh"]
    assert all(s["en"] for s in brief["sentences"])


def test_domains_are_fields_not_chapter_headings(plan_model):
    brief = briefing(model_to_property_graph(plan_model))
    domains = [d["domain"] for d in brief["domains"]]
    assert domains and "积极部署应用基础和前沿技术" not in domains and "着力推动关键核心技术攻关" not in domains
    # The analysis ranks the heading among the central domains; the briefing does not.
    assert "着力推动关键核心技术攻关" in {r["entity"] for r in brief["analysis"]["centrality"]}
    central = {r["entity"] for r in brief["central"]}
    assert "着力推动关键核心技术攻关" not in central and "滨海新区" in central


def test_the_page_prints_and_says_it_in_chinese(plan_model, tmp_path, browser):
    from viz.html import write_page

    page_text = render_briefing(briefing(model_to_property_graph(plan_model)))
    assert "PARTNERS_WITH" not in page_text  # link types in words
    assert "@page { size: A4" in page_text
    path = write_page(page_text, tmp_path / "briefing.html")
    context = browser.new_context(viewport={"width": 1600, "height": 1000}, offline=True)
    try:
        page = context.new_page()
        requests = []
        page.on("request", lambda r: requests.append(r.url))
        page.goto(path.resolve().as_uri())
        assert page.locator("svg.chart rect").count() > 0
        pdf = page.pdf(format="A4")
        assert pdf[:5] == b"%PDF-" and len(pdf) > 20_000
        assert requests == [path.resolve().as_uri()]  # nothing fetched
    finally:
        context.close()
