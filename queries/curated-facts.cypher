// Links the curators added that the plan does not state, with their notes.
MATCH (s:Resource)-[l]->(o:Resource)
WHERE l.curation_note IS NOT NULL
RETURN s.name_zh AS subject, type(l) AS link, o.name_zh AS object, l.curation_note AS note
ORDER BY subject, link, object
