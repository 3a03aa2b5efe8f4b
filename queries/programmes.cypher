// The programmes and initiatives the plan names, with the section that names them.
MATCH (p:Programme)
RETURN p.name_zh AS programme, p.name_en AS programme_en, p.section AS section
ORDER BY section IS NULL, section, programme
