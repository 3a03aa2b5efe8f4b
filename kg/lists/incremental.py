"""Check a new version of the lists by the rows whose text changed since a full check.

A full check (:func:`kg.lists.checks.check`) reads every row. Once it has passed,
:func:`index_lists` keeps what later checks need to know of the lists as plain
data (:class:`ListsIndex`: each record's text, the ids and their kinds, the
name index, each link's ends, which links name which entity). Given the text
of a new version, :func:`changes` finds the records whose text changed (a set
difference of the lines), checks them against the index, re-resolves the links
that name an entity whose names or kind changed, and returns the entities and
links that went and came (:class:`Changes`), with the index of the new version.

It answers ``None`` when it cannot prove that the full check would pass with
the same result: a record over several lines, a repeated line, a new header,
any error, a name borne by more than one entity among those that changed;
and when more than a fifth of a file's records changed (the full check is then
as quick). The caller then runs the full check, which finds and explains every
error: this module never reports one.

>>> from kg.lists.records import Lists, Row
>>> from kg.lists.checks import check
>>> header = "id,kind,name_zh,name_en,note"
>>> text = header + "\\ntj,Region,天津,Tianjin,curated: x\\n"
>>> row = Row("entities.csv", 2, dict(zip(header.split(","), ["tj", "Region", "天津", "Tianjin", "curated: x"])), {})
>>> index = index_lists(text, "subject,predicate,object\\n", check(Lists(entities=[row])))
>>> from loaders.formats import read_delimited
>>> found = changes(index, text.replace("Tianjin,", "Tianjin City,"), None, parse=read_delimited)
>>> [e.name_en for e in found.removed_entities], [e.name_en for e in found.added_entities]
(['Tianjin'], ['Tianjin City'])
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kg.lists.checks import Checker
from kg.lists.cycles import HIERARCHIES, closes_cycle
from kg.lists.names import normalise
from kg.lists.records import Entity, Link, Model, Row
from kg.vocab.ontology import load_ontology
from kg.vocab.schema import ENTITIES_FILE, LINKS_FILE

__all__ = ["ListsIndex", "Changes", "index_lists", "changes"]

#: Above this share of changed records, :func:`changes` leaves the lists to the full check.
MOST_CHANGED = 0.2


class ListsIndex:
    """What the checks need to know of lists that passed them, as plain data.

    ``entities`` and ``links`` map each record's text (one line of the file)
    to the entity's id or the link's ``(subject, predicate, object)`` ids;
    ``kinds`` maps each id to its kind. ``names`` maps each normalised name
    and alias to the id of the one entity that bears it, ``shared`` those borne
    by several (an English name may be) to their ids. ``refs`` maps each
    normalised subject or object that a link row gives as a name, not an id,
    to the records of those links. Equal strings are one object, so that the
    index is small and quick to load.

    It comes in two parts (:meth:`entity_part`, :meth:`link_part`, the
    largest); the link part may be given as a function that reads it, called
    when ``links`` is first used (not at all when only entities changed and no
    link needs checking again).
    """

    def __init__(self, entity_header: str, link_header: str):
        self.entity_header, self.link_header = entity_header, link_header
        self.entities: dict[str, str] = {}
        self.kinds: dict[str, str] = {}
        self.names: dict[str, str] = {}
        self.shared: dict[str, list[str]] = {}
        self.refs: dict[str, list[str]] = {}
        self.link_count = 0  # len(links), known without reading the link part
        self._links: dict[str, tuple[str, str, str]] = {}
        self._read_links = None

    @property
    def links(self) -> dict[str, tuple[str, str, str]]:
        self._load_links()
        return self._links

    @property
    def links_loaded(self) -> bool:
        """Whether the link part is in memory (else it was never needed)."""
        return self._read_links is None

    def _load_links(self) -> None:
        if self._read_links is not None:
            read, self._read_links = self._read_links, None
            self._links = read()

    def entity_part(self) -> tuple:
        """Everything but the links, as a tuple of plain values (for ``marshal``)."""
        parts = (self.entities, self.kinds, self.names, self.shared, self.refs, self.link_count)
        return (self.entity_header, self.link_header, *parts)

    def link_part(self) -> dict[str, tuple[str, str, str]]:
        return self.links

    @classmethod
    def from_parts(cls, entity_part: tuple, link_part) -> ListsIndex:
        """An index from its parts; ``link_part`` may be a function that returns it."""
        index = cls(entity_part[0], entity_part[1])
        _, _, index.entities, index.kinds, index.names, index.shared, index.refs, index.link_count = entity_part
        if callable(link_part):
            index._read_links = link_part
        else:
            index._links = link_part
            index.link_count = len(link_part)
        return index

    def owners(self, name: str) -> list[str]:
        """The ids of the entities that bear this normalised name."""
        owner = self.names.get(name)
        return [owner] if owner is not None else self.shared.get(name, [])


@dataclass
class Changes:
    """What went and came between two versions of the lists that both pass the checks.

    An entity whose row changed is in both lists (its old and new version), as
    is a link whose row changed or whose ends now resolve to other entities.
    """

    removed_entities: list[Entity] = field(default_factory=list)
    added_entities: list[Entity] = field(default_factory=list)
    removed_links: list[Link] = field(default_factory=list)
    added_links: list[Link] = field(default_factory=list)
    index: ListsIndex | None = None

    @property
    def empty(self) -> bool:
        return not (self.removed_entities or self.added_entities or self.removed_links or self.added_links)


def lines_of(text: str) -> list[str] | None:
    """The lines of a list's text (CRLF or LF), or None if it holds a lone carriage return."""
    text = text.replace("\r\n", "\n")
    if "\r" in text:
        return None
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def index_lists(entity_text: str, link_text: str, model: Model) -> ListsIndex | None:
    """The index of lists that passed the full check (``model``, whose rows were read from these texts).

    None if a record spans several lines (the index knows records by their
    line), or a line that is not blank holds no row (a row of empty cells).
    """
    entity_lines, link_lines = lines_of(entity_text), lines_of(link_text)
    if not entity_lines or not link_lines:
        return None
    # A record over several lines takes two lines or more that are not blank: as many rows as such lines, none does.
    if len(model.entities) != _filled(entity_lines) or len(model.links) != _filled(link_lines):
        return None
    onto = load_ontology()
    kinds = {name: name for name in onto.kinds}  # one string object per kind, link type and id
    predicates = {name: name for name in onto.links}
    ids = {entity_id: entity_id for entity_id in model.entities}
    index = ListsIndex(entity_lines[0], link_lines[0])
    records, entity_kinds = index.entities, index.kinds
    for entity_id, entity in model.entities.items():
        records[entity_lines[entity.row.line - 1]] = entity_id
        entity_kinds[entity_id] = kinds[entity.kind]
    for name, owners in (model.names or _names(model.entities.values())).items():
        if len(owners) == 1:
            index.names[name] = ids[owners[0]]
        else:
            index.shared[name] = [ids[o] for o in owners]
    records, folded = index.links, {}
    for link in model.links:
        line = link_lines[link.row.line - 1]
        records[line] = (ids[link.subject], predicates[link.predicate], ids[link.object])
        values = link.row.values
        if values.get("subject", "") not in entity_kinds or values.get("object", "") not in entity_kinds:
            for ref in _name_refs(link.row, entity_kinds, folded):
                index.refs.setdefault(ref, []).append(line)
    index.link_count = len(records)
    return index


