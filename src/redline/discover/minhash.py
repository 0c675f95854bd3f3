"""MinHash signatures of shingle sets, by densified one-permutation hashing.

Classic MinHash applies `num_perm` hash functions to every shingle (O(shingles x num_perm)).
One-permutation hashing (Li, Owen and Zhang 2012) hashes each shingle once: the top bits pick one
of `num_perm` bins and the low 32 bits are the value kept if it is the bin's minimum. Bins left
empty (short documents) are filled by optimal densification (Shrivastava 2017): an empty bin
copies the first non-empty bin along a probe sequence that depends only on the bin and the seed,
so two sets fill their empty bins the same way. For every bin, the probability that two sets
agree is their Jaccard similarity, as with classic MinHash, at 1/num_perm of the cost.

Signatures are `uint32` arrays of length `num_perm`; a batch is an `(n, num_perm)` matrix.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import numpy.typing as npt

from redline.discover.shingle import U64Array, mix
from redline.errors import ConfigError

U32Array = npt.NDArray[np.uint32]
SIGNATURE_DTYPE = np.uint32
EMPTY = np.uint32(0xFFFFFFFF)
# Probe steps tried before the deterministic fallback (next non-empty bin to the right); a set
# with a single shingle needs about num_perm steps per empty bin on average.
_PROBES = 16


@dataclass(frozen=True, slots=True)
class MinHashConfig:
    """How signatures are made. Signatures compare only under the same config."""

    num_perm: int = 128
    seed: int = 1

    def __post_init__(self) -> None:
        if not 8 <= self.num_perm <= 4096:
            raise ConfigError(
                f"num_perm must be in [8, 4096], got {self.num_perm}; 128 is a good default"
            )
        if not 0 <= self.seed < 2**64:
            raise ConfigError(f"seed must be in [0, 2**64), got {self.seed}")


# The seed key is xored in before `mix`, so different seeds give independent sketches.
def _seed_key(seed: int) -> np.uint64:
    return np.uint64((seed * 0x9E3779B97F4A7C15 + 0x632BE59BD9B4E019) % 2**64)


@lru_cache(maxsize=16)
def _probe_table(num_perm: int, seed: int) -> npt.NDArray[np.intp]:
    """probe[t, i]: the bin an empty bin i looks at on attempt t."""
    bins = np.arange(num_perm, dtype=np.uint64)
    rows = []
    for t in range(num_perm * _PROBES):
        step = np.uint64((t * 0x9E3779B97F4A7C15) % 2**64)
        h = mix((bins * np.uint64(0x100000001B3) + step) ^ _seed_key(seed))
        rows.append((h % np.uint64(num_perm)).astype(np.intp))
    table = np.stack(rows)
    table.setflags(write=False)
    return table


def _densify(raw: U32Array, filled: npt.NDArray[np.bool_], config: MinHashConfig) -> U32Array:
    """Fill empty bins of `raw` (n, num_perm) in place from non-empty bins of the same row."""
    rows, cols = np.nonzero(~filled)
    if len(rows) == 0:
        return raw
    has_any: npt.NDArray[np.bool_] = np.asarray(filled.any(axis=1))
    keep = has_any[rows]
    rows, cols = rows[keep], cols[keep]
    table = _probe_table(config.num_perm, config.seed)
    out = raw.copy()
    for t in range(table.shape[0]):
        if len(rows) == 0:
            return out
        src = table[t, cols]
        hit = filled[rows, src]
        out[rows[hit], cols[hit]] = raw[rows[hit], src[hit]]
        rows, cols = rows[~hit], cols[~hit]
    # Rare leftovers (a row with very few filled bins): the next filled bin to the right.
    width = config.num_perm
    for r, c in zip(rows.tolist(), cols.tolist(), strict=True):
        for step in range(1, width):
            j = (c + step) % width
            if filled[r, j]:
                out[r, c] = raw[r, j]
                break
    return out


def sign_batch(sets: Sequence[U64Array], config: MinHashConfig | None = None) -> U32Array:
    """Signatures of many shingle sets at once: an `(len(sets), num_perm)` uint32 matrix.

    An empty set gets a row of 0xFFFFFFFF; callers should not band empty documents, since all
    empty rows are equal.
    """
    config = config or MinHashConfig()
    n, width = len(sets), config.num_perm
    if n == 0:
        return np.empty((0, width), dtype=SIGNATURE_DTYPE)
    lengths = np.fromiter((len(s) for s in sets), dtype=np.intp, count=n)
    flat = np.concatenate(sets).astype(np.uint64, copy=False) if lengths.sum() else None
    out = np.full(n * width, EMPTY, dtype=SIGNATURE_DTYPE)
    if flat is None:
        return out.reshape(n, width)
    h = mix(flat ^ _seed_key(config.seed))
    # Top 32 bits choose the bin (works for any num_perm), low 32 bits are the ranked value.
    bins = ((h >> np.uint64(32)) * np.uint64(width)) >> np.uint64(32)
    rows = np.repeat(np.arange(n, dtype=np.uint64), lengths)
    slot = rows * np.uint64(width) + bins
    np.minimum.at(out, slot.astype(np.intp), (h & np.uint64(0xFFFFFFFF)).astype(np.uint32))
    counts = np.bincount(slot.astype(np.intp), minlength=n * width)
    matrix = out.reshape(n, width)
    return _densify(matrix, np.asarray(counts.reshape(n, width) > 0), config)


def sign(shingles: U64Array, config: MinHashConfig | None = None) -> U32Array:
    """The MinHash signature (uint32, length num_perm) of one sorted shingle set."""
    signature: U32Array = sign_batch([shingles], config)[0]
    return signature


def estimate(a: U32Array, b: U32Array) -> float:
    """Estimated Jaccard similarity of the sets behind two signatures of the same config."""
    if a.shape != b.shape:
        raise ConfigError(f"signatures differ in length ({len(a)} vs {len(b)}); same num_perm?")
    return float(np.count_nonzero(a == b)) / len(a)
