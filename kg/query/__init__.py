"""Queries: the catalogue, one engine interface and answer(), the read-only checks, the embedded SPARQL engine."""
