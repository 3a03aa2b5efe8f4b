"""Network analysis of the plan graph (networkx, on the one property-graph mapping).

Functions take the property graph and return plain data: regions of entities,
centrality per kind, communities with readable names, the bridges between
Tianjin and Beijing/Hebei, and profiles of districts, zones and parks.

>>> from kg.mapping import Node, PropertyGraph, Rel
>>> pg = PropertyGraph()
>>> for uri, kind, name in [("b", "Region", "北京市"), ("u", "University", "清华大学")]:
...     pg.nodes[uri] = Node(uri, ("Resource", "Place", "Region") if kind == "Region" else ("Resource", "Institution", kind), {"id": {"b": "beijing", "u": "tsinghua"}[uri], "name_zh": name})
>>> pg.rels[("u", "LOCATED_IN", "b")] = Rel("u", "LOCATED_IN", "b", {})
>>> regions_of(pg)
{'b': '北京', 'u': '北京'}
"""

from __future__ import annotations

from collections import Counter, defaultdict

import networkx as nx

from .errors import KGError
from .mapping import PropertyGraph, link_name
from .names import normalise

__all__ = [
    "REGION_IDS",
    "ROOT_KINDS",
    "to_networkx",
    "root_kind",
    "regions_of",
    "find_node",
    "centrality",
    "communities",
    "bridges",
    "profiles",
    "analyze",
    "to_markdown",
]

#: The three regions of Jing-Jin-Ji, by the ids of their entities.
REGION_IDS = {"beijing": "北京", "tianjin": "天津", "hebei": "河北"}
ROOT_KINDS = ("Platform", "Place", "Institution", "TechnologyDomain", "Indicator", "ResearchDirection", "Programme")


def root_kind(labels) -> str:
    for kind in ROOT_KINDS:
        if kind in labels:
            return kind
    return "Resource"


def to_networkx(pg: PropertyGraph) -> nx.MultiDiGraph:
    """A MultiDiGraph with node attributes ``labels``, ``kind``, ``root`` and the node's properties."""
    graph = nx.MultiDiGraph()
    for uri, node in pg.nodes.items():
        graph.add_node(uri, labels=node.labels, kind=node.kind, root=root_kind(node.labels), **node.props)
    for rel in pg.rels.values():
        graph.add_edge(rel.start, rel.end, key=rel.type, type=rel.type, **rel.props)
    return graph


def regions_of(pg: PropertyGraph) -> dict[str, str | None]:
    """The region (北京, 天津 or 河北) each entity belongs to, or None.

    An entity belongs to the nearest region it is located in or part of,
    directly or through other places; failing that, to the region of the
    organisation it is a unit of (a Tianjin institute of a Beijing academy
    stays in Tianjin).
    """
    by_id = {node.props.get("id"): uri for uri, node in pg.nodes.items()}
    region_uri = {by_id[i]: name for i, name in REGION_IDS.items() if i in by_id}
    located: dict[str, list[str]] = defaultdict(list)
    units: dict[str, list[str]] = defaultdict(list)
    for rel in pg.rels.values():
        if rel.type in ("LOCATED_IN", "PART_OF"):
            located[rel.start].append(rel.end)
        elif rel.type == "SUB_ORGANIZATION_OF":
            units[rel.start].append(rel.end)

    def nearest(uri: str, parents: dict[str, list[str]]) -> str | None:
        seen, frontier = {uri}, [uri]
        while frontier:
            following = []
            for current in frontier:
                if current in region_uri:
                    return region_uri[current]
                for parent in sorted(parents.get(current, ())):
                    if parent not in seen:
                        seen.add(parent)
                        following.append(parent)
            frontier = following
        return None

    regions = {uri: nearest(uri, located) for uri in pg.nodes}
    for uri in pg.nodes:
        if regions[uri] is None:
            seen, frontier = {uri}, [uri]
            while frontier and regions[uri] is None:
                current = frontier.pop(0)
                for parent in sorted(units.get(current, ())):
                    if parent not in seen:
                        seen.add(parent)
                        frontier.append(parent)
                        if regions.get(parent):
                            regions[uri] = regions[parent]
                            break
    return regions


