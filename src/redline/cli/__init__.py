"""The `redline` command line: thin faces over the library.

Each subcommand lives in its own module and only calls the library; `common.guard` turns
library errors into one clear line on stderr and a non-zero exit code. A Ctrl-C anywhere is
one line and exit 130 (`redline.__main__` covers the start-up, `_Group` the commands).
"""

from __future__ import annotations

import logging

import click

from redline.cli.diff import diff
from redline.cli.find import find
from redline.cli.index import index
from redline.cli.serve import serve


class _Group(click.Group):
    """Click turns Ctrl-C into "Aborted!" and exit 1; redline says so and exits 130."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            ctx.exit(130)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="redline")
def main() -> None:
    """Find every version of a text and show, sentence by sentence, what changed."""
    _show_warnings()


class _Warnings(logging.Handler):
    """The library's warnings (a repaired record, a replaced byte) as `warning:` lines."""

    def emit(self, record: logging.LogRecord) -> None:
        click.echo(f"warning: {record.getMessage()}", err=True)


def _show_warnings() -> None:
    logger = logging.getLogger("redline")
    if not any(isinstance(h, _Warnings) for h in logger.handlers):
        logger.addHandler(_Warnings(logging.WARNING))
        logger.setLevel(logging.WARNING)


for _command in (diff, find, index, serve):
    main.add_command(_command)
