"""Commands on a graph database: load, export, serve, cypher."""

from __future__ import annotations

from pathlib import Path

import click

from kg.cli.options import (
    FOLDER,
    NameValue,
    data_option,
    format_option,
    neo4j_options,
    output_option,
    progress_stream,
    query_text,
    query_text_options,
    settings,
    store_option,
    timeout_option,
)
from kg.cli.render import render

__all__ = ["load", "export", "serve", "cypher", "echo_rows"]


@click.command()
@data_option
@neo4j_options
@click.option(
    "--replace",
    is_flag=True,
    help="Also delete what the lists no longer hold, so that the database holds exactly this graph.",
)
@click.option(
    "--verify",
    is_flag=True,
    help="Compare every node and relationship with the database, not only the parts whose digest changed "
    "(finds changes made in the database by hand).",
)
@click.option(
    "--batch-size", type=click.IntRange(1, 100_000), default=1000, show_default=True, help="Rows per UNWIND statement."
)
@format_option
def load(data, uri, username, password, database, replace, verify, batch_size, fmt):
    """Validate the lists and load the graph into Neo4j (or any Bolt server).

    Only what differs from the database is sent, so loading twice changes
    nothing. Writes are batched and retried on transient errors; an
    interrupted load says so, and running it again completes it. The lists
    are read and checked while the database is read; nothing is written
    unless every check passes. A snapshot of the lists as loaded, kept in the
    user's cache (KG_CACHE_DIR), lets the next load check and send only the
    rows that changed; the last row of the summary says how it compared.
    """
    from loaders.bolt.load import load_lists

    bar = None

    def progress(done, total):
        nonlocal bar
        if bar is None and total:
            bar = click.progressbar(length=total, label="Writing", file=progress_stream())
            bar.__enter__()
        if bar is not None:
            bar.update(done - bar.pos)

    try:
        summary = load_lists(
            data,
            settings(uri, username, password, database),
            replace=replace,
            batch_size=batch_size,
            progress=progress,
            verify=verify,
        )
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
    click.echo(render([{"what": key, "count": value} for key, value in summary.items()], fmt))


def _export_mode(source, target, output, from_neo4j, admin_dir):
    """The (source, target, output) of the options, the old spelling included."""
    if from_neo4j and admin_dir is not None:
        raise click.UsageError("say what to export: --from-neo4j or --neo4j-admin DIR (one of them)")
    if from_neo4j:
        source, target = source or "neo4j", target or "rdf"
    if admin_dir is not None:
        source, target, output = source or "lists", target or "neo4j-admin", admin_dir
    if source is None and target is None:
        raise click.UsageError(
            "say what to export: --from-neo4j or --neo4j-admin DIR (one of them), or --from and --to"
        )
    return source or "lists", target or "rdf", output


@click.command()
@click.option("--from", "source", type=click.Choice(["lists", "neo4j"]), help="Export the lists' graph, or Neo4j's.")
@click.option(
    "--to",
    "target",
    type=click.Choice(["rdf", "neo4j-admin"]),
    help="rdf: plan.ttl, plan.nt and plan.jsonld; neo4j-admin: CSV files for 'neo4j-admin database import'.",
)
@click.option("--from-neo4j", "from_neo4j", is_flag=True, hidden=True, help="The same as --from neo4j --to rdf.")
@click.option("--neo4j-admin", "admin_dir", type=FOLDER, hidden=True, help="The same as --to neo4j-admin -o DIR.")
@data_option
@neo4j_options
@output_option(Path("out/export"), "Folder to write the files into.")
def export(source, target, from_neo4j, admin_dir, data, uri, username, password, database, output):
    """Export the graph: the lists' or Neo4j's (--from), as RDF or as neo4j-admin import files (--to)."""
    from loaders.export import export as run

    source, target, output = _export_mode(source, target, output, from_neo4j, admin_dir)
    connection = settings(uri, username, password, database) if source == "neo4j" else None
    done = run(source=source, target=target, output=output, data=data, settings=connection)
    counts = f"{done['nodes']} nodes, {done['relationships']} relationships"
    if target == "neo4j-admin":
        click.echo(f"{counts} → " + ", ".join(str(p) for p in done["paths"]))
        click.echo(f"Import with: {done['command']}")
    else:
        click.echo(f"{counts}, {done['triples']} triples → " + ", ".join(str(p) for p in done["paths"]))


