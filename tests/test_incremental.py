"""The incremental check agrees with the full check: same verdict, same entities and links, same index.

Each case changes the plan's lists in one way (and a seeded random walk
combines several); :func:`kg.lists.incremental.changes` must either answer None
(the full check decides) or give exactly what a full check of the new lists
gives. When the full check fails, it must answer None.
"""

from __future__ import annotations

import random

import pytest

from kg.errors import ValidationFailed
from kg.lists.checks import check
from kg.lists.incremental import changes, index_lists
from kg.lists.records import Lists
from kg.vocab.schema import ENTITY_COLUMNS, LINK_COLUMNS, REQUIRED_ENTITY_COLUMNS, REQUIRED_LINK_COLUMNS
from loaders.csv_lists import read_csv_rows, read_workspace
from loaders.formats import read_delimited
from loaders.workspace import csv_bytes


def text_of(rows: list[dict], columns, *, crlf: bool = True) -> str:
    text = csv_bytes(rows, columns).decode("utf-8-sig")
    return text if crlf else text.replace("\r\n", "\n")


def full(entity_text: str, link_text: str):
    """The full check of these texts: (lists, model) or (lists, None) if it fails."""
    entities, e_errors = read_csv_rows(entity_text.encode(), "entities.csv", ENTITY_COLUMNS, REQUIRED_ENTITY_COLUMNS)
    links, l_errors = read_csv_rows(link_text.encode(), "links.csv", LINK_COLUMNS, REQUIRED_LINK_COLUMNS)
    lists = Lists(entities, links)
    if e_errors or l_errors:
        return lists, None
    try:
        return lists, check(lists)
    except ValidationFailed:
        return lists, None


@pytest.fixture(scope="module")
def base():
    lists = read_workspace()
    return [dict(r.values) for r in lists.entities], [dict(r.values) for r in lists.links]


def comparable(index):
    return (
        index.entity_header,
        index.link_header,
        index.entities,
        index.kinds,
        index.names,
        {k: sorted(v) for k, v in index.shared.items()},
        index.links,
        index.link_count,
        {k: sorted(v) for k, v in index.refs.items()},
    )


def assert_agrees(base_rows, entities, links, *, crlf=True):
    """The incremental answer for (entities, links) after base_rows agrees with the full check."""
    old_e, old_l = text_of(base_rows[0], ENTITY_COLUMNS), text_of(base_rows[1], LINK_COLUMNS)
    _, old_model = full(old_e, old_l)
    index = index_lists(old_e, old_l, old_model)
    assert index is not None
    new_e = entities if isinstance(entities, str) else text_of(entities, ENTITY_COLUMNS, crlf=crlf)
    new_l = links if isinstance(links, str) else text_of(links, LINK_COLUMNS, crlf=crlf)
    _, new_model = full(new_e, new_l)
    found = changes(index, new_e, new_l, parse=read_delimited)
    if new_model is None:
        assert found is None, "the full check fails, the incremental one passed"
        return None
    if found is None:
        return None  # allowed: the full check decides
    entities_after = dict(old_model.entities)
    for entity in found.removed_entities:
        del entities_after[entity.id]
    for entity in found.added_entities:
        entities_after[entity.id] = entity
    assert entities_after == new_model.entities
    links_after = {link.key: link for link in old_model.links}
    for link in found.removed_links:
        del links_after[link.key]
    for link in found.added_links:
        assert link.key not in links_after
        links_after[link.key] = link
    assert links_after == {link.key: link for link in new_model.links}
    fresh = index_lists(new_e, new_l, new_model)  # None for a row of empty cells: it indexes only rows
    if fresh is not None:
        assert comparable(found.index) == comparable(fresh)
    return found


def by_id(rows, entity_id):
    return next(r for r in rows if r["id"] == entity_id)


def renamed(e, ln):
    e[7]["name_en"] += " (renamed)"
    return e, ln


def new_entity(e, ln):
    e.append(
        {"id": "new-park", "kind": "SciencePark", "name_zh": "新园区", "name_en": "New Park", "note": "curated: t"}
    )
    ln.append({"subject": "新园区", "predicate": "locatedIn", "object": "滨海新区", "note": "curated: t"})
    return e, ln


