"""The ``kg`` command: a thin layer over the library.

Each command parses its options, makes one library call and renders the
result. Exit codes: 0 success, 1 a problem in the data or the environment
(the message says where and how to fix it), 2 a usage error.
"""

from __future__ import annotations

import functools
import shutil
import sys
from pathlib import Path

import click

from .errors import KGError, ValidationFailed

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


def format_option(func):
    return click.option(
        "--format", "fmt", type=click.Choice(OUTPUT_FORMATS), default="table", show_default=True, help="Output format."
    )(func)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="tj-sti-plan-kg")
def main():
    """Knowledge graph of Tianjin's 14th Five-Year S&T Innovation Plan (天津市科技创新“十四五”规划)."""


@main.command()
@data_option
@click.option(
    "-o",
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("out"),
    show_default=True,
    help="Folder to write plan.ttl, plan.nt and plan.jsonld into.",
)
@_translate_errors
def build(data, output):
    """Validate the entity lists and write the RDF graph (ontology + instances).

    Nothing is written when any check fails.
    """
    from loaders.csv_lists import read_workspace

    from .pipeline import build_checked
    from .serialize import write_graph

    model, graph = build_checked(read_workspace(data))
    paths = write_graph(graph, output)
    click.echo(
        f"{len(model.entities)} entities, {len(model.links)} links, {len(graph)} triples → "
        + ", ".join(str(p) for p in paths)
    )


@main.command()
@data_option
@_translate_errors
def validate(data):
    """Run every check of 'kg build' without writing anything."""
    from loaders.csv_lists import read_workspace

    from .pipeline import build_checked

    model, graph = build_checked(read_workspace(data))
    click.echo(f"OK: {len(model.entities)} entities and {len(model.links)} links pass every check and the SHACL shapes")


@main.command()
@data_option
@format_option
@_translate_errors
def stats(data, fmt):
    """Count entities per kind and links per type."""
    from loaders.csv_lists import read_workspace

    from .checks import check
    from .render import render
    from .stats import stats as count

    click.echo(render(count(check(read_workspace(data))), fmt))


@main.command()
@format_option
@_translate_errors
def kinds(fmt):
    """List the entity kinds and link types of the ontology."""
    from .ontology import load_ontology
    from .render import render

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
    from .render import render
    from .source import plan_text, section_index

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
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite lists that are already there.")
@_translate_errors
def init(directory, force):
    """Copy the plan's entity lists into DIRECTORY, to edit and build with --data."""
    from .model import ENTITIES_FILE, LINKS_FILE
    from .resources import resource

    targets = [directory / name for name in (ENTITIES_FILE, LINKS_FILE)]
    existing = [str(t) for t in targets if t.exists()]
    if existing and not force:
        raise KGError(f"{', '.join(existing)} already exist", hint="use --force to overwrite them")
    directory.mkdir(parents=True, exist_ok=True)
    for target in targets:
        with resource("data", target.name).open("rb") as source, open(target, "wb") as out:
            shutil.copyfileobj(source, out)
    click.echo(f"Copied {ENTITIES_FILE} and {LINKS_FILE} to {directory}; build them with: kg build --data {directory}")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
