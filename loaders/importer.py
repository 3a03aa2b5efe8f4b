"""Merge entity lists from users' files into a workspace: read, map columns, merge, check, diff, write.

Column names and kinds may be given in Chinese or English (``名称``/``name_zh``,
``类型``/``kind`` with ``平台``/``Platform``, ``所在地``/``located_in``; see
:data:`COLUMN_NAMES`). An imported entity is the same as an existing one when
it has the same id, or a name or alias that is the same once spelling
variants are folded (full-width forms, stray spaces, dash forms); what then
happens is chosen by ``on_conflict``: ``fail`` (report it), ``update`` (take
the new values), ``skip`` (keep the old). The merged lists pass every check of
``kg validate`` before anything is written, and are written atomically.

>>> canonical_column("名称"), canonical_column("所在地"), canonical_column("located_in")
('name_zh', ('link', 'locatedIn'), ('link', 'locatedIn'))
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from kg.errors import EntityListError, KGError, ValidationFailed
from kg.lists.names import normalise
from kg.lists.records import Lists, Row
from kg.vocab.ontology import load_ontology
from kg.vocab.schema import ALIAS_SEPARATOR, ENTITY_COLUMNS, ENTITY_FIELDS, LINK_COLUMNS, LINK_FIELDS
from loaders.csv_lists import read_workspace
from loaders.formats import MAX_BYTES, read_records

__all__ = [
    "COLUMN_NAMES",
    "KIND_WORDS",
    "canonical_column",
    "kind_of",
    "ImportPlan",
    "plan_import",
    "CONFLICT_POLICIES",
]

CONFLICT_POLICIES = ("fail", "update", "skip")

#: Other names users give the columns (matched after folding case, spaces, '-' and '_'), from the schema table.
COLUMN_NAMES = {f.column: [f.column, *f.headers] for f in (*ENTITY_FIELDS, *LINK_FIELDS[:3])}
#: Other names of link types, as columns of an entity list or values of a 'predicate' column.
LINK_WORDS = {
    "locatedIn": ["located_in", "location", "所在地", "所在区", "所在区域", "位置"],
    "reliesOn": ["relies_on", "依托", "依托单位"],
    "drawsOn": ["draws_on", "借助", "技术依托"],
    "partnersWith": ["partners_with", "partner", "partners", "合作", "合作单位", "合作伙伴"],
    "jointlyBuiltWith": ["jointly_built_with", "共建", "共建单位"],
    "focusesOn": ["focuses_on", "domain", "领域", "聚焦领域", "技术领域"],
    "broader": ["上位领域", "上级领域"],
    "subOrganizationOf": ["sub_organization_of", "parent", "隶属", "上级单位", "主管单位"],
    "partOf": ["part_of", "属于"],
    "coreArea": ["core_area", "核心承载区", "核心区"],
    "serves": ["服务"],
}
#: Other names of kinds (besides each kind's name and its zh/en labels in the ontology).
KIND_WORDS = {
    "平台": "Platform",
    "实验室": "Laboratory",
    "重点实验室": "KeyLaboratory",
    "技术创新中心": "TechnologyInnovationCenter",
    "工程中心": "EngineeringResearchCenter",
    "园区": "Park",
    "科技园": "SciencePark",
    "标志区": "LandmarkZone",
    "聚集区": "InnovationCluster",
    "示范区": "DemonstrationZone",
    "区": "District",
    "市": "City",
    "省": "Region",
    "大学": "University",
    "院所": "ResearchInstitute",
    "研究院": "ResearchInstitute",
    "研究所": "ResearchInstitute",
    "公司": "Enterprise",
    "高新技术企业": "Enterprise",
    "政府部门": "GovernmentBody",
    "领域": "TechnologyDomain",
    "计划": "Programme",
    "项目": "Programme",
}


def _fold(text: str) -> str:
    return re.sub(r"[\s_\-]+", "", normalise(text))


def _column_index() -> dict[str, object]:
    onto = load_ontology()
    index: dict[str, object] = {}
    for canonical, names in COLUMN_NAMES.items():
        for name in names:
            index[_fold(name)] = canonical
    for link, link_type in onto.links.items():
        for name in [link, link_type.label_zh, link_type.label_en, *LINK_WORDS.get(link, [])]:
            index.setdefault(_fold(name), ("link", link))
    return index


def canonical_column(name: str):
    """The column a file's column name stands for: a list column, ``("link", type)``, or None."""
    return _column_index().get(_fold(name))


def kind_of(value: str) -> str | None:
    """The kind a value names, in English or Chinese (``平台``, ``Platform``, ``技术创新中心`` …)."""
    onto = load_ontology()
    folded = _fold(value)
    for name, kind in onto.kinds.items():
        if folded in (_fold(name), _fold(kind.label_zh), _fold(kind.label_en)):
            return name
    for word, name in KIND_WORDS.items():
        if folded == _fold(word):
            return name
    return None


