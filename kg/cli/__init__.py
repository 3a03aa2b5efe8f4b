"""The ``kg`` command: a thin layer over the library.

Each command parses its options, makes one library call and renders the
result. Exit codes: 0 success, 1 a problem in the data or the environment
(the message says where and how to fix it), 2 a usage error, 130 stopped by
Ctrl-C (after cleaning up: nothing half-written).
"""

from __future__ import annotations

import contextlib
import os
import re
import sys

import click

from kg.cli import graphdb, lists, queries, views
from kg.errors import KGError, ValidationFailed

__all__ = ["main", "run", "KGGroup", "FLAG_HINTS", "flag_hint"]


#: The library's hints in the command line's words: its commands and flags.
FLAG_HINTS = [
    (r"^overwrite them with force$", "use --force to overwrite them"),
    (
        r"^make one with init_workspace\(DIR\), then import into DIR$",
        "make one with 'kg init DIR', then pass --data DIR or set KG_DATA",
    ),
    (r"^make one with init_workspace\((.*)\)$", r"make one with 'kg init \1'"),
    (r"^find it with the query 'search' \(text=(.*)\)$", r"find it with: kg query search --param text=\1"),
    (r"^the catalogue lists them$", "'kg queries' lists them"),
]


def flag_hint(hint: str | None) -> str | None:
    """The hint as the command line gives it.

    >>> flag_hint("overwrite them with force")
    'use --force to overwrite them'
    """
    for pattern, replacement in FLAG_HINTS:
        if hint is not None and re.match(pattern, hint):
            return re.sub(pattern, replacement, hint)
    return hint


class KGGroup(click.Group):
    """A group that turns the project's errors into click errors (exit 1), once, for every command."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except ValidationFailed as exc:
            for error in exc.errors:
                click.echo(str(error), err=True)
            raise click.ClickException(exc.message) from None
        except KGError as exc:
            exc.hint = flag_hint(exc.hint)
            raise click.ClickException(str(exc)) from None
        except KeyboardInterrupt:
            click.echo("Interrupted.", err=True)
            ctx.exit(130)


@click.group(cls=KGGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="tj-sti-plan-kg")
def main():
    """Knowledge graph of Tianjin's 14th Five-Year S&T Innovation Plan (天津市科技创新“十四五”规划)."""


for _module in (lists, graphdb, queries, views):
    for _name in _module.__all__:
        _command = getattr(_module, _name)
        if isinstance(_command, click.Command):
            main.add_command(_command)


def run() -> None:
    """The ``kg`` command as installed: :func:`main`, then a quick exit.

    A big load or build leaves millions of objects that Python would free one
    by one on the way out (seconds at a million entities). Every command has
    closed its files and connections when it returns, so the process flushes
    its output and ends at once with the command's exit code.
    """
    for stream in (sys.stdout, sys.stderr):
        # Output follows the console's encoding (or PYTHONIOENCODING); a character it cannot
        # show (›, a Chinese name on a Latin-1 console) is written as an escape, never a crash.
        with contextlib.suppress(AttributeError, ValueError):
            stream.reconfigure(errors="backslashreplace")
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


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
