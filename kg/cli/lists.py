"""Commands on the entity lists: build, validate, stats, kinds, locate, synth, init, import, diff."""

from __future__ import annotations

from pathlib import Path

import click

from kg.cli.options import (
    FOLDER,
    data_option,
    format_option,
    output_option,
    progress_stream,
    shacl_option,
    wait_option,
)
from kg.cli.render import render, render_as

__all__ = ["build", "validate", "stats", "kinds", "locate", "synth", "init", "import_", "diff"]


def _written(counts: str, done: dict) -> str:
    return f"{counts}, {done['triples']} triples → " + ", ".join(str(p) for p in done["paths"])


def _warned(done: dict) -> str:
    """Print the warnings (to stderr, as errors are) and say how many there were: '' for none."""
    for warning in done["warnings"]:
        click.echo(str(warning), err=True)
    count = len(done["warnings"])
    return f"; {count} warning{'s' if count != 1 else ''} for a human to judge" if count else ""


@click.command()
@data_option
@output_option(Path("out"), "Folder to write plan.ttl, plan.nt and plan.jsonld into.")
@shacl_option
@click.option(
    "--store",
    type=FOLDER,
    help="Also write an on-disk SPARQL store of the graph here, for 'kg query --store' and 'kg sparql --store'.",
)
def build(data, output, shacl, store):
    """Validate the entity lists and write the RDF graph (ontology + instances).

    Nothing is written when any check fails.
    """
    from loaders.build import build as run

    done = run(data, output=output, shacl=shacl, store=store)
    warned = _warned(done)
    click.echo(_written(f"{done['entities']} entities, {done['links']} links", done) + warned)
    if done["store"] is not None:
        click.echo(f"SPARQL store → {done['store']}")


@click.command()
@data_option
@shacl_option
def validate(data, shacl):
    """Run every check of 'kg build' without writing anything."""
    from loaders.build import validate as run

    done = run(data, shacl=shacl)
    shapes = "and the SHACL shapes" if done["shacl"] else "(SHACL not run)"
    click.echo(f"OK: {done['entities']} entities and {done['links']} links pass every check {shapes}{_warned(done)}")


@click.command()
@data_option
@format_option
def stats(data, fmt):
    """Count entities per kind and links per type."""
    from kg.lists.stats import stats as count
    from loaders.build import plan_model

    click.echo(render(count(plan_model(data)), fmt))


@click.command()
@format_option
def kinds(fmt):
    """List the entity kinds and link types of the ontology."""
    from kg.vocab.ontology import kinds_table

    click.echo(render(kinds_table(), fmt))


@click.command()
@click.argument("text", type=str)
@format_option
def locate(text, fmt):
    """Find TEXT in the plan: each offset and its section (to fill quote_start)."""
    from kg.lists.source import locate as find

    click.echo(render(find(text), fmt))


@click.command()
@click.argument("n", type=click.IntRange(1, 10_000_000))
@output_option(None, "Folder to write the workspace into.", required=True)
@click.option("--seed", type=int, default=42, show_default=True, help="The same seed gives the same lists.")
@wait_option
def synth(n, output, seed, wait):
    """Write a synthetic workspace of N entities shaped like the plan's lists (for benchmarks)."""
    from loaders.build import synth as write

    done = write(n, output, seed=seed, wait=wait)
    click.echo(f"{done['entities']} entities, {done['links']} links → {output}; use it with --data {output}")


@click.command()
@click.argument("directory", type=FOLDER)
@click.option("--force", is_flag=True, help="Overwrite lists that are already there.")
@wait_option
def init(directory, force, wait):
    """Copy the plan's entity lists into DIRECTORY, to edit and build with --data."""
    from loaders.workspace import init_workspace

    names = [p.name for p in init_workspace(directory, force=force, wait=wait)]
    click.echo(f"Copied {' and '.join(names)} to {directory}; build them with: kg build --data {directory}")


@click.command("import")
@click.argument("files", type=click.Path(), nargs=-1, required=True)
@data_option
@click.option("--kind", type=str, help="The kind of every row of files without a kind column (Platform, 平台 …).")
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
    type=str,
    help="Encoding of CSV/JSON files (default: UTF-8 with or without BOM, UTF-16 with BOM, or GB18030/GBK, detected).",
)
@click.option(
    "--sheet", type=str, help="Sheet of an .xlsx file (default: the first; 'all': every sheet, each with its header)."
)
@click.option(
    "--source",
    type=str,
    help="Where the list comes from: the curation note of rows that have neither a quote nor a note.",
)
@click.option(
    "--review",
    type=click.Path(dir_okay=False),
    help="A review sheet (.csv or .xlsx): hosts to create and names close to an entity's wait for a "
    "curator's decision there (written on the first run, applied on the next).",
)
@click.option(
    "--max-size", type=click.FloatRange(min=0.001), default=20.0, show_default=True, help="Largest file to read, in MB."
)
@wait_option
@format_option(what="changes")
def import_(files, data, kind, dry_run, on_conflict, encoding, sheet, source, review, max_size, wait, fmt):
    """Merge entity lists (CSV, XLSX, JSON, JSON Lines, Turtle) into a workspace.

    Shows the changes (entities and links added and changed, field by field),
    then writes every list of the workspace at once, or nothing: a crash or
    Ctrl-C mid-write leaves the previous lists. One import writes a workspace
    at a time: another one fails at once, or with --wait waits. Exit codes: 0 the lists were
    written (or, with --dry-run, would be); 1 nothing was written because of
    the errors listed; 2 a usage error.
    """
    from kg.lists.diff import is_empty
    from loaders.importer import describe, import_lists
    from loaders.outputs import check_outputs

    if review:
        check_outputs(data, [review])

    with click.progressbar(length=1, label="Checking", file=progress_stream()) as bar:

        def progress(done, total):
            bar.length = max(total, 1)
            bar.update(done - bar.pos)

        result = import_lists(
            list(files),
            data,
            dry_run=dry_run,
            wait=wait,
            progress=progress,
            kind=kind,
            on_conflict=on_conflict,
            encoding=encoding,
            sheet=sheet,
            source=source,
            review=review,
            max_bytes=int(max_size * 1024 * 1024),
        )
    for note in result["notes"]:
        click.echo(f"note: {note}", err=True)
    for note in result["skipped"]:
        click.echo(f"skipped: {note}", err=True)
    empty = is_empty(result["changes"])
    if fmt == "json" or not empty:
        click.echo(render_as("changes", result, fmt))
    if empty:
        click.echo(f"Nothing to change in {data}.", err=True)
    elif dry_run:
        click.echo(f"Dry run, nothing written. Would change {describe(result['summary'])}.", err=True)
    else:
        click.echo(f"Wrote {data}: {describe(result['summary'])}.", err=True)


@click.command()
@click.argument("old", type=click.Path(file_okay=False, exists=True, path_type=Path))
@click.argument("new", type=click.Path(file_okay=False, exists=True, path_type=Path))
@format_option(what="changes")
def diff(old, new, fmt):
    """Show what changed from one workspace of lists to another: entities and links
    added, changed (field by field) and removed."""
    from loaders.importer import diff_workspaces

    result = diff_workspaces(old, new)
    click.echo(render_as("changes", result, fmt))
    if fmt != "json":
        click.echo(", ".join(f"{k.replace('_', ' ')}: {v}" for k, v in result["summary"].items()), err=True)
