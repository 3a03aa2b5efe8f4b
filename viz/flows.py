"""The region-flow page: Beijing, Tianjin, Hebei and the national level as a matrix of link counts
(inline SVG), each flow split into Tianjin as a whole and actor-level links and listed, with the plan's
words, when clicked; below it, the places of Tianjin and the Beijing and Hebei actors linked to them.

One HTML file, offline, under the same Content-Security-Policy as the views; every text from the data
is escaped in the SVG and put on screen with ``textContent`` by the script.

>>> from kg.graph.mapping import PropertyGraph
>>> "<svg" in render_flows({"regions": ["北京", "天津"], "pairs": [], "places": []})
True
"""

from __future__ import annotations

import html

from viz.html import document, json_for_script

__all__ = ["render_flows"]

_CELL = 120
_PAD = 90


def render_flows(flows: dict, *, title: str = "京津冀关联流向 Region flows") -> str:
    """The page of :func:`kg.analysis.flows.region_flows`'s data."""
    body = _BODY.format(
        title=html.escape(title),
        matrix=_matrix(flows),
        places=_places(flows["places"]),
        data=json_for_script(flows["pairs"]),
    )
    return document(title, body, css=_CSS, script=True)


def _matrix(flows: dict) -> str:
    """A symmetric matrix of the regions: a cell's area grows with its links; its numbers are the
    total, and 'city / actor' beneath."""
    names = flows["regions"]
    cells = {(p["a"], p["b"]): (i, p) for i, p in enumerate(flows["pairs"])}
    most = max((p["total"] for p in flows["pairs"]), default=1)
    size = _PAD + _CELL * len(names)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" id="matrix" viewBox="0 0 {size} {size}" width="{size}">']
    for k, name in enumerate(names):
        x = _PAD + k * _CELL + _CELL / 2
        parts.append(f'<text class="head" x="{x}" y="{_PAD - 20}" text-anchor="middle">{html.escape(name)}</text>')
        parts.append(
            f'<text class="head" x="{_PAD - 14}" y="{_PAD + k * _CELL + _CELL / 2 + 6}" text-anchor="end">{html.escape(name)}</text>'
        )
    for r, row in enumerate(names):
        for c, column in enumerate(names):
            x, y = _PAD + c * _CELL, _PAD + r * _CELL
            parts.append(f'<rect class="grid" x="{x}" y="{y}" width="{_CELL}" height="{_CELL}"/>')
            found = cells.get((row, column)) or cells.get((column, row))
            if found is None or row == column:
                continue
            index, pair = found
            side = 20 + (_CELL - 44) * (pair["total"] / most) ** 0.5
            cx, cy = x + _CELL / 2, y + _CELL / 2 - 6
            parts.append(
                f'<g class="flow" data-pair="{index}" tabindex="0" role="button">'
                f'<rect x="{cx - side / 2}" y="{cy - side / 2}" width="{side}" height="{side}" rx="6"/>'
                f'<text class="total" x="{cx}" y="{cy + 4}" text-anchor="middle">{pair["total"]}</text>'
                f'<text class="split" x="{cx}" y="{y + _CELL - 6}" text-anchor="middle">'
                f"{pair['city']} / {pair['actor']}</text></g>"
            )
    parts.append("</svg>")
    return "".join(parts)


def _places(places: list[dict]) -> str:
    rows = "".join(
        f"<tr><td>{html.escape(p['place'])}</td><td>{p['links']}</td><td>"
        + "、".join(f"{html.escape(q['partner'])}（{html.escape(q['region'])}，{q['links']}）" for q in p["partners"])
        + "</td></tr>"
        for p in places
    )
    return (
        '<table id="places"><thead><tr><th>天津的地点 Place in Tianjin</th><th>关联 Links</th>'
        "<th>北京、河北的伙伴 Beijing and Hebei actors</th></tr></thead><tbody>" + rows + "</tbody></table>"
    )


_CSS = """
body { max-width: 72em; }
#layout { display: flex; gap: 2em; align-items: flex-start; }
svg text { font-size: 15px; fill: #1d2733; } svg text.head { font-weight: 600; }
svg text.split { font-size: 12px; fill: #5a6776; } svg text.total { font-size: 18px; font-weight: 600; fill: #fff; }
rect.grid { fill: #fafbfc; stroke: #e3e7eb; }
g.flow rect { fill: #e0218a; opacity: .85; } g.flow { cursor: pointer; } g.flow:hover rect, g.flow.selected rect { opacity: 1; stroke: #1d2733; stroke-width: 2; }
#links { flex: 1; font-size: 13px; } #links li { margin: .5em 0; }
#links blockquote { margin: 4px 0; padding: 3px 8px; border-left: 3px solid #c9a227; background: #fbf7e9; }
#links .section { color: #8a6d00; font-size: 12px; } #links .curated { color: #6b6b6b; font-style: italic; }
table { border-collapse: collapse; font-size: 13px; } td, th { border-bottom: 1px solid #e3e7eb; padding: 4px 8px; text-align: left; vertical-align: top; }
@media print { #links:empty { display: none; } }
"""

_BODY = """<h1>{title}</h1>
<p class="lead">每格为两地之间的关联数；下方数字为“天津市整体 / 具体园区、平台与机构”。点击一格，列出其关联与规划原文。
Each cell counts the links between two regions; beneath: Tianjin as a whole / parks, platforms and institutions.
Click a cell for its links and the plan's words.</p>
<div id="layout">
{matrix}
<div id="links" aria-live="polite"></div>
</div>
<h2>天津的地点与京冀伙伴 Places of Tianjin and their Beijing and Hebei partners</h2>
{places}
<script type="application/json" id="kg-flows">{data}</script>
<script>
(function () {{
  "use strict";
  const pairs = JSON.parse(document.getElementById("kg-flows").textContent);
  const out = document.getElementById("links");
  function el(tag, text, className) {{
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (className) node.className = className;
    return node;
  }}
  function show(index) {{
    const pair = pairs[index];
    document.querySelectorAll("g.flow").forEach(function (g) {{ g.classList.toggle("selected", g.dataset.pair === String(index)); }});
    out.replaceChildren(el("h2", pair.a + " ↔ " + pair.b + "：" + pair.total + " 条关联 links"));
    const types = Object.keys(pair.by_type).map(function (t) {{ return t + " " + pair.by_type[t]; }}).join("、");
    out.appendChild(el("p", "天津市整体 Tianjin as a whole " + pair.city + " · 具体主体 actors " + pair.actor + " · " + types));
    const list = el("ol");
    pair.links.forEach(function (link) {{
      const item = el("li");
      item.appendChild(el("strong", link.from + " —" + link.type_zh + "→ " + link.to));
      item.appendChild(el("span", " (" + link.type_en + ", " + link.scope + ")"));
      if (link.quote) {{
        if (link.section) item.appendChild(el("div", link.section, "section"));
        item.appendChild(el("blockquote", "“" + link.quote + "”"));
      }} else if (link.note) {{
        item.appendChild(el("div", link.note, "curated"));
      }}
      list.appendChild(item);
    }});
    out.appendChild(list);
  }}
  document.querySelectorAll("g.flow").forEach(function (g) {{
    g.addEventListener("click", function () {{ show(Number(g.dataset.pair)); }});
    g.addEventListener("keydown", function (e) {{ if (e.key === "Enter") show(Number(g.dataset.pair)); }});
  }});
  document.body.dataset.ready = "true";
  window.kgFlows = {{ pairs: pairs, show: show }};
}})();
</script>
"""