def link_of(value: str) -> str | None:
    target = _column_index().get(_fold(value))
    return target[1] if isinstance(target, tuple) else None


def _clean_name(text: str) -> str:
    """A name as stored: trimmed, inner runs of spaces made one (the plan's own forms are kept)."""
    return re.sub(r"[ \t\u3000]+", " ", text).strip()


def _describe(changes: dict) -> str:
    """``field 'old' → 'new'; …`` for a conflict message."""
    return "; ".join(f"{field} '{old}' → '{new}'" for field, (old, new) in changes.items())


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", normalise(text)).strip("-")


@dataclass
class ImportPlan:
    """The merged lists, what changed, and what was skipped; nothing written yet."""

    old: Lists
    new: Lists
    entity_rows: list[dict]
    link_rows: list[dict]
    skipped: list[str] = field(default_factory=list)
    imported: int = 0


def _convert(
    records: list[Row], *, default_kind: str | None, source: str | None, errors: list
) -> tuple[list[Row], list[Row]]:
    """Records with the file's columns → entity rows and link rows in the lists' columns."""
    if not records:
        return [], []
    columns = records[0].columns
    mapping, links = {}, {}
    for name, position in columns.items():
        target = canonical_column(name)
        if target is None:
            errors.append(
                EntityListError(
                    records[0].file,
                    1,
                    position,
                    f"unknown column '{name}'",
                    hint="see the README for the column names understood (zh or en), or delete the column",
                )
            )
        elif isinstance(target, tuple):
            links[name] = target[1]
        else:
            mapping[name] = target
    canonical = set(mapping.values())
    is_link_table = {"subject", "predicate", "object"} <= canonical
    if not is_link_table and "name_zh" not in canonical and "id" not in canonical:
        errors.append(
            EntityListError(
                records[0].file,
                1,
                0,
                "no column for the name (名称 / name_zh)",
                hint="add a column with the entities' Chinese names",
            )
        )
    if not is_link_table and "kind" not in canonical and default_kind is None:
        errors.append(
            EntityListError(
                records[0].file,
                1,
                0,
                "no column for the kind (类型 / kind)",
                hint="add one, or give the kind of every row with --kind",
            )
        )
    entity_rows, link_rows = [], []
    for record in records:
        positions = {mapping[name]: pos for name, pos in record.columns.items() if name in mapping}
        values = {mapping[name]: value.strip() for name, value in record.values.items() if name in mapping}
        for key in ("name_zh", "name_en", "aliases"):
            if key in values:
                if "\n" in values[key] or "\r" in values[key]:
                    errors.append(
                        EntityListError(
                            record.file,
                            record.line,
                            positions.get(key, 0),
                            f"{key} holds a line break",
                            hint="remove the line break (Alt+Enter in Excel)",
                        )
                    )
                values[key] = _clean_name(values[key].replace("\n", " ").replace("\r", " "))
        if "aliases" in values:
            values["aliases"] = ALIAS_SEPARATOR.join(
                _clean_name(a) for a in re.split(r"[|｜;；]", values["aliases"]) if a.strip()
            )
        if not values.get("note") and not values.get("quote") and source:
            values["note"] = source
        if values.get("note") and not values.get("quote") and not values["note"].startswith("curated:"):
            values["note"] = f"curated: {values['note']}"  # a fact from outside the plan
        if is_link_table:
            predicate = values.get("predicate", "")
            values["predicate"] = link_of(predicate) or predicate
            link_rows.append(Row(record.file, record.line, values, positions))
            continue
        kind = values.get("kind") or default_kind or ""
        values["kind"] = kind_of(kind) or kind
        if "kind" not in positions:
            positions["kind"] = 0
        if not values.get("note") and not values.get("quote"):
            errors.append(
                EntityListError(
                    record.file,
                    record.line,
                    0,
                    "no provenance: neither a quote of the plan nor a note",
                    hint="add a note column (来源 / note), or pass --source 'where the list comes from'",
                )
            )
        entity_rows.append(Row(record.file, record.line, values, positions))
        reference = values.get("id") or values.get("name_zh", "")
        for column, link in links.items():
            for target in re.split(r"[|｜;；]", record.values.get(column, "")):
                if target.strip():
                    link_values = {
                        "subject": reference,
                        "predicate": link,
                        "object": _clean_name(target),
                        "note": values.get("note", ""),
                    }
                    link_positions = {
                        "subject": positions.get("id", positions.get("name_zh", 0)),
                        "predicate": record.columns[column],
                        "object": record.columns[column],
                    }
                    link_rows.append(Row(record.file, record.line, link_values, link_positions))
    return entity_rows, link_rows


