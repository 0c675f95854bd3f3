"""What every report needs from a Redline: word-level pieces, paragraphs, collapsed runs.

Reports differ only in how they draw; the decisions (which words are highlighted, which
unchanged sentences are folded away, where a moved sentence came from) are made here once so
the terminal, Markdown and HTML reports always agree with each other and with the JSON.
"""

from __future__ import annotations

import bisect
import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from redline.models import ROLES, FactChange, Facts, Kind, Redline, Role, Segment, Side
from redline.text.normalize import normalize

Op = Literal["equal", "delete", "insert", "replace"]
PieceKind = Literal["same", "delete", "insert"]
Piece = tuple[PieceKind, str]

# How every report names and marks the kinds (the terminal swaps "−" for "-" without colour).
LABELS: dict[Kind, str] = {
    "same": "unchanged",
    "reworded": "reworded",
    "moved": "moved",
    "added": "added",
    "removed": "removed",
}
MARKS: dict[Kind, str] = {"same": "=", "reworded": "~", "moved": ">", "added": "+", "removed": "−"}
# Summary order: the changes first, what stayed last.
SUMMARY_ORDER: tuple[Kind, ...] = ("reworded", "moved", "added", "removed", "same")

# A run of unchanged sentences is folded when it would hide at least this many sentences.
MIN_FOLD = 2
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*")
# Words (with inner apostrophes, decimal points and thousands separators) and runs of
# punctuation, each with the space after it: "1." against "1," is then a punctuation edit,
# not a changed word.
_TOKEN = re.compile(r"(?:[^\W_]+(?:[.,'’][^\W_]+)*|[^\w\s]+|_+)\s*")
_TRAILING_SPACE = re.compile(r"\s+$")
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class Aligned:
    """One stretch of a sentence pair: equal text, or an edit with old and new text."""

    op: Op
    a: str
    b: str


@dataclass(frozen=True, slots=True)
class Fold:
    """A run of unchanged sentences that a report shows as one line."""

    segments: tuple[Segment, ...]

    @property
    def label(self) -> str:
        """ "… 7 unchanged sentences …"."""
        n = len(self.segments)
        return f"… {n} unchanged sentence{'s' if n != 1 else ''} …"


Row = Segment | Fold


def aligned(seg: Segment) -> list[Aligned]:
    """The sentence pair of `seg` cut into equal stretches and edits, in reading order.

    Uses the segment's own word-level `changes` when their spans fit the segment; otherwise
    (hand-made or foreign redlines) diffs the words itself.
    """
    a, b = seg.a or "", seg.b or ""
    if not a or not b:
        return [Aligned("delete", a, "")] if a else [Aligned("insert", "", b)] if b else []
    if a == b:
        return [Aligned("equal", a, b)]
    from_changes = _from_changes(seg, a, b)
    return from_changes if from_changes is not None else _own_diff(a, b)


def _from_changes(seg: Segment, a: str, b: str) -> list[Aligned] | None:
    if not seg.changes or seg.a_span is None or seg.b_span is None:
        return None
    a0, b0 = seg.a_span.start, seg.b_span.start
    out: list[Aligned] = []
    ca = cb = 0
    for change in seg.changes:
        if change.a_span is None or change.b_span is None:
            return None
        sa, ea = change.a_span.start - a0, change.a_span.end - a0
        sb, eb = change.b_span.start - b0, change.b_span.end - b0
        if not (ca <= sa <= ea <= len(a) and cb <= sb <= eb <= len(b)):
            return None
        if sa > ca or sb > cb:
            out.append(Aligned("equal", a[ca:sa], b[cb:sb]))
        op: Op = "replace" if ea > sa and eb > sb else "delete" if ea > sa else "insert"
        out.append(Aligned(op, a[sa:ea], b[sb:eb]))
        ca, cb = ea, eb
    if ca < len(a) or cb < len(b):
        out.append(Aligned("equal", a[ca:], b[cb:]))
    return out


