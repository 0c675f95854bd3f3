"""MinHash signatures: estimates within their error bound, stable, batch equals single."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from redline.discover.lsh import band_keys
from redline.discover.minhash import MinHashConfig, estimate, sign, sign_batch
from redline.discover.shingle import shingles
from redline.errors import ConfigError


def _sets(size: int, shared: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    pool = rng.integers(0, 2**63, 2 * size, dtype=np.uint64)
    a = np.unique(pool[:size])
    b = np.unique(np.concatenate([pool[:shared], pool[size : 2 * size - shared]]))
    return a, b


@settings(max_examples=40, deadline=None)
@given(
    size=st.integers(min_value=1, max_value=800),
    share=st.floats(min_value=0.0, max_value=1.0),
    seed=st.integers(min_value=0, max_value=2**32),
)
def test_estimate_stays_within_its_error_bound(size: int, share: float, seed: int) -> None:
    a, b = _sets(size, round(size * share), seed)
    union = len(np.union1d(a, b))
    truth = len(np.intersect1d(a, b)) / union
    config = MinHashConfig(num_perm=256)
    # One-permutation hashing fills at most `union` of the 256 bins; the others copy them, so
    # the estimate rests on min(256, union) draws, not 256: sets of 2-4 shingles take only a
    # few values (size=2, share=0.5, seed=284 estimates 0.52 for a truth of 1/3). The bound
    # scales with that sample; J = 0 or 1 leaves no variance and must be exact. Checked on
    # 20,000 random cases (sizes 1-800): the worst error was 3.7 of these sigmas.
    sigma = math.sqrt(truth * (1 - truth) / min(config.num_perm, union))
    assert abs(estimate(sign(a, config), sign(b, config)) - truth) <= 5 * sigma


@pytest.mark.parametrize(("size", "shared"), [(2, 1), (3, 1), (3, 2), (4, 2)])
def test_estimate_of_tiny_sets_is_unbiased(size: int, shared: int) -> None:
    # Fixed seeds: deterministic. The mean of 400 estimates lies within 5 standard errors of
    # the truth (each estimate's sigma is at most sqrt(J(1-J)/union), see above).
    config = MinHashConfig(num_perm=256)
    union = 2 * size - shared
    truth = shared / union
    estimates = [
        estimate(sign(a, config), sign(b, config))
        for a, b in (_sets(size, shared, seed) for seed in range(400))
    ]
    sigma = math.sqrt(truth * (1 - truth) / union)
    assert abs(sum(estimates) / len(estimates) - truth) <= 5 * sigma / math.sqrt(400)


def test_identical_sets_give_identical_signatures_and_disjoint_ones_differ() -> None:
    a, b = _sets(300, 0, seed=7)
    assert (sign(a) == sign(a.copy())).all()
    assert estimate(sign(a), sign(b)) < 0.05


def test_signature_is_uint32_of_num_perm_values_and_depends_on_the_seed() -> None:
    s = shingles("the bridge will close in April for repairs to four rusted cables")
    sig = sign(s, MinHashConfig(num_perm=64, seed=3))
    assert sig.dtype == np.uint32
    assert sig.shape == (64,)
    assert not (sig == sign(s, MinHashConfig(num_perm=64, seed=4))).all()


def test_batch_equals_one_at_a_time_including_short_and_empty_sets() -> None:
    sets = [_sets(n, 0, seed=n)[0] for n in (1, 2, 5, 40, 700)]
    sets.append(np.empty(0, dtype=np.uint64))
    batch = sign_batch(sets)
    for row, s in zip(batch, sets, strict=True):
        assert (row == sign(s)).all()
    assert (batch[-1] == 0xFFFFFFFF).all()


def test_signatures_and_band_keys_are_pinned() -> None:
    # Stored indexes compare signatures made by other processes and releases: a change to the
    # hashing must be deliberate (and bump the index format), never an accident.
    s = np.array([1, 2, 3, 2**63 + 5], dtype=np.uint64)
    sig = sign(s, MinHashConfig(num_perm=8, seed=1))
    assert sig.tolist() == [
        3358370723, 3358370723, 3358370723, 1607041304,
        3598353655, 3598353655, 3598353655, 1607041304,
    ]  # fmt: skip
    assert band_keys(sig, 2, 4).tolist() == [8298926854205168353, 9779121351503981950]


@pytest.mark.parametrize("num_perm", [0, 7, 5000])
def test_config_rejects_bad_num_perm_with_a_fix(num_perm: int) -> None:
    with pytest.raises(ConfigError, match="num_perm must be in"):
        MinHashConfig(num_perm=num_perm)
