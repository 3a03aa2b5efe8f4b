// A profile of a district, zone or park: how many platforms, places, institutions
// and programmes lie in it (directly or through the places inside it).
MATCH (z:Resource {id: $place})
MATCH (x:Resource)-[:LOCATED_IN|PART_OF*1..]->(z)
WITH DISTINCT x
WITH x, [g IN ['Platform', 'Place', 'Institution', 'Programme'] WHERE g IN labels(x)][0] AS group
WHERE group IS NOT NULL
RETURN group, count(x) AS count
ORDER BY group
