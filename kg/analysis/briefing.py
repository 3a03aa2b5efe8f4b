"""The briefing: short sentences that say what the analysis's figures mean, each figure from the data,
and the tables a planner reads beside them (link types and kinds in Chinese, English beside).

>>> from kg.graph.mapping import Node, PropertyGraph, Rel
>>> pg = PropertyGraph()
>>> pg.nodes["t"] = Node("t", ("Resource", "Place", "Region"), {"id": "tianjin", "name_zh": "天津", "region": "tianjin"})
>>> pg.nodes["u"] = Node("u", ("Resource", "Institution", "University"), {"id": "thu", "name_zh": "清华大学", "region": "beijing"})
>>> pg.rels[("t", "PARTNERS_WITH", "u")] = Rel("t", "PARTNERS_WITH", "u", {"quote": "与清华大学合作"})
>>> brief = briefing(pg)
>>> brief["sentences"][0]["zh"]
'规划中天津与北京、河北之间共有 1 条关联：与北京 1 条，与河北 0 条；其中 1 条是天津市整体的承诺，0 条属于具体的园区、平台或机构。'
"""

from __future__ import annotations

from collections import Counter

from kg.analysis.flows import region_flows
from kg.analysis.measures import analyze
from kg.graph.mapping import PropertyGraph
from kg.graph.regions import regions_of
from kg.vocab.ontology import load_ontology
from kg.vocab.schema import REGIONS, link_name

__all__ = ["briefing"]


def briefing(pg: PropertyGraph, *, top: int = 5, analysis: dict | None = None, flows: dict | None = None) -> dict:
    """``sentences`` (each ``zh`` and ``en``), the ``analysis`` they come from, the ``flows``, the most
    focused ``domains`` (the plan's numbered fields, not its chapter headings), the most ``central``
    entities (headings left out here too) and the link ``types``.
    An ``analysis`` (:func:`kg.analysis.measures.analyze`) or ``flows`` already made are used as given."""
    regions = regions_of(pg)
    analysis = analysis if analysis is not None else analyze(pg, top=top)
    flows = flows if flows is not None else region_flows(pg, regions)
    bridges = analysis["bridges"]
    beijing, tianjin, hebei = (REGIONS[code][0] for code in ("beijing", "tianjin", "hebei"))
    to = Counter(link["partner_region"] for link in bridges["links"])
    city, actor = bridges["by_scope"]["city"], bridges["by_scope"]["actor"]
    total = len(bridges["links"])
    sentences = [
        {
            "zh": f"规划中天津与北京、河北之间共有 {total} 条关联：与北京 {to[beijing]} 条，与河北 {to[hebei]} 条；"
            f"其中 {city} 条是天津市整体的承诺，{actor} 条属于具体的园区、平台或机构。",
            "en": f"The plan links Tianjin with Beijing and Hebei {total} times: {to[beijing]} with Beijing, "
            f"{to[hebei]} with Hebei; {city} are commitments of Tianjin as a whole, {actor} of a specific park, "
            "platform or institution.",
        }
    ]
    hebei_partners = sorted({link["partner"] for link in bridges["links"] if link["partner_region"] == hebei})
    sentences.append(
        {
            "zh": f"河北一侧很薄：只有 {to[hebei]} 条关联，伙伴为{'、'.join(hebei_partners) or '无'}。",
            "en": f"Hebei is thin in the plan: {to[hebei]} links, with {', '.join(hebei_partners) or 'no one'}.",
        }
    )
    kinds = load_ontology().kinds
    parks = sorted(
        (p for p in flows["places"] if "Park" in kinds[p["kind"]].chain),
        key=lambda p: (-sum(q["links"] for q in p["partners"] if q["region"] == beijing), p["place"]),
    )
    if parks and any(q["region"] == beijing for q in parks[0]["partners"]):
        lead = parks[0]
        partners = [f"{q['partner']}（{q['links']}）" for q in lead["partners"] if q["region"] == beijing]
        sentences.append(
            {
                "zh": f"与北京关联最多的天津园区是{lead['place']}：{'、'.join(partners)}。",
                "en": f"The park of Tianjin with most links to Beijing is {lead['place']}: {', '.join(partners)}.",
            }
        )
    platforms = _carriers(pg, bridges, "Platform")
    sentences.append(
        {
            "zh": f"直接与京冀主体相连的平台：{'、'.join(platforms)}。"
            if platforms
            else "没有一个平台直接与北京或河北的主体相连：平台经其所在或依托的地点出现在京津冀关联中。",
            "en": f"Platforms linked to a Beijing or Hebei actor themselves: {', '.join(platforms)}."
            if platforms
            else "No platform is itself linked to a Beijing or Hebei actor: platforms take part through the places "
            "they are in or rely on.",
        }
    )
    quoted = sum(1 for rel in pg.rels.values() if "quote" in rel.props)
    unknown = sum(1 for region in regions.values() if region is None)
    sentences.append(
        {
            "zh": f"全部 {len(pg.rels)} 条关联中，{quoted} 条是规划原文所述，{len(pg.rels) - quoted} 条为整理补充（附来源）。"
            f"区域依据实体的所在地判定，中央与国家级机构计为“国家”而非北京；{unknown} 个实体（多为技术领域与计划）没有区域。",
            "en": f"Of all {len(pg.rels)} links, {quoted} are stated by the plan and {len(pg.rels) - quoted} curated "
            "(with their source). Regions follow where entities are; central and national-level bodies count as "
            f"national, not Beijing; {unknown} entities (mostly domains and programmes) have none.",
        }
    )
    return {
        "sentences": sentences,
        "analysis": analysis,
        "flows": flows,
        "domains": _domains(pg, top=10),
        "central": _central(pg, analysis),
        "types": _types(pg),
    }


