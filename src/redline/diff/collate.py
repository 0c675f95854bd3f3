"""Collation: many versions of one text side by side, sentence by sentence.

A collation table has one column per version and one row per sentence (or passage). The
reference version's sentences give the base rows, in its reading order; every other version is
compared with the reference (`redline.diff.redline.compare`) and its sentences fill the cells
of the rows they align with. Sentences a version has and the reference lacks become extra rows,
placed after the row of the version's nearest preceding aligned sentence; the same added sentence
in several versions shares one extra row (found at another place, it is marked moved there).

`collate` compares for itself; `collate_redlines` takes redlines a caller already has.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from rapidfuzz.distance import Indel

from redline.diff.redline import compare
from redline.errors import ConfigError
from redline.models import Document, Redline, Role, Segment
from redline.text.normalize import keys, words
from redline.text.roles import document_sentences

Status = Literal["same", "reworded"]
COLLATION_SCHEMA = "redline.collation/1"

# Two sentences added in different versions at the same place are taken as one passage when at
# least this share of their words agree (Indel similarity over word keys). Below it, they are
# independent additions and get rows of their own.
SHARED_ADDITION = 0.5
# Away from its place, a sentence joins another version's extra row only when closer than this:
# neighbours no longer vouch for the match.
SHARED_ELSEWHERE = 0.7
COMMON_WORD_ROWS = 200


@dataclass(frozen=True, slots=True)
class Cell:
    """One version's text in one row.

    `status` compares `text` with the row's reference cell: "same" (equal words), "reworded",
    or None for the reference cell itself. A cell whose sentence was merged with another one in
    this version has `text` None and `merged_into` naming the row that holds the merged text.
    """

    text: str | None
    status: Status | None
    moved: bool = False
    merged_into: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "status": self.status,
            "moved": self.moved,
            "merged_into": self.merged_into,
        }


@dataclass(frozen=True, slots=True)
class Row:
    """A sentence or passage across versions; a None cell means the version lacks it."""

    cells: tuple[Cell | None, ...]
    # Column whose cell the others are compared with: 0 (the reference version) for base rows,
    # the first version having the sentence for extra rows.
    reference: int = 0
    role: Role | None = None

    @property
    def extra(self) -> bool:
        """True when the reference version lacks this sentence."""
        return self.reference != 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "role": self.role,
            "reference": self.reference,
            "cells": [None if c is None else c.to_dict() for c in self.cells],
        }


@dataclass(frozen=True, slots=True)
class VersionSummary:
    """One version against the reference version, over content rows (boilerplate left out)."""

    same: int
    reworded: int
    removed: int  # reference sentences this version lacks
    added: int  # sentences this version has and the reference lacks

    def to_dict(self) -> dict[str, int]:
        return {
            "same": self.same,
            "reworded": self.reworded,
            "removed": self.removed,
            "added": self.added,
        }


@dataclass(frozen=True, slots=True)
class Collation:
    """A collation table; `to_dict` is the `redline.collation/1` JSON."""

    versions: tuple[str, ...]
    rows: tuple[Row, ...]
    titles: tuple[str | None, ...] = field(default=())

    @property
    def reference(self) -> str:
        """Id of the version whose sentences give the base rows (column 0)."""
        return self.versions[0]

    def summary(self) -> tuple[VersionSummary, ...]:
        """Per version: reference sentences kept, reworded, lacking; sentences added."""
        out = []
        for col in range(len(self.versions)):
            counts = {"same": 0, "reworded": 0, "removed": 0, "added": 0}
            for row in self.rows:
                cell = row.cells[col]
                if row.role is not None or (cell is None and row.extra):
                    continue
                if cell is None:
                    counts["removed"] += 1
                elif row.extra:
                    counts["added"] += 1
                else:
                    counts[cell.status or "same"] += 1
            out.append(VersionSummary(**counts))
        return tuple(out)

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": COLLATION_SCHEMA,
            "reference": self.reference,
            "versions": list(self.versions),
            "titles": list(self.titles) if self.titles else [None] * len(self.versions),
            "summary": [s.to_dict() for s in self.summary()],
            "rows": [r.to_dict() for r in self.rows],
        }


def collate(documents: Sequence[Document], *, reference: str | None = None) -> Collation:
    """Collate versions of one text into a table of sentences × versions.

    Args:
        documents: the versions, each with a distinct id.
        reference: id of the version whose sentences give the base rows (for a cluster, its
            canonical document); the first document when None. It becomes column 0; the others
            follow in the order given.

    Returns:
        The collation; `Collation.to_dict()` gives its JSON form.

    Raises:
        ConfigError: no documents, duplicate ids, or a reference id that is not among them.
    """
    ref = _pick_reference(documents, reference)
    return collate_redlines(ref, [(d, compare(ref, d)) for d in documents if d is not ref])


def _pick_reference(documents: Sequence[Document], reference: str | None) -> Document:
    if not documents:
        raise ConfigError("collate needs at least one document; got none")
    seen: set[str] = set()
    for doc in documents:
        if doc.id in seen:
            raise ConfigError(
                f"collate got two documents with id {doc.id!r}; pass each version once"
            )
        seen.add(doc.id)
    if reference is None:
        return documents[0]
    for doc in documents:
        if doc.id == reference:
            return doc
    raise ConfigError(
        f"reference {reference!r} is not among the {len(documents)} documents to collate; "
        "pass the id of one of them, or None for the first"
    )


def collate_redlines(reference: Document, others: Sequence[tuple[Document, Redline]]) -> Collation:
    """Build the table from redlines already computed as `compare(reference, other)`.

    Lets callers that also show the pairwise redlines (the static site, the web UI) compare
    each pair once. With no others, the table is the reference's sentences alone.
    """
    columns = 1 + len(others)
    ref_cells, roles = _reference_column(reference, [r for _, r in others])
    base: list[list[Cell | None]] = [[cell] + [None] * (columns - 1) for cell in ref_cells]
    # Extra rows by anchor: the base row they follow (-1: before the first base row).
    extras: dict[int, list[_ExtraRow]] = {}
    elsewhere = _ExtraIndex()

    for col, (_, redline) in enumerate(others, start=1):
        anchors: list[tuple[int, int]] = []  # (b sentence index, base row) of aligned sentences
        added: list[Segment] = []
        for seg in redline.segments:
            if seg.a_sentences and seg.b_sentences:
                lead, *rest = sorted(seg.a_sentences)
                status = _status(seg.a, seg.b)
                moved = seg.kind == "moved"
                if lead < len(base):
                    base[lead][col] = Cell(seg.b, status, moved)
                for i in rest:
                    if i < len(base):
                        base[i][col] = Cell(None, status, moved, merged_into=lead)
                anchors.extend((b, max(seg.a_sentences)) for b in seg.b_sentences)
            elif seg.b_sentences and seg.b is not None:
                added.append(seg)
        anchors.sort()
        for anchor, run in _runs(added, anchors):
            _place(extras.setdefault(anchor, []), run, col, elsewhere)

    # Row numbers change once extra rows are interleaved; merged_into must name final rows.
    order: list[tuple[int, int | None]] = [(-1, k) for k in range(len(extras.get(-1, ())))]
    for i in range(len(base)):
        order.append((i, None))
        order.extend((i, k) for k in range(len(extras.get(i, ()))))
    final_row = {i: n for n, (i, k) in enumerate(order) if k is None}

    rows: list[Row] = []
    for i, k in order:
        if k is None:
            cells = tuple(_renumber(c, final_row) for c in base[i])
            rows.append(Row(cells=cells, reference=0, role=roles[i]))
        else:
            extra = extras[i][k]
            cells = tuple(extra.cells.get(c) for c in range(columns))
            rows.append(Row(cells=cells, reference=extra.reference, role=extra.role))
    return Collation(
        versions=(reference.id, *(d.id for d, _ in others)),
        rows=tuple(rows),
        # As `redline diff` names them: metadata, else the sentence with the title role (a .txt
        # file's headline line).
        titles=(
            reference.title or (others[0][1].a.title if others else None),
            *(d.title or redline.b.title for d, redline in others),
        ),
    )


def _reference_column(
    reference: Document, redlines: Sequence[Redline]
) -> tuple[list[Cell | None], list[Role | None]]:
    """The reference's sentences, as cells, with their boilerplate roles, from its redlines."""
    texts: dict[int, str] = {}
    roles: dict[int, Role | None] = {}
    groups: list[Segment] = []
    count = 0
    for redline in redlines:
        count = max(count, redline.a.sentences)
        for seg in redline.segments:
            if len(seg.a_sentences) == 1 and seg.a is not None:
                texts.setdefault(seg.a_sentences[0], seg.a)
                roles.setdefault(seg.a_sentences[0], seg.boilerplate)
            elif len(seg.a_sentences) > 1:
                groups.append(seg)
    # Segmenting the reference the way `compare` does gives each sentence its own text, even one
    # that every other version merged with a neighbour; used only where it agrees with the
    # redlines (they may come from elsewhere, with other options).
    own = document_sentences(reference)
    if not redlines or (
        len(own) == count and all(own[i].text == text for i, text in texts.items())
    ):
        return [Cell(s.text, None) for s in own], [
            roles.get(i) or s.role for i, s in enumerate(own)
        ]

    merged: dict[int, int] = {}
    # A sentence seen only inside split/merge groups (every other version merged it) has no text
    # of its own in any redline: the group's text stands in the group's first row.
    for seg in groups:
        lead, *rest = sorted(seg.a_sentences)
        if lead not in texts and seg.a is not None:
            texts[lead] = seg.a
        roles.setdefault(lead, seg.boilerplate)
        for i in rest:
            if i not in texts:
                merged.setdefault(i, lead)
                roles.setdefault(i, seg.boilerplate)
    count = max(count, *(i + 1 for i in texts), *(i + 1 for i in merged), 0)
    cells: list[Cell | None] = []
    for i in range(count):
        if i in texts:
            cells.append(Cell(texts[i], None))
        elif i in merged:
            cells.append(Cell(None, None, merged_into=merged[i]))
        else:
            cells.append(None)
    return cells, [roles.get(i) for i in range(count)]


