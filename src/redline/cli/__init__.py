"""The `redline` command line: thin faces over the library.

Each subcommand lives in its own module and only calls the library; `common.guard` turns
library errors into one clear line on stderr and a non-zero exit code.
"""

from __future__ import annotations

import click

from redline.cli.diff import diff
from redline.cli.find import find
from redline.cli.index import index
from redline.cli.serve import serve


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="redline")
def main() -> None:
    """Find every version of a text and show, sentence by sentence, what changed."""


for _command in (diff, find, index, serve):
    main.add_command(_command)
