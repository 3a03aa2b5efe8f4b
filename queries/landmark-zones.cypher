// The landmark innovation zones of column 3 and what each relies on or has as core area.
MATCH (z:LandmarkZone)
OPTIONAL MATCH (z)-[l:RELIES_ON|CORE_AREA]->(b:Resource)
RETURN z.notation AS notation, z.name_zh AS zone, type(l) AS link, b.name_zh AS base
ORDER BY notation IS NULL, notation, zone, link, base
