"""RDF: checked records as triples, their serialisations, and the SHACL shapes."""
