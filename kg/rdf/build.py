"""Turn checked entities and links into RDF: the ontology plus the plan's instances, as N-Triples lines.

The triples are produced as a stream of N-Triples lines, in a fixed order
(ontology, document, sections, entities in list order, links in list order),
so that a graph of a million entities is written without holding it in memory,
and the same lists always give the same bytes. Every IRI is minted from stable
ids and offsets (no blank nodes). :func:`build_graph` parses the same lines into
an rdflib graph for what needs one (SHACL, the Python API).

>>> from kg.lists.records import Entity, Excerpt
>>> from kg.lists.records import Model
>>> model = Model({"tianjin": Entity(id="tianjin", kind="Region", name_zh="天津", name_en="Tianjin",
...                          excerpt=Excerpt(start=0, end=2, text="天津"))})
>>> for line in triples(model, with_ontology=False):
...     if "#label" in line and "/id/tianjin>" in line:
...         print(line, end="")
<https://w3id.org/tj-sti-plan/id/tianjin> <http://www.w3.org/2000/01/rdf-schema#label> "天津"@zh .
<https://w3id.org/tj-sti-plan/id/tianjin> <http://www.w3.org/2000/01/rdf-schema#label> "Tianjin"@en .
>>> graph = build_graph(model)
>>> (entity_iri("tianjin"), RDF.type, TJP.Region) in graph
True
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from functools import lru_cache

from rdflib import RDF, RDFS, XSD, Graph, URIRef
from rdflib.namespace import DCTERMS, PROV, SKOS

from kg.lists.records import Entity, Excerpt, Link, Model
from kg.lists.sections import Section
from kg.lists.source import SOURCE_FILE, plan_sha256, section_index
from kg.vocab.ontology import load_ontology
from kg.vocab.schema import ATTRIBUTES, TYPES
from kg.vocab.terms import OA, PREFIXES, TJ, TJP, entity_iri, expand, link_iri

__all__ = [
    "triples",
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
#: The SKOS concept scheme of the entities of a kind.
_SCHEMES = {"TechnologyDomain": DOMAIN_SCHEME, "ResearchDirection": HAIHE_SCHEME}
_BOX_SLUG = {"专栏": "box", "表": "table"}


def triples(model: Model, *, with_ontology: bool = True) -> Iterator[str]:
    """The graph of the model as N-Triples lines (each ending in a newline), each triple once."""
    if with_ontology:
        yield from _ontology_lines()
    yield from _document_lines()
    excerpts: set[tuple[int, int]] = set()
    for entity in model.entities.values():
        yield from _entity_lines(entity, excerpts)
    for link in model.links:
        yield from _link_lines(link, excerpts)


def build_graph(model: Model, *, with_ontology: bool = True) -> Graph:
    """The same triples as :func:`triples`, in an rdflib graph with the project's prefixes."""
    graph = Graph()
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True)
    graph.parse(data="".join(triples(model, with_ontology=with_ontology)), format="nt")
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
    from kg.lists.sections import chinese_numeral

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


# N-Triples terms -------------------------------------------------------------

_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})
_TYPE = f"<{RDF.type}>"
_ZH_RANGE = ("\u3400", "\u9fff")


def _text(value: str) -> str:
    """A plain (xsd:string) literal."""
    return f'"{value.translate(_ESCAPES)}"'


def _lang(value: str, lang: str | None = None) -> str:
    """A language-tagged literal; the tag is guessed (zh if any CJK character) when not given."""
    if lang is None:
        lang = "zh" if any(_ZH_RANGE[0] <= ch <= _ZH_RANGE[1] for ch in value) else "en"
    return f'"{value.translate(_ESCAPES)}"@{lang}'


def _typed(value: str, datatype: URIRef) -> str:
    return f'"{value.translate(_ESCAPES)}"^^<{datatype}>'


def _int(value: int) -> str:
    return f'"{value}"^^<{XSD.integer}>'


def _decimal(value: str) -> str:
    """An xsd:decimal in canonical form (always with a point), as every serialisation reads it back."""
    text = format(Decimal(value), "f")
    return _typed(text if "." in text else text + ".0", XSD.decimal)


