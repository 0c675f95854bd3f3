"""The candidate policy: which pairs of a collection are verified, decided by document id.

Every engine and the reference (`redline.find.reference`) follow these rules, in this order:

1. Exact copies. Documents with equal shingle sets (equal `fingerprint.digest`) are one group;
   its representative is the smallest id. Each other member is joined to the representative
   by a Jaccard 1.0 pair without verification, and only representatives go on.
2. Band buckets. Representatives whose band keys agree in some band share a bucket. Within a
   bucket, members are ordered by (shingle count, id) and each is paired with the members
   fewer than `max_bucket` places away in that order: a bucket of up to `max_bucket`
   documents yields all its pairs, a larger one (a template, hundreds of near-copies) a band
   of neighbours of similar length, which keeps the cost linear and still chains a run of
   copies together.
3. Anchors (only when containment matching is on, `DiscoveryConfig.modulus`). A
   representative's anchors are its shingles divisible by `anchor_modulus`. An anchor held by
   2 to `anchor_max_df` representatives pairs them all; a pair is a candidate when it shares
   at least `anchor_min_shared` such anchors and at least `anchor_min_share` (half the
   containment threshold) of the smaller anchor count of the two, counting all their anchors.
3b. Sentence anchors (only when sentence verification is on, `DiscoveryConfig.sentences`).
   A representative's sentence anchors are `sentences.sentence_anchors` of its text. The rule
   of 3 applies to them with `sentence_max_df`, `sentence_min_shared` and
   `sentence_min_share` (of the smaller sentence-anchor count): rewritten versions that keep
   too few shingles for 2 and 3 still share whole sentences or their word sets.
4. The candidates are the union of 2, 3 and 3b; each is verified once (`verify.verify`) with
   the lower id first.

Nothing depends on input order: ties are broken by id, never by position. Positions (row
numbers) appear below only as array indices into `ids`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from redline.discover.anchors import anchor_candidates
from redline.discover.config import DiscoveryConfig
from redline.discover.lsh import candidates as band_candidates
from redline.discover.shingle import U64Array

I64Array = npt.NDArray[np.int64]


def id_rank(ids: list[str]) -> I64Array:
    """The rank of each id in sorted order (ids are unique)."""
    order = sorted(range(len(ids)), key=ids.__getitem__)
    rank = np.empty(len(ids), dtype=np.int64)
    rank[np.asarray(order, dtype=np.int64)] = np.arange(len(ids), dtype=np.int64)
    return rank


def exact_copies(digests: U64Array, rank: I64Array) -> tuple[I64Array, list[tuple[int, int]]]:
    """Rule 1: (representative rows in row order, (representative, copy) row pairs).

    Args:
        digests: the shingle-set digest of each row.
        rank: each row's id rank (`id_rank`); the smallest rank of a group represents it.
    """
    n = len(digests)
    if n == 0:
        return np.empty(0, dtype=np.int64), []
    by_digest = np.lexsort((rank, digests))
    sorted_digests = digests[by_digest]
    first = np.ones(n, dtype=np.bool_)
    first[1:] = sorted_digests[1:] != sorted_digests[:-1]
    group_start = np.maximum.accumulate(np.where(first, np.arange(n), 0))
    reps = np.sort(by_digest[first])  # in row order: equal to arange(n) without copies
    copies = [
        (int(by_digest[group_start[pos]]), int(by_digest[pos]))
        for pos in np.nonzero(~first)[0].tolist()
    ]
    return reps.astype(np.int64), copies


def neighbour_rank(sizes: I64Array, rank: I64Array) -> I64Array:
    """Rule 2's order of rows in a bucket: by shingle count, then by id rank."""
    order = np.lexsort((rank, sizes))
    out = np.empty(len(sizes), dtype=np.int64)
    out[order] = np.arange(len(sizes), dtype=np.int64)
    return out