def _filled(lines: list[str]) -> int:
    """The lines after the header that are not empty."""
    return len(lines) - 1 - lines[1:].count("")


def _name_refs(row: Row, ids, folded: dict[str, str]) -> set[str]:
    """The normalised subject and object of a link row that are names, not ids (``folded`` memoises)."""
    refs = set()
    for column in ("subject", "object"):
        value = row.values.get(column, "")
        if value in ids:
            continue
        ref = folded.get(value)
        if ref is None:
            ref = folded[value] = normalise(value)
        refs.add(ref)
    return refs


def _names(entities) -> dict[str, list[str]]:
    index: dict[str, list[str]] = {}
    for entity in entities:
        for name in _entity_names(entity):
            index.setdefault(name, []).append(entity.id)
    return index


def _entity_names(entity: Entity) -> list[str]:
    return list(dict.fromkeys(normalise(n) for n in entity.names if n))


def changes(index: ListsIndex, entity_text: str | None, link_text: str | None, *, parse) -> Changes | None:
    """The changes from the indexed lists to these texts, checked; None if only the full check can tell.

    A text given as None is the same as when indexed. ``parse(text, file)``
    reads CSV text as the full read does, into ``(header, rows, errors)``
    (:func:`loaders.formats.read_delimited`). The index is updated in place to
    describe the new texts (and returned in the result): do not use it again
    if the answer is None.
    """
    diffs = []
    for text, header, known in (
        (entity_text, index.entity_header, lambda: index.entities),
        (link_text, index.link_header, lambda: index.links),
    ):
        if text is None:
            diffs.append((header, [], []))
            continue
        lines = lines_of(text)
        if not lines or lines[0] != header:
            return None
        diff = _diff(lines, known())
        if diff is None or len(diff[1]) + len(diff[2]) > max(MOST_CHANGED * len(lines), 100):
            return None  # a line that appears twice, a record over several lines, or much changed
        diffs.append(diff)
    checker = Checker()
    found = Changes(index=index)
    touched = _apply_entities(index, checker, parse, *diffs[0], found)
    if touched is None or not _apply_links(index, checker, parse, *diffs[1], *touched, found):
        return None
    return found


