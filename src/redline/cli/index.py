"""`redline index`."""

from __future__ import annotations

import click


@click.command(name="index")
def index() -> None:
    """Not built yet."""
    raise click.ClickException("redline index is not built yet")
