"""Write a stream of N-Triples lines as N-Triples, Turtle and JSON-LD, atomically.

The lines (from :func:`kg.rdf.build.triples`) go to the N-Triples file as they
come; Turtle and JSON-LD are then written from that file by Oxigraph's
streaming serialisers, so no format needs the graph in memory. Same lines,
same bytes. Files are written beside their target and renamed into place only
when all three are ready.

>>> import tempfile
>>> folder = tempfile.mkdtemp()
>>> paths, count = write_rdf(['<urn:a> <http://example.org/p> "天津"@zh .\\n'], folder)
>>> [p.name for p in paths], count
(['plan.ttl', 'plan.nt', 'plan.jsonld'], 1)
>>> paths[0].read_text(encoding="utf-8").splitlines()[-1]
'<urn:a> <http://example.org/p> "天津"@zh .'
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from kg.vocab.terms import PREFIXES

__all__ = ["FORMATS", "write_rdf"]

#: Output formats: name → file suffix.
FORMATS = {"ttl": ".ttl", "nt": ".nt", "jsonld": ".jsonld"}


def write_rdf(lines: Iterable[str], directory: str | Path, stem: str = "plan") -> tuple[list[Path], int]:
    """Write ``stem.ttl``, ``stem.nt`` and ``stem.jsonld`` into ``directory``; return their paths
    and the number of triples.

    Either every file is replaced or none is (also when ``lines`` raises part-way).
    """
    import pyoxigraph

    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    paths = {fmt: directory / f"{stem}{suffix}" for fmt, suffix in FORMATS.items()}
    temps = {fmt: path.with_name(f".{path.name}.tmp") for fmt, path in paths.items()}
    prefixes = {prefix: str(namespace) for prefix, namespace in PREFIXES.items()}
    count = 0
    try:
        with open(temps["nt"], "w", encoding="utf-8", newline="\n") as out:
            for line in lines:
                out.write(line)
                count += 1
        for fmt, rdf_format in (("ttl", pyoxigraph.RdfFormat.TURTLE), ("jsonld", pyoxigraph.RdfFormat.JSON_LD)):
            quads = pyoxigraph.parse(path=temps["nt"], format=pyoxigraph.RdfFormat.N_TRIPLES)
            pyoxigraph.serialize(quads, temps[fmt], rdf_format, prefixes=prefixes)
        for fmt in ("ttl", "nt", "jsonld"):
            os.replace(temps[fmt], paths[fmt])
    finally:
        for temp in temps.values():
            temp.unlink(missing_ok=True)
    return list(paths.values()), count
