"""Merge imported entity and link rows into a workspace's lists, by id or by folded name, as a conflict policy says.

An imported entity is the same as an existing one when it has the same id, or a
name or alias that is the same once spelling variants are folded; when its
values differ, ``on_conflict`` decides: ``fail`` (report it), ``update`` (take
the new values), ``skip`` (keep the old).

>>> from kg.lists.records import Lists, Row
>>> old = Lists([Row("e.csv", 2, {"id": "a", "name_zh": "甲", "name_en": "A"}, {})])
>>> new = [Row("n.csv", 2, {"name_zh": "甲", "name_en": "Alpha"}, {}), Row("n.csv", 3, {"name_zh": "乙", "name_en": "B b"}, {})]
>>> errors, skipped = [], []
>>> entities, links = merge_rows(old, new, [], "update", errors, skipped)
>>> [(e.get("id"), e.get("name_en")) for e in entities], errors
([('a', 'Alpha'), ('b-b', 'B b')], [])
>>> _ = merge_rows(old, new, [], "fail", errors, skipped)
>>> errors[0].message
"'甲' is already in the lists as 'a' with other values: name_en 'A' → 'Alpha'"
"""

from __future__ import annotations

from collections.abc import Callable

from kg.errors import EntityListError, row_reference
from kg.lists.names import normalise
from kg.lists.records import Lists, Row
from kg.vocab.schema import ALIAS_SEPARATOR, ENTITY_COLUMNS
from loaders.hosts import HOST_LINKS, TIANJIN_DISTRICTS, NearNames, kind_from_name
from loaders.ids import new_id
from loaders.list_rows import FROM_SOURCE, NO_PROVENANCE, no_provenance
from loaders.review import Review

__all__ = ["merge_rows"]


def merge_rows(
    old: Lists,
    imported: list[Row],
    imported_links: list[Row],
    on_conflict: str,
    errors: list,
    skipped: list,
    notes: list | None = None,
    review: Review | None = None,
) -> tuple[list[Row], list[Row]]:
    """The merged entity rows and link rows; conflicts go to ``errors`` or (skipped) to ``skipped``.
    A host the links name that no entity is (:mod:`loaders.hosts`) is added, and said in ``notes``;
    with a ``review``, as the curator decided (:mod:`loaders.review`)."""
    by_id = {row.get("id"): row for row in old.entities}
    by_name = _rows_by_name(old.entities)
    merged = {row.get("id"): row for row in old.entities}
    seen_ids: dict[str, Row] = {}
    seen_names: dict[str, Row] = {}
    taken = set(by_id)
    refused: set[tuple[str, int]] = set()  # rows already reported: their links are not reported again
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
            values.pop(FROM_SOURCE, None)
            if values.pop(NO_PROVENANCE, None) is not None:
                errors.append(no_provenance(row))
                refused.add((row.file, row.line))
                continue
            if not values.get("id"):
                values["id"] = new_id(values.get("name_zh", ""), values.get("name_en", ""), taken)
                if not values["id"]:
                    errors.append(
                        EntityListError(
                            row.file,
                            row.line,
                            row.column("name_zh"),
                            "a new entity needs a name to make its id from",
                            hint="fill in the name (名称) or the id (编号)",
                        )
                    )
                    continue
            taken.add(values["id"])
            seen_ids[values["id"]] = row
            merged[values["id"]] = Row(row.file, row.line, values, row.columns)
            continue
        entity_id = existing.get("id")
        seen_ids[entity_id] = row
        values["id"] = entity_id
        values.pop("derived_from", None)  # an entity keeps where it first came from
        values.pop(NO_PROVENANCE, None)  # it keeps its own provenance
        if values.pop(FROM_SOURCE, None) and existing.get("quote"):
            values.pop("note", None)  # --source is for rows without provenance, never for what the plan quotes
        changes = {
            k: (existing.get(k), v)
            for k, v in values.items()
            if v and k in ENTITY_COLUMNS and existing.get(k) != v and k != "quote_start"
        }
        if not changes:
            continue
        clash = f"'{values.get('name_zh') or entity_id}' is already in the lists as '{entity_id}' with other values"
        kept = f"kept '{entity_id}' as it was ({', '.join(changes)} differ)"
        hint = "use --on-conflict update to take the new values, or --on-conflict skip to keep the old"
        if not _take_new(on_conflict, row, changes, 0, clash, kept, hint, errors, skipped):
            continue
        updated = {**existing.values, **{k: v for k, v in values.items() if v}}
        if "quote" in changes:
            updated["quote_start"] = values.get("quote_start", "")
        merged[entity_id] = Row(row.file, row.line, updated, row.columns)
    entities = list(merged.values())
    hosts, imported_links = _new_hosts(
        imported_links, entities, taken, errors, notes if notes is not None else [], review
    )
    entities += hosts
    imported_links = [link for link in imported_links if (link.file, link.line) not in refused]
    return entities, _merge_links(old.links, imported_links, entities, on_conflict, errors, skipped)


def _new_hosts(
    links: list[Row], entities: list[Row], taken: set, errors: list, notes: list, review: Review | None
) -> tuple[list[Row], list[Row]]:
    """Entities for the hosts that imported links name and no entity is, of the kind their names
    say (and for Tianjin's districts a ``所在区`` names), and the links kept. A name close to an
    entity's (a short form, a bracket variant, a character or two apart) is refused with the entity
    it may be, never merged nor created on its own; with a ``review``, each such step waits for
    the curator's decision (:mod:`loaders.review`). Each name is decided once, on the first row
    naming it; its other rows follow."""
    hosts = _Hosts(entities, taken, errors, notes, review)
    kept = []
    for link in links:
        target = link.get("object") or ""
        district = link.get("predicate") == "locatedIn" and target in TIANJIN_DISTRICTS
        if (link.get("predicate") not in HOST_LINKS and not district) or not target or hosts.known(target):
            kept.append(link)
            continue
        key = normalise(target)
        if key not in hosts.outcome:
            hosts.outcome[key] = hosts.decide(link, target, district)
        step = hosts.outcome[key]
        if step[0] == "use":
            link.values["object"] = step[1]
        if step[0] in ("use", "made"):
            kept.append(link)
        # "drop", "refused" (said once) and "pending" (in the review sheet): the link is left out
    return list(hosts.made.values()), kept


