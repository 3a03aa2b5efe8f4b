"""Cached files carry a format number: a guard fails when the code they depend on changes without a bump.

A load snapshot (:mod:`loaders.bolt.snapshot`) and the parsed-ontology cache
(:mod:`kg.vocab.ontology`) are named by an explicit format number and the
package version, not by a digest of the code. When the code below changes,
decide whether what it makes changed: if so, raise the format number; either
way, write the new digest printed by the failure here.
"""

from __future__ import annotations

import hashlib
import importlib
import inspect

import pytest

SNAPSHOT_CODE = (
    "kg.lists.checks",
    "kg.lists.cycles",
    "kg.lists.incremental",
    "kg.graph.mapping",
    "kg.lists.records",
    "kg.lists.names",
    "kg.lists.sections",
    "kg.lists.source",
    "kg.vocab.schema",
    "loaders.formats:decode",
    "loaders.formats:read_delimited",
    "loaders.bolt.state",
    "loaders.bolt.snapshot",
)
SNAPSHOT_DIGEST = "70d548af88b9da47ff76ea216bf86895"

ONTOLOGY_CODE = ("kg.vocab.ontology",)
ONTOLOGY_DIGEST = "349ea7d735cd30717dc61f83aa8e5071"


def source_digest(names) -> str:
    """A digest of the source of these modules (``module``) and functions (``module:name``)."""
    digest = hashlib.sha256()
    for name in names:
        module_name, _, attribute = name.partition(":")
        code = importlib.import_module(module_name)
        if attribute:
            code = getattr(code, attribute)
        digest.update(f"{name}\n{inspect.getsource(code)}\n".encode())
    return digest.hexdigest()[:32]


@pytest.mark.parametrize(
    ("names", "known", "bump", "constant"),
    [
        (SNAPSHOT_CODE, SNAPSHOT_DIGEST, "loaders.bolt.snapshot.FORMAT", "SNAPSHOT_DIGEST"),
        (ONTOLOGY_CODE, ONTOLOGY_DIGEST, "kg.vocab.ontology.CACHE_FORMAT", "ONTOLOGY_DIGEST"),
    ],
    ids=["snapshot", "ontology-cache"],
)
def test_cached_code_unchanged(names, known, bump, constant):
    found = source_digest(names)
    assert found == known, (
        f"the code of {', '.join(names)} changed: raise {bump} and update this digest "
        f"({constant} = {found!r} in tests/test_cache_formats.py); leave {bump} as it is only if "
        "what the code makes did not change"
    )
