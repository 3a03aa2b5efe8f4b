"""Commands that draw and measure the graph: viz, analyze, report."""

from __future__ import annotations

from pathlib import Path

import click

from kg.cli.options import data_option, format_option, neo4j_options, output_option, settings
from kg.cli.render import render_as
from kg.vocab.schema import REGIONS

__all__ = ["viz", "analyze", "report"]


@click.command()
@data_option
@output_option(Path("out/graph.html"), "HTML file to write.", file=True)
@click.option("--focus", type=str, help="Show only this entity (id, name or alias) and its neighbourhood.")
@click.option("--hops", type=click.IntRange(0, 6), default=1, show_default=True, help="How far from --focus to go.")
@click.option(
    "--kind",
    "kinds",
    type=str,
    multiple=True,
    help="Only entities of this kind (repeatable; any level: Platform, LandmarkZone …).",
)
@click.option("--domain", type=str, help="Only what focuses on this technology domain or one below it.")
@click.option(
    "--region",
    type=click.Choice([zh for zh, _ in REGIONS.values()]),
    help="Only entities in this region (国家: central and national-level bodies).",
)
@click.option(
    "--layout",
    type=click.Choice(["force", "regions", "geo"]),
    default="force",
    show_default=True,
    help="force: by links; regions: Beijing, Tianjin, Hebei side by side; geo: by coordinates.",
)
@click.option("--title", type=str, help="Page title.")
@click.option(
    "--max-nodes",
    type=click.IntRange(1, 100_000),
    default=2000,
    show_default=True,
    help="Refuse a view with more nodes (narrow it instead, or raise this; 10,000 still draw in seconds).",
)
@click.option("--open", "open_page", is_flag=True, help="Open the page in a browser.")
def viz(data, output, focus, hops, kinds, domain, region, layout, title, max_nodes, open_page):
    """Write an interactive network view (one HTML file that works offline)."""
    from viz.pages import view

    done = view(
        data,
        output,
        focus=focus,
        hops=hops,
        kinds=tuple(kinds),
        domain=domain,
        region=region,
        layout=layout,
        title=title,
        max_nodes=max_nodes,
    )
    click.echo(f"{done['nodes']} nodes, {done['links']} links → {done['path']}")
    if open_page:
        click.launch(str(done["path"]))


@click.command()
@data_option
@format_option(what="analysis", help_text="Output format (md: a Markdown report).")
@click.option(
    "--top", type=click.IntRange(1, 100), default=5, show_default=True, help="How many central entities per kind."
)
@click.option(
    "--engine",
    type=click.Choice(["networkx", "neo4j"]),
    default="networkx",
    show_default=True,
    help="networkx: the lists, in this process; neo4j: the graph in Neo4j, centrality and communities computed "
    "there with the Graph Data Science procedures (for big graphs; kg serve --gds starts such a server).",
)
@neo4j_options
def analyze(data, fmt, top, engine, uri, username, password, database):
    """Network analysis: centrality, communities, Tianjin–Beijing/Hebei bridges, place profiles."""
    from kg.analysis.measures import analyze as run

    if engine == "networkx":
        from loaders.build import lists_graph

        click.echo(render_as("analysis", run(lists_graph(data), top=top), fmt))
        return
    from loaders.bolt.connect import connect
    from loaders.bolt.gds import gds_centrality, gds_communities
    from loaders.bolt.read import read_graph

    connection = settings(uri, username, password, database)
    driver = connect(connection)
    try:
        pg = read_graph(driver, connection.database)
    finally:
        driver.close()
    analysis = run(
        pg,
        top=top,
        centrality_of=lambda g, top: gds_centrality(g, connection, top=top),
        communities_of=lambda g: gds_communities(g, connection),
    )
    click.echo(render_as("analysis", analysis, fmt))


@click.command()
@data_option
@output_option(Path("report"), "Folder to write the report into.")
@click.option("--open", "open_page", is_flag=True, help="Open index.html in a browser.")
def report(data, output, open_page):
    """Build the graph and write the overview views, focused views, analysis and an index page.

    Also writes the RDF graph (plan.ttl, plan.nt, plan.jsonld) into the same folder.
    """
    from viz.pages import report as write

    done = write(data, output)
    click.echo(f"{done['entities']} entities, {done['links']} links; {done['files']} files → {done['index']}")
    if open_page:
        click.launch(str(done["index"]))
