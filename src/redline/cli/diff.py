"""`redline diff`."""

from __future__ import annotations

import click


@click.command(name="diff")
def diff() -> None:
    """Not built yet."""
    raise click.ClickException("redline diff is not built yet")
