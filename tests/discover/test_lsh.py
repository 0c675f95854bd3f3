"""LSH banding: parameters from thresholds, band keys, and candidate pairs."""

from __future__ import annotations

import numpy as np
import pytest

from redline.discover.lsh import (
    LSHConfig,
    band_keys,
    band_keys_batch,
    candidates,
    derive,
    effective_threshold,
)
from redline.discover.minhash import sign_batch
from redline.errors import ConfigError


@pytest.mark.parametrize("threshold", [0.3, 0.5, 0.7, 0.9])
def test_derived_banding_catches_pairs_at_the_threshold(threshold: float) -> None:
    config = derive(threshold, None)
    assert config.width <= 128
    assert config.probability(threshold) >= 0.85
    # and leaves unrelated articles (a percent or two of shared shingles) alone
    assert config.probability(0.02) < 0.05


def test_containment_lowers_the_effective_threshold() -> None:
    # A story trimmed to half its length inside the original: J = C*r / (1 + r - C*r).
    assert effective_threshold(0.5, 0.8, 0.5) == pytest.approx(0.4 / 1.1)
    assert effective_threshold(0.5, None, 0.5) == 0.5
    assert derive(0.5, 0.8).probability(0.4 / 1.1) >= 0.85


def test_bad_thresholds_are_refused_with_their_value() -> None:
    with pytest.raises(ConfigError, match="threshold must be in"):
        derive(1.5)
    with pytest.raises(ConfigError, match="containment must be in"):
        derive(0.5, 0.0)
    with pytest.raises(ConfigError, match="bands and rows"):
        LSHConfig(0, 4)


def test_band_keys_agree_exactly_on_bands_that_agree() -> None:
    sig = np.arange(12, dtype=np.uint32)
    other = sig.copy()
    other[5] = 99  # second band of 4 rows differs
    ka, kb = band_keys(sig, 3, 4), band_keys(other, 3, 4)
    assert ka.dtype == np.uint64
    assert ka.shape == (3,)
    assert (ka == kb).tolist() == [True, False, True]
    # The band index is part of the key: equal values in different bands do not collide.
    same = np.zeros(8, dtype=np.uint32)
    assert len(set(band_keys(same, 2, 4).tolist())) == 2


def test_band_keys_refuse_signatures_too_short() -> None:
    with pytest.raises(ConfigError, match="too short"):
        band_keys_batch(np.zeros((2, 8), dtype=np.uint32), 3, 4)


def test_candidates_pair_documents_sharing_a_band_and_only_them() -> None:
    keys = np.array([[1, 2], [1, 3], [4, 5], [6, 5], [7, 8]], dtype=np.uint64)
    codes = candidates(keys)
    pairs = {(int(c) // 5, int(c) % 5) for c in codes}
    assert pairs == {(0, 1), (2, 3)}


def test_oversized_buckets_are_chained_not_exploded() -> None:
    n = 500
    keys = np.zeros((n, 1), dtype=np.uint64)  # everyone shares one bucket
    codes = candidates(keys, max_bucket=4)
    # Each document meets only its 3 neighbours: linear, not n^2/2, and still one chain.
    assert len(codes) == 3 * n - 6
    assert {int(c) // n for c in codes} | {int(c) % n for c in codes} == set(range(n))


def test_near_copies_become_candidates() -> None:
    rng = np.random.default_rng(1)
    base = np.unique(rng.integers(0, 2**63, 400, dtype=np.uint64))
    near = np.unique(np.concatenate([base[:360], rng.integers(0, 2**63, 40, dtype=np.uint64)]))
    other = np.unique(rng.integers(0, 2**63, 400, dtype=np.uint64))
    config = derive(0.5, 0.8)
    keys = band_keys_batch(sign_batch([base, near, other]), config.bands, config.rows)
    assert candidates(keys).tolist() == [0 * 3 + 1]
