// Which parks host biomedicine platforms linked to Beijing partners?
// (See parks-biomedicine-beijing.rq for the definition; same answer.)
// From the field down to its platforms and their parks, then along the links
// of each park and platform up to the partner's region.
MATCH (f:Resource {id: $field})
MATCH (x:Platform)-[:FOCUSES_ON]->(:TechnologyDomain)-[:BROADER*0..]->(f)
MATCH (x)-[h:LOCATED_IN|RELIES_ON|DRAWS_ON|PARTNERS_WITH|CORE_AREA]-(p:Park)
WHERE (type(h) = 'LOCATED_IN' AND startNode(h) = x) OR (type(h) <> 'LOCATED_IN' AND startNode(h) = p)
WITH DISTINCT p, x
UNWIND [p, x] AS y
MATCH (y)--(e:Resource)
MATCH (e)-[:SUB_ORGANIZATION_OF*0..]->(:Resource)-[:LOCATED_IN*0..]->(r:Resource {id: $region})
RETURN DISTINCT p.name_zh AS park, x.name_zh AS platform, e.name_zh AS partner
ORDER BY park, platform, partner
