"""Helpers shared by the subcommands."""

from __future__ import annotations

import os
import signal
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType

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


class Interrupt:
    """Which signal stopped a command: None for Ctrl-C (SIGINT), else the signal's name."""

    def __init__(self) -> None:
        self.signal: str | None = None
        self.exit_code = 128 + signal.SIGINT

    def _stop(self, signum: int, frame: FrameType | None) -> None:
        self.signal = signal.Signals(signum).name
        self.exit_code = 128 + signum
        raise KeyboardInterrupt


@contextmanager
def interrupts() -> Iterator[Interrupt]:
    """SIGTERM (and SIGHUP) stop the command the way Ctrl-C does: a KeyboardInterrupt, so that
    every `finally` runs, worker pools shut down and temporary files go; the exit code is
    128 + the signal (130 for Ctrl-C, 143 for SIGTERM)."""
    stop = Interrupt()
    caught = [s for s in (signal.SIGTERM, getattr(signal, "SIGHUP", None)) if s is not None]
    previous = {s: signal.signal(s, stop._stop) for s in caught}
    try:
        yield stop
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)


def write_atomic(path: Path, text: str) -> None:
    """Write `text` (UTF-8) to `path` through a temporary file beside it and one rename: a
    failure or Ctrl-C leaves the old file, or none, never a partial or empty one."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        umask = os.umask(0)
        os.umask(umask)
        Path(tmp).chmod(0o666 & ~umask)  # mkstemp makes it owner-only; outputs are ordinary
        Path(tmp).replace(path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