def _own_diff(a: str, b: str) -> list[Aligned]:
    """Word diff by difflib; sentences are short, so its quadratic worst case does not bite."""
    ta, tb = _TOKEN.findall(a), _TOKEN.findall(b)
    lead_a = a[: len(a) - len(a.lstrip())]
    lead_b = b[: len(b) - len(b.lstrip())]
    matcher = difflib.SequenceMatcher(
        None, [normalize(t) for t in ta], [normalize(t) for t in tb], autojunk=False
    )
    out: list[Aligned] = []
    if lead_a or lead_b:
        out.append(Aligned("equal", lead_a, lead_b))
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        chunk_a, chunk_b = "".join(ta[i1:i2]), "".join(tb[j1:j2])
        if tag == "equal":
            out.append(Aligned("equal", chunk_a, chunk_b))
            continue
        # The edit covers the words; the space after them stays as unchanged text.
        space_a = _TRAILING_SPACE.search(chunk_a)
        space_b = _TRAILING_SPACE.search(chunk_b)
        core_a = chunk_a[: space_a.start()] if space_a else chunk_a
        core_b = chunk_b[: space_b.start()] if space_b else chunk_b
        op: Op = "replace" if core_a and core_b else "delete" if core_a else "insert"
        out.append(Aligned(op, core_a, core_b))
        tail_a = space_a.group() if space_a else ""
        tail_b = space_b.group() if space_b else ""
        if tail_a or tail_b:
            out.append(Aligned("equal", tail_a, tail_b))
    return out


def inline(seg: Segment, *, gap: bool = False) -> list[Piece]:
    """The new sentence with deletions shown where they were: one line for both versions.

    Whitespace is flattened (see `flat`), as in `side`. With `gap`, a replaced word and its
    replacement are kept apart by a space: where only styling (colour, strike-through) tells
    them apart, "18,000" and "18,500" must not read, or copy, as "18,00018,500".
    """
    out: list[Piece] = []
    for part in aligned(seg):
        if part.op == "equal":
            _add(out, "same", part.b)
            continue
        if part.a:
            _space_before(out, part.a)
            _add(out, "delete", part.a)
        if part.b:
            if not part.a:
                _space_before(out, part.b)
            elif gap and not part.a[-1:].isspace() and not part.b[:1].isspace():
                out.append(("same", " "))
            _add(out, "insert", part.b)
    # An edit that ends right where the next word starts needs a space to stay readable.
    tidy: list[Piece] = []
    for i, piece in enumerate(out):
        tidy.append(piece)
        following = out[i + 1] if i + 1 < len(out) else None
        if (
            piece[0] != "same"
            and following is not None
            and following[0] == "same"
            and following[1][:1].isalnum()
            and piece[1][-1:].isalnum()
        ):
            tidy.append(("same", " "))
    return _merge(tidy)


def side(seg: Segment, which: Literal["a", "b"]) -> list[Piece]:
    """One version's sentence with its own edits marked (deletions in a, insertions in b)."""
    out: list[Piece] = []
    for part in aligned(seg):
        text = part.a if which == "a" else part.b
        if part.op == "equal":
            _add(out, "same", text)
        else:
            _add(out, "delete" if which == "a" else "insert", text)
    return _merge(out)


def _space_before(out: list[Piece], text: str) -> None:
    if out and out[-1][1][-1:].isalnum() and text[:1].isalnum():
        out.append(("same", " "))


def _add(out: list[Piece], kind: PieceKind, text: str) -> None:
    if text:
        out.append((kind, text))


def flat(text: str) -> str:
    """Text on one line: hard wraps and runs of spaces in a document are layout, not content."""
    return _SPACES.sub(" ", text)


def _merge(pieces: list[Piece]) -> list[Piece]:
    merged: list[Piece] = []
    for kind, text in ((k, flat(t)) for k, t in pieces):
        if merged and merged[-1][0] == kind:
            merged[-1] = (kind, merged[-1][1] + text)
        else:
            merged.append((kind, text))
    return merged


