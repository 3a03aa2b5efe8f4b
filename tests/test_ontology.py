"""The ontology and shapes parse in two independent parsers, and every term is documented."""

import marshal
import os

import pyoxigraph
import pytest
from rdflib import OWL, RDF, RDFS, BNode, Graph, URIRef
from rdflib.namespace import ORG, PROV, SKOS

from kg.resources import resource
from kg.vocab.ontology import load_ontology
from kg.vocab.terms import TJP

TJP_NS = str(TJP._NS)


@pytest.mark.parametrize("name", ["plan.ttl", "shapes.ttl"])
def test_parses_in_rdflib_and_oxigraph_alike(name):
    text = resource("ontology", name).read_text(encoding="utf-8")
    graph = Graph().parse(data=text, format="turtle")
    quads = list(pyoxigraph.parse(text.encode("utf-8"), format=pyoxigraph.RdfFormat.TURTLE))
    assert len(graph) > 50
    # Blank nodes aside, both parsers read the same triples.
    ox = {
        (q.subject.value, q.predicate.value, str(q.object.value))
        for q in quads
        if not isinstance(q.subject, pyoxigraph.BlankNode) and not isinstance(q.object, pyoxigraph.BlankNode)
    }
    rd = {(str(s), str(p), str(o)) for s, p, o in graph if not isinstance(s, BNode) and not isinstance(o, BNode)}
    assert ox == rd


def ontology_terms(graph):
    for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty):
        for term in graph.subjects(RDF.type, kind):
            if str(term).startswith(TJP_NS):
                yield term


def test_every_term_has_zh_and_en_labels_and_comments():
    graph = load_ontology().graph
    terms = list(ontology_terms(graph))
    assert len(terms) > 50
    for term in terms:
        labels = {lit.language for lit in graph.objects(term, RDFS.label)}
        comments = {lit.language for lit in graph.objects(term, RDFS.comment)}
        assert labels == {"zh", "en"}, term
        assert comments == {"zh", "en"}, term


def test_closed_namespace_matches_the_ontology():
    graph = load_ontology().graph
    declared = {str(t)[len(TJP_NS) :] for t in ontology_terms(graph)}
    in_code = set(TJP.__annotations__)
    assert declared == in_code
    with pytest.raises(AttributeError):
        TJP.Platfrom  # noqa: B018 - a typo must raise


def test_reuses_w3c_vocabularies():
    graph = load_ontology().graph
    assert (TJP.Platform, RDFS.subClassOf, ORG.Organization) in graph
    assert (TJP.Institution, RDFS.subClassOf, ORG.FormalOrganization) in graph
    assert (TJP.TechnologyDomain, RDFS.subClassOf, SKOS.Concept) in graph
    assert (TJP.Programme, RDFS.subClassOf, PROV.Plan) in graph
    assert (TJP.broader, RDFS.subPropertyOf, SKOS.broader) in graph
    assert (TJP.subOrganizationOf, RDFS.subPropertyOf, ORG.subOrganizationOf) in graph
    assert (TJP.Excerpt, RDFS.subClassOf, PROV.Entity) in graph


def test_kinds_and_links():
    onto = load_ontology()
    assert onto.kind("NationalKeyLaboratory").chain == ("Platform", "Laboratory", "NationalKeyLaboratory")
    assert onto.kind("LandmarkZone").root == "Place"
    assert set(onto.links) == {
        "locatedIn", "partOf", "reliesOn", "drawsOn", "coreArea", "partnersWith",
        "jointlyBuiltWith", "focusesOn", "broader", "subOrganizationOf", "serves",
        "related", "advances", "ledBy", "attracts", "participatesIn", "basedOn", "positionedAs",
    }  # fmt: skip
    assert onto.is_a("IndustrialCluster", "Place") and not onto.is_a("IndustrialCluster", "Park")
    assert onto.is_a("LandmarkZone", "Place")
    assert not onto.is_a("TechnologyDomain", "Place")
    assert onto.is_a("University", "http://www.w3.org/ns/org#Organization")
    assert not onto.is_a("District", "http://www.w3.org/ns/org#Organization")
    assert URIRef(TJP_NS + "Park") == TJP.Park


def test_the_cached_ontology_is_the_parsed_one_and_needs_no_rdflib(tmp_path):
    """The second process reads kinds and link types from the cache: the same data, and rdflib is never imported."""
    import subprocess
    import sys

    code = (
        "import sys, marshal; from kg.vocab.ontology import load_ontology; "
        "sys.stdout.buffer.write(marshal.dumps((load_ontology().as_data(), 'rdflib' in sys.modules)))"
    )
    env = {**os.environ, "KG_CACHE_DIR": str(tmp_path)}
    runs = [subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, check=True) for _ in range(2)]
    (parsed, first_imported), (cached, second_imported) = (marshal.loads(r.stdout) for r in runs)
    assert first_imported and not second_imported
    assert parsed == cached == load_ontology().as_data()
    assert len(list(tmp_path.glob("ontology-*.marshal"))) == 1
