"""Anchor candidates: pairs sharing sampled shingles, for containment that banding misses.

Banded MinHash estimates Jaccard, so an excerpt that is a small part of a long article (high
containment, low Jaccard) is a candidate only by luck. Sampling shingles by value keeps
containment instead: a shingle is an anchor when its hash is divisible by `modulus`, so every
anchor of an excerpt is also an anchor of the article it was cut from, however long that is.
Two documents sharing at least `min_shared` anchors become candidates.

Shared anchors must also be a fair share (`min_share`) of the smaller document's anchors, an
estimate of its containment, so a paragraph two articles happen to share does not make them
candidates.

Anchors found in more than `max_df` documents are boilerplate (a sign-off, a standard
disclaimer) and are dropped; that bounds the pairs any one anchor can yield. Runs of more than
`max_df` near-copies are still found by banding, which chains oversized buckets.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from redline.discover.shingle import U64Array
from redline.errors import ConfigError

I64Array = npt.NDArray[np.int64]
DEFAULT_MODULUS = 16
DEFAULT_MIN_SHARED = 2
DEFAULT_MAX_DF = 20


def anchors(shingle_set: U64Array, modulus: int = DEFAULT_MODULUS) -> U64Array:
    """The anchors of a shingle set: its shingles whose hash is divisible by `modulus`."""
    picked: U64Array = shingle_set[shingle_set % np.uint64(modulus) == 0]
    return picked


def anchor_candidates(
    values: U64Array,
    owners: I64Array,
    n: int,
    *,
    min_shared: int = DEFAULT_MIN_SHARED,
    max_df: int = DEFAULT_MAX_DF,
    min_share: float = 0.0,
) -> U64Array:
    """Pairs of documents sharing `min_shared` anchors, as sorted unique codes `i * n + j`.

    Args:
        values: every anchor of every document, concatenated.
        owners: the document (0 <= owner < n) of each anchor; a document lists an anchor once.
        n: the number of documents.
        min_shared: anchors two documents must share to become candidates.
        max_df: anchors in more documents than this are ignored.
        min_share: also demand that the shared anchors be at least this share of the smaller
            document's anchors (an estimate of containment; pass about half the containment
            threshold). Two unrelated articles quoting one common paragraph share a few
            anchors, but a small share of either.
    """
    if min_shared < 1 or max_df < 2:
        raise ConfigError(f"need min_shared >= 1 and max_df >= 2, got {min_shared}, {max_df}")
    if len(values) < 2:
        return np.empty(0, dtype=np.uint64)
    per_doc = np.bincount(owners, minlength=n) if min_share > 0 else None
    order = np.lexsort((owners, values))
    vals, docs = values[order], owners[order]
    del order
    starts = np.flatnonzero(np.r_[True, vals[1:] != vals[:-1]])
    sizes = np.diff(np.r_[starts, len(vals)])
    df = np.repeat(sizes, sizes)
    del starts, sizes
    keep = (df >= 2) & (df <= max_df)
    del df
    vals, docs = vals[keep], docs[keep]
    found: list[U64Array] = []
    width = np.uint64(n)
    # Within a posting owners are sorted, so the earlier one is always the smaller index.
    for d in range(1, min(max_df, len(vals))):
        same = vals[d:] == vals[:-d]
        if not same.any():
            break
        found.append(docs[:-d][same].astype(np.uint64) * width + docs[d:][same].astype(np.uint64))
    if not found:
        return np.empty(0, dtype=np.uint64)
    codes, counts = np.unique(np.concatenate(found), return_counts=True)
    need = np.full(len(codes), min_shared, dtype=np.float64)
    if per_doc is not None:
        first = (codes // width).astype(np.int64)
        second = (codes % width).astype(np.int64)
        need = np.maximum(need, min_share * np.minimum(per_doc[first], per_doc[second]))
    result: U64Array = codes[counts >= need]
    return result
