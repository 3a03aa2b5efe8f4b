// Which Tianjin entities are linked to Beijing or Hebei partners, and through what?
// From Tianjin's side along its links, then up to the partner's region (never
// the product of both sides).
MATCH (:Resource {id: 'tianjin'})<-[:LOCATED_IN*0..]-(t:Resource)
MATCH (t)-[l]-(e:Resource)
MATCH (e)-[:LOCATED_IN*0..]->(r:Resource)
WHERE r.id IN ['beijing', 'hebei']
RETURN DISTINCT t.name_zh AS tianjin_side, type(l) AS link, e.name_zh AS partner, r.name_zh AS region
ORDER BY region, tianjin_side, link, partner
