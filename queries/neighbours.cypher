// Every link of an entity, outgoing and incoming.
MATCH (e:Resource {id: $entity})
MATCH (e)-[l]-(o:Resource)
RETURN DISTINCT CASE WHEN startNode(l) = e THEN 'out' ELSE 'in' END AS direction, type(l) AS link, o.name_zh AS other
ORDER BY direction, link, other
