"""The lists of a workspace checked, and built into RDF files and an on-disk SPARQL store.

>>> len(plan_model().entities) > 100
True
"""

from __future__ import annotations

from pathlib import Path

from loaders.outputs import check_outputs, reporting_write_errors

__all__ = ["plan_model", "lists_graph", "sparql_engine", "validate", "build", "synth"]


def plan_model(data=None):
    """The lists' checked model: the row checks (which cover every SHACL shape; :func:`validate`
    and :func:`build` run the shapes too)."""
    from kg.lists.checks import check
    from loaders.csv_lists import read_workspace

    return check(read_workspace(data))


def lists_graph(data=None):
    """The lists' property graph, straight from the checked rows (no RDF graph is built)."""
    from kg.graph.mapping import model_to_property_graph

    return model_to_property_graph(plan_model(data))


def sparql_engine(data=None, store=None):
    """The embedded SPARQL engine: over the on-disk ``store`` if given, else over the lists of ``data``."""
    from kg.query.sparql import SparqlEngine

    return SparqlEngine.open(store) if store is not None else SparqlEngine.from_model(plan_model(data))


def validate(data=None, *, shacl: bool | None = None) -> dict:
    """Run every check; the ``entities`` and ``links`` counts, whether the SHACL shapes ran, and the
    ``warnings`` a human must judge (:func:`kg.lists.judgement.judge`)."""
    from kg.lists.judgement import judge
    from kg.rdf.validate import checked, shacl_runs
    from loaders.csv_lists import read_workspace

    model = checked(read_workspace(data), shacl=shacl)
    return {
        "entities": len(model.entities),
        "links": len(model.links),
        "shacl": shacl_runs(model, shacl),
        "warnings": judge(model),
    }


@reporting_write_errors
def build(data=None, *, output: str | Path, shacl: bool | None = None, store: str | Path | None = None) -> dict:
    """Check the lists and write plan.ttl, plan.nt and plan.jsonld into ``output`` (and an on-disk
    SPARQL store into ``store``); nothing is written when a check fails. Returns the counts of
    ``entities``, ``links`` and ``triples``, the ``paths``, the ``store`` and the ``warnings`` (which do not
    stop it). An output that would replace the lists read is refused (:func:`loaders.outputs.check_outputs`)."""
    from kg.lists.judgement import judge
    from kg.query.sparql import check_store_target, write_store
    from kg.rdf.build import triples
    from kg.rdf.serialize import write_rdf
    from kg.rdf.validate import checked
    from loaders.csv_lists import read_workspace

    check_outputs(data, [Path(output) / name for name in ("plan.ttl", "plan.nt", "plan.jsonld")])
    if store is not None:
        check_outputs(data, [store])
        check_store_target(store)  # before anything is written
    model = checked(read_workspace(data), shacl=shacl)
    done = {"entities": len(model.entities), "links": len(model.links), "warnings": judge(model)}
    paths, done["triples"] = write_rdf(triples(model), output)
    del model  # the store is loaded from plan.nt
    done["paths"] = paths
    done["store"] = write_store(Path(output) / "plan.nt", store) if store is not None else None
    return done


@reporting_write_errors
def synth(n: int, output: str | Path, *, seed: int = 42, wait: float = 0.0) -> dict:
    """Write a synthetic workspace of ``n`` entities into ``output`` (replacing the lists there);
    the ``entities`` and ``links`` written."""
    from kg.lists.synth import synthesize
    from loaders.workspace import write_workspace

    Path(output).mkdir(parents=True, exist_ok=True)
    entities, links = synthesize(n, seed=seed)
    write_workspace(Path(output), entities, links, wait=wait)
    return {"entities": len(entities), "links": len(links)}
