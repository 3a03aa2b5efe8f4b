"""The streamed N-Triples lines and the three files written from them."""

import pytest
from rdflib import Graph, Literal
from rdflib.namespace import SKOS

from kg.lists.records import Entity, Excerpt, Model
from kg.rdf.build import build_graph, triples
from kg.rdf.serialize import write_rdf
from kg.vocab.terms import entity_iri


def test_every_triple_once(plan_model, plan_graph):
    lines = list(triples(plan_model))
    assert len(lines) == len(set(lines)) == len(plan_graph)


def test_awkward_literals_survive_every_format(tmp_path):
    note = 'a "quoted" word, a back\\slash,\na new line\rand a return'
    excerpt = Excerpt(start=0, end=2, text="天津")
    model = Model(
        {"tianjin": Entity(id="tianjin", kind="Region", name_zh="天津", name_en="Tianjin", excerpt=excerpt, note=note)}
    )
    paths, count = write_rdf(triples(model), tmp_path)
    assert count == len(build_graph(model))
    for path, fmt in zip(paths, ("turtle", "nt", "json-ld"), strict=True):
        graph = Graph().parse(path, format=fmt)
        assert graph.value(entity_iri("tianjin"), SKOS.editorialNote) == Literal(note), path.name


def test_a_stream_that_fails_part_way_leaves_the_old_files(tmp_path, plan_model):
    paths, _ = write_rdf(triples(plan_model), tmp_path)
    before = {p.name: p.read_bytes() for p in paths}

    def broken():
        yield from list(triples(plan_model))[:100]
        raise RuntimeError("disk gone")

    with pytest.raises(RuntimeError, match="disk gone"):
        write_rdf(broken(), tmp_path)
    assert {p.name: p.read_bytes() for p in paths} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.jsonld", "plan.nt", "plan.ttl"]
