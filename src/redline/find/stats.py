"""What a find run reports while it runs (`Progress`) and when it is done (`Stats`)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Literal, Protocol

from redline.ingest.records import Reason, Skip

Stage = Literal["read", "signed", "verified"]
# Examples of each skip reason kept for the summary; the count is always complete.
_EXAMPLES_PER_REASON = 5


class Progress(Protocol):
    """Receives progress; the command line draws it, library callers may ignore it."""

    def total(self, stage: Stage, total: int) -> None:
        """The number of units a stage will reach (known for verification only)."""

    def advance(self, stage: Stage, count: int) -> None:
        """`count` more units of `stage` are done."""


class NoProgress:
    """A `Progress` that ignores everything."""

    def total(self, stage: Stage, total: int) -> None:
        pass

    def advance(self, stage: Stage, count: int) -> None:
        pass


@dataclass(slots=True)
class Stats:
    """What a run did, for the summary."""

    read: int = 0
    documents: int = 0
    skipped: Counter[Reason] = field(default_factory=Counter)
    examples: dict[Reason, list[Skip]] = field(default_factory=dict)
    exact_copies: int = 0
    # Candidate pairs checked by `verify` (exact copies are joined without one), of which
    # `anchor_candidates` were proposed by anchors alone (not also by LSH bands),
    # `sentence_candidates` by sentence anchors alone, and `verified` passed: always
    # verified <= candidates.
    candidates: int = 0
    anchor_candidates: int = 0
    sentence_candidates: int = 0
    verified: int = 0
    clusters: int = 0
    clustered: int = 0
    seconds: float = 0.0
    jobs: int = 1
    bands: int = 0
    rows: int = 0
    # Wall-clock seconds per stage, in the order they ran.
    timings: dict[str, float] = field(default_factory=dict)

    def skip(self, item: Skip) -> None:
        """Count a skipped item (and keep it as an example if it is among the first)."""
        self.skipped[item.reason] += 1
        examples = self.examples.setdefault(item.reason, [])
        if len(examples) < _EXAMPLES_PER_REASON:
            examples.append(item)
