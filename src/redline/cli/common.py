"""Helpers shared by the subcommands."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import click

from redline.errors import RedlineError


@contextmanager
def guard() -> Iterator[None]:
    """Translate library errors into a one-line message and exit code 1 (no traceback)."""
    try:
        yield
    except RedlineError as exc:
        raise click.ClickException(str(exc)) from exc
    except OSError as exc:
        name = exc.filename if exc.filename is not None else ""
        raise click.ClickException(f"{name}: {exc.strerror or exc}".lstrip(": ")) from exc
