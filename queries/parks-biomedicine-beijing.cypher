// Which parks host biomedicine platforms linked to Beijing partners?
// (See parks-biomedicine-beijing.rq for the definition; same answer.)
MATCH (r:Resource {id: $region})
MATCH (f:Resource {id: $field})
MATCH (p:Park), (x:Platform)
WHERE (x)-[:LOCATED_IN]->(p) OR (p)-[:RELIES_ON|DRAWS_ON|PARTNERS_WITH|CORE_AREA]->(x)
MATCH (x)-[:FOCUSES_ON]->(:TechnologyDomain)-[:BROADER*0..]->(f)
MATCH (e:Resource)-[:SUB_ORGANIZATION_OF*0..]->(:Resource)-[:LOCATED_IN*0..]->(r)
WHERE (p)--(e) OR (x)--(e)
RETURN DISTINCT p.name_zh AS park, x.name_zh AS platform, e.name_zh AS partner
ORDER BY park, platform, partner
