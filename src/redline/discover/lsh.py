"""LSH banding of MinHash signatures: which pairs are worth verifying.

A signature of `bands * rows` values is cut into `bands` bands of `rows` values; two documents
become candidates when all values of at least one band agree. For two sets of Jaccard `s` that
happens with probability `1 - (1 - s**rows) ** bands`, an S-curve whose steepest point sits
near `(1 / bands) ** (1 / rows)`.

`derive` picks (bands, rows) from the thresholds the user gives:

- Jaccard threshold J: the curve should pass J with high probability.
- Containment threshold C: a short text A inside a longer B has containment |A∩B|/|A| >= C but
  a lower Jaccard |A∩B| / |A∪B|. With the length ratio r = |A|/|B| and |A∩B| = C|A|,
  Jaccard = C·r / (1 + r - C·r). Banding must therefore aim at that lower Jaccard for the
  shortest ratio we promise to catch (`min_ratio`, default 0.6: a story trimmed to 60% of its
  length inside the original). Shorter excerpts than that are found by the engine's anchor
  candidates (see `redline.engines.local`), which do not depend on the ratio. At the default
  thresholds (0.4 / 0.7) a ratio of 0.5 would lower the banding target from 0.36 to 0.30 and
  switch to 64 bands of 2 rows: 8x the candidate pairs (816k instead of 103k on 100k generated
  documents) for 9 more verified pairs of 62k, the rest already found by anchors.

Among all (bands, rows) with bands·rows <= num_perm that make a pair exactly at the effective
threshold a candidate with probability >= 0.85, `derive` takes the one with the least area of
false positives below the threshold (datasketch's criterion, but with misses bounded rather than
weighed: verification is exact, so a false candidate costs microseconds and a miss is lost).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import numpy.typing as npt

from redline.discover.shingle import U64Array, mix
from redline.errors import ConfigError

# Chance that a pair exactly at the effective threshold becomes a candidate.
_RECALL_AT_THRESHOLD = 0.85


DEFAULT_MIN_RATIO = 0.6


@dataclass(frozen=True, slots=True)
class LSHConfig:
    """A banding of signatures: `bands` bands of `rows` values each."""

    bands: int
    rows: int

    def __post_init__(self) -> None:
        if self.bands < 1 or self.rows < 1:
            raise ConfigError(
                f"bands and rows must be >= 1, got bands={self.bands}, rows={self.rows}"
            )

    @property
    def width(self) -> int:
        """Signature values the banding uses (the rest are ignored)."""
        return self.bands * self.rows

    def probability(self, jaccard: float) -> float:
        """Chance that two sets of this Jaccard similarity share at least one band."""
        return float(1.0 - (1.0 - jaccard**self.rows) ** self.bands)


def effective_threshold(threshold: float, containment: float | None, min_ratio: float) -> float:
    """The Jaccard that banding must catch to honour both thresholds (see module docstring)."""
    _check_unit("threshold", threshold)
    _check_unit("min_ratio", min_ratio)
    if containment is None:
        return threshold
    _check_unit("containment", containment)
    cr = containment * min_ratio
    return min(threshold, cr / (1.0 + min_ratio - cr))


def _check_unit(name: str, value: float) -> None:
    if not 0.0 < value <= 1.0:
        raise ConfigError(f"{name} must be in (0, 1], got {value}")


@lru_cache(maxsize=256)
def _optimal(threshold: float, num_perm: int) -> tuple[int, int]:
    below = np.linspace(0.0, threshold, 200)
    best: tuple[float, int, int] | None = None
    fallback: tuple[float, int, int] | None = None
    for rows in range(1, num_perm + 1):
        bands = num_perm // rows
        hit = 1.0 - (1.0 - threshold**rows) ** bands
        if fallback is None or hit > fallback[0]:
            fallback = (hit, bands, rows)
        if hit < _RECALL_AT_THRESHOLD:
            continue
        fp = float(np.trapezoid(1.0 - (1.0 - below**rows) ** bands, below))
        if best is None or fp < best[0] - 1e-12:
            best = (fp, bands, rows)
    chosen = best or fallback
    assert chosen is not None
    return chosen[1], chosen[2]


def derive(
    threshold: float = 0.5,
    containment: float | None = 0.8,
    *,
    num_perm: int = 128,
    min_ratio: float = DEFAULT_MIN_RATIO,
) -> LSHConfig:
    """Bands and rows for signatures of `num_perm` values, from the match thresholds.

    Args:
        threshold: Jaccard similarity at or above which two documents are versions.
        containment: share of the shorter document found in the longer one at or above which
            they are versions (None: Jaccard only).
        num_perm: signature length.
        min_ratio: shortest length ratio (short/long) for which containment matches must
            become candidates.

    Raises:
        ConfigError: a threshold outside (0, 1] or num_perm < 1.
    """
    if num_perm < 1:
        raise ConfigError(f"num_perm must be >= 1, got {num_perm}")
    target = effective_threshold(threshold, containment, min_ratio)
    bands, rows = _optimal(round(target, 4), num_perm)
    return LSHConfig(bands=bands, rows=rows)


def band_keys_batch(signatures: npt.NDArray[np.uint32], bands: int, rows: int) -> U64Array:
    """`(n, bands)` uint64 keys of an `(n, num_perm)` signature matrix.

    The band index is mixed into each key, so keys of different bands never collide and can be
    stored in one column.
    """
    if signatures.ndim != 2 or signatures.shape[1] < bands * rows:
        raise ConfigError(
            f"signatures of shape {signatures.shape} are too short for {bands} bands x {rows}"
            " rows; derive the banding from the same num_perm"
        )
    n = signatures.shape[0]
    cells = signatures[:, : bands * rows].astype(np.uint64).reshape(n, bands, rows)
    acc = np.broadcast_to(
        mix(np.arange(1, bands + 1, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15)), (n, bands)
    ).copy()
    for i in range(rows):
        acc = mix(acc ^ cells[:, :, i])
    return np.asarray(acc, dtype=np.uint64)


def band_keys(signature: npt.NDArray[np.uint32], bands: int, rows: int) -> U64Array:
    """One uint64 key per band of one signature; equal keys mean the band agrees."""
    keys: U64Array = band_keys_batch(signature.reshape(1, -1), bands, rows)[0]
    return keys


def candidates(
    keys: U64Array,
    order: npt.NDArray[np.int64] | None = None,
    *,
    max_bucket: int = 64,
) -> U64Array:
    """Candidate pairs from an `(n, bands)` key matrix, as sorted unique codes `i * n + j`, i < j.

    Documents whose keys agree in some band share a bucket. A bucket of up to `max_bucket`
    documents yields all its pairs; a larger one (a template, a boilerplate paragraph, hundreds of
    exact copies) yields each document paired with its `max_bucket - 1` neighbours in `order`,
    which keeps the cost linear while still linking a run of copies into one chain.

    Args:
        keys: band keys, one row per document.
        order: a rank per document that decides neighbours in large buckets and makes the
            result independent of input order (pass a rank by length then id); defaults to
            the row index.
        max_bucket: the largest bucket paired exhaustively.
    """
    n = keys.shape[0]
    if max_bucket < 2:
        raise ConfigError(f"max_bucket must be >= 2, got {max_bucket}")
    rank = np.arange(n, dtype=np.int64) if order is None else np.asarray(order, dtype=np.int64)
    found: list[U64Array] = []
    for band in range(keys.shape[1]):
        col = keys[:, band]
        by = np.lexsort((rank, col))
        sorted_keys = col[by]
        same_next = sorted_keys[1:] == sorted_keys[:-1]
        if not same_next.any():
            continue
        # Keep only rows in buckets of two or more, then pair rows d apart in the same bucket.
        in_bucket = np.zeros(n, dtype=np.bool_)
        in_bucket[:-1] |= same_next
        in_bucket[1:] |= same_next
        rows = by[in_bucket]
        bucket_keys = sorted_keys[in_bucket]
        for d in range(1, min(max_bucket, len(rows))):
            same = bucket_keys[d:] == bucket_keys[:-d]
            if not same.any():
                break
            a, b = rows[:-d][same], rows[d:][same]
            lo, hi = np.minimum(a, b).astype(np.uint64), np.maximum(a, b).astype(np.uint64)
            found.append(lo * np.uint64(n) + hi)
    if not found:
        return np.empty(0, dtype=np.uint64)
    return np.unique(np.concatenate(found))