class _Hosts:
    """What becomes of each host name the imported links give: ``made`` (a new entity), ``use``
    (an entity of the lists), ``drop``, ``refused`` (an error said) or ``pending`` (to review)."""

    def __init__(self, entities: list[Row], taken: set, errors: list, notes: list, review: Review | None):
        self.resolve = _resolver(entities)
        self.ids = {row.get("id") for row in entities}
        names = {}
        for row in entities:
            for name in (row.get("name_zh"), *(row.get("aliases") or "").split(ALIAS_SEPARATOR)):
                if name:
                    names.setdefault(name, row.get("id"))
        self.near_names = NearNames(names)
        self.taken, self.errors, self.notes, self.review = taken, errors, notes, review
        self.made: dict[str, Row] = {}
        self.outcome: dict[str, tuple] = {}

    def known(self, target: str) -> bool:
        return self.resolve(target) in self.ids

    def decide(self, link: Row, target: str, district: bool) -> tuple:
        near = self.near_names.close_to(target)
        kind = "District" if district else kind_from_name(target)
        made_id = new_id(target, TIANJIN_DISTRICTS.get(target, ""), self.taken)
        where = row_reference(link.file, link.line)
        if self.review is not None:
            step = self.review.decide(target, kind, made_id, near, where)
            if step is None:
                return ("pending",)
            if step[0] == "drop":
                self.notes.append(f"{where}: '{target}' left out, as reviewed, with its links")
                return step
            if step[0] == "use":
                if step[1] in self.ids:
                    return step
                hint = "write an existing id, accept or reject"
                self.errors.append(self.review.error(target, f"'{step[1]}' is no entity of the lists", hint))
                return ("refused",)
            kind, made_id, near = step[1], step[2], None
            if made_id in self.taken:
                hint = "write another id, or write the id itself as the decision to link to that entity"
                self.errors.append(self.review.error(target, f"the id '{made_id}' is taken", hint))
                return ("refused",)
        if near is not None:
            self.errors.append(
                EntityListError(
                    link.file,
                    link.line,
                    link.column("object"),
                    f"'{target}' is no entity of the lists, and close to '{near[0]}' ({near[1]})",
                    hint=f"write '{near[0]}' or its id if it is that one; if not, give '{target}' a row of its own "
                    "(or decide in a review sheet: --review review.csv)",
                )
            )
            return ("refused",)
        values = {
            "id": made_id,
            "kind": kind,
            "name_zh": target,
            "note": link.get("note") or "",
            "derived_from": link.get("derived_from") or "",
        }
        if district:
            values.update(name_en=TIANJIN_DISTRICTS[target], region="tianjin")
        self.taken.add(made_id)
        self.made[normalise(target)] = Row(link.file, link.line, values, {})
        self.notes.append(f"{where}: '{target}' is no entity of the lists: added as {kind} '{made_id}'")
        return ("made",)


def _rows_by_name(entities: list[Row]) -> dict[str, list[Row]]:
    """The rows each folded name, English name or alias stands for."""
    by_name: dict[str, list[Row]] = {}
    for row in entities:
        for name in [row.get("name_zh"), row.get("name_en"), *row.get("aliases").split(ALIAS_SEPARATOR)]:
            if name:
                by_name.setdefault(normalise(name), []).append(row)
    return by_name


def _resolver(entities: list[Row]) -> Callable[[str], str]:
    """Turn a reference (id, name or alias) into an id where it names exactly one entity."""
    ids = {row.get("id") for row in entities}
    names = _rows_by_name(entities)

    def resolve(reference: str) -> str:
        if reference in ids:
            return reference
        owners = {row.get("id") for row in names.get(normalise(reference), [])}
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
        if NO_PROVENANCE in row.values:
            if existing is None:
                errors.append(no_provenance(row))  # a new link needs it; one that is there keeps its own
            continue
        if existing is None:
            merged[k] = row
            order.append(k)
            continue
        changes = {
            c: (existing.get(c), row.get(c)) for c in ("quote", "note") if row.get(c) and row.get(c) != existing.get(c)
        }
        if not changes:
            continue
        clash = f"the link {' '.join(k)} is already in the lists with other provenance"
        kept = f"kept the link {' '.join(k)} as it was"
        hint = "use --on-conflict update or skip"
        if _take_new(on_conflict, row, changes, row.column("object"), clash, kept, hint, errors, skipped):
            merged[k] = Row(
                row.file, row.line, {**existing.values, **{c: v for c, v in row.values.items() if v}}, row.columns
            )
    return [merged[k] for k in order]


def _take_new(
    on_conflict: str,
    row: Row,
    changes: dict,
    column: int,
    clash: str,
    kept: str,
    hint: str,
    errors: list,
    skipped: list,
) -> bool:
    """Whether a row's new values replace the old ones; a skip goes to ``skipped``, a failure to ``errors``."""
    if on_conflict == "skip":
        skipped.append(f"{row.file}:{row.line}: {kept}")
        return False
    if on_conflict == "fail":
        detail = "; ".join(f"{field} '{old}' → '{new}'" for field, (old, new) in changes.items())
        errors.append(EntityListError(row.file, row.line, column, f"{clash}: {detail}", hint=hint))
        return False
    return True
