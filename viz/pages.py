"""The pages of a workspace of lists: one view (:func:`view`), or the whole report (:func:`report`).

>>> import tempfile
>>> done = view(None, Path(tempfile.mkdtemp()) / "g.html", focus="cell-valley")
>>> done["nodes"] > 1, done["path"].name
(True, 'g.html')
"""

from __future__ import annotations

from pathlib import Path

from loaders.outputs import check_outputs, reporting_write_errors

__all__ = ["TITLE", "view", "report"]

TITLE = "天津市科技创新“十四五”规划知识图谱"


@reporting_write_errors
def view(
    data,
    output: str | Path,
    *,
    focus: str | None = None,
    hops: int = 1,
    kinds: tuple[str, ...] = (),
    domain: str | None = None,
    region: str | None = None,
    layout: str = "force",
    title: str | None = None,
    max_nodes: int | None = None,
) -> dict:
    """Write the view of the lists of ``data`` (narrowed as :func:`viz.select.select` does) into the
    HTML file ``output`` (replaced if it exists; never one of the lists read); return the ``nodes``
    and ``links`` drawn and the ``path``."""
    from kg.graph.regions import regions_of
    from loaders.build import lists_graph
    from viz.html import MAX_NODES, render, write_page
    from viz.select import select

    check_outputs(data, [output])
    pg = lists_graph(data)
    part = select(pg, focus=focus, hops=hops, kinds=tuple(kinds), domain=domain, region=region)
    default_title = TITLE + (f" · {focus}" if focus else "")
    page = render(
        part,
        layout=layout,
        title=title or default_title,
        regions=regions_of(pg),
        max_nodes=max_nodes or MAX_NODES,
        overview=not (focus or kinds or domain or region),
    )
    return {"nodes": len(part.nodes), "links": len(part.rels), "path": write_page(page, output)}


@reporting_write_errors
def report(data, output: str | Path) -> dict:
    """Write the report of the lists of ``data`` (:func:`viz.report.write_report`) and the RDF graph
    into the folder ``output``; return the ``entities``, ``links``, ``files`` written and the ``index`` page."""
    from kg.analysis.measures import analyze
    from kg.graph.mapping import model_to_property_graph
    from kg.rdf.build import triples
    from kg.rdf.serialize import write_rdf
    from loaders.build import plan_model
    from viz.report import write_report

    check_outputs(data, [Path(output) / "index.html"])
    model = plan_model(data)
    pg = model_to_property_graph(model)
    rdf, _ = write_rdf(triples(model), output)
    paths = write_report(pg, analyze(pg), output, data_files=tuple(rdf))
    output = Path(output)
    return {"entities": len(pg.nodes), "links": len(pg.rels), "files": len(paths), "index": output / "index.html"}
