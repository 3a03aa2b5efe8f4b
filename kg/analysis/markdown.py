"""The analysis as a Markdown report, for briefings.

>>> to_markdown({"summary": {"entities": 0, "links": 0, "by_region": {}},
...              "bridges": {"links": [], "by_type": [], "carriers": [], "by_scope": {"city": 0, "actor": 0}},
...              "centrality": [], "communities": [], "profiles": []}).splitlines()[0]
'# 天津市科技创新“十四五”规划知识图谱：网络分析'
"""

from __future__ import annotations

__all__ = ["to_markdown"]


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
        f"天津一方与北京、河北伙伴之间共有 {len(report['bridges']['links'])} 条关联，其中 "
        f"{report['bridges']['by_scope']['city']} 条是天津市整体的承诺，"
        f"{report['bridges']['by_scope']['actor']} 条属于具体的园区、平台或机构"
        "（中央与国家级机构不计为北京）。按关联类型：",
        "",
        *_md_table(report["bridges"]["by_type"], ["link", "partner_region", "count"]),
        "",
        "承载跨区域关联最多的天津实体：",
        "",
        *_md_table(report["bridges"]["carriers"][:10], ["entity", "cross_region_links"]),
        "",
        "全部跨区域关联：",
        "",
        *_md_table(
            report["bridges"]["links"], ["tianjin_side", "link", "partner", "partner_region", "scope", "source"]
        ),
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
