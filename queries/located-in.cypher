// What is located in a given place, directly or through the places inside it?
MATCH (z:Resource {id: $place})
MATCH (x:Resource)-[:LOCATED_IN|PART_OF*1..]->(z)
RETURN DISTINCT x.name_zh AS entity, x.name_en AS entity_en
ORDER BY entity