def _diff(lines: list[str], known: dict) -> tuple[str, list[str], list[str]] | None:
    """(header, removed records, added records); None for a repeated line or a record over several lines."""
    records = set(lines[1:])
    records.discard("")
    if len(records) != len(lines) - 1 - lines[1:].count(""):
        return None  # a line that appears twice: a duplicate the full check names
    added = sorted(records.difference(known))
    removed = sorted(known.keys() - records)
    if any(line.count('"') % 2 for line in added):
        return None  # the first line of a record over several lines
    return lines[0], removed, added


def _rows(parse, header: str, lines: list[str], file: str) -> list[tuple[str, Row]] | None:
    """Each record that is a row (the reader skips records whose cells are all blank) with its row,
    parsed as the full read parses it; None on any error."""
    if not lines:
        return []
    _, rows, errors = parse("\n".join([header, *lines]), file)
    if errors:
        return None
    return [(lines[row.line - 2], row) for row in rows]  # one line a record: line n + 2 of the text


def _apply_entities(index, checker, parse, header, removed, added, found) -> tuple[set[str], set[str]] | None:
    """Check the new entity records and update the index; return the names whose owner changed
    and the ids that came, went or changed kind."""
    old_rows, new_rows = _rows(parse, header, removed, ENTITIES_FILE), _rows(parse, header, added, ENTITIES_FILE)
    if old_rows is None or new_rows is None:
        return None
    old = {}
    for _, row in old_rows:
        entity = checker.entity(row, {})
        if entity is None:
            return None
        old[entity.id] = entity
    new = {}
    for _, row in new_rows:
        entity = checker.entity(row, {})
        if entity is None or checker.errors or entity.id in new:
            return None
        if entity.id in index.kinds and entity.id not in old:
            return None  # an id already taken by an unchanged row
        new[entity.id] = entity
    if checker.errors:
        return None
    names, touched, ids = index.names, set(), set()
    old_names = {entity.id: _entity_names(entity) for entity in old.values()}
    new_names = {entity.id: _entity_names(entity) for entity in new.values()}
    for entity_id, bearer in old_names.items():
        for name in bearer:
            if names.get(name) != entity_id:
                return None  # a name borne by another entity too: which row errs depends on the order
            del names[name]
        touched.update(set(bearer).symmetric_difference(new_names.get(entity_id, ())))
    for entity_id, bearer in new_names.items():
        for name in bearer:
            if name in names or name in index.shared:
                return None
            names[name] = entity_id
        touched.update(set(bearer).difference(old_names.get(entity_id, ())))
    kinds = {name: name for name in checker.onto.kinds}
    for entity_id, entity in old.items():
        if entity_id not in new or new[entity_id].kind != entity.kind:
            ids.add(entity_id)
            del index.kinds[entity_id]
    for entity_id, entity in new.items():
        if entity_id not in index.kinds:
            ids.add(entity_id)
            index.kinds[entity_id] = kinds[entity.kind]
    for line in removed:
        del index.entities[line]
    for line, row in new_rows:
        index.entities[line] = row.get("id")
    found.removed_entities = sorted(old.values(), key=lambda e: e.id)
    found.added_entities = sorted(new.values(), key=lambda e: e.id)
    return touched, ids