def find_node(pg: PropertyGraph, text: str) -> str:
    """The uri of the entity with this id, name or alias (spelling variants folded)."""
    key = normalise(text)
    matches = sorted(
        uri
        for uri, node in pg.nodes.items()
        if key
        in {
            normalise(str(v))
            for v in (
                node.props.get("id"),
                node.props.get("name_zh"),
                node.props.get("name_en"),
                *node.props.get("aliases", ()),
            )
            if v
        }
    )
    if len(matches) == 1:
        return matches[0]
    if matches:
        listed = ", ".join(f"{pg.nodes[m].props['id']} ({pg.nodes[m].props.get('name_zh')})" for m in matches)
        raise KGError(f"'{text}' names {len(matches)} entities: {listed}", hint="give the id of the one you mean")
    close = sorted(
        pg.nodes[uri].props.get("name_zh", "")
        for uri, node in pg.nodes.items()
        if key and any(key in normalise(str(v)) for v in (node.props.get("name_zh"), node.props.get("name_en")) if v)
    )[:5]
    hint = f"did you mean {', '.join(close)}?" if close else "find it with: kg query search --param text=…"
    raise KGError(f"no entity has the id, name or alias '{text}'", hint=hint)


def _name(pg: PropertyGraph, uri: str) -> str:
    return pg.nodes[uri].props.get("name_zh") or pg.nodes[uri].props.get("id", uri)


def centrality(pg: PropertyGraph, *, top: int = 5) -> list[dict]:
    """The most central entities of each root kind, by degree and by betweenness (undirected)."""
    graph = nx.Graph(to_networkx(pg).to_undirected())
    degree = nx.degree_centrality(graph)
    betweenness = nx.betweenness_centrality(graph, normalized=True)
    rows = []
    for kind in ROOT_KINDS:
        members = [u for u in graph if graph.nodes[u]["root"] == kind]
        ranked = sorted(members, key=lambda u: (-betweenness[u], -degree[u], _name(pg, u)))[:top]
        for rank, uri in enumerate(ranked, start=1):
            rows.append(
                {
                    "kind": kind,
                    "rank": rank,
                    "entity": _name(pg, uri),
                    "degree": graph.degree(uri),
                    "degree_centrality": round(degree[uri], 4),
                    "betweenness": round(betweenness[uri], 4),
                }
            )
    return rows


def communities(pg: PropertyGraph, *, seed: int = 42, name_size: int = 3) -> list[dict]:
    """Louvain communities (fixed seed) of the entity network, each named by its most central members.

    The technology-domain tree is left out, so that communities show who works
    with whom rather than the chapter-2 taxonomy.
    """
    graph = nx.Graph(to_networkx(pg).to_undirected())
    graph.remove_nodes_from([u for u in list(graph) if graph.nodes[u]["root"] in ("TechnologyDomain", "Indicator")])
    graph.remove_nodes_from([u for u in list(graph) if graph.degree(u) == 0])
    found = nx.community.louvain_communities(graph, seed=seed)
    betweenness = nx.betweenness_centrality(graph, normalized=True)
    rows = []
    for members in found:
        ranked = sorted(members, key=lambda u: (-betweenness[u], -graph.degree(u), _name(pg, u)))
        rows.append(
            {
                "name": " · ".join(_name(pg, u) for u in ranked[:name_size]),
                "size": len(members),
                "members": [_name(pg, u) for u in ranked],
            }
        )
    rows.sort(key=lambda r: (-r["size"], r["name"]))
    for number, row in enumerate(rows, start=1):
        row["community"] = number
    return rows


def bridges(pg: PropertyGraph, regions: dict[str, str | None] | None = None) -> dict:
    """The links between Tianjin and Beijing or Hebei: each link, counts by type, and who carries them."""
    regions = regions or regions_of(pg)
    links = []
    for rel in pg.rels.values():
        ends = (regions.get(rel.start), regions.get(rel.end))
        if "天津" in ends and ({"北京", "河北"} & set(ends)):
            tianjin, other = (rel.start, rel.end) if ends[0] == "天津" else (rel.end, rel.start)
            links.append(
                {
                    "tianjin_side": _name(pg, tianjin),
                    "link": rel.type,
                    "partner": _name(pg, other),
                    "partner_region": regions[other],
                    "direction": "out" if tianjin == rel.start else "in",
                    "source": "plan" if "quote" in rel.props else "curated",
                }
            )
    links.sort(key=lambda r: (r["partner_region"], r["tianjin_side"], r["link"], r["partner"]))
    by_type = Counter((r["link"], r["partner_region"]) for r in links)
    carriers = Counter(r["tianjin_side"] for r in links)
    return {
        "links": links,
        "by_type": [
            {"link": t, "link_name": link_name(t), "partner_region": region, "count": n}
            for (t, region), n in sorted(by_type.items(), key=lambda item: (-item[1], item[0]))
        ],
        "carriers": [
            {"entity": name, "cross_region_links": n}
            for name, n in sorted(carriers.items(), key=lambda i: (-i[1], i[0]))
        ],
    }


