// Who focuses on a technology domain or on a domain below it?
MATCH (root:Resource {id: $field})
MATCH (x:Resource)-[:FOCUSES_ON]->(d:TechnologyDomain)-[:BROADER*0..]->(root)
WITH x, d, [g IN ['Platform', 'Place', 'Institution', 'Programme', 'ResearchDirection'] WHERE g IN labels(x)][0] AS group
RETURN DISTINCT x.name_zh AS entity, group, d.name_zh AS domain
ORDER BY group, entity, domain
