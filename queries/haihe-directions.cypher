// The Haihe Laboratory's key directions (column 1) and the chapter-2 domains they focus on.
MATCH (h:ResearchDirection)
OPTIONAL MATCH (h)-[:FOCUSES_ON]->(d:TechnologyDomain)
RETURN h.notation AS notation, h.name_zh AS direction, d.name_zh AS domain
ORDER BY notation IS NULL, notation, direction, domain
