"""The ``kg`` command: a thin layer over the library.

Each command parses its options, makes one library call and renders the
result. Exit codes: 0 success, 1 a problem in the data or the environment
(the message says where and how to fix it), 2 a usage error.
"""

from __future__ import annotations

import contextlib
import functools
import io
import os
import shutil
import sys
from pathlib import Path

import click

from kg.errors import KGError, ValidationFailed

OUTPUT_FORMATS = ("table", "csv", "json")


def _translate_errors(func):
    """Turn the project's errors into click errors (exit 1), once, at the edge."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except ValidationFailed as exc:
            for error in exc.errors:
                click.echo(str(error), err=True)
            raise click.ClickException(exc.message) from None
        except KGError as exc:
            raise click.ClickException(str(exc)) from None

    return wrapper


def data_option(func):
    return click.option(
        "--data",
        "data",
        type=click.Path(file_okay=False, path_type=Path),
        envvar="KG_DATA",
        show_envvar=True,
        help="Folder of entity lists (entities.csv, links.csv). Default: the plan's lists shipped with the package.",
    )(func)


def store_option(func):
    return click.option(
        "--store",
        type=click.Path(file_okay=False, path_type=Path),
        help="Query the on-disk store that 'kg build --store DIR' wrote, instead of loading the lists "
        "(for big graphs: it opens at once).",
    )(func)


def _sparql_engine(data, store):
    """The embedded SPARQL engine: an on-disk store if given, else the lists loaded in memory."""
    from kg.query.sparql import SparqlEngine

    if store is not None:
        if data is not None:
            raise click.UsageError("give --data or --store, not both")
        return SparqlEngine.open(store)
    return SparqlEngine.from_model(_plan_model(data))


def format_option(func):
    return click.option(
        "--format", "fmt", type=click.Choice(OUTPUT_FORMATS), default="table", show_default=True, help="Output format."
    )(func)


def shacl_option(func):
    return click.option(
        "--shacl/--no-shacl",
        default=None,
        help="Run the SHACL shapes (default: on lists of up to 20,000 entities; the row checks cover every shape).",
    )(func)


def rdf_output_option(default: Path, help_text: str):
    return click.option(
        "-o",
        "--output",
        type=click.Path(file_okay=False, path_type=Path),
        default=default,
        show_default=True,
        help=help_text,
    )


def _progress_stream():
    """Where progress bars go: the terminal, or nowhere (off a terminal click prints a bare label)."""
    return sys.stderr if sys.stderr.isatty() else io.StringIO()


def _write_rdf(model, output: Path, counts: str) -> None:
    """Write the model's graph as Turtle, N-Triples and JSON-LD, and say what was written where."""
    from kg.rdf.build import triples
    from kg.rdf.serialize import write_rdf

    paths, count = write_rdf(triples(model), output)
    click.echo(f"{counts}, {count} triples → " + ", ".join(str(p) for p in paths))


def run() -> None:
    """The ``kg`` command as installed: :func:`main`, then a quick exit.

    A big load or build leaves millions of objects that Python would free one
    by one on the way out (seconds at a million entities). Every command has
    closed its files and connections when it returns, so the process flushes
    its output and ends at once with the command's exit code.
    """
    try:
        main(prog_name="kg")
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        if exc.code is not None and not isinstance(exc.code, int):
            print(exc.code, file=sys.stderr)
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe (kg … | head): nothing more to say
            stream.flush()
    os._exit(code)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="tj-sti-plan-kg")
def main():
    """Knowledge graph of Tianjin's 14th Five-Year S&T Innovation Plan (天津市科技创新“十四五”规划)."""


@main.command()
@data_option
@rdf_output_option(Path("out"), "Folder to write plan.ttl, plan.nt and plan.jsonld into.")
@shacl_option
@click.option(
    "--store",
    type=click.Path(file_okay=False, path_type=Path),
    help="Also write an on-disk SPARQL store of the graph here, for 'kg query --store' and 'kg sparql --store'.",
)
@_translate_errors
def build(data, output, shacl, store):
    """Validate the entity lists and write the RDF graph (ontology + instances).

    Nothing is written when any check fails.
    """
    from kg.query.sparql import check_store_target, write_store
    from kg.rdf.validate import checked
    from loaders.csv_lists import read_workspace

    if store is not None:
        check_store_target(store)  # before anything is written
    model = checked(read_workspace(data), shacl=shacl)
    _write_rdf(model, output, f"{len(model.entities)} entities, {len(model.links)} links")
    if store is not None:
        del model  # the store is loaded from plan.nt
        click.echo(f"SPARQL store → {write_store(output / 'plan.nt', store)}")


