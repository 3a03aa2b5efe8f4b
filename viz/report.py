"""The report a new user runs first: overview, focused views, the analysis, and an index page.

>>> sorted(REPORT_LAYOUTS)
['force', 'geo', 'regions']
"""

from __future__ import annotations

import html
from pathlib import Path

from kg.analysis.briefing import briefing
from kg.analysis.flows import region_flows
from kg.analysis.markdown import to_markdown
from kg.graph.mapping import PropertyGraph
from kg.graph.regions import regions_of
from viz.briefing import render_briefing
from viz.flows import render_flows
from viz.html import document, render, write_page
from viz.select import select

__all__ = ["REPORT_LAYOUTS", "write_report"]

REPORT_LAYOUTS = {
    "force": "网络总览 Overview (force-directed)",
    "regions": "京津冀分区 Beijing · Tianjin · Hebei",
    "geo": "地理分布 Geographic",
}


def write_report(
    pg: PropertyGraph, analysis: dict, directory: str | Path, *, hops: int = 2, data_files: tuple[Path, ...] = ()
) -> list[Path]:
    """Write the overview pages, the region flows, one focused page per column-2 centre and column-3
    zone, the analysis (Markdown), and ``index.html`` linking them and the ``data_files`` already
    written into the folder (the RDF graph); return the paths."""
    directory = Path(directory)
    regions = regions_of(pg)
    written: list[tuple[str, str, Path]] = []
    for layout, caption in REPORT_LAYOUTS.items():
        path = write_page(
            render(
                pg,
                layout=layout,
                title=f"天津市科技创新“十四五”规划知识图谱 · {caption}",
                regions=regions,
                overview=True,
            ),
            directory / f"overview-{layout}.html",
        )
        written.append(("overview", caption, path))
    focus_nodes = sorted(
        (node.props.get("notation", ""), uri)
        for uri, node in pg.nodes.items()
        if {"LandmarkZone", "CollaborativeInnovationCenter"} & set(node.labels) and node.props.get("notation")
    )
    for notation, uri in sorted(focus_nodes, key=lambda item: (item[0].split("-")[0], int(item[0].split("-")[1]))):
        node = pg.nodes[uri]
        part = select(pg, focus=node.props["id"], hops=hops)
        title = f"{notation} {node.props.get('name_zh', '')}"
        subtitle = f"{node.props.get('name_en', '')} — {hops}-hop neighbourhood"
        path = write_page(
            render(part, layout="force", title=title, subtitle=subtitle, regions=regions),
            directory / f"focus-{node.props['id']}.html",
        )
        written.append(("focus", title, path))
    flow_data = region_flows(pg, regions)
    flows = write_page(render_flows(flow_data), directory / "flows.html")
    written.append(("overview", "京津冀关联流向 Region flows (Beijing · Tianjin · Hebei · national)", flows))
    brief = write_page(render_briefing(briefing(pg, analysis=analysis, flows=flow_data)), directory / "briefing.html")
    written.append(("analysis", "京津冀协同简报 Briefing (printable)", brief))
    markdown = directory / "analysis.md"
    markdown.write_text(to_markdown(analysis), encoding="utf-8")
    written.append(("analysis", "网络分析报告 Analysis report (Markdown)", markdown))
    written.extend(("data", f"{path.name}", path) for path in data_files)
    index = directory / "index.html"
    write_page(_index(written, analysis), index)
    return [index, *(path for _, _, path in written)]


def _index(entries: list[tuple[str, str, Path]], analysis: dict) -> str:
    groups = {
        "overview": "总览 Overviews",
        "focus": "专栏2、专栏3 聚焦 Focused views",
        "analysis": "分析 Analysis",
        "data": "图谱数据 The graph as RDF (Turtle, N-Triples, JSON-LD)",
    }
    parts = []
    for group, heading in groups.items():
        items = [
            f'<li><a href="{html.escape(path.name)}">{html.escape(caption)}</a></li>'
            for kind, caption, path in entries
            if kind == group
        ]
        parts.append(f"<h2>{html.escape(heading)}</h2>\n<ul>\n" + "\n".join(items) + "\n</ul>")
    summary = analysis["summary"]
    bridges = len(analysis["bridges"]["links"])
    city = analysis["bridges"]["by_scope"]["city"]
    lead = (
        f"{summary['entities']} 个实体 entities · {summary['links']} 条关联 links · "
        f"{bridges} 条天津与京冀之间的关联 links between Tianjin and Beijing/Hebei "
        f"（其中 {city} 条为天津市整体的承诺 of them {city} by Tianjin as a whole）"
    )
    title = "天津市科技创新“十四五”规划知识图谱"
    body = f'<h1>{html.escape(title)}</h1>\n<p class="lead">{html.escape(lead)}</p>\n' + "\n".join(parts)
    return document(title, body, css="body { max-width: 52em; } li { margin: .3em 0; } a { color: #1f6fb2; }\n")
