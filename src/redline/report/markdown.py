"""The redline as Markdown, for pasting into a ticket or a pull request (GitHub flavour).

Deleted words are ~~struck~~, inserted ones **bold**; unchanged sentences are folded into
"… N unchanged sentences …" so the list shows only what a reviewer has to read.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Literal

from redline.models import Kind, Redline, Segment
from redline.report.pieces import (
    LABELS,
    MARKS,
    SUMMARY_ORDER,
    Fold,
    Paragraphs,
    boilerplate,
    content,
    fold,
    inline,
    is_change,
    moved_from,
    percent,
    rewritten,
    shape,
    story_paragraphs,
    title,
    verdict_line,
    what_changed,
)

# Characters that would turn document text into markup (emphasis, links, tables, HTML).
_SPACES = re.compile(r"\s+")
_SPECIAL = re.compile(r"([\\`*_~\[\]<>|#])")


def escape(text: str) -> str:
    """Document text made inert in Markdown: markup characters escaped, kept on one line."""
    return _SPECIAL.sub(r"\\\1", _SPACES.sub(" ", text))


def to_markdown(redline: Redline) -> str:
    """The whole report as a Markdown string ending in a newline."""
    old = Paragraphs(redline.a, redline, "a")
    facts = what_changed(redline)
    lines = [
        f"## Redline: {_name(_basename(redline.a.source))} → {_name(_basename(redline.b.source))}",
        "",
        "### What changed",
        "",
    ]
    if facts.changed:
        lines.append(f"- **Facts changed:** {_facts(facts.changed, sep=' · ')}")
    lines += [
        f"- **Facts added:** {_facts(facts.added)}",
        f"- **Facts removed:** {_facts(facts.removed)}",
        "",
        "| | Old | New |",
        "|---|---|---|",
        f"| Source | {_name(redline.a.source)} | {_name(redline.b.source)} |",
        f"| Title | {_or_dash(title(redline, 'a'))} | {_or_dash(title(redline, 'b'))} |",
        f"| Sentences | {redline.a.sentences} | {redline.b.sentences} |",
        "",
    ]
    sim = redline.similarity
    lines += [
        "| Summary | |",
        "|---|---|",
        f"| Similarity | {percent(sim.jaccard)} shared (Jaccard) · {percent(sim.a_in_b)} of old"
        f" is in new · {percent(sim.b_in_a)} of new is in old |",
        f"| Changes | {_counts(redline.counts(), zeros=True)} |",
    ]
    bp = redline.counts(boilerplate=True)
    if any(bp.values()):
        lines.append(f"| Boilerplate | {_counts(bp, zeros=False)} |")
    lines += [
        "",
        "### Changes",
        "",
    ]
    rows = fold(content(redline), context=0, min_fold=1)
    if rewritten(redline):
        rows = []
        lines.append(f"_{verdict_line(redline)}_")
        sides: tuple[tuple[str, Literal["a", "b"]], ...] = (("Old text", "a"), ("New text", "b"))
        for label, which in sides:
            lines += ["", f"#### {label}", ""]
            for paragraph in story_paragraphs(redline, which):
                lines += [f"> {escape(paragraph).strip()}", ">"]
            if lines[-1] == ">":
                lines.pop()
    elif not any(not isinstance(r, Fold) for r in rows):
        lines.append("_No changes to the content._")
    for row in rows:
        if isinstance(row, Fold):
            lines.append(f"- _{row.label}_")
        else:
            lines.append(f"- {_item(row, old)}")
    # Only changed boilerplate is listed: in a ticket an unchanged byline is noise.
    changed = [(role, seg) for role, segs in boilerplate(redline) for seg in segs if is_change(seg)]
    if changed:
        lines += ["", "### Boilerplate", ""]
        lines += [f"- _{role}_ · {_item(seg, old)}" for role, seg in changed]
    return "\n".join(lines) + "\n"


def _basename(source: str) -> str:
    return source.replace("\\", "/").rsplit("/", 1)[-1] or source


def _name(source: str) -> str:
    return "`" + source.replace("`", "'") + "`"


def _or_dash(text: str | None) -> str:
    return escape(text).strip() if text else "—"


def _counts(counts: dict[Kind, int], *, zeros: bool) -> str:
    order = SUMMARY_ORDER
    return " · ".join(
        f"{counts[k]} {LABELS[k]}" for k in order if counts[k] or (zeros and k != "same")
    )


def _facts(items: Sequence[str], *, sep: str = ", ") -> str:
    return sep.join(escape(i).strip() for i in items) if items else "none"


def _item(seg: Segment, old: Paragraphs) -> str:
    """One list item: the kind, where it came from, and the sentence with its edits."""
    label = f"{MARKS[seg.kind]} {LABELS[seg.kind]}"
    notes = []
    if seg.kind == "moved":
        notes.append(moved_from(seg, old).removeprefix("moved "))
    if (what := shape(seg)) is not None:
        notes.append(what)
    head = f"**{label}**" + (f" ({'; '.join(notes)})" if notes else "")
    if seg.kind == "removed":
        body = f"~~{escape(seg.a or '').strip()}~~"
    elif seg.kind in ("added", "same"):
        body = escape(seg.b or seg.a or "").strip()
    else:
        body = _pieces(seg)
    return f"{head}: {body}"


def _pieces(seg: Segment) -> str:
    out = []
    for kind, text in inline(seg, gap=True):
        if kind == "same":
            out.append(escape(text))
            continue
        # Emphasis markers must touch non-space characters, so spaces stay outside them.
        lead = " " if text[:1].isspace() else ""
        trail = " " if text[-1:].isspace() else ""
        mark = "~~" if kind == "delete" else "**"
        out.append(f"{lead}{mark}{escape(text.strip())}{mark}{trail}")
    return _SPACES.sub(" ", "".join(out)).strip()