@dataclass(slots=True)
class Sketches:
    """The sketches of a collection the policy needs, row i for document `ids[i]`.

    `propose` consumes it: it drops `keys`, `anchor_values` and `anchor_owners` (set to None)
    as soon as each has been used, since at a million documents each is hundreds of megabytes
    and the caller's references would otherwise keep them alive.
    """

    ids: list[str]
    sizes: I64Array  # shingles per document
    digests: U64Array  # (n,) shingle-set digests
    keys: U64Array | None  # (n, bands) band keys
    anchor_values: U64Array | None  # every anchor of every document, concatenated
    anchor_owners: I64Array | None  # the row of each anchor
    # Sentence anchors likewise (rule 3b); None when sentences are not sketched.
    sentence_values: U64Array | None = None
    sentence_owners: I64Array | None = None


@dataclass(frozen=True, slots=True)
class Proposal:
    """The pairs a collection's documents are checked in, as rows into `Sketches.ids`."""

    copies: list[tuple[int, int]]  # (representative, copy): joined without verification
    left: I64Array  # candidate pairs to verify: left[k] with right[k], lower id either side
    right: I64Array
    representatives: int
    anchor_only: int  # candidates proposed by anchors and not by bands
    sentence_only: int = 0  # candidates proposed by sentence anchors alone


def propose(sketches: Sketches, config: DiscoveryConfig) -> Proposal:
    """Rules 1 to 4 over a collection's sketches (see the module docstring)."""
    ids = sketches.ids
    n = len(ids)
    rank = id_rank(ids)
    reps, copies = exact_copies(sketches.digests, rank)
    keys = sketches.keys
    sketches.keys = None
    if keys is None or n < 2:
        empty = np.empty(0, dtype=np.int64)
        return Proposal(copies, empty, empty, len(reps), 0)
    if len(reps) < n:
        keys = keys[reps]
    local_rank = neighbour_rank(sketches.sizes[reps], rank[reps])
    codes = band_candidates(keys, local_rank, max_bucket=config.max_bucket)
    del keys
    anchor_only = sentence_only = 0
    values, owners = sketches.anchor_values, sketches.anchor_owners
    sketches.anchor_values = sketches.anchor_owners = None
    if config.modulus is not None and values is not None and owners is not None:
        values, owners = _of_representatives(values, owners, reps, n)
        extra = anchor_candidates(
            values,
            owners,
            len(reps),
            min_shared=config.anchor_min_shared,
            max_df=config.anchor_max_df,
            min_share=config.anchor_min_share,
        )
        del values, owners
        # Both arrays are sorted unique codes; count only what banding had not found already.
        anchor_only = len(np.setdiff1d(extra, codes, assume_unique=True))
        codes = np.union1d(codes, extra)
    values, owners = sketches.sentence_values, sketches.sentence_owners
    sketches.sentence_values = sketches.sentence_owners = None
    if config.sentences and values is not None and owners is not None:
        values, owners = _of_representatives(values, owners, reps, n)
        extra = anchor_candidates(
            values,
            owners,
            len(reps),
            min_shared=config.sentence_min_shared,
            max_df=config.sentence_max_df,
            min_share=config.sentence_min_share,
        )
        del values, owners
        sentence_only = len(np.setdiff1d(extra, codes, assume_unique=True))
        codes = np.union1d(codes, extra)
    m = np.uint64(len(reps))
    left = reps[(codes // m).astype(np.int64)]
    right = reps[(codes % m).astype(np.int64)]
    return Proposal(copies, left, right, len(reps), anchor_only, sentence_only)


def _of_representatives(
    values: U64Array, owners: I64Array, reps: I64Array, n: int
) -> tuple[U64Array, I64Array]:
    """Anchors of representatives only, their owners renumbered like the band keys."""
    if len(reps) == n:
        return values, owners
    local = np.full(n, -1, dtype=np.int64)
    local[reps] = np.arange(len(reps), dtype=np.int64)
    owners = local[owners]
    del local
    mine = owners >= 0
    return values[mine], owners[mine]


def sentence_threshold(config: DiscoveryConfig, count_a: int, count_b: int) -> float:
    """Rule 3b for one pair: the shared sentence anchors it needs, given each side's count."""
    return max(float(config.sentence_min_shared), config.sentence_min_share * min(count_a, count_b))


def anchor_threshold(config: DiscoveryConfig, count_a: int, count_b: int) -> float:
    """Rule 3 for one pair: the shared anchors it needs, given each side's anchor count."""
    return max(float(config.anchor_min_shared), config.anchor_min_share * min(count_a, count_b))
