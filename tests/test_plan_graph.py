"""The plan's own graph: quotes at their offsets, the links the plan states, curated facts, SHACL."""

from collections import Counter

import pytest
from rdflib import RDF, RDFS, Literal
from rdflib.namespace import PROV, SKOS

from kg.lists.source import plan_text, section_index
from kg.rdf.build import section_iri
from kg.rdf.shacl import validate_graph
from kg.vocab.ontology import load_ontology
from kg.vocab.terms import OA, TJP

TEXT = plan_text()


def by_name(model, name_zh):
    matches = [e for e in model.entities.values() if e.name_zh == name_zh or name_zh in e.aliases]
    assert len(matches) == 1, f"{name_zh}: {[e.id for e in matches]}"
    return matches[0]


def links_of(model, subject_name, predicate):
    subject = by_name(model, subject_name).id
    return {
        model.entities[link.object].name_zh
        for link in model.links
        if link.subject == subject and link.predicate == predicate
    }


def test_every_quote_is_exact_at_its_offsets(plan_graph):
    excerpts = list(plan_graph.subjects(RDF.type, TJP.Excerpt))
    assert len(excerpts) > 300
    for excerpt in excerpts:
        quote = str(plan_graph.value(excerpt, OA.exact))
        start = plan_graph.value(excerpt, OA.start).toPython()
        end = plan_graph.value(excerpt, OA.end).toPython()
        assert TEXT[start:end] == quote, (start, quote)
        assert str(excerpt).endswith(f"#char={start},{end}")
        assert plan_graph.value(excerpt, TJP.inSection) == section_iri(section_index().at(start))


def test_every_entity_and_link_has_provenance(plan_model):
    for item in [*plan_model.entities.values(), *plan_model.links]:
        if item.excerpt is None:
            assert item.note.startswith("curated:"), item


def test_entity_names_are_written_as_in_the_plan(plan_model):
    for entity in plan_model.entities.values():
        if entity.excerpt is not None:
            assert any(name in entity.excerpt.text for name in (entity.name_zh, *entity.aliases)), entity.id


def test_the_graph_conforms_to_the_shapes(plan_graph, plan_model):
    assert validate_graph(plan_graph, plan_model) == []


def test_floors_of_the_entity_lists(plan_model):
    onto = load_ontology()
    roots = Counter(onto.kind(e.kind).root for e in plan_model.entities.values())
    places = Counter(e.kind for e in plan_model.entities.values() if onto.kind(e.kind).root == "Place")
    assert roots["Platform"] >= 25
    assert (
        places["District"] + places["FunctionalZone"] + sum(n for kind, n in places.items() if onto.is_a(kind, "Park"))
        >= 35
    )
    assert roots["Institution"] >= 40
    assert roots["TechnologyDomain"] >= 75
    table_1 = [e for e in plan_model.entities.values() if e.kind == "Indicator" and e.notation.startswith("表1")]
    assert len(table_1) == 11 and roots["Indicator"] >= 11  # and the prose's targets and 2020 facts
    assert roots["ResearchDirection"] == 5
    assert roots["Programme"] >= 15


def test_indicators_carry_table_1(plan_model):
    indicators = {e.notation: e for e in plan_model.entities.values() if e.kind == "Indicator" and e.notation}
    assert sorted(indicators, key=lambda n: int(n.split("-")[1])) == [f"表1-{n}" for n in range(1, 12)]
    assert (indicators["表1-1"].unit, indicators["表1-1"].value_2020, indicators["表1-1"].value_2025) == (
        "%",
        "3.2",
        "3.3",
    )
    assert (indicators["表1-5"].unit, indicators["表1-5"].value_2020, indicators["表1-5"].value_2025) == (
        "家",
        "7420",
        "11600",
    )
    assert (indicators["表1-6"].unit, indicators["表1-6"].value_2020, indicators["表1-6"].value_2025) == (
        "亿元",
        "1113",
        "1600",
    )
    for notation, indicator in indicators.items():
        row = section_index().by_label("表1 › " + notation.split("-")[1])
        cells = TEXT[row.start : row.end].split()
        assert cells[-2:] == [indicator.value_2020, indicator.value_2025], notation
        assert section_index().at(indicator.excerpt.start) is row


def test_columns_are_complete(plan_model):
    notations = {e.notation for e in plan_model.entities.values()}
    assert {f"专栏1-{n}" for n in range(1, 6)} <= notations
    assert {f"专栏2-{n}" for n in range(1, 5)} <= notations
    assert {f"专栏3-{n}" for n in range(1, 11)} <= notations


