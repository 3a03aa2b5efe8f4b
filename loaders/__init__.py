"""Input and output at the edges: entity-list readers and the Neo4j writer."""
