// What relies on, draws on or has as core area a given entity?
MATCH (t:Resource {id: $target})
MATCH (x:Resource)-[l:RELIES_ON|DRAWS_ON|CORE_AREA]->(t)
RETURN DISTINCT x.name_zh AS entity, type(l) AS link
ORDER BY entity, link
