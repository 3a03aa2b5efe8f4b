// Which Tianjin entities are linked to Beijing or Hebei partners, and through what?
MATCH (r:Resource) WHERE r.id IN ['beijing', 'hebei']
MATCH (e:Resource)-[:LOCATED_IN*0..]->(r)
MATCH (t:Resource)-[:LOCATED_IN*0..]->(:Resource {id: 'tianjin'})
MATCH (t)-[l]-(e)
RETURN DISTINCT t.name_zh AS tianjin_side, type(l) AS link, e.name_zh AS partner, r.name_zh AS region
ORDER BY region, tianjin_side, link, partner