def _line(subject: str, predicate: URIRef, obj: str) -> str:
    return f"{subject} <{predicate}> {obj} .\n"


# The parts of the graph -----------------------------------------------------


@lru_cache(maxsize=1)
def _ontology_lines() -> tuple[str, ...]:
    text = load_ontology().graph.serialize(format="nt", encoding="utf-8").decode("utf-8")
    return tuple(sorted({line + "\n" for line in text.splitlines() if line.strip()}))


def _document_lines() -> Iterator[str]:
    plan = f"<{PLAN}>"
    yield _line(plan, RDF.type, f"<{PROV.Entity}>")
    yield _line(plan, DCTERMS.title, _lang("天津市科技创新“十四五”规划", "zh"))
    yield _line(plan, DCTERMS.title, _lang("Tianjin 14th Five-Year Plan for Science and Technology Innovation", "en"))
    yield _line(plan, DCTERMS.publisher, _lang("天津市人民政府办公厅", "zh"))
    yield _line(plan, DCTERMS.issued, _typed("2021-08-08", XSD.date))
    yield _line(plan, DCTERMS.identifier, _text(f"sha256:{plan_sha256()}"))
    yield _line(plan, DCTERMS.source, _text(f"data/source/{SOURCE_FILE}"))
    for scheme, zh, en in (
        (DOMAIN_SCHEME, "重点研发领域方向", "Key R&D domains (chapter 2)"),
        (HAIHE_SCHEME, "海河实验室重点领域方向", "Key directions of the Haihe Laboratory (column 1)"),
    ):
        yield _line(f"<{scheme}>", RDF.type, f"<{SKOS.ConceptScheme}>")
        yield _line(f"<{scheme}>", RDFS.label, _lang(zh, "zh"))
        yield _line(f"<{scheme}>", RDFS.label, _lang(en, "en"))
    for section in section_index().sections:
        iri = f"<{section_iri(section)}>"
        yield _line(iri, RDF.type, f"<{TJP.Section}>")
        yield _line(iri, TJP.sectionPath, _text(section.label))
        if section.title:
            yield _line(iri, RDFS.label, _lang(section.title, "zh"))
        yield _line(iri, OA.start, _int(section.start))
        yield _line(iri, OA.end, _int(section.end))
        parent = section_iri(section.parent) if section.parent is not None else PLAN
        yield _line(iri, DCTERMS.isPartOf, f"<{parent}>")


def _excerpt_lines(excerpt: Excerpt, done: set[tuple[int, int]]) -> Iterator[str]:
    key = (excerpt.start, excerpt.end)
    if key in done:
        return
    done.add(key)
    iri = f"<{excerpt_iri(excerpt)}>"
    yield _line(iri, RDF.type, f"<{TJP.Excerpt}>")
    yield _line(iri, OA.exact, _text(excerpt.text))
    yield _line(iri, OA.start, _int(excerpt.start))
    yield _line(iri, OA.end, _int(excerpt.end))
    yield _line(iri, DCTERMS.isPartOf, f"<{PLAN}>")
    yield _line(iri, TJP.inSection, f"<{_section_at(excerpt.start)}>")


@lru_cache(maxsize=4096)
def _section_at(offset: int) -> URIRef:
    return section_iri(section_index().at(offset))


def list_row_iri(derived_from: str) -> tuple[URIRef, URIRef, str] | None:
    """The IRIs of an imported row and of its list, and the list's name, from ``derived_from``;
    None for text of another form. An RFC 7111 ``#row=`` fragment on the list's IRI.

    >>> row, listed, name = list_row_iri("名单.xlsx:2023年!5:5")
    >>> str(row).rsplit("/", 2)[-2:], name
    (['%E5%90%8D%E5%8D%95.xlsx', '2023%E5%B9%B4#row=5'], '名单.xlsx:2023年')
    """
    import re
    from urllib.parse import quote

    found = re.fullmatch(r"(?P<file>[^:]+):(?:(?P<sheet>[^!]+)!)?(?P<row>\d+)(?::\d+)?", derived_from)
    if found is None:
        return None
    path = quote(found["file"], safe="")
    name = found["file"]
    if found["sheet"]:
        path += "/" + quote(found["sheet"], safe="")
        name += ":" + found["sheet"]
    return TJ[f"list/{path}#row={found['row']}"], TJ[f"list/{path}"], name


