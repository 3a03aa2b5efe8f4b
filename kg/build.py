"""Turn checked entities and links into one RDF graph: the ontology plus the plan's instances.

Every IRI is minted from stable ids and offsets (no blank nodes), so the same
lists always give the same graph, and the writers give the same bytes.

>>> from kg.model import Entity, Excerpt
>>> from kg.checks import Model
>>> model = Model({"tianjin": Entity("tianjin", "Region", "天津", "Tianjin", excerpt=Excerpt(0, 2, "天津"))})
>>> graph = build_graph(model)
>>> (entity_iri("tianjin"), RDF.type, TJP.Region) in graph
True
"""

from __future__ import annotations

from decimal import Decimal

from rdflib import RDF, RDFS, XSD, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, SKOS

from .checks import Model
from .model import Entity, Excerpt, Link
from .ontology import load_ontology
from .sections import Section
from .source import SOURCE_FILE, plan_sha256, section_index
from .terms import OA, PREFIXES, TJ, TJP, entity_iri

__all__ = [
    "build_graph",
    "excerpt_iri",
    "section_iri",
    "statement_iri",
    "PLAN",
    "DOMAIN_SCHEME",
    "HAIHE_SCHEME",
]

PLAN = TJ["plan"]
DOMAIN_SCHEME = TJ["technology-domains"]
HAIHE_SCHEME = TJ["haihe-directions"]
_BOX_SLUG = {"专栏": "box", "表": "table"}


def build_graph(model: Model, *, with_ontology: bool = True) -> Graph:
    """The RDF graph of the model (with the ontology's triples unless told otherwise)."""
    graph = Graph()
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True)
    if with_ontology:
        for triple in load_ontology().graph:
            graph.add(triple)
    _add_document(graph)
    excerpts: set[URIRef] = set()
    for entity in model.entities.values():
        _add_entity(graph, entity, excerpts)
    for link in model.links:
        _add_link(graph, link, excerpts)
    return graph


def excerpt_iri(excerpt: Excerpt) -> URIRef:
    """RFC 5147 style: ``…/plan.txt#char=start,end``."""
    return URIRef(f"{TJ}plan.txt#char={excerpt.start},{excerpt.end}")


def section_iri(section: Section) -> URIRef:
    """``…/section/6/2/1`` for 第六章 › 二 › （一）, ``…/section/box3/2`` for 专栏3 › 2."""
    parts = []
    for step in section.path:
        for prefix, slug in _BOX_SLUG.items():
            if step.startswith(prefix):
                parts.append(slug + step[len(prefix) :])
                break
        else:
            parts.append(_section_step(step))
    return TJ["section/" + "/".join(parts)]


def statement_iri(link: Link) -> URIRef:
    """``…/link/<subject>--<predicate>--<object>`` (ids never hold ``--``)."""
    return TJ[f"link/{link.subject}--{link.predicate}--{link.object}"]


def _section_step(step: str) -> str:
    from .sections import chinese_numeral

    if step == "印发通知":
        return "notice"
    if step == "引言":
        return "preamble"
    core = step.strip("第章（）")
    if core.isdigit():
        return core
    for n in range(1, 100):
        if chinese_numeral(n) == core:
            return str(n)
    raise ValueError(step)


def _add_document(graph: Graph) -> None:
    graph.add((PLAN, RDF.type, PROV.Entity))
    graph.add((PLAN, DCTERMS.title, Literal("天津市科技创新“十四五”规划", lang="zh")))
    graph.add(
        (PLAN, DCTERMS.title, Literal("Tianjin 14th Five-Year Plan for Science and Technology Innovation", lang="en"))
    )
    graph.add((PLAN, DCTERMS.publisher, Literal("天津市人民政府办公厅", lang="zh")))
    graph.add((PLAN, DCTERMS.issued, Literal("2021-08-08", datatype=XSD.date)))
    graph.add((PLAN, DCTERMS.identifier, Literal(f"sha256:{plan_sha256()}")))
    graph.add((PLAN, DCTERMS.source, Literal(f"data/source/{SOURCE_FILE}")))
    graph.add((DOMAIN_SCHEME, RDF.type, SKOS.ConceptScheme))
    graph.add((DOMAIN_SCHEME, RDFS.label, Literal("重点研发领域方向", lang="zh")))
    graph.add((DOMAIN_SCHEME, RDFS.label, Literal("Key R&D domains (chapter 2)", lang="en")))
    graph.add((HAIHE_SCHEME, RDF.type, SKOS.ConceptScheme))
    graph.add((HAIHE_SCHEME, RDFS.label, Literal("海河实验室重点领域方向", lang="zh")))
    graph.add((HAIHE_SCHEME, RDFS.label, Literal("Key directions of the Haihe Laboratory (column 1)", lang="en")))
    for section in section_index().sections:
        iri = section_iri(section)
        graph.add((iri, RDF.type, TJP.Section))
        graph.add((iri, TJP.sectionPath, Literal(section.label)))
        if section.title:
            graph.add((iri, RDFS.label, Literal(section.title, lang="zh")))
        graph.add((iri, OA.start, Literal(section.start)))
        graph.add((iri, OA.end, Literal(section.end)))
        parent = section_iri(section.parent) if section.parent is not None else PLAN
        graph.add((iri, DCTERMS.isPartOf, parent))


