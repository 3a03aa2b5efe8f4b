"""The briefing page: what the analysis says in sentences, its figures as inline SVG charts and short
tables, printable on A4. One offline HTML file; every text from the data is escaped.

>>> page = render_briefing({"sentences": [{"zh": "<甲>", "en": "A"}], "analysis": {"centrality": [],
...     "bridges": {"by_type": [], "carriers": [], "links": []}, "profiles": []}, "flows": {"pairs": []}, "domains": [], "central": [], "types": []})
>>> "&lt;甲&gt;" in page and "<甲>" not in page
True
"""

from __future__ import annotations

import html

from kg.vocab.ontology import load_ontology
from kg.vocab.schema import link_name
from viz.html import document

__all__ = ["render_briefing"]

_BAR = 360  # the width of the longest bar, in px


def render_briefing(brief: dict, *, title: str = "天津市科技创新“十四五”规划：京津冀协同简报") -> str:
    """The page of :func:`kg.analysis.briefing.briefing`'s data."""
    analysis = brief["analysis"]
    sentences = "".join(
        f"<li><p>{html.escape(s['zh'])}</p><p class='en'>{html.escape(s['en'])}</p></li>" for s in brief["sentences"]
    )
    pairs = [(f"{p['a']} ↔ {p['b']}", [(p["city"], "city"), (p["actor"], "actor")]) for p in brief["flows"]["pairs"]]
    city = {link["tianjin_side"] for link in analysis["bridges"]["links"] if link["scope"] == "city"}
    carriers = [
        (row["entity"], [(row["cross_region_links"], "city" if row["entity"] in city else "actor")])
        for row in analysis["bridges"]["carriers"][:8]
    ]
    onto = load_ontology()

    def type_zh(rel: str) -> str:
        link = onto.links.get(link_name(rel))
        return f"{link.label_zh}（{link.label_en}）" if link else rel

    def kind_zh(kind: str) -> str:
        known = onto.kinds.get(kind)
        return f"{known.label_zh}（{known.label_en}）" if known else kind

    tables = [
        (
            "京津冀关联的类型 Jing-Jin-Ji links by type",
            ["关联 link", "伙伴所在 partner in", "数量 count"],
            [[type_zh(r["link"]), r["partner_region"], r["count"]] for r in analysis["bridges"]["by_type"]],
        ),
        (
            "最受关注的技术领域 Fields most focused on",
            ["领域 field", "English", "关注者 focused by"],
            [[r["domain"], r["domain_en"], r["focused_by"]] for r in brief["domains"]],
        ),
        (
            "核心实体 Most central entities (betweenness)",
            ["类型 kind", "实体 entity", "关联 links", "介数 betweenness"],
            [[kind_zh(r["kind"]), r["entity"], r["degree"], r["betweenness"]] for r in brief["central"]],
        ),
        (
            "区域与园区 Places and what is in them",
            ["地点 place", "平台 platforms", "机构 institutions", "领域 fields"],
            [
                [p["place"], len(p["platforms"]), len(p["institutions"]), len(p["domains"])]
                for p in analysis["profiles"][:12]
            ],
        ),
        (
            "全部关联类型 All links by type",
            ["关联 link", "数量 count"],
            [[f"{t['label_zh']}（{t['label_en']}）", t["count"]] for t in brief["types"]],
        ),
    ]
    return document(
        title,
        _BODY.format(
            title=html.escape(title),
            sentences=sentences,
            pairs=_bars(pairs, "region-pairs"),
            carriers=_bars(carriers, "carriers"),
            tables="".join(_table(*table) for table in tables if table[2]),
        ),
        css=_CSS,
    )


def _bars(rows: list[tuple[str, list[tuple[int, str]]]], name: str) -> str:
    """A horizontal bar chart: one row per label, segments by class (``city`` or ``actor``)."""
    most = max((sum(v for v, _ in parts) for _, parts in rows), default=1) or 1
    height = 26 * len(rows) + 10
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{name}" width="720" height="{height}">']
    for i, (label, parts) in enumerate(rows):
        y = 6 + 26 * i
        out.append(f'<text x="280" y="{y + 15}" text-anchor="end">{html.escape(label)}</text>')
        x = 290
        for value, kind in parts:
            width = _BAR * value / most
            if width:
                out.append(f'<rect class="{kind}" x="{x:.1f}" y="{y}" width="{width:.1f}" height="20"/>')
            x += width
        out.append(f'<text x="{x + 6:.1f}" y="{y + 15}">{sum(v for v, _ in parts)}</text>')
    out.append("</svg>")
    return "".join(out)


def _table(heading: str, columns: list[str], rows: list[list]) -> str:
    head = "".join(f"<th>{html.escape(c)}</th>" for c in columns)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in row) + "</tr>" for row in rows)
    return f"<h2>{html.escape(heading)}</h2><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


_CSS = """
body { max-width: 50em; line-height: 1.5; }
ol.findings li { margin: .6em 0; } ol.findings p { margin: 0; } p.en { color: #5a6776; font-size: .92em; }
svg.chart text { font-size: 13px; fill: #1d2733; } rect.city { fill: #f3a6cf; } rect.actor { fill: #e0218a; }
.key span { display: inline-block; width: 14px; height: 10px; margin: 0 4px 0 12px; }
table { border-collapse: collapse; font-size: 13px; width: 100%; } td, th { border-bottom: 1px solid #e3e7eb; padding: 3px 8px; text-align: left; }
@page { size: A4; margin: 16mm; }
@media print { body { margin: 0; max-width: none; } h2 { break-after: avoid; } table, svg { break-inside: avoid; } }
"""

_BODY = """<h1>{title}</h1>
<h2>要点 Findings</h2>
<ol class="findings">{sentences}</ol>
<h2>区域之间的关联 Links between regions</h2>
<p class="key"><span style="background:#f3a6cf"></span>天津市整体 Tianjin as a whole<span style="background:#e0218a"></span>具体园区、平台与机构 parks, platforms, institutions</p>
{pairs}
<h2>承载京冀关联的天津实体 Who in Tianjin carries the links</h2>
{carriers}
{tables}
"""