@main.command()
@data_option
@shacl_option
@_translate_errors
def validate(data, shacl):
    """Run every check of 'kg build' without writing anything."""
    from kg.rdf.validate import checked, shacl_runs
    from loaders.csv_lists import read_workspace

    model = checked(read_workspace(data), shacl=shacl)
    shapes = "and the SHACL shapes" if shacl_runs(model, shacl) else "(SHACL not run)"
    click.echo(f"OK: {len(model.entities)} entities and {len(model.links)} links pass every check {shapes}")


@main.command()
@data_option
@format_option
@_translate_errors
def stats(data, fmt):
    """Count entities per kind and links per type."""
    from kg.cli.render import render
    from kg.lists.checks import check
    from kg.lists.stats import stats as count
    from loaders.csv_lists import read_workspace

    click.echo(render(count(check(read_workspace(data))), fmt))


@main.command()
@format_option
@_translate_errors
def kinds(fmt):
    """List the entity kinds and link types of the ontology."""
    from kg.cli.render import render
    from kg.vocab.ontology import load_ontology

    onto = load_ontology()
    rows = [
        {
            "what": "kind",
            "name": k.name,
            "under": " › ".join(k.chain[:-1]),
            "label_zh": k.label_zh,
            "label_en": k.label_en,
        }
        for k in onto.kinds.values()
    ]
    rows += [
        {
            "what": "link",
            "name": lt.name,
            "under": f"{lt.domain or '*'} → {lt.range or '*'}",
            "label_zh": lt.label_zh,
            "label_en": lt.label_en,
        }
        for lt in onto.links.values()
    ]
    click.echo(render(rows, fmt))


@main.command()
@click.argument("text")
@format_option
@_translate_errors
def locate(text, fmt):
    """Find TEXT in the plan: each offset and its section (to fill quote_start)."""
    from kg.cli.render import render
    from kg.lists.source import plan_text, section_index

    plan, index = plan_text(), section_index()
    rows = []
    start = plan.find(text)
    while start != -1 and text:
        rows.append({"quote_start": start, "section": index.at(start).label})
        start = plan.find(text, start + 1)
    if not rows:
        raise KGError(f"'{text}' is not in the plan", hint="copy the words from data/source exactly")
    click.echo(render(rows, fmt))


@main.command()
@click.argument("n", type=click.IntRange(1, 10_000_000))
@click.option(
    "-o",
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Folder to write the workspace into.",
)
@click.option("--seed", type=int, default=42, show_default=True, help="The same seed gives the same lists.")
@_translate_errors
def synth(n, output, seed):
    """Write a synthetic workspace of N entities shaped like the plan's lists (for benchmarks)."""
    from kg.lists.synth import synthesize
    from loaders.workspace import write_workspace

    output.mkdir(parents=True, exist_ok=True)
    entities, links = synthesize(n, seed=seed)
    write_workspace(output, entities, links)
    click.echo(f"{len(entities)} entities, {len(links)} links → {output}; use it with --data {output}")


@main.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite lists that are already there.")
@_translate_errors
def init(directory, force):
    """Copy the plan's entity lists into DIRECTORY, to edit and build with --data."""
    from kg.resources import resource
    from kg.vocab.schema import ENTITIES_FILE, LINKS_FILE

    targets = [directory / name for name in (ENTITIES_FILE, LINKS_FILE)]
    existing = [str(t) for t in targets if t.exists()]
    if existing and not force:
        raise KGError(f"{', '.join(existing)} already exist", hint="use --force to overwrite them")
    directory.mkdir(parents=True, exist_ok=True)
    for target in targets:
        with resource("data", target.name).open("rb") as source, open(target, "wb") as out:
            shutil.copyfileobj(source, out)
    click.echo(f"Copied {ENTITIES_FILE} and {LINKS_FILE} to {directory}; build them with: kg build --data {directory}")