def cases():
    def kind_changed(e, ln):
        by_id(e, "tianjin-drug-evaluation-center")["kind"] = "ResearchCenter"
        return e, ln

    def kind_breaks_a_link(e, ln):
        by_id(e, "binhai-new-area")["kind"] = "TechnologyDomain"
        return e, ln

    def entity_removed_with_links(e, ln):
        e = [r for r in e if r["id"] != "northern-voice-valley"]
        ln = [r for r in ln if "northern-voice-valley" not in (r["subject"], r["object"])]
        return e, ln

    def entity_removed_links_left(e, ln):
        return [r for r in e if r["id"] != "northern-voice-valley"], ln

    def id_changed(e, ln):
        by_id(e, "northern-voice-valley")["id"] = "north-voice-valley"
        return e, ln

    def duplicate_id(e, ln):
        e.append({**e[3], "name_zh": "重复", "name_en": "Dup", "aliases": ""})
        return e, ln

    def name_clash(e, ln):
        e.append({"id": "another", "kind": "SciencePark", "name_zh": "滨海新区", "name_en": "X", "note": "curated: t"})
        return e, ln

    def shared_english_name(e, ln):
        e.append(
            {"id": "another", "kind": "SciencePark", "name_zh": "另一", "name_en": e[0]["name_en"], "note": "c: t"}
        )
        return e, ln

    def alias_clash(e, ln):
        e[5]["aliases"] = (e[5]["aliases"] + "|" if e[5]["aliases"] else "") + e[9]["name_zh"]
        return e, ln

    def link_by_name(e, ln):
        ln.append({"subject": "中国信创谷", "predicate": "locatedIn", "object": "天津", "note": "curated: t"})
        return e, ln

    def link_by_variant_name(e, ln):
        ln.append({"subject": "滨海－中关村科技园", "predicate": "partnersWith", "object": "清华大学", "note": "c"})
        return e, ln

    def rename_a_name_a_link_uses(e, ln):
        e, ln = link_by_name(e, ln)
        by_id(e, "china-xinchuang-valley")["name_zh"] = "中国信创谷（新）"
        return e, ln

    def new_alias_resolves_a_link(e, ln):
        ln.append({"subject": "信创谷二号", "predicate": "locatedIn", "object": "天津", "note": "curated: t"})
        by_id(e, "china-xinchuang-valley")["aliases"] = "信创谷二号"
        return e, ln

    def unknown_ref(e, ln):
        ln.append({"subject": "不存在的实体", "predicate": "locatedIn", "object": "天津", "note": "curated: t"})
        return e, ln

    def duplicate_link(e, ln):
        ln.append(dict(ln[40]))
        ln[-1]["note"] = "curated: again"
        ln[-1]["quote"] = ""
        ln[-1]["quote_start"] = ""
        return e, ln

    def cycle(e, ln):
        first = ln[0]
        ln.append({"subject": first["object"], "predicate": "broader", "object": first["subject"], "note": "c: t"})
        return e, ln

    def self_link(e, ln):
        ln.append({"subject": "tianjin", "predicate": "partnersWith", "object": "tianjin", "note": "curated: t"})
        return e, ln

    def wrong_range(e, ln):
        ln.append({"subject": "china-xinchuang-valley", "predicate": "locatedIn", "object": "dom-blockchain"})
        ln[-1]["note"] = "curated: t"
        return e, ln

    def quote_changed(e, ln):
        ln[12]["quote"] = "不在规划里的话"
        return e, ln

    def link_note_changed(e, ln):
        row = next(r for r in ln if r["note"])
        row["note"] += " (checked)"
        return e, ln

    def link_removed(e, ln):
        del ln[30]
        return e, ln

    def rows_reordered(e, ln):
        return list(reversed(e)), list(reversed(ln))

    def bad_indicator(e, ln):
        next(r for r in e if r["kind"] == "Indicator")["value_2025"] = "many"
        return e, ln

    def empty_names(e, ln):
        e[4]["name_en"] = ""
        return e, ln

    return {name: fn for name, fn in locals().items() if callable(fn) and not name.startswith("_")} | {
        "renamed": renamed,
        "new_entity": new_entity,
    }


@pytest.mark.parametrize("name", sorted(cases()))
def test_each_change_agrees_with_the_full_check(base, name):
    e, ln = cases()[name]([dict(r) for r in base[0]], [dict(r) for r in base[1]])
    assert_agrees(base, e, ln)


def test_common_changes_take_the_fast_way(base):
    """Renames, new entities and links, removed links: answered without the full check."""
    for change in (renamed, new_entity):
        e, ln = change([dict(r) for r in base[0]], [dict(r) for r in base[1]])
        found = assert_agrees(base, e, ln)
        assert found is not None and not found.empty
    e, ln = [dict(r) for r in base[0]], [dict(r) for r in base[1]]
    found = assert_agrees(base, e, ln[:-3])
    assert found is not None and len(found.removed_links) == 3 and not found.added_links
    found = assert_agrees(base, e, ln)
    assert found is not None and found.empty


def test_line_endings_blank_and_repeated_lines(base):
    e, ln = [dict(r) for r in base[0]], [dict(r) for r in base[1]]
    assert assert_agrees(base, e, ln, crlf=False).empty  # LF instead of CRLF: the same records
    text = text_of(e, ENTITY_COLUMNS)
    links = text_of(ln, LINK_COLUMNS)
    assert_agrees(base, text + ",,,,,,,,,,,\r\n", links)  # a blank record
    lines = text.split("\r\n")
    assert assert_agrees(base, "\r\n".join([*lines[:5], lines[4], *lines[5:]]), links) is None  # a repeated row
    assert assert_agrees(base, text.replace("\r\n", "\r", 3), links) is None  # lone carriage returns
    multi = text_of([*e, {**e[0], "id": "multi-line", "name_zh": "多行", "name_en": "Multi\nline"}], ENTITY_COLUMNS)
    assert assert_agrees(base, multi, links) is None  # a record over two lines
    header = text.replace("id,kind", "id,Kind", 1)
    assert assert_agrees(base, header, links) is None


def test_a_random_walk_of_changes_agrees(base):
    rng = random.Random(7)
    changes_by_name = cases()
    names = sorted(changes_by_name)
    fast = 0
    for _ in range(40):
        e, ln = [dict(r) for r in base[0]], [dict(r) for r in base[1]]
        for name in rng.sample(names, rng.choice((2, 3))):
            e, ln = changes_by_name[name](e, ln)
        fast += assert_agrees(base, e, ln) is not None
    assert fast  # some combinations are all fast-path changes