@dataclass(slots=True)
class _ExtraRow:
    """A row under construction for a sentence the reference lacks."""

    reference: int
    text: str
    keys: list[str]
    role: Role | None
    cells: dict[int, Cell] = field(default_factory=dict)


class _ExtraIndex:
    """Extra rows by their words, to find the row of a sentence added at another place."""

    def __init__(self) -> None:
        self.rows: list[_ExtraRow] = []
        self.postings: dict[str, list[int]] = {}

    def add(self, row: _ExtraRow) -> None:
        for key in set(row.keys):
            self.postings.setdefault(key, []).append(len(self.rows))
        self.rows.append(row)

    def find(self, sentence_keys: list[str], col: int, taken: set[int]) -> _ExtraRow | None:
        """The most similar row (at least SHARED_ELSEWHERE) this version has no cell in yet."""
        distinct = set(sentence_keys)
        shared: dict[int, int] = {}
        for key in distinct:
            postings = self.postings.get(key, ())
            # Words in very many rows (the, of, said) say nothing about which row it is, and
            # would make each look-up scan the whole table.
            if len(postings) <= COMMON_WORD_ROWS:
                for i in postings:
                    shared[i] = shared.get(i, 0) + 1
        best, best_score = None, SHARED_ELSEWHERE
        least = SHARED_ELSEWHERE * len(distinct) / 2
        for i, count in shared.items():
            row = self.rows[i]
            if count < least or col in row.cells or id(row) in taken:
                continue
            score = float(Indel.normalized_similarity(sentence_keys, row.keys))
            if score > best_score or (best is None and score == best_score):
                best, best_score = row, score
        return best