@click.command()
@data_option
@store_option
@click.option(
    "--engine",
    type=click.Choice(["neo4j", "arcadedb", "sparql"]),
    default="neo4j",
    show_default=True,
    help="neo4j: Neo4j Community over Bolt (needs Java 17+; its jars are fetched with Maven the first time), "
    "user neo4j; arcadedb: ArcadeDB's Bolt plugin (pip install 'tj-sti-plan-kg[server]'), user root; "
    "sparql: a read-only SPARQL 1.1 Protocol endpoint over HTTP (the embedded engine; no Java, no password).",
)
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    help="Port on 127.0.0.1 (0: a free one). Default: 7687 for Bolt, 7878 for SPARQL.",
)
@click.option(
    "--password",
    type=str,
    envvar="NEO4J_PASSWORD",
    show_envvar=True,
    help="Bolt servers: password of the server's user (8 characters or more).",
)
@click.option(
    "--database", type=str, default="plan", show_default=True, help="Bolt servers: database to create and load."
)
@click.option(
    "--root",
    type=FOLDER,
    help="Bolt servers: folder for the server's files; default: a temporary folder removed on exit.",
)
@click.option(
    "--gds",
    is_flag=True,
    help="Neo4j only: also load the open Graph Data Science procedures (gds.*; jars fetched with Maven), "
    "for kg analyze --engine neo4j.",
)
@click.option(
    "--cors",
    metavar="ORIGIN",
    help="SPARQL only: let web pages of this origin (e.g. https://yasgui.example, or *) query the endpoint.",
)
@click.option(
    "--update",
    is_flag=True,
    help="SPARQL only: also take SPARQL updates (by POST; LOAD and SERVICE refused), applied to the graph in "
    "memory and lost on exit; the lists are not changed.",
)
@timeout_option
def serve(data, store, engine, port, password, database, root, gds, cors, update, timeout):
    """Serve the graph until Ctrl-C: a local Bolt server (Neo4j, or ArcadeDB) loaded with it, or
    a SPARQL endpoint over it (--engine sparql).

    For users without Neo4j: point Cypher tools, 'kg query --engine cypher'
    and 'kg cypher' at the URI it prints; point SPARQL tools (YASGUI,
    SPARQLWrapper, 'kg query --endpoint') at the endpoint's URL. SIGTERM
    stops it as Ctrl-C does.
    """
    if engine == "sparql":
        if gds:
            raise click.UsageError("--gds is for --engine neo4j")
        return _serve_sparql(data, store, 7878 if port is None else port, cors, timeout, update)
    if store is not None or cors is not None or update:
        raise click.UsageError("--store, --cors and --update are for --engine sparql")
    if not password:
        raise click.UsageError("a Bolt server needs --password (or NEO4J_PASSWORD)")
    from loaders.bolt.server import serve as run
    from loaders.build import lists_graph

    port = 7687 if port is None else port

    def ready(info):
        click.echo(f"Loaded {info['nodes']} nodes and {info['relationships']} relationships.")
        click.echo(
            f"Serving {info['uri']} (user {info['username']}, database {info['database']}); press Ctrl-C to stop."
        )
        click.echo(f"  export NEO4J_URI={info['uri']} NEO4J_USERNAME={info['username']} NEO4J_DATABASE={database}")
        if info.get("http"):  # Neo4j's HTTP connector is off; ArcadeDB's cannot be
            click.echo(
                f"ArcadeDB also answers on {info['http']} (its Studio and REST API, same user and password; "
                "not read-only, unlike kg cypher)."
            )

    target = lists_graph(data)
    name = {"neo4j": "Neo4j", "arcadedb": "ArcadeDB's Bolt server"}[engine]
    click.echo(f"Starting {name} on 127.0.0.1:{port} …", err=True)
    run(target, password=password, engine=engine, port=port, database=database, root=root, gds=gds, on_ready=ready)
    click.echo("Stopping.", err=True)


def _serve_sparql(data, store, port, cors, timeout, update):
    import signal

    from kg.query.endpoint import Endpoint
    from loaders.build import sparql_engine

    if store is not None and data is not None:
        raise click.UsageError("give --data or --store, not both")
    if store is not None and update:
        raise click.UsageError("an on-disk store is served read-only: leave out --store to take updates (in memory)")
    engine = sparql_engine(data, store)
    try:
        endpoint = Endpoint(engine, port=port, timeout=timeout, cors=cors, update=update)
    except OSError as exc:
        raise click.ClickException(f"cannot listen on 127.0.0.1:{port}: {exc.strerror}") from None
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    mode = "updates applied in memory, lost on exit" if update else "read-only"
    click.echo(f"SPARQL endpoint: {endpoint.url} ({mode}; queries stop after {timeout:g} s); press Ctrl-C to stop.")
    try:
        endpoint.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        endpoint.close()
    click.echo("Stopping.", err=True)


def echo_rows(rows, columns, fmt):
    """Rows of an answer; under a table, how many (a table shows at most :data:`TABLE_ROWS`)."""
    from kg.cli.render import TABLE_ROWS

    if fmt != "table":
        click.echo(render(rows, fmt, columns))
        return
    click.echo(render(rows[:TABLE_ROWS], fmt, columns))
    if len(rows) > TABLE_ROWS:
        more = len(rows) - TABLE_ROWS
        click.echo(f"({len(rows)} rows; {more} more not shown: --format csv or json gives them all)", err=True)
    else:
        click.echo(f"({len(rows)} row{'s' if len(rows) != 1 else ''})", err=True)


@click.command()
@query_text_options
@click.option("--param", "-p", "params", type=NameValue(), multiple=True, help="A $parameter, NAME=VALUE (repeatable).")
@format_option
@timeout_option
@neo4j_options
def cypher(text, file, params, fmt, timeout, uri, username, password, database):
    """Run an ad-hoc read-only Cypher query on the Bolt server.

    The query comes from TEXT, --file, or standard input; clauses that write
    are refused, and it runs in read access mode (Neo4j refuses to write then;
    on ArcadeDB, in a transaction that is rolled back). It may run --timeout
    seconds (Neo4j stops it then; ArcadeDB finishes it while kg has stopped
    waiting).
    """
    from kg.query.engine import ad_hoc
    from loaders.bolt.read import ReadSession

    body, name = query_text(text, file)
    with ReadSession(settings(uri, username, password, database, timeout)) as session:
        columns, rows = ad_hoc(body, dict(params), session, name=name)
    echo_rows(rows, columns, fmt)
