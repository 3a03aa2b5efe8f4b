// Which Tianjin entities are linked to Beijing or Hebei partners, and through what?
// By the region each entity's row states (region): central and national-level
// bodies are 'national', not Beijing's. The link may point either way; scope is
// 'city' for the commitments of Tianjin as a whole, 'actor' for a park, platform
// or institution.
MATCH (t:Resource {region: 'tianjin'})-[l]-(e:Resource)
WHERE e.region IN ['beijing', 'hebei']
MATCH (r:Resource {id: e.region})
RETURN DISTINCT t.name_zh AS tianjin_side, type(l) AS link, e.name_zh AS partner, r.name_zh AS region,
       CASE WHEN t.id = 'tianjin' THEN 'city' ELSE 'actor' END AS scope
ORDER BY region, tianjin_side, link, partner