def test_domain_taxonomy(plan_graph, plan_model):
    domains = [e for e in plan_model.entities.values() if e.kind == "TechnologyDomain"]
    broader = {link.subject: link.object for link in plan_model.links if link.predicate == "broader"}
    # Chapter 2's numbered tree has three tops; fields the plan names elsewhere hang below its fields
    # where the plan places them (信创 under 新一代信息技术), or stand on their own.
    tops = [d.name_zh for d in domains if d.id not in broader and d.notation]
    assert tops == ["积极部署应用基础和前沿技术", "着力推动关键核心技术攻关", "推动民生技术创新与集成应用"]
    xinchuang = by_name(plan_model, "信创")
    assert xinchuang.notation == "" and model_name(plan_model, broader[xinchuang.id]) == "新一代信息技术"
    fields = [d for d in domains if broader.get(d.id) in {t.id for t in domains if t.name_zh in tops}]
    assert len(fields) == 14
    synthetic = by_name(plan_model, "合成生物技术")
    assert model_name(plan_model, broader[synthetic.id]) == "生物技术与现代医药"
    assert model_name(plan_model, broader[by_name(plan_model, "新能源汽车技术").id]) == "新能源汽车及智能网联车"
    # SKOS tools see the tree too.
    assert len(list(plan_graph.subject_objects(SKOS.broader))) == len(broader)


def model_name(model, entity_id):
    return model.entities[entity_id].name_zh


@pytest.mark.parametrize(
    "subject, predicate, objects",
    [
        ("生物制造谷", "reliesOn", {"天津港保税区"}),
        ("生物制造谷", "drawsOn", {"国家合成生物技术创新中心", "中国科学院天津工业生物技术研究所"}),
        ("先进计算大数据创新集聚区", "coreArea", {"天津经济技术开发区东区"}),
        ("先进计算大数据创新集聚区", "reliesOn", {"国家超级计算天津中心"}),
        ("细胞谷", "reliesOn", {"天津经济技术开发区", "滨海高新区"}),
        ("中医药谷", "reliesOn", {"静海区"}),  # the university science park relies on the university
        ("以天津中医药大学为主要依托的大学科技园", "reliesOn", {"天津中医药大学"}),
    ],
)
def test_links_the_plan_states(plan_model, subject, predicate, objects):
    assert objects <= links_of(plan_model, subject, predicate)
    subject_id = by_name(plan_model, subject).id
    for link in plan_model.links:
        if link.subject == subject_id and link.predicate == predicate:
            assert link.excerpt is not None, link


def test_cell_valley_technical_base_and_partner_firms(plan_model):
    linked = set().union(*(links_of(plan_model, "细胞谷", p) for p in ("drawsOn", "partnersWith")))
    assert {"中国医学科学院血液病医院", "实验血液学国家重点实验室", "中源协和"} <= linked


@pytest.mark.parametrize(
    "subject, region",
    [("清华大学", "北京"), ("中关村", "北京"), ("雄安新区", "河北"), ("中国医学科学院", "北京")],
)
def test_curated_locations_of_partners(plan_model, subject, region):
    link = next(
        link
        for link in plan_model.links
        if link.subject == by_name(plan_model, subject).id and link.predicate == "locatedIn"
    )
    assert by_name(plan_model, region).id == link.object or region in _places_above(plan_model, link.object)
    assert link.excerpt is None and link.note.startswith("curated:")


def _places_above(model, entity_id):
    names = set()
    frontier = [entity_id]
    while frontier:
        current = frontier.pop()
        names.add(model.entities[current].name_zh)
        frontier += [link.object for link in model.links if link.subject == current and link.predicate == "locatedIn"]
    return names


@pytest.mark.parametrize("zone", ["天津港保税区", "天津经济技术开发区"])
def test_zones_lie_in_binhai(plan_model, zone):
    assert "滨海新区" in _places_above(plan_model, by_name(plan_model, zone).id)


def test_aliases_users_search_for(plan_model):
    assert by_name(plan_model, "超算天津中心").name_zh == "国家超级计算天津中心"


def test_provenance_in_sparql(plan_graph):
    rows = list(
        plan_graph.query(
            """
            SELECT ?quote ?section WHERE {
              ?park rdfs:label "生物制造谷"@zh . ?zone rdfs:label "天津港保税区"@zh .
              ?link rdf:subject ?park ; rdf:predicate tjp:reliesOn ; rdf:object ?zone ;
                    prov:wasDerivedFrom ?excerpt .
              ?excerpt oa:exact ?quote ; tjp:inSection/tjp:sectionPath ?section .
            }""",
            initNs={"rdfs": RDFS, "rdf": RDF, "tjp": TJP._NS, "prov": PROV, "oa": OA},
        )
    )
    assert len(rows) == 1
    quote, section = rows[0]
    assert section == Literal("专栏3 › 2")
    assert "依托天津港保税区" in str(quote)
