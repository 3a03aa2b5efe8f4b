// The Jing-Jin-Ji collaborative innovation centres of column 2 and every link they have.
MATCH (c:CollaborativeInnovationCenter)-[l]->(o:Resource)
RETURN c.notation AS notation, c.name_zh AS centre, type(l) AS link, o.name_zh AS other
ORDER BY notation IS NULL, notation, centre, link, other
