// Entities whose id, name or alias contains a text (case-insensitive).
MATCH (e:Resource)
WHERE any(n IN [e.id, e.name_zh, e.name_en] + coalesce(e.aliases, []) WHERE toLower(n) CONTAINS toLower($text))
RETURN DISTINCT e.id AS id, e.name_zh AS name_zh, e.name_en AS name_en
ORDER BY id