# Importing updated lists ----------------------------------------------------------


def _workspace(data) -> Path:
    if data is None:
        raise KGError(
            "importing writes into a workspace of lists, never into the installed package",
            hint="make one with 'kg init DIR', then pass --data DIR or set KG_DATA",
        )
    if not (data / "entities.csv").is_file():
        raise KGError(f"{data} is not a workspace of lists (no entities.csv)", hint=f"make one with 'kg init {data}'")
    return data


@main.command("import")
@click.argument("files", nargs=-1, required=True)
@data_option
@click.option("--kind", help="The kind of every row of files without a kind column (Platform, 平台 …).")
@click.option("--dry-run", is_flag=True, help="Show what would change; write nothing.")
@click.option(
    "--on-conflict",
    type=click.Choice(["fail", "update", "skip"]),
    default="fail",
    show_default=True,
    help="When an imported entity or link is already in the lists with other values.",
)
@click.option(
    "--encoding",
    help="Encoding of CSV/JSON files (default: UTF-8 with or without BOM, UTF-16 with BOM, or GB18030/GBK, detected).",
)
@click.option("--sheet", help="Sheet of an .xlsx file (default: the first).")
@click.option(
    "--source", help="Where the list comes from: the curation note of rows that have neither a quote nor a note."
)
@click.option(
    "--max-size", type=click.FloatRange(min=0.001), default=20.0, show_default=True, help="Largest file to read, in MB."
)
@format_option
@_translate_errors
def import_(files, data, kind, dry_run, on_conflict, encoding, sheet, source, max_size, fmt):
    """Merge entity lists (CSV, XLSX, JSON, JSON Lines, Turtle) into a workspace.

    Shows the changes (entities and links added and changed, field by field),
    then writes every list of the workspace at once, or nothing: a crash or
    Ctrl-C mid-write leaves the previous lists. Exit codes: 0 the lists were
    written (or, with --dry-run, would be); 1 nothing was written because of
    the errors listed; 2 a usage error.
    """
    import json

    from kg.lists.diff import diff_lists, is_empty, rows_for_display, summary
    from loaders.importer import plan_import
    from loaders.workspace import write_workspace

    workspace = _workspace(data)
    with click.progressbar(length=1, label="Checking", file=_progress_stream()) as bar:

        def progress(done, total):
            bar.length = max(total, 1)
            bar.update(done - bar.pos)

        plan = plan_import(
            list(files),
            workspace,
            kind=kind,
            on_conflict=on_conflict,
            encoding=encoding,
            sheet=sheet,
            source=source,
            max_bytes=int(max_size * 1024 * 1024),
            progress=progress,
        )
    changes = diff_lists(plan.old, plan.new)
    for note in plan.skipped:
        click.echo(f"skipped: {note}", err=True)
    if fmt == "json":
        click.echo(
            json.dumps(
                {
                    "summary": summary(changes),
                    "changes": changes,
                    "skipped": plan.skipped,
                    "written": not dry_run and not is_empty(changes),
                },
                ensure_ascii=False,
                indent=2,
            )
        )
    elif not is_empty(changes):
        _echo_changes(rows_for_display(changes), fmt)
    counts = summary(changes)
    described = (
        f"entities: {counts['entities_added']} added, {counts['entities_changed']} changed; "
        f"links: {counts['links_added']} added, {counts['links_changed']} changed"
    )
    if is_empty(changes):
        click.echo(f"Nothing to change in {workspace}.", err=True)
    elif dry_run:
        click.echo(f"Dry run, nothing written. Would change {described}.", err=True)
    else:
        write_workspace(workspace, plan.entity_rows, plan.link_rows)
        click.echo(f"Wrote {workspace}: {described}.", err=True)