class Paragraphs:
    """Paragraph and sentence numbers of one side's story, as a reader counts them.

    Paragraphs are blank-line blocks of the side's text. Given the redline, only paragraphs
    holding story sentences are numbered and only story sentences counted, so a title and a
    byline standing as paragraphs of their own do not shift "moved from ¶3, sentence 5".
    """

    def __init__(
        self, side: Side, redline: Redline | None = None, which: Literal["a", "b"] = "a"
    ) -> None:
        self._starts = [m.end() for m in _PARAGRAPH_BREAK.finditer(side.text)]
        self.known = bool(side.text)
        self._story: list[int] | None = None
        self._sentences: list[int] = []
        if redline is not None:
            raw: set[int] = set()
            sentences: set[int] = set()
            for seg in content(redline):
                span = seg.a_span if which == "a" else seg.b_span
                if span is not None:
                    raw.add(self._raw(span.start))
                sentences.update(seg.a_sentences if which == "a" else seg.b_sentences)
            self._story = sorted(raw)
            self._sentences = sorted(sentences)

    def _raw(self, offset: int) -> int:
        return bisect.bisect_right(self._starts, offset) + 1

    def of(self, offset: int) -> int:
        """The 1-based paragraph holding `offset`, counting story paragraphs only when known."""
        raw = self._raw(offset)
        if self._story is None:
            return raw
        return max(bisect.bisect_right(self._story, raw), 1)

    def sentence(self, index: int) -> int:
        """The 1-based number of sentence `index` among the story's sentences."""
        if not self._sentences:
            return index + 1
        return bisect.bisect_left(self._sentences, index) + 1


@dataclass(frozen=True, slots=True)
class _Where:
    """The paragraphs a segment stands in on each side (None where the side lacks it)."""

    a: int | None
    b: int | None


def _where(seg: Segment, old: Paragraphs, new: Paragraphs) -> _Where:
    a = old.of(seg.a_span.start) if seg.a_span and old.known else None
    b = new.of(seg.b_span.start) if seg.b_span and new.known else None
    return _Where(a, b)


def paragraph_starts(rows: Sequence[Row], old: Paragraphs, new: Paragraphs) -> list[bool]:
    """For each row, whether it begins a new paragraph of the text as the reader sees it.

    Paragraphs follow the new version; a removed sentence follows the old one, so a paragraph
    cut whole stands apart while a sentence cut from a kept paragraph stays inside it.
    """
    out: list[bool] = []
    last_a: int | None = None
    last_b: int | None = None
    previous: _Where | None = None
    for row in rows:
        first = _where(row.segments[0] if isinstance(row, Fold) else row, old, new)
        out.append(previous is not None and _breaks(previous, first, last_a, last_b))
        previous = _where(row.segments[-1], old, new) if isinstance(row, Fold) else first
        last_a = previous.a if previous.a is not None else last_a
        last_b = previous.b if previous.b is not None else last_b
    return out


def _breaks(prev: _Where, cur: _Where, last_a: int | None, last_b: int | None) -> bool:
    if prev.b is not None and cur.b is not None:
        return prev.b != cur.b
    if prev.a is not None and cur.a is not None:
        return prev.a != cur.a
    # An added sentence next to a removed one: compare with the last paragraph seen.
    if cur.b is not None:
        return last_b is not None and cur.b != last_b
    return cur.a is not None and last_a is not None and cur.a != last_a


def moved_from(seg: Segment, old: Paragraphs) -> str:
    """Where a moved sentence stood in the old version, for a reader: "moved from ¶3"."""
    parts = []
    if old.known and seg.a_span is not None:
        parts.append(f"¶{old.of(seg.a_span.start)}")
    if seg.a_sentences:
        parts.append(f"sentence {old.sentence(seg.a_sentences[0])}")
    if not parts:
        return "moved"
    return "moved from " + ", ".join(parts)


def shape(seg: Segment) -> str | None:
    """ "split in 2" or "merged from 2" when a segment joins several sentences of one side."""
    na, nb = len(seg.a_sentences), len(seg.b_sentences)
    if na == 1 and nb > 1:
        return f"split in {nb}"
    if nb == 1 and na > 1:
        return f"merged from {na}"
    if na > 1 and nb > 1:
        return f"{na} sentences rewritten as {nb}"
    return None


def title(redline: Redline, which: Literal["a", "b"]) -> str | None:
    """A version's title: from its metadata, else the sentence the aligner gave the title role."""
    side_ = redline.a if which == "a" else redline.b
    if side_.title:
        return flat(side_.title).strip()
    for seg in redline.segments:
        text = seg.a if which == "a" else seg.b
        if seg.boilerplate == "title" and text:
            return flat(text).strip()
    return None


def content(redline: Redline) -> list[Segment]:
    """Segments that are not boilerplate, in reading order."""
    return [s for s in redline.segments if s.boilerplate is None]


