// Where in the plan does a link come from? (Provenance is on the relationship.)
MATCH (s:Resource {id: $subject})
MATCH (o:Resource {id: $object})
MATCH (s)-[l]->(o)
RETURN type(l) AS link, l.section AS section, l.quote AS quote, l.quote_start AS quote_start,
       l.curation_note AS curation_note
ORDER BY link
