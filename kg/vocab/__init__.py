"""The vocabulary: the ontology read as kinds and link types, its terms, IRI bases, and the schema table."""
