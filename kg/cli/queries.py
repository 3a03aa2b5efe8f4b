"""Commands of the query library and ad-hoc SPARQL: queries, query, sparql."""

from __future__ import annotations

import click

from kg.cli.graphdb import echo_rows
from kg.cli.options import (
    NameValue,
    data_option,
    format_option,
    neo4j_options,
    query_text,
    query_text_options,
    settings,
    store_option,
    timeout_option,
)
from kg.cli.render import render

__all__ = ["queries", "query", "sparql"]

#: ``--format`` of the query commands: the rows' formats, the same from every engine, and the
#: SPARQL 1.1 Query Results JSON Format of a SPARQL engine (typed terms, language tags).
SPARQL_JSON = "sparql-json"


def query_format_option(func):
    from kg.cli.render import FORMATS

    return click.option(
        "--format",
        "fmt",
        type=click.Choice([*FORMATS, SPARQL_JSON]),
        default="table",
        show_default=True,
        help="Output format: table, csv and json rows are the same from every engine; sparql-json is the "
        "SPARQL 1.1 Query Results JSON Format (SPARQL engines).",
    )(func)


def _sparql_engine(data, store, timeout):
    from loaders.build import sparql_engine

    if store is not None and data is not None:
        raise click.UsageError("give --data or --store, not both")
    engine = sparql_engine(data, store)
    engine.timeout = timeout
    return engine


def language_option(help_text: str):
    """``--engine sparql|cypher``: the language of the catalogue's queries."""
    from kg.query.catalogue import ENGINES

    return click.option(
        "--engine", type=click.Choice(list(ENGINES)), default="sparql", show_default=True, help=help_text
    )


@click.command()
@click.argument("name", required=False)
@language_option("With NAME: the language of the text shown.")
@format_option
def queries(name, engine, fmt):
    """List the query library (id, titles, parameters with their defaults, description); with NAME,
    show that question: its description, parameters and the text of its query, to copy into
    Neo4j Browser, YASGUI or a notebook (parameters as $name or ?name)."""
    from kg.query.catalogue import get, listing

    if name is None:
        click.echo(render(listing(), fmt))
        return
    query = get(name)
    click.echo(f"# {query.id}: {query.title_en} / {query.title_zh}")
    click.echo(f"# {query.description}")
    for param in query.params:
        what = " (an entity's id here; kg query also takes its name or alias)" if param.kind == "entity" else ""
        click.echo(f"# parameter {param.name} (default {param.default}): {param.description}{what}")
    click.echo(query.text(engine).rstrip())


@click.command()
@click.argument("name", type=str)
@click.option(
    "--param",
    "-p",
    "params",
    type=NameValue(),
    multiple=True,
    help="A parameter, NAME=VALUE (repeatable). Entities by id, name or alias.",
)
@language_option("sparql: the embedded graph; cypher: the Bolt server of the --uri settings.")
@click.option(
    "--endpoint",
    metavar="URL",
    envvar="KG_SPARQL_ENDPOINT",
    show_envvar=True,
    help="Ask a SPARQL 1.1 endpoint (GraphDB, Fuseki, Oxigraph, kg serve --engine sparql) instead of the embedded graph.",
)
@query_format_option
@data_option
@store_option
@timeout_option
@neo4j_options
def query(name, params, engine, endpoint, fmt, data, store, timeout, uri, username, password, database):
    """Answer a question of the query library (see 'kg queries')."""
    from kg.query.engine import answer, answer_json

    if endpoint and (engine != "sparql" or data is not None or store is not None):
        raise click.UsageError("--endpoint is asked instead of --data, --store and --engine cypher")
    if engine == "sparql":
        if endpoint:
            from kg.query.remote import RemoteEngine

            sparql_engine = RemoteEngine(endpoint, timeout=timeout)
        else:
            sparql_engine = _sparql_engine(data, store, timeout)
        if fmt == SPARQL_JSON:
            click.echo(answer_json(name, dict(params), sparql_engine))
            return
        columns, rows = answer(name, dict(params), sparql_engine)
    else:
        from loaders.bolt.read import ReadSession

        if fmt == SPARQL_JSON:
            raise click.UsageError("--format sparql-json is for the SPARQL engine; use json")
        with ReadSession(settings(uri, username, password, database, timeout)) as session:
            columns, rows = answer(name, dict(params), session)
    echo_rows(rows, columns, fmt)


#: ``kg sparql --format`` of a CONSTRUCT or DESCRIBE answer, and its media type.
GRAPH_FORMATS = {"turtle": "text/turtle", "ntriples": "application/n-triples", "jsonld": "application/ld+json"}


@click.command()
@query_text_options
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "excel-csv", "json", SPARQL_JSON, *GRAPH_FORMATS]),
    default="table",
    show_default=True,
    help="Rows: table, csv, excel-csv, json (as every engine gives them) or sparql-json (the SPARQL 1.1 "
    "results format); a CONSTRUCT or DESCRIBE graph: also turtle, ntriples or jsonld.",
)
@data_option
@store_option
@timeout_option
def sparql(text, file, fmt, data, store, timeout):
    """Run an ad-hoc read-only SPARQL query on the embedded graph.

    The query comes from TEXT, --file, or standard input. Updates, SERVICE and
    FROM are refused. The prefixes tjp:, tj:, rdfs:, skos:, dcterms: … need no
    PREFIX line.
    """
    from kg.query.engine import ad_hoc
    from kg.query.readonly import check_read_only_sparql

    body, name = query_text(text, file)
    check_read_only_sparql(body, name)
    engine = _sparql_engine(data, store, timeout)
    if fmt in GRAPH_FORMATS:
        click.echo(engine.graph_text(body, GRAPH_FORMATS[fmt], name=name), nl=False)
        return
    if fmt == SPARQL_JSON:
        click.echo(engine.results_json(body, name=name))
        return
    if fmt == "table":  # IRIs with their prefixes, literals with their language
        echo_rows(*reversed(engine.display(body, name=name)), fmt)
        return
    echo_rows(*reversed(ad_hoc(body, {}, engine, name=name)), fmt)
