"""The one mapping: from the checked rows or from the RDF graph, the same property graph; and back."""

from rdflib.compare import isomorphic

from kg.graph.mapping import graph_to_model, model_to_property_graph, to_model, to_property_graph
from kg.rdf.build import build_graph
from kg.vocab.schema import link_name, rel_type


def test_rows_and_rdf_give_the_same_property_graph(plan_model, plan_graph):
    from_rows = model_to_property_graph(plan_model)
    assert from_rows == to_property_graph(plan_graph)
    node = from_rows.nodes["https://w3id.org/tj-sti-plan/id/ind-national-high-tech-enterprises"]
    assert node.labels == ("Resource", "Indicator")
    assert (node.props["baseline_value"], node.props["target_value"], node.props["unit"]) == (7420.0, 11600.0, "家")
    assert node.props["section"] == "表1 › 5"


def test_inverse_mappings_round_trip(plan_graph):
    assert isomorphic(build_graph(graph_to_model(plan_graph)), plan_graph)
    assert isomorphic(build_graph(to_model(to_property_graph(plan_graph))), plan_graph)


def test_relationship_type_names():
    for link in ("locatedIn", "subOrganizationOf", "broader", "jointlyBuiltWith"):
        assert link_name(rel_type(link)) == link
    assert rel_type("subOrganizationOf") == "SUB_ORGANIZATION_OF"
