"""The redline as one self-contained HTML page: side by side, word-level highlights.

The page carries its CSS and script inline and loads nothing from anywhere, so it can be mailed
or attached to a ticket. Every piece of document text reaches the page through Jinja2's
autoescaping; nothing from a document is ever marked safe.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Literal

import jinja2

from redline.models import Kind, Redline, Role, Segment
from redline.report.pieces import (
    LABELS,
    MARKS,
    SUMMARY_ORDER,
    Fold,
    Paragraphs,
    Piece,
    boilerplate,
    content,
    excerpt,
    flat,
    fold,
    moved_from,
    paragraph_starts,
    percent,
    rewritten,
    shape,
    side,
    story_paragraphs,
    title,
    verdict_line,
    what_changed,
)


@dataclass(frozen=True, slots=True)
class RowView:
    """One row of the side-by-side table, ready for the template."""

    kind: Kind
    a: list[Piece] | None
    b: list[Piece] | None
    anchor: str | None = None
    note: str | None = None
    paragraph: bool = False  # starts a new paragraph of the text


@dataclass(frozen=True, slots=True)
class FoldView:
    """Unchanged sentences folded behind one expandable line."""

    label: str
    rows: list[RowView]
    paragraph: bool = False
    fold: Literal[True] = True


@dataclass(frozen=True, slots=True)
class JumpView:
    """An entry of the jump list of changes."""

    anchor: str
    kind: Kind
    mark: str
    label: str
    excerpt: str
    role: Role | None = None


@dataclass(slots=True)
class _Builder:
    old: Paragraphs
    jumps: list[JumpView] = field(default_factory=list)

    unchanged: int = 0

    def row(self, seg: Segment, *, paragraph: bool = False) -> RowView:
        # Every row has an anchor, so a link can point at one sentence; changes are c1, c2 ...
        # (the jump list and j/k keys), unchanged sentences u1, u2 ...
        if seg.kind == "same":
            self.unchanged += 1
            anchor = f"u{self.unchanged}"
        else:
            anchor = f"c{len(self.jumps) + 1}"
            self.jumps.append(
                JumpView(
                    anchor=anchor,
                    kind=seg.kind,
                    mark=MARKS[seg.kind],
                    label=LABELS[seg.kind],
                    excerpt=excerpt(seg.b or seg.a or ""),
                    role=seg.boilerplate,
                )
            )
        notes = []
        if seg.kind == "moved":
            notes.append(moved_from(seg, self.old))
        if (what := shape(seg)) is not None:
            notes.append(what)
        return RowView(
            kind=seg.kind,
            a=_cell(seg, "a"),
            b=_cell(seg, "b"),
            anchor=anchor,
            note="; ".join(notes) or None,
            paragraph=paragraph,
        )


def _cell(seg: Segment, which: Literal["a", "b"]) -> list[Piece] | None:
    text = seg.a if which == "a" else seg.b
    if text is None:
        return None
    if seg.kind in ("reworded", "moved"):
        return side(seg, which)
    return [("same", flat(text))]


def _basename(source: str) -> str:
    return source.replace("\\", "/").rsplit("/", 1)[-1] or source


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("redline.report", "templates"),
        # On for every template, whatever its name: the whole page is built from untrusted text.
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def to_html(redline: Redline, *, context: int = 1) -> str:
    """The whole report as one HTML page (a string), with no external assets."""
    title_a, title_b = title(redline, "a"), title(redline, "b")
    old, new = Paragraphs(redline.a, redline, "a"), Paragraphs(redline.b, redline, "b")
    builder = _Builder(old)
    rows: list[RowView | FoldView] = []
    items = [] if rewritten(redline) else fold(content(redline), context=context)
    for item, starts in zip(items, paragraph_starts(items, old, new), strict=True):
        if isinstance(item, Fold):
            folded = [builder.row(s) for s in item.segments]
            rows.append(FoldView(item.label, folded, paragraph=starts))
        else:
            rows.append(builder.row(item, paragraph=starts))
    groups = [(role, [builder.row(s) for s in segs]) for role, segs in boilerplate(redline)]
    order = SUMMARY_ORDER
    counts = redline.counts()
    bp = redline.counts(boilerplate=True)
    sim = redline.similarity
    return (
        _environment()
        .get_template("diff.html")
        .render(
            # The story's headline names the page; both versions' titles are in the summary.
            headline=title_b or title_a or _basename(redline.b.source),
            title_a=title_a,
            title_b=title_b,
            a=redline.a,
            b=redline.b,
            a_name=_basename(redline.a.source),
            b_name=_basename(redline.b.source),
            similarity={
                "jaccard": percent(sim.jaccard),
                "a_in_b": percent(sim.a_in_b),
                "b_in_a": percent(sim.b_in_a),
            },
            counts=[(k, MARKS[k], LABELS[k], counts[k]) for k in order],
            boilerplate_counts=[(k, MARKS[k], LABELS[k], bp[k]) for k in order if bp[k]],
            facts=what_changed(redline),
            rows=rows,
            groups=groups,
            jumps=builder.jumps,
            verdict=verdict_line(redline),
            old_text=story_paragraphs(redline, "a") if rewritten(redline) else [],
            new_text=story_paragraphs(redline, "b") if rewritten(redline) else [],
        )
    )