def _is_heading(props: dict) -> bool:
    """A domain (only: zones have notations too) with a notation of one number (such as 1 积极部署应用基础和前沿技术) is a chapter heading."""
    return "." not in str(props.get("notation", "."))


def _central(pg: PropertyGraph, analysis: dict) -> list[dict]:
    """The analysis's most central entities, without the chapter headings and the entities with no link."""
    headings = {
        node.props.get("name_zh")
        for node in pg.nodes.values()
        if "TechnologyDomain" in node.labels and _is_heading(node.props)
    }
    return [r for r in analysis["centrality"] if r["degree"] and r["entity"] not in headings]


def _carriers(pg: PropertyGraph, bridges: dict, root: str) -> list[str]:
    names = {node.props.get("name_zh"): node for node in pg.nodes.values()}
    return [
        row["entity"] for row in bridges["carriers"] if row["entity"] in names and root in names[row["entity"]].labels
    ]


def _domains(pg: PropertyGraph, *, top: int) -> list[dict]:
    """The fields most focused on, counted over the plan's numbered fields below the chapter headings
    (a notation of one number, such as 1 积极部署应用基础和前沿技术, is a heading, not a field)."""
    counts = Counter(rel.end for rel in pg.rels.values() if link_name(rel.type) == "focusesOn")
    rows = []
    for uri, n in counts.most_common():
        props = pg.nodes[uri].props
        if _is_heading(props):
            continue
        rows.append({"domain": props.get("name_zh", ""), "domain_en": props.get("name_en", ""), "focused_by": n})
    return rows[:top]


def _types(pg: PropertyGraph) -> list[dict]:
    """Links per type, with the type's Chinese and English names (types with no link left out)."""
    onto = load_ontology()
    counts = Counter(link_name(rel.type) for rel in pg.rels.values())
    return [
        {"type": name, "label_zh": link.label_zh, "label_en": link.label_en, "count": counts[name]}
        for name, link in onto.links.items()
        if counts[name]
    ]