@main.command()
@click.argument("old", type=click.Path(file_okay=False, exists=True, path_type=Path))
@click.argument("new", type=click.Path(file_okay=False, exists=True, path_type=Path))
@format_option
@_translate_errors
def diff(old, new, fmt):
    """Show what changed from one workspace of lists to another: entities and links
    added, changed (field by field) and removed."""
    import json

    from kg.lists.diff import diff_lists, rows_for_display, summary
    from loaders.csv_lists import read_workspace

    changes = diff_lists(read_workspace(old), read_workspace(new))
    if fmt == "json":
        click.echo(json.dumps({"summary": summary(changes), "changes": changes}, ensure_ascii=False, indent=2))
    else:
        _echo_changes(rows_for_display(changes), fmt)
        counts = summary(changes)
        click.echo(", ".join(f"{k.replace('_', ' ')}: {v}" for k, v in counts.items()), err=True)


#: A table of changes longer than this shows its head and says how many more there are.
TABLE_CHANGES = 50


def _echo_changes(rows: list[dict], fmt: str) -> None:
    from kg.cli.render import render

    columns = ["what", "change", "key", "detail"]
    if fmt == "table" and len(rows) > TABLE_CHANGES:
        click.echo(render(rows[:TABLE_CHANGES], fmt, columns))
        click.echo(f"… and {len(rows) - TABLE_CHANGES} more changes (--format csv or json lists them all)")
    else:
        click.echo(render(rows, fmt, columns))


# Graph databases ---------------------------------------------------------------


