"""`redline diff OLD NEW`: show, sentence by sentence, what changed between two versions."""

from __future__ import annotations

import io
import os
import shutil
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from redline.cli.common import guard, write_atomic
from redline.ingest.limits import DEFAULT_MAX_BYTES
from redline.ingest.names import display_name

if TYPE_CHECKING:
    from redline.models import Redline

FORMATS = ("terminal", "json", "markdown", "html", "csv")
# Width of terminal-format output that does not go to a terminal (files, pipes, -o).
DEFAULT_WIDTH = 100


@click.command(name="diff")
@click.argument("old", metavar="OLD")
@click.argument("new", metavar="NEW")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="terminal",
    show_default=True,
    help="terminal: a readable redline; json: the redline.diff/1 contract; markdown: for a "
    "ticket or pull request; html: a self-contained side-by-side page; csv: one row per "
    "segment (kind, role, old, new, facts, verdict) for a spreadsheet.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the report to this file instead of standard output.",
)
@click.option(
    "--width",
    type=click.IntRange(min=20),
    help="Wrap terminal output at this many columns "
    f"[default: the terminal's width, or {DEFAULT_WIDTH}].",
)
@click.option("--no-color", is_flag=True, help="Spell changes with [-…-]{+…+} markers, no colour.")
@click.option(
    "--pager/--no-pager",
    default=True,
    show_default=True,
    help="Page terminal output longer than the screen (only when writing to a terminal).",
)
@click.option(
    "--context",
    type=click.IntRange(min=0),
    default=1,
    show_default=True,
    help="Unchanged sentences shown next to each change in terminal and HTML output; "
    "longer runs are folded.",
)
@click.option(
    "--max-bytes",
    type=click.IntRange(min=1),
    default=DEFAULT_MAX_BYTES,
    show_default=True,
    help="Refuse input files larger than this.",
)
@click.option("--encoding", help="Decode both inputs with this codec instead of detecting it.")
@click.option(
    "--open",
    "open_output",
    is_flag=True,
    help="Open the written report (-o) in its default program, e.g. a web browser for HTML.",
)
def diff(
    *,
    old: str,
    new: str,
    fmt: str,
    output: Path | None,
    width: int | None,
    no_color: bool,
    pager: bool,
    context: int,
    max_bytes: int,
    encoding: str | None,
    open_output: bool,
) -> None:
    """Show, sentence by sentence, what changed between OLD and NEW.

    OLD and NEW are .txt, .md, .html, .pdf, .docx or .rtf files (gzipped too), http(s) URLs,
    or - for standard input (one of them). Sentences are reported as reworded (with word-level
    edits), moved, added, removed or unchanged; titles, bylines, bios and promos are listed
    apart as boilerplate.

    \b
    Examples:
      redline diff old.txt new.html
      redline diff old.txt new.html --format html -o report.html --open
      redline diff https://example.org/a.html https://example.org/b.html
      redline diff draft.docx published.pdf
      cat draft.md | redline diff published.html - --format json
      redline diff old.txt new.txt --format csv -o changes.csv
    """
    if old == "-" and new == "-":
        raise click.UsageError("only one of OLD and NEW can be - (standard input)")
    if open_output and output is None:
        raise click.UsageError("--open opens the report written with -o FILE; pass -o too")
    with guard():
        # Imported here so that `redline --help` does not pay for trafilatura and the aligner.
        from redline.diff.redline import compare  # noqa: PLC0415
        from redline.ingest.files import read_document  # noqa: PLC0415

        doc_old = read_document(old, max_bytes=max_bytes, encoding=encoding)
        doc_new = read_document(new, max_bytes=max_bytes, encoding=encoding)
        redline = compare(doc_old, doc_new)

    to_terminal = output is None and sys.stdout.isatty()
    if fmt == "terminal":
        # NO_COLOR and FORCE_COLOR follow the conventions of no-color.org and Rich.
        wants = to_terminal or (bool(os.environ.get("FORCE_COLOR")) and output is None)
        color = wants and not no_color and not os.environ.get("NO_COLOR")
        text = _terminal(
            redline, width=width, color=color, to_terminal=to_terminal, context=context
        )
    else:
        text = _render(redline, fmt, context=context)

    if output is not None:
        with guard():
            write_atomic(output, text)
        # Absolute, on stderr: a clickable "look here next" that never mixes into piped output.
        click.echo(f"wrote {display_name(str(output.resolve()))}", err=True)
        if open_output:
            click.launch(str(output.resolve()))
        return
    if fmt == "terminal" and to_terminal and pager and _taller_than_screen(text):
        click.echo_via_pager(text)
        return
    _write_stdout(text)


def _render(redline: Redline, fmt: str, *, context: int) -> str:
    """JSON, Markdown, CSV or HTML text of the redline, ending in a newline."""
    if fmt == "json":
        from redline.report.json import to_json  # noqa: PLC0415

        return to_json(redline) + "\n"
    if fmt == "markdown":
        from redline.report.markdown import to_markdown  # noqa: PLC0415

        return to_markdown(redline)
    if fmt == "csv":
        from redline.report.spreadsheet import to_csv  # noqa: PLC0415

        return to_csv(redline)
    from redline.report.html import to_html  # noqa: PLC0415

    return to_html(redline, context=context)


def _terminal(
    redline: Redline, *, width: int | None, color: bool, to_terminal: bool, context: int
) -> str:
    """The terminal report as text: ANSI-styled when `color`, plain markers otherwise."""
    from rich.console import Console  # noqa: PLC0415

    from redline.report.terminal import render  # noqa: PLC0415

    if width is None:
        columns = os.environ.get("COLUMNS", "")
        if to_terminal:
            width = shutil.get_terminal_size((DEFAULT_WIDTH, 24)).columns
        else:
            width = int(columns) if columns.isdigit() else DEFAULT_WIDTH
    # Rendered to a buffer first: the pager decision needs the line count.
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        width=width,
        # "auto" reads TERM and COLORTERM; a terminal with no colour at all gets markers.
        color_system="auto" if color else None,
        force_terminal=color,
        no_color=not color,
        highlight=False,
        emoji=False,
        legacy_windows=False,
    )
    render(redline, console, context=context)
    return buffer.getvalue()


def _taller_than_screen(text: str) -> bool:
    return text.count("\n") > shutil.get_terminal_size((80, 24)).lines


def _write_stdout(text: str) -> None:
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader (head, less) went away: stop quietly, as cat does. Pointing stdout at
        # devnull keeps Python's exit-time flush from raising a second time.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        raise SystemExit(1) from None
