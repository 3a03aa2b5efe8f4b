// The technology domains under a given field (chapter 2), with their parent.
MATCH (root:Resource {id: $field})
MATCH (d:TechnologyDomain)-[:BROADER*1..]->(root)
MATCH (d)-[:BROADER]->(b)
RETURN DISTINCT d.notation AS notation, d.name_zh AS domain, d.name_en AS domain_en, b.name_zh AS parent
ORDER BY notation