def profiles(pg: PropertyGraph) -> list[dict]:
    """For each district, functional zone and park: the platforms, institutions and domains in it."""
    placing: dict[str, list[str]] = defaultdict(list)  # place → what is directly in it
    for rel in pg.rels.values():
        if rel.type in ("LOCATED_IN", "PART_OF"):
            placing[rel.end].append(rel.start)
    relying: dict[str, list[str]] = defaultdict(list)
    focus: dict[str, list[str]] = defaultdict(list)
    for rel in pg.rels.values():
        if rel.type in ("RELIES_ON", "DRAWS_ON", "CORE_AREA", "PARTNERS_WITH", "JOINTLY_BUILT_WITH"):
            relying[rel.start].append(rel.end)
        elif rel.type == "FOCUSES_ON":
            focus[rel.start].append(rel.end)
    rows = []
    for uri, node in pg.nodes.items():
        if not {"District", "FunctionalZone", "Park"} & set(node.labels):
            continue
        inside, frontier = set(), [uri]
        while frontier:
            current = frontier.pop()
            for child in placing.get(current, ()):
                if child not in inside:
                    inside.add(child)
                    frontier.append(child)
        members = inside | set(relying.get(uri, ())) if "Park" in node.labels else inside
        platforms = sorted(_name(pg, m) for m in members if "Platform" in pg.nodes[m].labels)
        institutions = sorted(_name(pg, m) for m in members if "Institution" in pg.nodes[m].labels)
        domains = sorted({_name(pg, d) for m in members | {uri} for d in focus.get(m, ())})
        if platforms or institutions or domains or inside:
            rows.append(
                {
                    "place": _name(pg, uri),
                    "kind": node.kind,
                    "places_inside": len([m for m in inside if "Place" in pg.nodes[m].labels]),
                    "platforms": platforms,
                    "institutions": institutions,
                    "domains": domains,
                }
            )
    rows.sort(key=lambda r: (-(len(r["platforms"]) + len(r["institutions"])), r["place"]))
    return rows


def analyze(pg: PropertyGraph, *, top: int = 5, seed: int = 42) -> dict:
    """All of the analysis as plain data."""
    regions = regions_of(pg)
    return {
        "summary": {
            "entities": len(pg.nodes),
            "links": len(pg.rels),
            "by_region": dict(sorted(Counter(r or "其他" for r in regions.values()).items())),
        },
        "centrality": centrality(pg, top=top),
        "communities": communities(pg, seed=seed),
        "bridges": bridges(pg, regions),
        "profiles": profiles(pg),
    }


def _md_table(rows: list[dict], columns: list[str]) -> list[str]:
    def cell(value):
        if isinstance(value, list):
            value = "、".join(value)
        return str(value).replace("|", "\\|").replace("\n", " ")

    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(cell(row.get(c, "")) for c in columns) + " |" for row in rows]
    return lines


def to_markdown(report: dict) -> str:
    """A briefing-ready Markdown report."""
    s = report["summary"]
    regions = "，".join(f"{k} {v}" for k, v in s["by_region"].items())
    out = [
        "# 天津市科技创新“十四五”规划知识图谱：网络分析",
        "",
        f"图谱共有 {s['entities']} 个实体、{s['links']} 条关联；按所属区域：{regions}。",
        "",
        "## 京津冀跨区域关联（Tianjin ↔ Beijing / Hebei bridges）",
        "",
        f"天津一方与北京、河北伙伴之间共有 {len(report['bridges']['links'])} 条关联。按关联类型：",
        "",
        *_md_table(report["bridges"]["by_type"], ["link", "partner_region", "count"]),
        "",
        "承载跨区域关联最多的天津实体：",
        "",
        *_md_table(report["bridges"]["carriers"][:10], ["entity", "cross_region_links"]),
        "",
        "全部跨区域关联：",
        "",
        *_md_table(report["bridges"]["links"], ["tianjin_side", "link", "partner", "partner_region", "source"]),
        "",
        "## 核心实体（Centrality）",
        "",
        "按类型列出介数中心性（betweenness）最高的实体：",
        "",
        *_md_table(report["centrality"], ["kind", "rank", "entity", "degree", "betweenness"]),
        "",
        "## 协作社群（Louvain communities, seed 42）",
        "",
        *_md_table(report["communities"], ["community", "name", "size"]),
        "",
        "## 区域与园区概况（Profiles）",
        "",
        *_md_table(report["profiles"], ["place", "kind", "platforms", "institutions", "domains"]),
        "",
    ]
    return "\n".join(out)