def _merge(
    old: Lists, imported: list[Row], imported_links: list[Row], on_conflict: str, errors: list, skipped: list
) -> tuple[list[Row], list[Row]]:
    by_id = {row.get("id"): row for row in old.entities}
    by_name: dict[str, list[Row]] = {}
    for row in old.entities:
        for name in [row.get("name_zh"), row.get("name_en"), *row.get("aliases").split(ALIAS_SEPARATOR)]:
            if name:
                by_name.setdefault(normalise(name), []).append(row)
    merged = {row.get("id"): row for row in old.entities}
    seen_ids: dict[str, Row] = {}
    seen_names: dict[str, Row] = {}
    taken = set(by_id)
    for row in imported:
        values = dict(row.values)
        name_key = normalise(values.get("name_zh", ""))
        if name_key and name_key in seen_names:
            first = seen_names[name_key]
            same = "" if first.get("name_zh") == values.get("name_zh") else " under another spelling"
            errors.append(
                EntityListError(
                    row.file,
                    row.line,
                    row.column("name_zh"),
                    f"'{values.get('name_zh')}' repeats line {first.line} ('{first.get('name_zh')}'){same}",
                    hint="keep one of the two rows",
                )
            )
            continue
        if values.get("id") and values["id"] in seen_ids:
            errors.append(
                EntityListError(
                    row.file,
                    row.line,
                    row.column("id"),
                    f"duplicate id '{values['id']}'; first at line {seen_ids[values['id']].line}",
                    hint="give each row its own id",
                )
            )
            continue
        existing = by_id.get(values.get("id")) if values.get("id") else None
        if existing is None and name_key:
            owners = {r.get("id"): r for r in by_name.get(name_key, [])}
            if len(owners) > 1:
                errors.append(
                    EntityListError(
                        row.file,
                        row.line,
                        row.column("name_zh"),
                        f"'{values.get('name_zh')}' names {len(owners)} entities: {', '.join(sorted(owners))}",
                        hint="give the id of the one you mean",
                    )
                )
                continue
            if owners:
                candidate = next(iter(owners.values()))
                if values.get("id") and values["id"] != candidate.get("id"):
                    errors.append(
                        EntityListError(
                            row.file,
                            row.line,
                            row.column("id"),
                            f"'{values.get('name_zh')}' is already the entity '{candidate.get('id')}' ({candidate.file} line {candidate.line})",
                            hint=f"if it is the same entity, use the id '{candidate.get('id')}'",
                        )
                    )
                    continue
                existing = candidate
        seen_names[name_key] = row
        if existing is None:
            if not values.get("id"):
                base = _slug(values.get("name_en", ""))
                if not base:
                    errors.append(
                        EntityListError(
                            row.file,
                            row.line,
                            0,
                            "a new entity needs an id or an English name to make one from",
                            hint="fill in the id (编号) or name_en (英文名)",
                        )
                    )
                    continue
                candidate_id, n = base, 2
                while candidate_id in taken:
                    candidate_id, n = f"{base}-{n}", n + 1
                values["id"] = candidate_id
            taken.add(values["id"])
            seen_ids[values["id"]] = row
            merged[values["id"]] = Row(row.file, row.line, values, row.columns)
            continue
        entity_id = existing.get("id")
        seen_ids[entity_id] = row
        values["id"] = entity_id
        changes = {
            k: (existing.get(k), v)
            for k, v in values.items()
            if v and k in ENTITY_COLUMNS and existing.get(k) != v and k != "quote_start"
        }
        if not changes:
            continue
        if on_conflict == "skip":
            skipped.append(f"{row.file}:{row.line}: kept '{entity_id}' as it was ({', '.join(changes)} differ)")
            continue
        if on_conflict == "fail":
            detail = _describe(changes)
            errors.append(
                EntityListError(
                    row.file,
                    row.line,
                    0,
                    f"'{values.get('name_zh') or entity_id}' is already in the lists as '{entity_id}' with other values: {detail}",
                    hint="use --on-conflict update to take the new values, or --on-conflict skip to keep the old",
                )
            )
            continue
        updated = {**existing.values, **{k: v for k, v in values.items() if v}}
        if "quote" in changes:
            updated["quote_start"] = values.get("quote_start", "")
        merged[entity_id] = Row(row.file, row.line, updated, row.columns)
    entities = list(merged.values())
    return entities, _merge_links(old.links, imported_links, entities, on_conflict, errors, skipped)


def _resolver(entities: list[Row]) -> Callable[[str], str]:
    """Turn a reference (id, name or alias) into an id where it names exactly one entity."""
    ids = {row.get("id") for row in entities}
    names: dict[str, set[str]] = {}
    for row in entities:
        for name in [row.get("name_zh"), row.get("name_en"), *row.get("aliases").split(ALIAS_SEPARATOR)]:
            if name:
                names.setdefault(normalise(name), set()).add(row.get("id"))

    def resolve(reference: str) -> str:
        if reference in ids:
            return reference
        owners = names.get(normalise(reference), set())
        return next(iter(owners)) if len(owners) == 1 else reference

    return resolve


