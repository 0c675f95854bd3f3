"""The values that flow between redline's stages: frozen, slotted dataclasses."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Role = Literal["title", "byline", "dateline", "credit", "bio", "promo", "other"]
Kind = Literal["same", "reworded", "moved", "added", "removed"]
ChangeOp = Literal["insert", "delete", "replace"]

ROLES: tuple[Role, ...] = ("title", "byline", "dateline", "credit", "bio", "promo", "other")
KINDS: tuple[Kind, ...] = ("same", "reworded", "moved", "added", "removed")
DIFF_SCHEMA = "redline.diff/1"


@dataclass(frozen=True, slots=True)
class Span:
    """A half-open range of character offsets into a document's extracted text."""

    start: int
    end: int

    def __post_init__(self) -> None:
        if not 0 <= self.start <= self.end:
            raise ValueError(f"span must satisfy 0 <= start <= end, got ({self.start}, {self.end})")

    def to_list(self) -> list[int]:
        return [self.start, self.end]


@dataclass(frozen=True, slots=True)
class Document:
    """One text with its provenance. `text` is the extracted text every span refers to."""

    id: str
    text: str
    title: str | None = None
    url: str | None = None
    date: str | None = None
    byline: str | None = None


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence of a document: its span, its exact text and where it stands."""

    span: Span
    text: str
    paragraph: int
    role: Role | None = None


@dataclass(frozen=True, slots=True)
class Change:
    """A word-level edit inside a reworded sentence; spans are document offsets."""

    op: ChangeOp
    a: str | None
    b: str | None
    a_span: Span | None
    b_span: Span | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "op": self.op,
            "a": self.a,
            "b": self.b,
            "a_span": self.a_span.to_list() if self.a_span else None,
            "b_span": self.b_span.to_list() if self.b_span else None,
        }


@dataclass(frozen=True, slots=True)
class Segment:
    """One unit of a redline: a sentence (or a split/merged group) on each side."""

    kind: Kind
    a: str | None
    b: str | None
    a_span: Span | None
    b_span: Span | None
    boilerplate: Role | None = None
    changes: tuple[Change, ...] = ()
    # Sentence indices on each side; lets reports say where a moved sentence came from.
    a_sentences: tuple[int, ...] = ()
    b_sentences: tuple[int, ...] = ()
    score: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "a": self.a,
            "b": self.b,
            "a_span": self.a_span.to_list() if self.a_span else None,
            "b_span": self.b_span.to_list() if self.b_span else None,
            "boilerplate": self.boilerplate,
            "changes": [c.to_dict() for c in self.changes],
            "a_sentences": list(self.a_sentences),
            "b_sentences": list(self.b_sentences),
            "score": None if self.score is None else round(self.score, 4),
        }


@dataclass(frozen=True, slots=True)
class Side:
    """What a redline says about one of its two documents."""

    source: str
    title: str | None
    sentences: int
    text: str = field(repr=False, default="")

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source, "title": self.title, "sentences": self.sentences}


@dataclass(frozen=True, slots=True)
class Similarity:
    """Word-shingle overlap: Jaccard, and how much of each side the other contains."""

    jaccard: float
    a_in_b: float
    b_in_a: float

    def to_dict(self) -> dict[str, float]:
        return {
            "jaccard": round(self.jaccard, 4),
            "a_in_b": round(self.a_in_b, 4),
            "b_in_a": round(self.b_in_a, 4),
        }


@dataclass(frozen=True, slots=True)
class FactChange:
    """A fact changed inside a reworded sentence: "four → five (suspension cables)"."""

    old: str
    new: str
    # A few words next to the new value, saying what the number counts.
    context: str = ""
    # How many sentences made this same change ("29 → 30 (degrees) ×2").
    count: int = 1

    def to_dict(self) -> dict[str, Any]:
        return {"old": self.old, "new": self.new, "context": self.context, "count": self.count}


@dataclass(frozen=True, slots=True)
class FactCount:
    """How often a listed number or date occurs in each version, when neither count is zero."""

    fact: str
    old: int
    new: int

    def to_dict(self) -> dict[str, Any]:
        return {"fact": self.fact, "old": self.old, "new": self.new}


@dataclass(frozen=True, slots=True)
class Facts:
    """What changed in the story's numbers, dates, amounts and names.

    `changed` pairs old and new values of reworded sentences; `added` and `removed` list the
    rest as written; `counts` says, for a listed fact still present on both sides, how often.
    """

    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    changed: tuple[FactChange, ...] = ()
    counts: tuple[FactCount, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        # "added" and "removed" keep their redline.diff/1 meaning; the rest are added fields.
        return {
            "added": list(self.added),
            "removed": list(self.removed),
            "changed": [c.to_dict() for c in self.changed],
            "counts": [c.to_dict() for c in self.counts],
        }


VerdictKind = Literal["edited", "rewritten"]


@dataclass(frozen=True, slots=True)
class Verdict:
    """Whether a pair is an edited version or a substantially rewritten one.

    `kept` is the share of the story's sentences (of the longer side) left as they were or
    with light edits; below the threshold the pair is `rewritten`, and every report shows it
    as old -> new text blocks rather than a confetti of word edits.
    """

    kind: VerdictKind
    kept: float

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "kept": round(self.kept, 4)}


@dataclass(frozen=True, slots=True)
class Redline:
    """The full comparison of two documents; `to_dict` is the `redline.diff/1` contract."""

    a: Side
    b: Side
    similarity: Similarity
    segments: tuple[Segment, ...]
    facts: Facts
    # None for redlines built by hand or read from elsewhere: reports treat them as edited.
    verdict: Verdict | None = None

    def counts(self, *, boilerplate: bool = False) -> dict[Kind, int]:
        """Segments per kind, over content (default) or over boilerplate."""
        out: dict[Kind, int] = dict.fromkeys(KINDS, 0)
        for seg in self.segments:
            if (seg.boilerplate is not None) == boilerplate:
                out[seg.kind] += 1
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": DIFF_SCHEMA,
            "a": self.a.to_dict(),
            "b": self.b.to_dict(),
            "similarity": self.similarity.to_dict(),
            "segments": [s.to_dict() for s in self.segments],
            "facts": self.facts.to_dict(),
            # Added in redline.diff/1 (readers that do not know it ignore it).
            "verdict": self.verdict.to_dict() if self.verdict else None,
        }


@dataclass(frozen=True, slots=True)
class Pair:
    """A verified edge between two documents: the evidence that they are versions."""

    a: str
    b: str
    jaccard: float
    a_in_b: float
    b_in_a: float
    # Share of the shorter document's sentences with a partner in the other
    # (`discover.sentences.aligned_share`); None where sentences were not compared (exact
    # copies, an index made before sentence verification). Written only when known, so
    # `redline.clusters/1` readers see the same records as before otherwise.
    aligned_share: float | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "a": self.a,
            "b": self.b,
            "jaccard": round(self.jaccard, 4),
            "a_in_b": round(self.a_in_b, 4),
            "b_in_a": round(self.b_in_a, 4),
        }
        if self.aligned_share is not None:
            out["aligned_share"] = round(self.aligned_share, 4)
        return out


@dataclass(frozen=True, slots=True)
class Cluster:
    """Two or more documents that are versions of each other (`redline.clusters/1`)."""

    id: str
    canonical: str
    documents: tuple[str, ...]
    pairs: tuple[Pair, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "cluster": self.id,
            "canonical": self.canonical,
            "documents": list(self.documents),
            "pairs": [p.to_dict() for p in self.pairs],
        }
