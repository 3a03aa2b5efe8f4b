"""The property graph: the one mapping from the records (and from RDF), and the regions and kinds of nodes."""
