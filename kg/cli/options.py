"""The options and parameter types the commands share."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import click

from kg.cli.render import FORMATS, formats

__all__ = [
    "NameValue",
    "FOLDER",
    "data_option",
    "store_option",
    "format_option",
    "shacl_option",
    "output_option",
    "neo4j_options",
    "query_text_options",
    "settings",
    "query_text",
    "progress_stream",
    "timeout_option",
    "wait_option",
]

#: A folder given on the command line.
FOLDER = click.Path(file_okay=False, path_type=Path)


class NameValue(click.ParamType):
    """``name=value``, as a ``(name, value)`` pair."""

    name = "NAME=VALUE"

    def convert(self, value, param, ctx):
        if isinstance(value, tuple):
            return value
        name, sep, text = value.partition("=")
        if not sep or not name.strip():
            self.fail(f"{value!r} is not NAME=VALUE", param, ctx)
        return name.strip(), text


def data_option(func):
    return click.option(
        "--data",
        "data",
        type=FOLDER,
        envvar="KG_DATA",
        show_envvar=True,
        help="Folder of entity lists (entities.csv, links.csv). Default: the plan's lists shipped with the package.",
    )(func)


def store_option(func):
    return click.option(
        "--store",
        type=FOLDER,
        help="Query the on-disk store that 'kg build --store DIR' wrote, instead of loading the lists "
        "(for big graphs: it opens at once).",
    )(func)


def format_option(func=None, *, what: str = "rows", help_text: str = "Output format."):
    """``--format``, offering the formats of the renderer of ``what``."""

    def decorate(f):
        choices = FORMATS if what == "rows" else formats(what)
        return click.option(
            "--format", "fmt", type=click.Choice(choices), default=choices[0], show_default=True, help=help_text
        )(f)

    return decorate(func) if func is not None else decorate


def shacl_option(func):
    return click.option(
        "--shacl/--no-shacl",
        default=None,
        help="Run the SHACL shapes (default: on lists of up to 20,000 entities; the row checks cover every shape).",
    )(func)


def output_option(default: Path | None, help_text: str, *, file: bool = False, **extra):
    """``-o/--output``: a folder (or a file)."""
    kind = click.Path(dir_okay=False, path_type=Path) if file else FOLDER
    return click.option(
        "-o", "--output", type=kind, default=default, show_default=default is not None, help=help_text, **extra
    )


def neo4j_options(func):
    """--uri/--username/--password/--database, from Neo4j's own environment variables."""
    options = [
        click.option(
            "--uri",
            type=str,
            envvar="NEO4J_URI",
            show_envvar=True,
            default="neo4j://localhost:7687",
            show_default=True,
            help="Bolt URI of the server.",
        ),
        click.option(
            "--username",
            type=str,
            envvar="NEO4J_USERNAME",
            show_envvar=True,
            default="neo4j",
            show_default=True,
            help="User name.",
        ),
        click.option(
            "--password",
            type=str,
            envvar="NEO4J_PASSWORD",
            show_envvar=True,
            help="Password (never printed). A password given as a flag is visible to other users of the machine "
            "(ps): prefer NEO4J_PASSWORD or --password-file; on a terminal, without either, it is asked for.",
        ),
        click.option(
            "--password-file",
            type=click.File("r", encoding="utf-8"),
            expose_value=False,
            callback=_password_file,
            help="Read the password from the first line of this file ('-' for standard input).",
        ),
        click.option(
            "--database",
            type=str,
            envvar="NEO4J_DATABASE",
            show_envvar=True,
            help="Database name. Default: the server's default database.",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def query_text_options(func):
    """TEXT and -f/--file: an ad-hoc query."""
    func = click.option(
        "-f",
        "--file",
        type=click.File("rb"),
        help="Read the query from a file ('-' for standard input): UTF-8, or GB18030/GBK.",
    )(func)
    return click.argument("text", type=str, required=False)(func)


def _password_file(ctx, param, file):
    if file is not None:
        ctx.meta["kg.password_file"] = file.readline().rstrip("\r\n")
    return file


def settings(uri, username, password, database, timeout=None):
    """The connection settings of the neo4j options (``timeout``: a query's time limit in seconds).

    The password comes from --password-file, --password, NEO4J_PASSWORD, or (on a terminal) a prompt.
    """
    from loaders.bolt.connect import QUERY_TIMEOUT, Settings

    ctx = click.get_current_context(silent=True)
    if ctx is not None and "kg.password_file" in ctx.meta:
        if password is not None and ctx.get_parameter_source("password") == click.core.ParameterSource.COMMANDLINE:
            raise click.UsageError("give --password or --password-file, not both")
        password = ctx.meta["kg.password_file"]
    if password is None and sys.stdin.isatty() and sys.stderr.isatty():
        password = click.prompt(f"Password of '{username}'", hide_input=True, err=True)
    return Settings(uri=uri, username=username, password=password, database=database, timeout=timeout or QUERY_TIMEOUT)


def query_text(text, file) -> tuple[str, str]:
    """The ad-hoc query and its name: from the file (its encoding detected as for entity lists),
    TEXT, or standard input (not a terminal: the command would wait without saying why)."""
    if file is not None:
        from kg.errors import ValidationFailed
        from loaders.decoding import decode

        name = getattr(file, "name", "stdin")
        body, errors = decode(file.read(), name)
        if errors:
            raise ValidationFailed(errors)
        return body, name
    if text is None or text == "-":
        if sys.stdin.isatty():
            raise click.UsageError("no query: give it as TEXT, with --file FILE, or on standard input (a pipe)")
        return sys.stdin.read(), "stdin"
    return text, "query"


def progress_stream():
    """Where progress bars go: the terminal, or nowhere (off a terminal click prints a bare label)."""
    return sys.stderr if sys.stderr.isatty() else io.StringIO()


def timeout_option(func):
    from kg.query.limits import DEFAULT_TIMEOUT

    return click.option(
        "--timeout",
        type=click.FloatRange(min=0.1),
        default=DEFAULT_TIMEOUT,
        show_default=True,
        help="Seconds the query may run; then it is stopped with an error.",
    )(func)


def wait_option(func):
    """``--wait``: wait for another writer of the workspace, as the number of seconds to wait (0: none)."""
    from loaders.lock import WAIT_SECONDS

    return click.option(
        "--wait",
        is_flag=True,
        flag_value=WAIT_SECONDS,
        default=0.0,
        help=f"If another kg command is writing the workspace, wait until it is done "
        f"(at most {WAIT_SECONDS / 60:.0f} minutes) instead of failing.",
    )(func)