def _runs(added: list[Segment], anchors: list[tuple[int, int]]) -> list[tuple[int, list[Segment]]]:
    """Added segments grouped by the base row of their nearest preceding aligned sentence."""
    keys_b = [b for b, _ in anchors]
    runs: dict[int, list[Segment]] = {}
    for seg in sorted(added, key=lambda s: min(s.b_sentences)):
        at = bisect.bisect_left(keys_b, min(seg.b_sentences))
        anchor = anchors[at - 1][1] if at > 0 else -1
        runs.setdefault(anchor, []).append(seg)
    return list(runs.items())


def _place(rows: list[_ExtraRow], run: list[Segment], col: int, elsewhere: _ExtraIndex) -> None:
    """Put one version's added sentences into the extra rows at one anchor, in reading order.

    `elsewhere` indexes every extra row by its words: a sentence another version added at
    another place (its neighbours differ there) still shares that row rather than repeating it.
    """
    # First pass: which existing rows (other versions' additions) does each sentence match?
    matched: list[_ExtraRow | None] = []
    taken: set[int] = set()
    for seg in run:
        seg_keys = keys(seg.b or "")
        best: _ExtraRow | None = None
        best_score = SHARED_ADDITION
        for candidate in rows:
            if col in candidate.cells or id(candidate) in taken:
                continue
            score = float(Indel.normalized_similarity(seg_keys, candidate.keys))
            if score > best_score or (best is None and score == best_score):
                best, best_score = candidate, score
        if best is None:
            best = elsewhere.find(seg_keys, col, taken)
        if best is not None:
            taken.add(id(best))
        matched.append(best)
    # Second pass: a new row goes just before the row its next matched sibling landed in, so the
    # version's reading order survives; with no matched sibling after it, after the last row.
    here = {id(r) for r in rows}
    for j, seg in enumerate(run):
        text = seg.b or ""
        match = matched[j]
        if match is not None:
            # Matched at another place: in this version the sentence stands elsewhere.
            moved = id(match) not in here
            match.cells[col] = Cell(text, _status(match.text, text), moved)
            continue
        new = _ExtraRow(col, text, keys(text), seg.boilerplate, {col: Cell(text, None)})
        following = next((m for m in matched[j + 1 :] if m is not None and id(m) in here), None)
        at = next(k for k, r in enumerate(rows) if r is following) if following else len(rows)
        rows.insert(at, new)
        elsewhere.add(new)


def _status(a: str | None, b: str | None) -> Status:
    """Same only where the words are equal: typography and punctuation do not count."""
    return "same" if words(a or "") == words(b or "") else "reworded"


def _renumber(cell: Cell | None, final_row: dict[int, int]) -> Cell | None:
    if cell is None or cell.merged_into is None:
        return cell
    return Cell(cell.text, cell.status, cell.moved, final_row[cell.merged_into])
