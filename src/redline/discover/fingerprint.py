"""The per-batch stage every engine runs: texts to shingle sets, signatures and band keys.

One call handles a batch of documents so that the numpy work (rolling shingle hashes, MinHash,
banding) runs over one concatenated array instead of hundreds of small ones. The results are
exactly those of `shingle.shingles`, `minhash.sign` and `lsh.band_keys` applied one document at
a time; only the speed differs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import xxhash

from redline.discover.anchors import DEFAULT_MODULUS, anchors
from redline.discover.lsh import LSHConfig, band_keys_batch
from redline.discover.minhash import MinHashConfig, U32Array, sign_batch
from redline.discover.shingle import _MUL, DEFAULT_SHINGLE, U64Array, mix, shingle_hashes
from redline.discover.tokens import word_hashes


@dataclass(frozen=True, slots=True)
class Fingerprints:
    """Sketches of a batch of texts, row i for text i."""

    sets: list[U64Array]  # sorted unique shingle hashes
    signatures: U32Array  # (n, num_perm)
    keys: U64Array  # (n, bands) LSH band keys
    digests: U64Array  # (n,) hash of the whole shingle set: equal sets, equal digest
    anchor_values: U64Array  # the anchors of every text, concatenated (see discover.anchors)
    anchor_counts: npt.NDArray[np.int64]  # (n,) anchors per text


def shingle_batch(word_hash_arrays: Sequence[U64Array], n: int = DEFAULT_SHINGLE) -> list[U64Array]:
    """`shingle_hashes` of many word-hash arrays, with the rolling hash run once over them all."""
    count = len(word_hash_arrays)
    if count == 0:
        return []
    lengths = np.fromiter(map(len, word_hash_arrays), dtype=np.intp, count=count)
    flat = np.concatenate(word_hash_arrays).astype(np.uint64, copy=False)
    windows = len(flat) - n + 1
    mixed: U64Array = np.empty(0, dtype=np.uint64)
    if windows > 0:
        # Windows that straddle two documents are computed too and simply never read.
        acc = flat[:windows].copy()
        for i in range(1, n):
            acc = acc * _MUL + flat[i : i + windows]
        mixed = mix(acc)
    out: list[U64Array] = []
    start = 0
    for k, length in enumerate(lengths.tolist()):
        if length >= n:
            seg = np.sort(mixed[start : start + length - n + 1])
            if len(seg) > 1:
                keep = np.empty(len(seg), dtype=np.bool_)
                keep[0] = True
                np.not_equal(seg[1:], seg[:-1], out=keep[1:])
                seg = seg[keep]
            out.append(seg)
        else:
            out.append(shingle_hashes(word_hash_arrays[k], n))
        start += length
    return out


def digest(shingle_set: U64Array) -> int:
    """A 64-bit hash of a whole shingle set (exact duplicates share it)."""
    return xxhash.xxh3_64_intdigest(np.ascontiguousarray(shingle_set).tobytes())


def fingerprint(
    texts: Sequence[str],
    minhash: MinHashConfig,
    lsh: LSHConfig,
    *,
    shingle_size: int = DEFAULT_SHINGLE,
    anchor_modulus: int | None = DEFAULT_MODULUS,
    hashes: Sequence[U64Array] | None = None,
) -> Fingerprints:
    """Shingle sets, signatures, band keys, set digests and anchors of a batch of texts.

    With `anchor_modulus=None` no anchors are taken (the counts are all zero). `hashes`: the
    texts' `word_hashes`, when the caller has them already (they are not computed again).
    """
    if hashes is None:
        hashes = [word_hashes(t) for t in texts]
    sets = shingle_batch(hashes, shingle_size)
    signatures = sign_batch(sets, minhash)
    keys = band_keys_batch(signatures, lsh.bands, lsh.rows)
    digests = np.fromiter(map(digest, sets), dtype=np.uint64, count=len(sets))
    picked = [anchors(s, anchor_modulus) for s in sets] if anchor_modulus else []
    counts = np.fromiter(map(len, picked), dtype=np.int64, count=len(picked))
    return Fingerprints(
        sets=sets,
        signatures=signatures,
        keys=keys,
        digests=digests,
        anchor_values=np.concatenate(picked) if picked else np.empty(0, dtype=np.uint64),
        anchor_counts=counts if picked else np.zeros(len(sets), dtype=np.int64),
    )
