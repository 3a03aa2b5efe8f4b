"""Render a part of the plan graph as one self-contained, interactive HTML page.

pyvis assembles the nodes and edges (styles, positions, options); the page
template, its script and the writing are ours, because pyvis 0.3.2 fetches
Bootstrap and vis-network from a CDN in every mode, escapes neither its
heading nor its select menus, switches every tooltip to ``innerHTML`` when
one title holds ``href``, writes a ``lib/`` folder into the working directory
and opens its file without an encoding. Here vis-network is inlined (the page
works offline and from ``file://``), every text of the data reaches the page
as JSON inside a ``<script type="application/json">`` block and is put on
screen with ``textContent`` only, and the file is written as UTF-8, atomically.

>>> from kg.graph.mapping import PropertyGraph
>>> page = render(PropertyGraph(), title="<空>")
>>> "<title>&lt;空&gt;</title>" in page and "<script src" not in page
True
"""

from __future__ import annotations

import html
import json
import math
import os
import re
from importlib.resources import files
from pathlib import Path

from kg.errors import KGError
from kg.graph.mapping import PropertyGraph
from kg.graph.regions import CITY, regions_of, root_kind, root_kinds
from kg.vocab.ontology import load_ontology
from kg.vocab.schema import ATTRIBUTES, JINGJINJI, REGIONS, REL, link_name
from viz.geomap import areas
from viz.layout import GEO_PANELS, LAYOUTS, REGION_BANDS, positions

__all__ = ["MAX_NODES", "STYLE", "view_data", "render", "write_page", "json_for_script", "document"]

#: By default a view holds at most this many nodes: beyond, a page is slow to read (it still
#: works: 10,000 nodes draw in seconds, see BENCHMARKS.md); ``max_nodes`` raises the bound.
MAX_NODES = 2000
VIS_VERSION = "9.1.2"

#: Colour and vis-network shape of each root kind (places are shaded by level).
STYLE = {
    "Platform": ("#d1495b", "diamond"),
    "Place": ("#2e933c", "square"),
    "Institution": ("#1f6fb2", "dot"),
    "TechnologyDomain": ("#7b4fa0", "triangle"),
    "Indicator": ("#8c564b", "star"),
    "ResearchDirection": ("#d16ba5", "triangleDown"),
    "Programme": ("#e8871e", "hexagon"),
    "Positioning": ("#17a2b8", "hexagon"),  # beside the programmes, in another colour
}
_PLACE_SHADES = {
    "Region": "#145a20",
    "Country": "#6b6b6b",
    "City": "#1e7b2c",
    "District": "#2e933c",
    "FunctionalZone": "#4cb050",
    "Park": "#8fd18f",
}
_GLYPH = {
    "diamond": "◆",
    "square": "■",
    "dot": "●",
    "triangle": "▲",
    "star": "★",
    "triangleDown": "▼",
    "hexagon": "⬢",
    "box": "▬",
}
_CROSS = "#e0218a"
#: The regions between which a link is drawn as a cross-region link.
_JINGJINJI = {REGIONS[code][0] for code in JINGJINJI}
_PLAIN_EDGE = "#a9b1ba"


def _colour(labels) -> str:
    kind = root_kind(labels)
    if kind == "Place":
        for level in ("Park", "FunctionalZone", "District", "City", "Country", "Region"):
            if level in labels:
                return _PLACE_SHADES[level]
    return STYLE.get(kind, ("#999999", "dot"))[0]


