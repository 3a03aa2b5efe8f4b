// The technology domains under a given field, with their parent: chapter 2's numbered ones first,
// then the fields the plan names elsewhere (no notation).
MATCH (root:Resource {id: $field})
MATCH (d:TechnologyDomain)-[:BROADER*1..]->(root)
MATCH (d)-[:BROADER]->(b)
RETURN DISTINCT d.notation AS notation, d.name_zh AS domain, d.name_en AS domain_en, b.name_zh AS parent
ORDER BY notation IS NULL, notation, domain