def _apply_links(index, checker, parse, header, removed, added, names, ids, found) -> bool:
    """Check the new link records, and again those that name an entity whose names, id or kind
    changed; update the index."""
    recheck = {line for key in names | ids for line in index.refs.get(key, ())}
    if ids:  # links by id to an entity that came, went or changed kind
        recheck.update(line for line, (s, _, o) in index.links.items() if s in ids or o in ids)
    recheck.difference_update(removed)
    old_lines, new_lines = sorted(set(removed) | recheck), sorted(set(added) | recheck)
    old_rows, new_rows = _rows(parse, header, old_lines, LINKS_FILE), _rows(parse, header, new_lines, LINKS_FILE)
    if old_rows is None or new_rows is None:
        return False
    new_links: dict[str, Link] = {}
    for line, row in new_rows:
        for column in ("subject", "object"):
            ref = row.get(column)
            if not ref or (ref not in index.kinds and normalise(ref) not in index.names):
                return False  # empty, unknown or ambiguous: the full check says which
        link = checker.link(row, index.kinds, index.owners)
        if link is None or checker.errors:
            return False
        new_links[line] = link
    old_links = {}
    for line, row in old_rows:
        excerpt = checker.excerpt(row)
        subject, predicate, obj = index.links[line]
        old_links[line] = Link.of_row(row, subject, predicate, obj, excerpt or None)
    # Each record's refs are filed again: whether a ref is a name or an id may have changed.
    folded: dict[str, str] = {}
    for line, link in old_links.items():
        for ref in _name_refs(link.row, (), folded):
            lines = index.refs.get(ref)
            if lines is not None and line in lines:
                lines.remove(line)
                if not lines:
                    del index.refs[ref]
    for line, link in new_links.items():
        for ref in _name_refs(link.row, index.kinds, folded):
            index.refs.setdefault(ref, []).append(line)
    for line in recheck:  # the same record resolved as before: not a change
        if line in new_links and new_links[line].key == old_links[line].key:
            del new_links[line], old_links[line]
    if not old_links and not new_links:
        return True
    keys = set(index.links.values())
    for line, link in old_links.items():
        keys.discard(link.key)
        del index.links[line]
    predicates = {name: name for name in checker.onto.links}
    for line, link in new_links.items():
        if link.key in keys:
            return False  # a duplicate link
        keys.add(link.key)
        index.links[line] = (link.subject, predicates[link.predicate], link.object)
    if _closes_cycle(index, [link for link in new_links.values() if link.predicate in HIERARCHIES]):
        return False
    index.link_count = len(index.links)
    found.removed_links = sorted(old_links.values(), key=lambda link: link.key)
    found.added_links = sorted(new_links.values(), key=lambda link: link.key)
    return True


def _closes_cycle(index: ListsIndex, new: list[Link]) -> bool:
    """Whether the hierarchy links (the index already holds the new ones) form a cycle through a new one."""
    if not new:
        return False
    parents: dict[str, dict[str, list[str]]] = {p: {} for p in {link.predicate for link in new}}
    for subject, predicate, obj in index.links.values():
        if predicate in parents:
            parents[predicate].setdefault(subject, []).append(obj)
    return closes_cycle(parents, new)
