"""Check entity-list rows against the ontology and the plan, and turn them into entities and links.

Every error names its file, line and column and says how to fix it; all
errors are collected and raised together as ``ValidationFailed``.

>>> from kg.lists.records import Lists, Row
>>> row = Row("entities.csv", 2, {"id": "tj", "kind": "Regoin", "name_zh": "天津", "name_en": "Tianjin",
...           "quote": "天津市人民政府办公厅关于印发"}, {"kind": 2})
>>> check(Lists(entities=[row]))
Traceback (most recent call last):
...
kg.errors.ValidationFailed: entities.csv:2:2: kind 'Regoin' is not in the ontology (did you mean 'Region'?)
1 error in the entity lists; nothing was written
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Mapping

from kg.errors import EntityListError, ValidationFailed
from kg.lists.cycles import HIERARCHIES, cycles
from kg.lists.hints import did_you_mean, kind_hint, offsets_text, shorten, suggest
from kg.lists.names import invisible_characters, normalise
from kg.lists.records import Entity, Excerpt, Link, Lists, Model, Row, paused_gc
from kg.lists.source import plan_text
from kg.vocab.ontology import Ontology, load_ontology
from kg.vocab.schema import ALIAS_SEPARATOR, AT_LEAST_ONE, ATTRIBUTES, FIELDS

__all__ = ["check", "Checker", "ID_PATTERN"]

ID_PATTERN = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def check(lists: Lists, *, ontology: Ontology | None = None, text: str | None = None) -> Model:
    """Check rows and return the model, or raise ``ValidationFailed`` with every error."""
    checker = Checker(ontology, text)
    with paused_gc():
        model = checker.run(lists)
    if checker.errors:
        raise ValidationFailed(checker.errors)
    return model


class Checker:
    """Checks rows one at a time and collects the errors in ``errors``: :func:`check` runs it over whole
    lists (:meth:`run`); an incremental check runs :meth:`entity` and :meth:`link` over some rows only,
    against entities and names already known (their kinds by id, the ids that bear a name).

    ``ontology`` (kept as ``onto``) and the plan's ``text`` default to the shipped ones.

    >>> from kg.lists.records import Row
    >>> checker = Checker()
    >>> row = Row("links.csv", 2, {"subject": "tj", "predicate": "partOf", "object": "Tianjin", "note": "curated: x"}, {})
    >>> link = checker.link(row, {"tj": "Region", "china": "Region"}, {"tianjin": ["china"]}.get)
    >>> link.key, checker.errors
    (('tj', 'partOf', 'china'), [])
    """

    def __init__(self, ontology: Ontology | None = None, text: str | None = None):
        self.onto = ontology or load_ontology()
        self.text = plan_text() if text is None else text
        self.errors: list[EntityListError] = []
        self.occurrences: dict[str, list[int]] = {}  # quote → its offsets in the plan
        self.excerpts: dict[tuple[int, str], Excerpt] = {}  # one Excerpt object per quote and offset
        self._fits: dict[tuple[str, str], bool] = {}

    def error(self, row: Row, column: str, message: str, hint: str | None = None) -> None:
        self.errors.append(EntityListError(row.file, row.line, row.column(column), message, hint=hint))

    def run(self, lists: Lists) -> Model:
        model = Model()
        first_row: dict[str, Row] = {}
        for row in lists.entities:
            entity = self.entity(row, first_row)
            if entity is not None:
                model.entities[entity.id] = entity
        names = model.names = self.name_index(model)
        kinds = {entity_id: entity.kind for entity_id, entity in model.entities.items()}
        seen: dict[tuple, Row] = {}
        for row in lists.links:
            link = self.link(row, kinds, names.get, lambda: [*kinds, *(e.name_zh for e in model.entities.values())])
            if link is None:
                continue
            if link.key in seen:
                self.error(
                    row,
                    "subject",
                    f"duplicate link {' '.join(link.key)}; first at line {seen[link.key].line}",
                    "delete one of the two rows",
                )
                continue
            seen[link.key] = row
            model.links.append(link)
        self.cycles(model)
        return model

    # Entities -------------------------------------------------------------

    def entity(self, row: Row, first_row: dict[str, Row] | None = None) -> Entity | None:
        """The row's entity; kept even when some cells are wrong, so that links to it do not
        cascade into errors (the errors recorded still stop the build). None for a bad id.
        ``first_row`` maps the ids seen so far to their rows (a repeated id is an error)."""
        first_row = {} if first_row is None else first_row
        values = row.values
        get = values.get
        entity_id = get("id", "")
        if not entity_id:
            self.error(row, "id", "id is empty", "give every entity a stable id such as 'binhai-new-area'")
        elif not ID_PATTERN.match(entity_id):
            suggestion = re.sub(r"[^a-z0-9]+", "-", entity_id.lower()).strip("-")
            self.error(
                row,
                "id",
                f"id '{entity_id}' is not lowercase ASCII words joined by single hyphens",
                f"for example '{suggestion or 'my-entity'}'",
            )
        elif entity_id in first_row:
            self.error(
                row,
                "id",
                f"duplicate id '{entity_id}'; first used at line {first_row[entity_id].line}",
                "give this entity another id, or merge the two rows",
            )
        else:
            first_row[entity_id] = row
        kind = get("kind", "")
        if kind not in self.onto.kinds:
            self.error(row, "kind", f"kind '{kind}' is not in the ontology", kind_hint(kind, self.onto.kinds))
        if not get("name_zh", ""):
            self.error(row, "name_zh", "name_zh is empty", "every entity needs its Chinese name")
        for column, message, hint in invisible_characters(values, ("name_zh", "name_en", "aliases")):
            self.error(row, column, message, hint)
        aliases_text = get("aliases", "")
        aliases = tuple(a.strip() for a in aliases_text.split(ALIAS_SEPARATOR) if a.strip()) if aliases_text else ()
        excerpt = self.excerpt(row, names=(get("name_zh", ""), *aliases))
        attrs = self.attributes(row, kind)
        if first_row.get(entity_id) is not row:
            return None
        return Entity(
            id=entity_id,
            kind=kind,
            name_zh=get("name_zh", ""),
            name_en=get("name_en", ""),
            aliases=aliases,
            excerpt=excerpt or None,
            note=get("note", ""),
            derived_from=get("derived_from", ""),
            attrs=attrs,
            row=row,
        )

    def attributes(self, row: Row, kind: str) -> dict[str, str]:
        """The row's filled attribute fields (:data:`kg.vocab.schema.ATTRIBUTES`), each checked: on a
        kind it applies to, present where required, of its type."""
        attrs = {}
        get = row.values.get
        for f in ATTRIBUTES:
            value = get(f.column, "")
            if not self.applies(f, kind):
                if value:
                    kinds = " or ".join(f.kinds)
                    self.error(
                        row,
                        f.column,
                        f"{f.column} is for {self.plural(f.kinds)} only",
                        f"clear the cell or set kind to {kinds}",
                    )
                continue
            value_type = f.value_type
            if not value and f.required and value_type.name == "text":
                self.error(row, f.column, f"{self.a(kind)} needs its {f.column}", f.hint or None)
                continue
            if value or f.required:
                try:
                    value_type.parse(value)
                except ValueError:
                    hint = f.hint or f"write it as, e.g., {value_type.example}"
                    self.error(row, f.column, f"{f.column} '{value}' is not {value_type.what}", hint)
            if value:
                attrs[f.column] = value
        for root, columns in AT_LEAST_ONE.items():
            if kind in self.onto.kinds and self.onto.is_a(kind, root) and not any(c in attrs for c in columns):
                needs, hint = f"{self.a(kind)} needs {' or '.join(columns)}, or both", FIELDS[columns[0]].hint
                self.error(row, columns[0], needs, hint or None)
        return attrs

    def applies(self, f, kind: str) -> bool:
        """Whether a field is for this kind: one of its ``kinds`` or below one (an unknown kind: no)."""
        if not f.kinds:
            return True
        known = self.onto.kinds.get(kind)
        return known is not None and any(k in known.chain for k in f.kinds)

    def plural(self, kinds: tuple[str, ...]) -> str:
        """``("Indicator",)`` → ``indicators``, from the ontology's English labels."""
        return " and ".join(self.onto.kinds[k].label_en.lower() + "s" if k in self.onto.kinds else k for k in kinds)

    def a(self, kind: str) -> str:
        """``Indicator`` → ``an indicator``."""
        label = self.onto.kinds[kind].label_en.lower()
        return f"{'an' if label[:1] in 'aeiou' else 'a'} {label}"

    def excerpt(self, row: Row, names: tuple[str, ...] | None = None) -> Excerpt | None | bool:
        """The row's excerpt, None for a curated row, False after an error."""
        get = row.values.get
        quote, start_text, note = get("quote", ""), get("quote_start", ""), get("note", "")
        if not quote:
            if start_text:
                self.error(
                    row,
                    "quote_start",
                    "quote_start is set but the quote is empty",
                    "fill in the quote or clear quote_start",
                )
                return False
            if not note:
                self.error(
                    row,
                    "quote",
                    "neither a quote of the plan nor a curation note",
                    "quote the plan verbatim, or explain the curated fact in the note column ('curated: …')",
                )
                return False
            return None
        if names is not None and not any(n and n in quote for n in names):
            self.error(
                row,
                "quote",
                "the quote contains neither the name nor an alias",
                "quote the words of the plan that name the entity, or add the form it uses as an alias",
            )
            return False
        occurrences = self.occurrences.get(quote)
        if occurrences is None:
            occurrences = self.occurrences[quote] = [m.start() for m in re.finditer(re.escape(quote), self.text)]
        if not occurrences:
            self.error(
                row,
                "quote",
                f"the quote is not in the plan: '{shorten(quote)}'",
                "copy the words from data/source exactly (mind full-width punctuation and spaces)",
            )
            return False
        if start_text:
            if not start_text.isdigit():
                self.error(
                    row,
                    "quote_start",
                    f"quote_start '{start_text}' is not a whole number",
                    f"the quote occurs at {offsets_text(occurrences)}",
                )
                return False
            start = int(start_text)
            if start not in occurrences:
                self.error(
                    row,
                    "quote_start",
                    f"the quote is not at offset {start}",
                    f"it occurs at {offsets_text(occurrences)}",
                )
                return False
        elif len(occurrences) > 1:
            self.error(
                row,
                "quote_start",
                f"the quote occurs {len(occurrences)} times in the plan",
                f"set quote_start to one of {offsets_text(occurrences)}, or quote more words",
            )
            return False
        else:
            start = occurrences[0]
        excerpt = self.excerpts.get((start, quote))
        if excerpt is None:
            excerpt = self.excerpts[(start, quote)] = Excerpt(start=start, end=start + len(quote), text=quote)
        return excerpt

    # Links ----------------------------------------------------------------

    def name_index(self, model: Model) -> dict[str, list[str]]:
        """Map each normalised name and alias to the ids that bear it; report clashes."""
        index: dict[str, list[str]] = {}
        folded: dict[str, str] = {}  # each name normalised once
        for entity in model.entities.values():
            keys = []
            for name in entity.names:
                if name:
                    key = folded.get(name)
                    if key is None:
                        key = folded[name] = normalise(name)
                    keys.append(key)
            for key in dict.fromkeys(keys):
                index.setdefault(key, []).append(entity.id)
        if all(len(owners) == 1 for owners in index.values()):
            return index  # no name is shared: nothing to report
        for entity in model.entities.values():
            for column, value in [("name_zh", entity.name_zh), *(("aliases", a) for a in entity.aliases)]:
                owners = index.get(folded.get(value) or normalise(value), [])
                if len(owners) > 1 and owners[-1] == entity.id and owners[0] != entity.id:
                    other = model.entities[owners[0]]
                    self.error(
                        entity.row,
                        column,
                        f"name '{value}' also names '{other.id}' (line {other.row.line})",
                        "a name or alias must name one entity: if both rows are the same entity merge them, otherwise remove the alias",
                    )
        return index

    def resolve(self, row: Row, column: str, kinds: Mapping[str, str], owners, candidates) -> str | None:
        ref = row.values.get(column, "")
        if not ref:
            self.error(row, column, f"{column} is empty", "give the id, name or alias of an entity")
            return None
        if ref in kinds:
            return ref
        found = owners(normalise(ref)) or []
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            self.error(
                row,
                column,
                f"'{ref}' names {len(found)} entities: {', '.join(found)}",
                "use the id of the one you mean",
            )
            return None
        pool = candidates() if candidates is not None else list(kinds)
        close = difflib.get_close_matches(ref, pool, n=3, cutoff=0.6)
        hint = did_you_mean(close) or "add the entity to entities.csv first"
        self.error(row, column, f"unknown entity '{ref}'", hint)
        return None

    def link(
        self,
        row: Row,
        kinds: Mapping[str, str],
        owners: Callable[[str], list[str] | None],
        candidates: Callable[[], list[str]] | None = None,
    ) -> Link | None:
        """The row's link, None after an error. ``kinds`` maps each known entity id to its kind,
        ``owners`` a normalised name to the ids that bear it (None or empty: none), ``candidates``
        gives what to suggest for an unknown entity (default: the ids)."""
        values = row.values
        predicate = values.get("predicate", "")
        link_type = self.onto.links.get(predicate)
        if link_type is None:
            hint = suggest(predicate, self.onto.links) or f"use one of: {', '.join(self.onto.links)}"
            self.error(row, "predicate", f"link type '{predicate}' is not in the ontology", hint)
        subject, obj = values.get("subject", ""), values.get("object", "")
        if subject not in kinds:  # a name, not an id
            subject = self.resolve(row, "subject", kinds, owners, candidates)
        if obj not in kinds:
            obj = self.resolve(row, "object", kinds, owners, candidates)
        excerpt = self.excerpt(row)
        if link_type is None or subject is None or obj is None or excerpt is False:
            return None
        ok = True
        for column, entity_id, expected, end in (
            ("subject", subject, link_type.domain, "start at"),
            ("object", obj, link_type.range, "point to"),
        ):
            kind = kinds[entity_id]
            if expected and not self.fits(kind, expected):
                self.error(
                    row,
                    column,
                    f"a {predicate} link must {end} {self.onto.describe(expected)}, but '{entity_id}' is a {kind}",
                    "choose another link type or another entity",
                )
                ok = False
        if subject == obj:
            self.error(row, "object", f"'{subject}' is linked to itself", "a link joins two different entities")
            ok = False
        if not ok:
            return None
        return Link.of_row(row, subject, predicate, obj, excerpt)

    def fits(self, kind: str, expected: str) -> bool:
        """Whether an entity of this kind may be a link's end that expects ``expected`` (an unknown kind
        is reported on its own row); remembered per pair."""
        known = self._fits.get((kind, expected))
        if known is None:
            known = self._fits[(kind, expected)] = kind not in self.onto.kinds or self.onto.is_a(kind, expected)
        return known

    def cycles(self, model: Model) -> None:
        """The domain taxonomy and place hierarchy must not loop."""
        hierarchies: dict[str, dict[str, list[Link]]] = {p: {} for p in HIERARCHIES}
        for link in model.links:
            parents = hierarchies.get(link.predicate)
            if parents is not None:
                parents.setdefault(link.subject, []).append(link)
        order: dict[int, int] = {}  # links are equal by value: key by identity
        for predicate, parents in hierarchies.items():
            for cycle in cycles(parents):
                order = order or {id(link): i for i, link in enumerate(model.links)}
                path = " → ".join([*(link.subject for link in cycle), cycle[0].subject])
                last = max(cycle, key=lambda link: order[id(link)])  # report at the row that comes last
                self.error(last.row, "object", f"{predicate} links form a cycle: {path}", "remove one of these links")