def _add_excerpt(graph: Graph, excerpt: Excerpt, done: set[URIRef]) -> URIRef:
    iri = excerpt_iri(excerpt)
    if iri not in done:
        done.add(iri)
        graph.add((iri, RDF.type, TJP.Excerpt))
        graph.add((iri, OA.exact, Literal(excerpt.text)))
        graph.add((iri, OA.start, Literal(excerpt.start)))
        graph.add((iri, OA.end, Literal(excerpt.end)))
        graph.add((iri, DCTERMS.isPartOf, PLAN))
        graph.add((iri, TJP.inSection, section_iri(section_index().at(excerpt.start))))
    return iri


def _add_provenance(graph: Graph, subject: URIRef, excerpt: Excerpt | None, note: str, done: set[URIRef]) -> None:
    if excerpt is not None:
        graph.add((subject, PROV.wasDerivedFrom, _add_excerpt(graph, excerpt, done)))
        if note:  # a remark on a quoted fact, not a curation note
            graph.add((subject, SKOS.editorialNote, Literal(note)))
    elif note:
        graph.add((subject, TJP.curationNote, Literal(note)))


def _lang(text: str) -> str:
    return "zh" if any("\u3400" <= ch <= "\u9fff" for ch in text) else "en"


def _add_entity(graph: Graph, entity: Entity, done: set[URIRef]) -> None:
    iri = entity_iri(entity.id)
    graph.add((iri, RDF.type, TJP[entity.kind]))
    graph.add((iri, DCTERMS.identifier, Literal(entity.id)))
    graph.add((iri, RDFS.label, Literal(entity.name_zh, lang="zh")))
    graph.add((iri, RDFS.label, Literal(entity.name_en, lang="en")))
    for alias in entity.aliases:
        graph.add((iri, SKOS.altLabel, Literal(alias, lang=_lang(alias))))
    if entity.notation:
        graph.add((iri, SKOS.notation, Literal(entity.notation)))
    _add_provenance(graph, iri, entity.excerpt, entity.note, done)
    if entity.kind == "TechnologyDomain":
        graph.add((iri, SKOS.inScheme, DOMAIN_SCHEME))
    elif entity.kind == "ResearchDirection":
        graph.add((iri, SKOS.inScheme, HAIHE_SCHEME))
    elif entity.kind == "Indicator":
        graph.add((iri, TJP.unit, Literal(entity.unit)))
        graph.add((iri, TJP.baselineValue, _decimal(entity.value_2020)))
        graph.add((iri, TJP.baselineYear, Literal("2020", datatype=XSD.gYear)))
        graph.add((iri, TJP.targetValue, _decimal(entity.value_2025)))
        graph.add((iri, TJP.targetYear, Literal("2025", datatype=XSD.gYear)))


def _decimal(value: str) -> Literal:
    """An xsd:decimal in canonical form (always with a point), as every serialisation reads it back."""
    text = format(Decimal(value), "f")
    return Literal(text if "." in text else text + ".0", datatype=XSD.decimal)


def _add_link(graph: Graph, link: Link, done: set[URIRef]) -> None:
    subject, obj = entity_iri(link.subject), entity_iri(link.object)
    predicate = TJP[link.predicate]
    graph.add((subject, predicate, obj))
    if link.predicate == "broader":
        # Written for generic SKOS tools, which do not read sub-properties.
        graph.add((subject, SKOS.broader, obj))
    statement = statement_iri(link)
    graph.add((statement, RDF.type, RDF.Statement))
    graph.add((statement, RDF.subject, subject))
    graph.add((statement, RDF.predicate, predicate))
    graph.add((statement, RDF.object, obj))
    _add_provenance(graph, statement, link.excerpt, link.note, done)
