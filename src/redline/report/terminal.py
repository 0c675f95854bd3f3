"""The redline in a terminal: a summary, then the text in reading order with its changes.

Colour carries the meaning when the console has it; without colour (a pipe, `--no-color`) the
same report is spelled with markers: "[-deleted-]{+inserted+}" inside sentences and a marker
column of "+ " added, "- " removed, "~ " reworded, "> " moved.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from rich.console import Console
from rich.rule import Rule
from rich.text import Text

from redline.models import Kind, Redline, Segment
from redline.report.pieces import (
    LABELS,
    MARKS,
    SUMMARY_ORDER,
    Fold,
    Paragraphs,
    Piece,
    Row,
    boilerplate,
    content,
    flat,
    fold,
    inline,
    moved_from,
    paragraph_starts,
    percent,
    rewritten,
    shape,
    story_paragraphs,
    title,
    verdict_line,
    what_changed,
)

_MARK_STYLE: dict[Kind, str] = {
    "same": "dim",
    "reworded": "bold yellow",
    "moved": "bold cyan",
    "added": "bold green",
    "removed": "bold red",
}
_COLOR_MARK: dict[Kind, str] = {**MARKS, "same": " "}
_PLAIN_MARK: dict[Kind, str] = {**_COLOR_MARK, "removed": "-"}


def render(
    redline: Redline,
    console: Console,
    *,
    context: int = 1,
    plain: bool | None = None,
) -> None:
    """Print the redline to `console`.

    Args:
        redline: the comparison to show.
        console: where to print; its width decides the wrapping.
        context: unchanged sentences kept next to each change; longer runs are folded.
        plain: spell changes with text markers; by default when the console has no colour.
    """
    if plain is None:
        plain = console.color_system is None or console.no_color
    painter = _Painter(redline, console, plain=plain)
    rule = "-" if plain else "─"
    painter.summary()
    console.print(Rule(style="dim", characters=rule))
    if rewritten(redline):
        painter.blocks()
    else:
        painter.body(fold(content(redline), context=context))
    groups = boilerplate(redline)
    if groups:
        console.print(Rule("Boilerplate", style="dim", characters=rule))
        for role, segments in groups:
            console.print(Text(role, style="bold"))
            for seg in segments:
                painter.hanging(*painter.row(seg))


def _counts(counts: dict[Kind, int], marks: dict[Kind, str], *, zeros: bool) -> Text:
    order = SUMMARY_ORDER
    parts = [(k, counts[k]) for k in order if counts[k] or (zeros and k != "same")]
    out = Text()
    for i, (kind, n) in enumerate(parts):
        if i:
            out.append(" · ")
        mark = f"{marks[kind]} " if kind != "same" else ""
        out.append(f"{mark}{n} {LABELS[kind]}", _MARK_STYLE[kind] if n else "dim")
    return out


def _facts(items: Sequence[str], style: str, *, sep: str = ", ") -> Text:
    if not items:
        return Text("none", style="dim")
    out = Text()
    for i, item in enumerate(items):
        if i:
            out.append(sep)
        out.append(item, style)
    return out


# Control characters in a document (an ESC starting a terminal sequence, a bell, C1 codes)
# are shown as their Unicode control pictures, one character for one, so styles keep their
# offsets and no text can move the cursor, recolour or retitle the reader's terminal.
_CONTROLS = {c: 0x2400 + c for c in range(0x20) if c not in (0x09, 0x0A)}
_CONTROLS.update({0x7F: 0x2421, **dict.fromkeys(range(0x80, 0xA0), 0xFFFD)})


def _visible(text: Text) -> Text:
    """`text` with every control character but tab and newline made visible."""
    plain = text.plain
    shown = plain.translate(_CONTROLS)
    if shown == plain:
        return text
    out = text.copy()
    out.plain = shown
    return out


class _Painter:
    """Prints segments as rows: a marker, then the text wrapped with a hanging indent."""

    def __init__(self, redline: Redline, console: Console, *, plain: bool) -> None:
        self.redline = redline
        self.console = console
        self.plain = plain
        self.marks = _PLAIN_MARK if plain else _COLOR_MARK
        self.old = Paragraphs(redline.a, redline, "a")
        self.new = Paragraphs(redline.b, redline, "b")

    def hanging(self, head: Text, text: Text, *, indent: int = 2) -> None:
        """Print `head` then `text` wrapped to the console width, continuation lines indented."""
        # Wrapped by hand rather than in a table grid: a grid pads every line to full width,
        # leaving trailing spaces in pipes, files and golden snapshots.
        width = max(self.console.width - indent, 10)
        head, text = _visible(head), _visible(text)
        lines = text.wrap(self.console, width, overflow="fold")
        for i, line in enumerate(lines):
            prefix = head if i == 0 else Text(" " * indent)
            line.rstrip()
            self.console.print(Text.assemble(prefix, line), soft_wrap=True)

    def summary(self) -> None:
        """The header: both versions, similarity, counts and facts."""
        redline = self.redline
        label_width = 15

        def field(label: str, value: Text) -> None:
            self.hanging(Text(label.ljust(label_width), style="bold"), value, indent=label_width)

        # What an editor checks first: the facts, pairs before the rest.
        facts = what_changed(redline)
        self.console.print(Text("What changed", style="bold"))
        if facts.changed:
            field("Facts changed", _facts(facts.changed, "yellow", sep=" · "))
        field("Facts added", _facts(facts.added, "green"))
        field("Facts removed", _facts(facts.removed, "red"))
        self.console.print()
        for label, heading, side in (
            ("Old", title(redline, "a"), redline.a),
            ("New", title(redline, "b"), redline.b),
        ):
            line = Text(side.source, style="bold")
            if heading:
                line.append(f"  “{heading}”")
            n = side.sentences
            line.append(f"  {n} sentence{'s' if n != 1 else ''}", "dim")
            field(label, line)
        sim = redline.similarity
        field(
            "Similarity",
            Text(
                f"{percent(sim.jaccard)} shared (Jaccard) · {percent(sim.a_in_b)} of old is in new"
                f" · {percent(sim.b_in_a)} of new is in old"
            ),
        )
        field("Changes", _counts(redline.counts(), self.marks, zeros=True))
        bp = redline.counts(boilerplate=True)
        if any(bp.values()):
            field("Boilerplate", _counts(bp, self.marks, zeros=False))

    def blocks(self) -> None:
        """A rewritten story as two blocks of text, old then new, instead of word edits."""
        line = verdict_line(self.redline)
        if line:
            self.console.print(Text(line, style="bold yellow"))
        sides: tuple[tuple[str, Literal["a", "b"], Kind], ...] = (
            ("Old text", "a", "removed"),
            ("New text", "b", "added"),
        )
        for label, which, kind in sides:
            self.console.print()
            self.console.print(Text(label, style="bold"))
            style = "red" if kind == "removed" else "green"
            for paragraph in story_paragraphs(self.redline, which):
                mark = Text(self.marks[kind] + " ", style=_MARK_STYLE[kind])
                self.hanging(mark, Text(paragraph, style=style))

    def body(self, rows: Sequence[Row]) -> None:
        """The content rows in reading order, a blank line between paragraphs."""
        for row, new_paragraph in zip(
            rows, paragraph_starts(rows, self.old, self.new), strict=True
        ):
            if new_paragraph:
                self.console.print()
            if isinstance(row, Fold):
                self.hanging(Text("  "), Text(row.label, style="dim italic"))
            else:
                self.hanging(*self.row(row))

    def row(self, seg: Segment) -> tuple[Text, Text]:
        """The marker and the text of one segment."""
        mark = Text(self.marks[seg.kind] + " ", style=_MARK_STYLE[seg.kind])
        if seg.kind == "same":
            text = Text(flat(seg.b or seg.a or ""), style="dim")
        elif seg.kind == "added":
            text = Text(flat(seg.b or ""), style="green")
        elif seg.kind == "removed":
            text = Text(flat(seg.a or ""), style="red")
        else:
            text = self._pieces(inline(seg, gap=not self.plain))
        notes = []
        if seg.kind == "moved":
            notes.append(moved_from(seg, self.old))
        if (what := shape(seg)) is not None:
            notes.append(what)
        if notes:
            text.append(f"  ({'; '.join(notes)})", style="cyan italic")
        return mark, text

    def _pieces(self, pieces: list[Piece]) -> Text:
        out = Text()
        for kind, text in pieces:
            if kind == "same":
                out.append(text)
            elif kind == "delete":
                out.append(f"[-{text}-]" if self.plain else text, style="red strike")
            else:
                out.append(f"{{+{text}+}}" if self.plain else text, style="green underline")
        return out