def view_data(
    pg: PropertyGraph,
    *,
    layout: str = "force",
    title: str = "",
    subtitle: str = "",
    regions: dict | None = None,
    max_nodes: int = MAX_NODES,
    overview: bool = False,
) -> dict:
    """Everything the page shows, as plain data (nodes, edges, legend, filters, options).
    An ``overview`` (the whole graph) hides the entities without a link until asked to show them.

    ``regions`` are the regions of the whole graph (:func:`kg.graph.regions.regions_of`), so
    that a part of it still knows that a partner outside the part is in Beijing.
    """
    from pyvis.network import Network

    if layout not in LAYOUTS:
        raise KGError(f"unknown layout '{layout}'", hint=f"use one of {', '.join(LAYOUTS)}")
    if len(pg.nodes) > max_nodes:
        raise KGError(
            f"the view would hold {len(pg.nodes)} nodes, more than the {max_nodes} a page shows readably",
            hint=f"narrow it with --focus ENTITY --hops N, --kind, --domain or --region, or raise --max-nodes to {len(pg.nodes)}",
        )
    onto = load_ontology()
    regions = regions if regions is not None else regions_of(pg)
    xy = positions(pg, layout, regions)
    degree = {uri: 0 for uri in pg.nodes}
    for rel in pg.rels.values():
        degree[rel.start] += 1
        degree[rel.end] += 1
    ids = {uri: node.props.get("id", uri) for uri, node in pg.nodes.items()}

    net = Network(directed=True)
    for uri in sorted(pg.nodes):
        node = pg.nodes[uri]
        kind = onto.kinds.get(node.kind)
        name_zh = node.props.get("name_zh", ids[uri])
        name_en = node.props.get("name_en", "")
        net.add_node(
            ids[uri],
            label=name_zh,
            title=f"{name_en}\n{kind.label_en if kind else node.kind}",
            color=_colour(node.labels),
            shape=STYLE.get(root_kind(node.labels), ("", "dot"))[1],
            size=round(8 + 4 * math.sqrt(degree[uri]), 1),
            x=xy[uri][0],
            y=xy[uri][1],
            physics=False,
        )
    edge_labels = []  # in the order of the edges, for the page's language switch
    for key in sorted(pg.rels):
        rel = pg.rels[key]
        link = onto.links.get(link_name(rel.type))
        edge_labels.append({"zh": link.label_zh if link else rel.type, "en": link.label_en if link else rel.type})
        a, b = regions.get(rel.start), regions.get(rel.end)
        cross = a != b and a in _JINGJINJI and b in _JINGJINJI
        net.add_edge(
            ids[rel.start],
            ids[rel.end],
            label=link.label_zh if link else rel.type,
            title=f"{link.label_en if link else rel.type} ({rel.type})",
            color=_CROSS if cross else _PLAIN_EDGE,
            width=3 if cross else 1,
            arrows="to",
            cross=cross,
            # On the map a cross-region link is an arc, so that it does not hide the places it passes.
            **(
                {"smooth": {"enabled": True, "type": "curvedCW", "roundness": 0.25}}
                if cross and layout == "geo"
                else {}
            ),
        )
    net.toggle_physics(False)
    nodes, edges, _, _, _, _ = net.get_network_data()

    touching: dict[str, list] = {uri: [] for uri in pg.nodes}
    for rel in pg.rels.values():
        touching[rel.start].append(rel)
        if rel.end != rel.start:
            touching[rel.end].append(rel)
    details = {}
    for uri, node in pg.nodes.items():
        kind = onto.kinds.get(node.kind)
        props = node.props
        links = []
        for rel in touching[uri]:
            link = onto.links.get(link_name(rel.type))
            other = rel.end if rel.start == uri else rel.start
            links.append(
                {
                    "direction": "out" if rel.start == uri else "in",
                    "type": rel.type,
                    "label_zh": link.label_zh if link else rel.type,
                    "other": ids[other],
                    "other_name": pg.nodes[other].props.get("name_zh", ids[other]),
                    "section": rel.props.get("section"),
                    "quote": rel.props.get("quote"),
                    "note": rel.props.get("curation_note"),
                    "derived_from": rel.props.get("derived_from"),
                }
            )
        links.sort(key=lambda item: (item["direction"], item["type"], item["other"]))
        attributes = {f.pg: props[f.pg] for f in ATTRIBUTES if f.pg in props}
        details[ids[uri]] = {
            "id": ids[uri],
            "name_zh": props.get("name_zh", ""),
            "name_en": props.get("name_en", ""),
            "aliases": props.get("aliases", []),
            "kind": node.kind,
            "kind_zh": kind.label_zh if kind else node.kind,
            "kind_en": kind.label_en if kind else node.kind,
            "root": root_kind(node.labels),
            "region": regions.get(uri) or "",
            "attributes": attributes,
            "section": props.get("section"),
            "quote": props.get("quote"),
            "note": props.get("curation_note") or props.get("editorial_note"),
            "derived_from": props.get("derived_from"),
            "links": links,
            "domains": sorted(ids[r.end] for r in touching[uri] if r.start == uri and r.type == REL.FOCUSES_ON),
        }
    broader = {ids[r.start]: ids[r.end] for r in pg.rels.values() if r.type == REL.BROADER}
    present = {root_kind(n.labels) for n in pg.nodes.values()}
    legend = [
        {
            "kind": k,
            "label_zh": onto.kinds[k].label_zh,
            "label_en": onto.kinds[k].label_en,
            "colour": STYLE[k][0],
            "glyph": _GLYPH[STYLE[k][1]],
        }
        for k in root_kinds()
        if k in present
    ]
    domains = sorted((details[i]["name_zh"], i) for i in details if details[i]["root"] == "TechnologyDomain")
    bands = []
    if layout == "regions":
        bands = [
            {"label": r, "x0": x0 - 80, "x1": x1 + 80, "y0": -1000, "y1": 1000} for r, (x0, x1) in REGION_BANDS.items()
        ]
        bands.append({"label": "其他（全国、海外、领域与计划）", "x0": -2680, "x1": 2680, "y0": 1100, "y1": 2500})
    elif layout == "geo":
        bands = [
            {"label": " · ".join(label), "x0": x0, "x1": x1, "y0": y0, "y1": y1}
            for label, (x0, x1, y0, y1) in GEO_PANELS.values()
            if any(x0 <= x <= x1 and y0 <= y <= y1 for x, y in xy.values())  # only the panels in use
        ]
    return {
        "title": title,
        "subtitle": subtitle,
        "layout": layout,
        "nodes": nodes,
        "edges": edges,
        "details": details,
        "broader": broader,
        "legend": legend,
        "domains": [{"id": i, "name": n} for n, i in domains],
        "regions": [zh for zh, _ in REGIONS.values()],
        "bands": bands,
        "cross_colour": _CROSS,
        "hide_unlinked": overview,
        "hide_city": CITY if overview else "",
        "edge_labels": edge_labels,
        # The map under the geographic view, and the kinds it first hides (domains are not places).
        "map": list(areas()) if layout == "geo" else [],
        "region_names": {code: names[0] for code, names in REGIONS.items()},  # province code → region
        "hide_kinds": ["TechnologyDomain"] if layout == "geo" and overview else [],
    }