def _imported_lines(subject: str, derived_from: str, done: set) -> Iterator[str]:
    iris = list_row_iri(derived_from) if derived_from else None
    if iris is None:
        return
    row, listed, name = iris
    yield _line(subject, TJP.importedFrom, f"<{row}>")
    if row in done:
        return
    done.add(row)
    yield _line(f"<{row}>", RDF.type, f"<{TJP.ListRow}>")
    yield _line(f"<{row}>", RDFS.label, _text(derived_from))
    yield _line(f"<{row}>", DCTERMS.isPartOf, f"<{listed}>")
    if listed not in done:
        done.add(listed)
        yield _line(f"<{listed}>", RDF.type, f"<{PROV.Entity}>")
        yield _line(f"<{listed}>", RDFS.label, _text(name))


def _provenance_lines(subject: str, excerpt: Excerpt | None, note: str, done: set) -> Iterator[str]:
    if excerpt is not None:
        yield from _excerpt_lines(excerpt, done)
        yield _line(subject, PROV.wasDerivedFrom, f"<{excerpt_iri(excerpt)}>")
        if note:  # a remark on a quoted fact, not a curation note
            yield _line(subject, SKOS.editorialNote, _text(note))
    elif note:
        yield _line(subject, TJP.curationNote, _text(note))


def _entity_lines(entity: Entity, done: set) -> Iterator[str]:
    iri = f"<{entity_iri(entity.id)}>"
    yield f"{iri} {_TYPE} <{_kind_iri(entity.kind)}> .\n"
    yield _line(iri, DCTERMS.identifier, _text(entity.id))
    yield _line(iri, RDFS.label, _lang(entity.name_zh, "zh"))
    if entity.name_en:  # a list may give the Chinese name alone
        yield _line(iri, RDFS.label, _lang(entity.name_en, "en"))
    for alias in dict.fromkeys(entity.aliases):
        yield _line(iri, SKOS.altLabel, _lang(alias))
    attrs = entity.attrs
    for f in ATTRIBUTES:
        value = attrs.get(f.column)
        if value and f.rdf:
            yield _line(iri, expand(f.rdf), _literal(value, f.type))
            if f.companion:
                prop, _, text, type_name = f.companion
                yield _line(iri, expand(prop), _literal(text, type_name))
    yield from _provenance_lines(iri, entity.excerpt, entity.note, done)
    yield from _imported_lines(iri, entity.derived_from, done)
    scheme = _SCHEMES.get(entity.kind)
    if scheme is not None:
        yield _line(iri, SKOS.inScheme, f"<{scheme}>")


@lru_cache(maxsize=256)
def _kind_iri(kind: str) -> str:
    return load_ontology().kinds[kind].iri


def _literal(value: str, type_name: str) -> str:
    """A literal of a schema type: decimals in canonical form, others with their datatype."""
    if type_name == "decimal":
        return _decimal(value)
    datatype = TYPES[type_name].datatype
    return _typed(value, URIRef(datatype)) if datatype else _text(value)


def _link_lines(link: Link, done: set) -> Iterator[str]:
    subject, obj = f"<{entity_iri(link.subject)}>", f"<{entity_iri(link.object)}>"
    predicate = link_iri(link.predicate)
    yield _line(subject, predicate, obj)
    if link.predicate in ("broader", "related"):
        # Written for generic SKOS tools, which do not read sub-properties.
        yield _line(subject, SKOS.broader if link.predicate == "broader" else SKOS.related, obj)
    statement = f"<{statement_iri(link)}>"
    yield f"{statement} {_TYPE} <{RDF.Statement}> .\n"
    yield _line(statement, RDF.subject, subject)
    yield _line(statement, RDF.predicate, f"<{predicate}>")
    yield _line(statement, RDF.object, obj)
    yield from _provenance_lines(statement, link.excerpt, link.note, done)
    yield from _imported_lines(statement, link.derived_from, done)