def neo4j_options(func):
    """--uri/--username/--password/--database, from Neo4j's own environment variables."""
    options = [
        click.option(
            "--uri",
            envvar="NEO4J_URI",
            show_envvar=True,
            default="neo4j://localhost:7687",
            show_default=True,
            help="Bolt URI of the server.",
        ),
        click.option(
            "--username",
            envvar="NEO4J_USERNAME",
            show_envvar=True,
            default="neo4j",
            show_default=True,
            help="User name.",
        ),
        click.option("--password", envvar="NEO4J_PASSWORD", show_envvar=True, help="Password (never printed)."),
        click.option(
            "--database",
            envvar="NEO4J_DATABASE",
            show_envvar=True,
            help="Database name. Default: the server's default database.",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _settings(uri, username, password, database):
    from loaders.bolt.connect import Settings

    return Settings(uri=uri, username=username, password=password, database=database)


def _plan_model(data):
    """The lists' checked model: the row checks (which cover every SHACL shape; 'kg validate'
    and 'kg build' run the shapes too)."""
    from kg.lists.checks import check
    from loaders.csv_lists import read_workspace

    return check(read_workspace(data))


@main.command()
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
@_translate_errors
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
    from kg.cli.render import render
    from loaders.bolt.load import load_lists

    bar = None

    def progress(done, total):
        nonlocal bar
        if bar is None and total:
            bar = click.progressbar(length=total, label="Writing", file=_progress_stream())
            bar.__enter__()
        if bar is not None:
            bar.update(done - bar.pos)

    try:
        summary = load_lists(
            data,
            _settings(uri, username, password, database),
            replace=replace,
            batch_size=batch_size,
            progress=progress,
            verify=verify,
        )
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
    rows = [{"what": key, "count": value} for key, value in summary.items()]
    click.echo(render(rows, fmt))


@main.command()
@click.option(
    "--from-neo4j",
    "from_neo4j",
    is_flag=True,
    help="Read the graph out of Neo4j (or any Bolt server) and write it as RDF.",
)
@click.option(
    "--neo4j-admin",
    "admin_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Write the lists' graph as CSV files for 'neo4j-admin database import' into this folder.",
)
@data_option
@neo4j_options
@rdf_output_option(Path("out/export"), "With --from-neo4j: folder to write plan.ttl, plan.nt and plan.jsonld into.")
@_translate_errors
def export(from_neo4j, admin_dir, data, uri, username, password, database, output):
    """Export the graph: out of Neo4j back to RDF (--from-neo4j), or as neo4j-admin import files (--neo4j-admin DIR)."""
    if from_neo4j == (admin_dir is not None):
        raise click.UsageError("say what to export: --from-neo4j or --neo4j-admin DIR (one of them)")
    if admin_dir is not None:
        from loaders.bolt.admin import command, write_import_files

        pg = _property_graph(data)
        paths = write_import_files(pg, admin_dir)
        click.echo(f"{len(pg.nodes)} nodes, {len(pg.rels)} relationships → " + ", ".join(str(p) for p in paths))
        click.echo(f"Import with: {command()}")
        return

    from kg.graph.mapping import to_model
    from loaders.bolt.connect import connect
    from loaders.bolt.read import read_graph

    settings = _settings(uri, username, password, database)
    driver = connect(settings)
    try:
        pg = read_graph(driver, settings.database)
    finally:
        driver.close()
    _write_rdf(to_model(pg), output, f"{len(pg.nodes)} nodes, {len(pg.rels)} relationships")


@main.command()
@data_option
@click.option("--port", type=click.IntRange(1, 65535), default=7687, show_default=True, help="Bolt port on 127.0.0.1.")
@click.option(
    "--password",
    envvar="NEO4J_PASSWORD",
    show_envvar=True,
    required=True,
    help="Password of the user 'root' (8 characters or more).",
)
@click.option("--database", default="plan", show_default=True, help="Database to create and load.")
@click.option(
    "--root",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for the server's files; default: a temporary folder removed on exit.",
)
@_translate_errors
def serve(data, port, password, database, root):
    """Start a local Bolt server (ArcadeDB), load the graph, and serve it until Ctrl-C.

    For users without Neo4j: point Cypher tools, 'kg query --engine cypher'
    and 'kg cypher' at the URI it prints. SIGTERM stops it as Ctrl-C does.
    """
    import signal
    import time

    from loaders.bolt.connect import Settings
    from loaders.bolt.load import load as load_graph
    from loaders.bolt.server import USERNAME, BoltServer

    target = _property_graph(data)
    # Stop the server process on Ctrl-C and on SIGTERM (a service manager, `kill`), even when started
    # from a script whose shell ignores SIGINT in background jobs: never leave the server running.
    for stop_signal in (signal.SIGINT, signal.SIGTERM):
        signal.signal(stop_signal, signal.default_int_handler)
    server = BoltServer(password=password, port=port, database=database, root=root)
    click.echo(f"Starting ArcadeDB's Bolt server on 127.0.0.1:{port} …", err=True)
    with server:
        settings = Settings(uri=server.uri, username=USERNAME, password=password, database=database)
        summary = load_graph(target, settings)
        click.echo(
            f"Loaded {summary['nodes_created'] + summary['nodes_updated'] + summary['nodes_unchanged']} nodes and "
            f"{summary['relationships_created'] + summary['relationships_updated'] + summary['relationships_unchanged']} relationships."
        )
        click.echo(f"Serving {server.uri} (user {USERNAME}, database {database}); press Ctrl-C to stop.")
        click.echo(f"  export NEO4J_URI={server.uri} NEO4J_USERNAME={USERNAME} NEO4J_DATABASE={database}")
        try:
            while server.process is not None and server.process.poll() is None:
                time.sleep(0.5)
        except KeyboardInterrupt:
            click.echo("Stopping.", err=True)
            return
    raise KGError("the Bolt server stopped unexpectedly")


# Queries ---------------------------------------------------------------------------


class ParamType(click.ParamType):
    """``name=value``."""

    name = "NAME=VALUE"

    def convert(self, value, param, ctx):
        if isinstance(value, tuple):
            return value
        name, sep, text = value.partition("=")
        if not sep or not name.strip():
            self.fail(f"{value!r} is not NAME=VALUE", param, ctx)
        return name.strip(), text


ENGINE_CHOICE = click.Choice(["sparql", "cypher"])


@main.command()
@format_option
@_translate_errors
def queries(fmt):
    """List the query library: id, titles and parameters with their defaults."""
    from kg.cli.render import render
    from kg.query.catalogue import catalogue

    rows = [
        {
            "id": q.id,
            "title_zh": q.title_zh,
            "title_en": q.title_en,
            "params": "; ".join(f"{p.name}={p.default}" for p in q.params),
        }
        for q in catalogue().values()
    ]
    click.echo(render(rows, fmt))


@main.command()
@click.argument("name")
@click.option(
    "--param",
    "-p",
    "params",
    type=ParamType(),
    multiple=True,
    help="A parameter, NAME=VALUE (repeatable). Entities by id, name or alias.",
)
@click.option(
    "--engine",
    type=ENGINE_CHOICE,
    default="sparql",
    show_default=True,
    help="sparql: the embedded graph; cypher: the Bolt server of the --uri settings.",
)
@format_option
@data_option
@store_option
@neo4j_options
@_translate_errors
def query(name, params, engine, fmt, data, store, uri, username, password, database):
    """Answer a question of the query library (see 'kg queries')."""
    from kg.query.catalogue import get, prepare

    q = get(name)
    given = dict(params)
    if engine == "sparql":
        sparql = _sparql_engine(data, store)
        text, values = prepare(q, "sparql", given, sparql.lookup, sparql.names_containing)
        if fmt == "json":
            click.echo(sparql.results_json(text, values, name=q.id))
            return
        columns, rows = sparql.select(text, values, name=q.id)
    else:
        from loaders.bolt.read import ReadSession

        with ReadSession(_settings(uri, username, password, database)) as session:
            text, values = prepare(q, "cypher", given, session.lookup)
            columns, rows = session.run(text, values, name=q.id)
    _echo_rows(rows, columns, fmt)


def _echo_rows(rows, columns, fmt):
    from kg.cli.render import render

    click.echo(render(rows, fmt, columns))
    if fmt == "table":
        click.echo(f"({len(rows)} row{'s' if len(rows) != 1 else ''})", err=True)


def _query_text(text, file):
    if file is not None:
        return file.read(), getattr(file, "name", "stdin")
    if text is None or text == "-":
        return sys.stdin.read(), "stdin"
    return text, "query"


@main.command()
@click.argument("text", required=False)
@click.option(
    "-f", "--file", type=click.File("r", encoding="utf-8"), help="Read the query from a file ('-' for standard input)."
)
@format_option
@data_option
@store_option
@_translate_errors
def sparql(text, file, fmt, data, store):
    """Run an ad-hoc read-only SPARQL query on the embedded graph.

    The query comes from TEXT, --file, or standard input. Updates, SERVICE and
    FROM are refused. --format json gives the SPARQL 1.1 JSON results format.
    """
    from kg.query.readonly import check_read_only_sparql

    body, name = _query_text(text, file)
    check_read_only_sparql(body, name)
    engine = _sparql_engine(data, store)
    if fmt == "json":
        click.echo(engine.results_json(body, name=name))
        return
    columns, rows = engine.select(body, name=name)
    _echo_rows(rows, columns, fmt)


@main.command()
@click.argument("text", required=False)
@click.option(
    "-f", "--file", type=click.File("r", encoding="utf-8"), help="Read the query from a file ('-' for standard input)."
)
@click.option("--param", "-p", "params", type=ParamType(), multiple=True, help="A $parameter, NAME=VALUE (repeatable).")
@format_option
@neo4j_options
@_translate_errors
def cypher(text, file, params, fmt, uri, username, password, database):
    """Run an ad-hoc read-only Cypher query on the Bolt server.

    The query comes from TEXT, --file, or standard input, and runs in a read
    transaction that is rolled back; clauses that write are refused.
    """
    from kg.query.readonly import check_read_only_cypher
    from loaders.bolt.read import ReadSession

    body, name = _query_text(text, file)
    check_read_only_cypher(body, name)
    with ReadSession(_settings(uri, username, password, database)) as session:
        columns, rows = session.run(body, dict(params), name=name)
    _echo_rows(rows, columns, fmt)


# Views and analysis ---------------------------------------------------------------


def _property_graph(data):
    """The lists' property graph, straight from the checked rows (no RDF graph is built)."""
    from kg.graph.mapping import model_to_property_graph

    return model_to_property_graph(_plan_model(data))


@main.command()
@data_option
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("out/graph.html"),
    show_default=True,
    help="HTML file to write.",
)
@click.option("--focus", help="Show only this entity (id, name or alias) and its neighbourhood.")
@click.option("--hops", type=click.IntRange(0, 6), default=1, show_default=True, help="How far from --focus to go.")
@click.option(
    "--kind",
    "kinds",
    multiple=True,
    help="Only entities of this kind (repeatable; any level: Platform, LandmarkZone …).",
)
@click.option("--domain", help="Only what focuses on this technology domain or one below it.")
@click.option("--region", type=click.Choice(["北京", "天津", "河北"]), help="Only entities in this region.")
@click.option(
    "--layout",
    type=click.Choice(["force", "regions", "geo"]),
    default="force",
    show_default=True,
    help="force: by links; regions: Beijing, Tianjin, Hebei side by side; geo: by coordinates.",
)
@click.option("--title", help="Page title.")
@click.option(
    "--max-nodes",
    type=click.IntRange(1, 100_000),
    default=2000,
    show_default=True,
    help="Refuse a view with more nodes (narrow it instead, or raise this; 10,000 still draw in seconds).",
)
@click.option("--open", "open_page", is_flag=True, help="Open the page in a browser.")
@_translate_errors
def viz(data, output, focus, hops, kinds, domain, region, layout, title, max_nodes, open_page):
    """Write an interactive network view (one HTML file that works offline)."""
    from kg.graph.regions import regions_of
    from viz.html import render, write_page
    from viz.select import select

    pg = _property_graph(data)
    part = select(pg, focus=focus, hops=hops, kinds=tuple(kinds), domain=domain, region=region)
    default_title = "天津市科技创新“十四五”规划知识图谱" + (f" · {focus}" if focus else "")
    page = render(part, layout=layout, title=title or default_title, regions=regions_of(pg), max_nodes=max_nodes)
    path = write_page(page, output)
    click.echo(f"{len(part.nodes)} nodes, {len(part.rels)} links → {path}")
    if open_page:
        click.launch(str(path))


@main.command()
@data_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "md"]),
    default="table",
    show_default=True,
    help="Output format (md: a Markdown report).",
)
@click.option(
    "--top", type=click.IntRange(1, 100), default=5, show_default=True, help="How many central entities per kind."
)
@_translate_errors
def analyze(data, fmt, top):
    """Network analysis: centrality, communities, Tianjin–Beijing/Hebei bridges, place profiles."""
    import json

    from kg.analysis.markdown import to_markdown
    from kg.analysis.measures import analyze as run
    from kg.cli.render import render

    report = run(_property_graph(data), top=top)
    if fmt == "json":
        click.echo(json.dumps(report, ensure_ascii=False, indent=2))
    elif fmt == "md":
        click.echo(to_markdown(report))
    else:
        sections = [
            ("Centrality", report["centrality"], None),
            (
                "Communities",
                [{k: v for k, v in c.items() if k != "members"} for c in report["communities"]],
                ["community", "name", "size"],
            ),
            ("Bridges by link type", report["bridges"]["by_type"], ["link", "partner_region", "count"]),
            ("Bridge carriers", report["bridges"]["carriers"], None),
            ("Cross-region links", report["bridges"]["links"], None),
            (
                "Profiles",
                [{**p, **{k: len(p[k]) for k in ("platforms", "institutions", "domains")}} for p in report["profiles"]],
                None,
            ),
        ]
        for heading, rows, columns in sections:
            click.echo(f"\n{heading}\n")
            click.echo(render(rows, "table", columns))


@main.command()
@data_option
@click.option(
    "-o",
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("report"),
    show_default=True,
    help="Folder to write the report into.",
)
@click.option("--open", "open_page", is_flag=True, help="Open index.html in a browser.")
@_translate_errors
def report(data, output, open_page):
    """Build the graph and write the overview views, focused views, analysis and an index page.

    Also writes the RDF graph (plan.ttl, plan.nt, plan.jsonld) into the same folder.
    """
    from kg.analysis.measures import analyze as run
    from kg.graph.mapping import model_to_property_graph
    from kg.rdf.build import triples
    from kg.rdf.serialize import write_rdf
    from viz.report import write_report

    model = _plan_model(data)
    pg = model_to_property_graph(model)
    paths = write_report(pg, run(pg), output)
    write_rdf(triples(model), output)
    click.echo(f"{len(pg.nodes)} entities, {len(pg.rels)} links; {len(paths)} files → {output / 'index.html'}")
    if open_page:
        click.launch(str(output / "index.html"))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