def _merge_links(
    old_links: list[Row], imported: list[Row], entities: list[Row], on_conflict: str, errors: list, skipped: list
) -> list[Row]:
    """Old links plus the imported ones; an imported link that is already there is a conflict
    only when its provenance differs."""
    resolve = _resolver(entities)

    def key(row: Row) -> tuple[str, str, str]:
        return (resolve(row.get("subject")), row.get("predicate"), resolve(row.get("object")))

    merged = {key(row): row for row in old_links}
    order = list(merged)
    seen: dict[tuple, Row] = {}
    for row in imported:
        k = key(row)
        if k in seen:
            continue  # the same link twice in the import: once is enough
        seen[k] = row
        existing = merged.get(k)
        if existing is None:
            merged[k] = row
            order.append(k)
            continue
        changes = {
            c: (existing.get(c), row.get(c)) for c in ("quote", "note") if row.get(c) and row.get(c) != existing.get(c)
        }
        if not changes:
            continue
        if on_conflict == "skip":
            skipped.append(f"{row.file}:{row.line}: kept the link {' '.join(k)} as it was")
        elif on_conflict == "fail":
            detail = _describe(changes)
            errors.append(
                EntityListError(
                    row.file,
                    row.line,
                    row.column("object"),
                    f"the link {' '.join(k)} is already in the lists with other provenance: {detail}",
                    hint="use --on-conflict update or skip",
                )
            )
        else:
            merged[k] = Row(
                row.file, row.line, {**existing.values, **{c: v for c, v in row.values.items() if v}}, row.columns
            )
    return [merged[k] for k in order]


def plan_import(
    paths: list[str],
    workspace: str | Path,
    *,
    kind: str | None = None,
    on_conflict: str = "fail",
    encoding: str | None = None,
    sheet: str | None = None,
    source: str | None = None,
    max_bytes: int = MAX_BYTES,
    progress: Callable[[int, int], None] | None = None,
) -> ImportPlan:
    """Read the files, merge them into the workspace's lists and check the result; write nothing.

    Raises ``ValidationFailed`` with every error found in every file.
    """
    from kg.rdf.validate import checked

    if on_conflict not in CONFLICT_POLICIES:
        raise KGError(f"unknown conflict policy '{on_conflict}'", hint=f"use one of {', '.join(CONFLICT_POLICIES)}")
    default_kind = None
    if kind:
        default_kind = kind_of(kind)
        if default_kind is None:
            raise KGError(f"kind '{kind}' is not in the ontology", hint="see 'kg kinds'")
    old = read_workspace(workspace)
    errors: list[EntityListError] = []
    entity_rows: list[Row] = []
    link_rows: list[Row] = []
    for path in paths:
        try:
            records, file_errors = read_records(path, encoding=encoding, sheet=sheet, max_bytes=max_bytes)
        except EntityListError as exc:
            errors.append(exc)
            continue
        errors.extend(file_errors)
        if file_errors:
            continue
        entities, links = _convert(records, default_kind=default_kind, source=source, errors=errors)
        entity_rows += entities
        link_rows += links
    # Every error of every file and step is collected, and reported together at the end.
    skipped: list[str] = []
    merged_entities, merged_links = _merge(old, entity_rows, link_rows, on_conflict, errors, skipped)
    total = len(merged_entities) + len(merged_links)
    if progress:
        progress(0, total)
    try:
        model = checked(Lists(merged_entities, merged_links, old.entities_file, old.links_file))
    except ValidationFailed as failed:
        raise ValidationFailed(errors + failed.errors) from None
    if errors:
        raise ValidationFailed(errors)
    if progress:
        progress(total, total)
    # Links as written: references resolved to ids; repeated links from the import are dropped.
    resolved = {id(link.row): link for link in model.links}
    out_links, seen = [], set()
    for row in merged_links:
        link = resolved.get(id(row))
        if link is None or link.key in seen:
            continue
        seen.add(link.key)
        out_links.append(
            {
                **{c: row.get(c) for c in LINK_COLUMNS},
                "subject": link.subject,
                "predicate": link.predicate,
                "object": link.object,
            }
        )
    out_entities = [{c: row.get(c) for c in ENTITY_COLUMNS} for row in merged_entities]
    new = Lists([Row("", 0, e, {}) for e in out_entities], [Row("", 0, r, {}) for r in out_links])
    return ImportPlan(old, new, out_entities, out_links, skipped, len(entity_rows) + len(link_rows))
