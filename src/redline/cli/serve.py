"""`redline serve`."""

from __future__ import annotations

import click


@click.command(name="serve")
def serve() -> None:
    """Not built yet."""
    raise click.ClickException("redline serve is not built yet")