def json_for_script(data) -> str:
    """JSON that cannot end its <script> element or open another."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    for raw, escaped in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(raw, escaped)
    return text


def _asset(name: str) -> str:
    return (files("viz") / "templates" / name).read_text(encoding="utf-8")


def _vis(name: str) -> str:
    text = (files("pyvis") / "lib" / f"vis-{VIS_VERSION}" / name).read_text(encoding="utf-8")
    # The minified code ends with a source-map comment that points at a file not shipped.
    return text.replace("</script", "<\\/script")


def render(
    pg: PropertyGraph,
    *,
    layout: str = "force",
    title: str = "天津市科技创新“十四五”规划知识图谱",
    subtitle: str = "",
    regions: dict | None = None,
    max_nodes: int = MAX_NODES,
    overview: bool = False,
) -> str:
    """The page as text: deterministic for the same graph and options."""
    data = view_data(
        pg, layout=layout, title=title, subtitle=subtitle, regions=regions, max_nodes=max_nodes, overview=overview
    )
    page = _asset("view.html")
    replacements = {
        "TITLE": html.escape(title),
        "SUBTITLE": html.escape(subtitle),
        "VIS_CSS": _vis("vis-network.css").replace("</style", "<\\/style"),
        "STYLE": _asset("view.css"),
        "DATA": json_for_script(data),
        "VIS_JS": _vis("vis-network.min.js"),
        "SCRIPT": _asset("view.js"),
    }
    # One pass, so that nothing inserted is read again as a marker.
    return re.sub(r"\{\{([A-Z_]+)\}\}", lambda m: replacements[m.group(1)], page)


def write_page(text: str, path: str | Path) -> Path:
    """Write a page as UTF-8 via a temporary file, so that a reader never sees half of it."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.tmp")
    try:
        temp.write_text(text, encoding="utf-8", newline="\n")
        os.replace(temp, path)
    finally:
        temp.unlink(missing_ok=True)
    return path


#: The type of the plain pages (index, flows, briefing); each adds its own rules.
_DOCUMENT_CSS = (
    'body { font-family: "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", "WenQuanYi Micro Hei", system-ui, '
    "sans-serif; margin: 2em auto; color: #1d2733; }\n"
    "h1 { font-size: 1.5em; } h2 { font-size: 1.1em; margin-top: 1.5em; } .lead { color: #5a6776; }\n"
)


def document(title: str, body: str, *, css: str = "", script: bool = False) -> str:
    """A plain page of the report: ``body`` (HTML the caller escaped) under the views' content policy
    (nothing fetched; inline script only when ``script``).

    >>> "<title>a &amp; b</title>" in document("a & b", "<p>x</p>")
    True
    """
    scripts = " script-src 'unsafe-inline';" if script else ""
    return (
        '<!DOCTYPE html>\n<html lang="zh">\n<head>\n<meta charset="utf-8">\n'
        f"<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none';{scripts} style-src 'unsafe-inline'\">\n"
        f"<title>{html.escape(title)}</title>\n<style>\n{_DOCUMENT_CSS}{css}</style>\n</head>\n<body>\n{body}\n</body>\n</html>\n"
    )
