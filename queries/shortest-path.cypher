// The shortest paths (up to 4 links, either direction) between two entities.
MATCH (a:Resource {id: $from})
MATCH (b:Resource {id: $to})
MATCH p = allShortestPaths((a)-[*..4]-(b))
RETURN DISTINCT length(p) AS hops,
       reduce(s = head(nodes(p)).name_zh, n IN tail(nodes(p)) | s + ' — ' + n.name_zh) AS path
ORDER BY path
