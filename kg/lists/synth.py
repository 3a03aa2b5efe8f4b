"""Synthetic entity lists shaped like the plan's, for benchmarks at 10 k to 1 M entities.

The same mix of kinds as the plan's lists, three links per entity on average
(each of a type whose domain and range fit), zh and en names, aliases and
provenance (a curation note: synthetic entities are not in the plan). The
same ``n`` and ``seed`` always give the same lists, and every check of
``kg validate`` passes on them.

>>> entities, links = synthesize(50, seed=1)
>>> len(entities), round(len(links) / len(entities))
(50, 3)
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterator

from kg.vocab.ontology import load_ontology

__all__ = ["synthesize", "PLAN_MIX"]

#: Share of each root kind in the plan's own lists (300 entities).
PLAN_MIX = {
    "Place": 72,
    "Platform": 42,
    "Institution": 44,
    "TechnologyDomain": 84,
    "Indicator": 11,
    "ResearchDirection": 5,
    "Programme": 42,
}
_LINK_MIX = [  # (link, subject root, object root, weight)
    ("locatedIn", "Platform", "Place", 5),
    ("locatedIn", "Institution", "Place", 4),
    ("locatedIn", "Place", "Place", 3),
    ("focusesOn", "Platform", "TechnologyDomain", 4),
    ("focusesOn", "Place", "TechnologyDomain", 2),
    ("reliesOn", "Place", "Platform", 2),
    ("reliesOn", "Platform", "Institution", 2),
    ("drawsOn", "Place", "Institution", 1),
    ("partnersWith", "Place", "Institution", 2),
    ("partnersWith", "Institution", "Institution", 1),
    ("subOrganizationOf", "Institution", "Institution", 1),
    ("jointlyBuiltWith", "Platform", "Institution", 1),
    ("serves", "Programme", "Place", 1),
]
_ZH = {
    "Place": "园区",
    "Platform": "平台",
    "Institution": "机构",
    "TechnologyDomain": "领域",
    "Indicator": "指标",
    "ResearchDirection": "方向",
    "Programme": "计划",
}


def _kinds_by_root() -> dict[str, list[str]]:
    onto = load_ontology()
    kinds: dict[str, list[str]] = {}
    for name, kind in onto.kinds.items():
        kinds.setdefault(kind.root, []).append(name)
    return kinds


def synthesize(n: int, *, seed: int = 42, links_per_entity: float = 3.0) -> tuple[list[dict], list[dict]]:
    """Rows of ``entities.csv`` and ``links.csv`` for ``n`` synthetic entities."""
    entities = list(iter_entities(n, seed=seed))
    return entities, list(iter_links(entities, seed=seed, links_per_entity=links_per_entity))


def iter_entities(n: int, *, seed: int = 42) -> Iterator[dict]:
    rng = random.Random(seed)
    kinds = _kinds_by_root()
    total = sum(PLAN_MIX.values())
    counts = {root: max(1, n * share // total) for root, share in PLAN_MIX.items()}
    counts["Place"] += n - sum(counts.values())
    serial = Counter()
    for root, count in counts.items():
        for _ in range(count):
            serial[root] += 1
            number = serial[root]
            kind = "TechnologyDomain" if root == "TechnologyDomain" else rng.choice(kinds[root])
            row = {
                "id": f"syn-{root.lower()}-{number}",
                "kind": kind,
                "name_zh": f"合成{_ZH[root]}{number:07d}",
                "name_en": f"Synthetic {root} {number}",
                "aliases": f"合{_ZH[root]}{number}" if number % 3 == 0 else "",
                "note": f"curated: synthetic {root.lower()} {number} (seed {seed})",
            }
            if root == "Indicator":
                row.update(unit="%", value_2020=f"{rng.randint(1, 900) / 10}", value_2025=f"{rng.randint(1, 900) / 10}")
            yield row


def iter_links(entities: list[dict], *, seed: int = 42, links_per_entity: float = 3.0) -> Iterator[dict]:
    """Links whose types fit their ends; place, domain and organisation trees point to earlier rows only, so never loop."""
    rng = random.Random(seed + 1)
    by_root: dict[str, list[str]] = {}
    for row in entities:
        by_root.setdefault(row["id"].split("-")[1], []).append(row["id"])
    roots = {r.lower(): r for r in PLAN_MIX}
    pools = {roots[k]: v for k, v in by_root.items()}
    # The domain taxonomy: every domain but the first few has a broader one earlier in the list.
    domains = pools.get("TechnologyDomain", [])
    seen: set[tuple[str, str, str]] = set()
    for i, domain in enumerate(domains[3:], start=3):
        parent = domains[rng.randrange(max(1, i // 4), i)] if i > 3 else domains[0]
        seen.add((domain, "broader", parent))
        yield {"subject": domain, "predicate": "broader", "object": parent, "note": "curated: synthetic"}
    mix = [(link, s, o) for link, s, o, w in _LINK_MIX for _ in range(w) if pools.get(s) and pools.get(o)]
    wanted = int(len(entities) * links_per_entity) - len(seen)
    made = attempts = 0
    while made < wanted and attempts < wanted * 3:
        attempts += 1
        link, s_root, o_root = rng.choice(mix)
        subjects, objects = pools[s_root], pools[o_root]
        i = rng.randrange(len(subjects))
        if s_root == o_root:
            if i == 0:
                continue
            j = rng.randrange(i)  # an earlier entity: trees cannot loop
            subject, obj = subjects[i], objects[j]
        else:
            subject, obj = subjects[i], objects[rng.randrange(len(objects))]
        key = (subject, link, obj)
        if key in seen:
            continue
        seen.add(key)
        made += 1
        yield {"subject": subject, "predicate": link, "object": obj, "note": "curated: synthetic"}