def boilerplate(redline: Redline) -> list[tuple[Role, list[Segment]]]:
    """Boilerplate segments grouped by role, roles in their canonical order."""
    groups: dict[Role, list[Segment]] = {}
    for seg in redline.segments:
        if seg.boilerplate is not None:
            groups.setdefault(seg.boilerplate, []).append(seg)
    return [(role, groups[role]) for role in ROLES if role in groups]


def fold(segments: Sequence[Segment], *, context: int = 1, min_fold: int = MIN_FOLD) -> list[Row]:
    """Fold long runs of `same` sentences, keeping `context` sentences next to each change.

    A run at the start or end of the text keeps context only on its side facing a change; a
    fold hides at least `min_fold` sentences; a negative `context` folds nothing.
    """
    if context < 0:
        return list(segments)
    rows: list[Row] = []
    i = 0
    while i < len(segments):
        if segments[i].kind != "same":
            rows.append(segments[i])
            i += 1
            continue
        j = i
        while j < len(segments) and segments[j].kind == "same":
            j += 1
        run = list(segments[i:j])
        head = context if i > 0 else 0
        tail = context if j < len(segments) else 0
        if len(run) - head - tail >= max(min_fold, 1):
            rows.extend(run[:head])
            rows.append(Fold(tuple(run[head : len(run) - tail])))
            rows.extend(run[len(run) - tail :])
        else:
            rows.extend(run)
        i = j
    return rows


def is_change(seg: Segment) -> bool:
    """True for every segment a reader should look at (anything but `same`)."""
    return seg.kind != "same"


def percent(value: float) -> str:
    """A share as a percentage that never rounds a difference away (99.6% is not 100%)."""
    if value >= 1.0:
        return "100%"
    if value <= 0.0:
        return "0%"
    shown = round(value * 100)
    if shown >= 100:
        return f"{min(value * 100, 99.9):.1f}%"
    if shown <= 0:
        return "<1%"
    return f"{shown}%"


def excerpt(text: str, limit: int = 80) -> str:
    """The first `limit` characters of `text` on one line, with an ellipsis when cut."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def fact_change(change: FactChange) -> str:
    """ "four → five (suspension cables)", with "×2" when several sentences made the change."""
    out = f"{flat(change.old).strip()} → {flat(change.new).strip()}"
    if change.context:
        out += f" ({change.context})"
    if change.count > 1:
        out += f" ×{change.count}"
    return out


def fact_counted(fact: str, facts: Facts) -> str:
    """A listed fact as written, with its counts when both versions hold it: "29 (2 → 1)"."""
    text = flat(fact).strip()
    for count in facts.counts:
        if count.fact == fact:
            return f"{text} ({count.old} → {count.new})"
    return text


@dataclass(frozen=True, slots=True)
class WhatChanged:
    """The "What changed" summary every report opens with: fact pairs, then added, removed."""

    changed: list[str]
    added: list[str]
    removed: list[str]


def what_changed(redline: Redline) -> WhatChanged:
    """The fact summary of `redline`, in the words every report prints."""
    facts = redline.facts
    return WhatChanged(
        changed=[fact_change(c) for c in facts.changed],
        added=[fact_counted(f, facts) for f in facts.added],
        removed=[fact_counted(f, facts) for f in facts.removed],
    )


def story_paragraphs(redline: Redline, which: Literal["a", "b"]) -> list[str]:
    """One version's story as the reader sees it: its paragraphs, each on one line."""
    side_ = redline.a if which == "a" else redline.b
    where = Paragraphs(side_, redline, which)
    spans = sorted(
        (span.start, span.end)
        for seg in content(redline)
        if (span := seg.a_span if which == "a" else seg.b_span) is not None
    )
    out: list[list[str]] = []
    last: int | None = None
    for start, end in spans:
        number = where.of(start)
        if number != last:
            out.append([])
            last = number
        out[-1].append(flat(side_.text[start:end]).strip())
    return [" ".join(p) for p in out]


def rewritten(redline: Redline) -> bool:
    """Whether the redline's verdict says most of the story was rewritten."""
    return redline.verdict is not None and redline.verdict.kind == "rewritten"


def verdict_line(redline: Redline) -> str | None:
    """ "Substantially rewritten: 23% of the story's sentences kept" for a rewritten pair."""
    if redline.verdict is None or not rewritten(redline):
        return None
    return (
        f"Substantially rewritten: {percent(redline.verdict.kept)} of the story's sentences kept;"
        " shown as old → new text"
    )
