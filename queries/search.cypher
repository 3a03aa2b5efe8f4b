// Entities whose id, name or alias contains a text (case-insensitive).
// search_text (the id, names and aliases, lowercased; kg load writes it) finds the candidates through
// Neo4j's text index in milliseconds; each name is then tested itself. A database loaded by other
// means has no search_text: there, keep only the second test.
MATCH (e:Resource)
WHERE e.search_text CONTAINS toLower($text)
  AND any(n IN [e.id, e.name_zh, e.name_en] + coalesce(e.aliases, []) WHERE toLower(n) CONTAINS toLower($text))
RETURN DISTINCT e.id AS id, e.name_zh AS name_zh, e.name_en AS name_en
ORDER BY id
