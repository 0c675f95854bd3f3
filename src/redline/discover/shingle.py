"""Word shingles as 64-bit hashes: the unit of similarity everywhere in redline.

`redline diff` similarity and `redline find` verification both use `shingles`, so the scores a
user sees for a pair are the same whichever command computed them.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import numpy as np
import numpy.typing as npt
import xxhash

from redline.text.normalize import keys

DEFAULT_SHINGLE = 5
_MUL = np.uint64(0x9E3779B97F4A7C15)

U64Array = npt.NDArray[np.uint64]


@lru_cache(maxsize=1 << 20)
def _word_hash(key: str) -> int:
    return xxhash.xxh3_64_intdigest(key.encode())


def mix(h: U64Array) -> U64Array:
    """splitmix64's finalizer, elementwise: spreads every input bit over all 64 output bits."""
    h = h ^ (h >> np.uint64(30))
    h = h * np.uint64(0xBF58476D1CE4E5B9)
    h = h ^ (h >> np.uint64(27))
    h = h * np.uint64(0x94D049BB133111EB)
    return h ^ (h >> np.uint64(31))


def hash_words(word_keys: Sequence[str]) -> U64Array:
    """64-bit hashes of word keys (stable across runs and machines)."""
    return np.fromiter(map(_word_hash, word_keys), dtype=np.uint64, count=len(word_keys))


def sorted_unique(values: U64Array) -> U64Array:
    """The distinct values, sorted: `np.unique` by sort and mask, several times quicker on the
    few hundred values of one text (numpy 2's hash-based unique pays a table per call)."""
    out = np.sort(values)
    if len(out) > 1:
        keep = np.empty(len(out), dtype=np.bool_)
        keep[0] = True
        np.not_equal(out[1:], out[:-1], out=keep[1:])
        out = out[keep]
    return out


def shingle_hashes(word_hashes: U64Array, n: int = DEFAULT_SHINGLE) -> U64Array:
    """Sorted unique hashes of the n-word shingles; a text shorter than n is one shingle."""
    if len(word_hashes) == 0:
        return np.empty(0, dtype=np.uint64)
    n = min(n, len(word_hashes))
    count = len(word_hashes) - n + 1
    acc = word_hashes[:count].copy()
    for i in range(1, n):
        acc = acc * _MUL + word_hashes[i : i + count]
    return sorted_unique(mix(acc))


def shingles(text: str, n: int = DEFAULT_SHINGLE) -> U64Array:
    """Sorted unique n-word shingle hashes of `text` (case, accents and layout ignored)."""
    return shingle_hashes(hash_words(keys(text)), n)


def overlap(a: U64Array, b: U64Array) -> tuple[float, float, float]:
    """(Jaccard, share of a found in b, share of b found in a) of two shingle sets."""
    if len(a) == 0 or len(b) == 0:
        return 0.0, 0.0, 0.0
    # Both sets are sorted and unique: binary search of the smaller in the larger counts the
    # intersection without intersect1d's concatenate-and-sort.
    small, large = (a, b) if len(a) <= len(b) else (b, a)
    pos = np.searchsorted(large, small)
    pos[pos == len(large)] = 0
    inter = int(np.count_nonzero(large[pos] == small))
    union = len(a) + len(b) - inter
    return inter / union, inter / len(a), inter / len(b)
