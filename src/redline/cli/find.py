"""`redline find`."""

from __future__ import annotations

import click


@click.command(name="find")
def find() -> None:
    """Not built yet."""
    raise click.ClickException("redline find is not built yet")
