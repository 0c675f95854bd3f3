"""The discovery config the index stores: read back equal, and old meta tables still read."""

from __future__ import annotations

import pytest

from redline.discover.config import DiscoveryConfig
from redline.discover.minhash import MinHashConfig
from redline.discover.verify import Thresholds
from redline.errors import ConfigError


def test_meta_reads_back_the_same_config() -> None:
    config = DiscoveryConfig(
        thresholds=Thresholds(jaccard=0.6, containment=None, min_cover=0.3),
        minhash=MinHashConfig(num_perm=64, seed=9),
        shingle_size=4,
        anchor_modulus=None,
        max_bucket=10,
    )
    assert DiscoveryConfig.from_meta(config.to_meta()) == config


def test_a_meta_table_written_before_the_shared_config_reads_as_the_old_defaults() -> None:
    # The keys of a schema 2 index (no anchors, no banding settings stored).
    old = {
        "schema": "2",
        "threshold": "0.4",
        "containment": "0.7",
        "shingle": "5",
        "num_perm": "128",
        "seed": "1",
        "min_shingles": "20",
        "min_shared": "20",
        "min_cover": "0.25",
    }
    # Without sentence verification: an old index keeps matching by shingles only.
    assert DiscoveryConfig.from_meta(old) == DiscoveryConfig()
    assert not DiscoveryConfig.from_meta(old).sentences


def test_modes_set_defaults_and_explicit_thresholds_win() -> None:
    versions, reuse = DiscoveryConfig.for_mode("versions"), DiscoveryConfig.for_mode("reuse")
    assert versions == DiscoveryConfig()
    assert reuse.mode == "reuse"
    # Versions matches by shingles (as `find` always did); reuse also by aligned sentences.
    assert not versions.sentences
    assert reuse.sentences
    assert reuse.sentence_min_share <= versions.sentence_min_share
    given = DiscoveryConfig.for_mode("reuse", jaccard=0.5, containment=None, aligned=0.9)
    assert (given.thresholds.jaccard, given.thresholds.containment) == (0.5, None)
    assert given.thresholds.aligned == 0.9
    assert given.sentence_min_share == reuse.sentence_min_share
    assert DiscoveryConfig.for_mode("versions", aligned=0.6).sentences
    assert not DiscoveryConfig.for_mode("reuse", aligned=None).sentences


def test_a_reuse_config_reads_back_from_meta() -> None:
    reuse = DiscoveryConfig.for_mode("reuse", jaccard=0.5)
    assert DiscoveryConfig.from_meta(reuse.to_meta()) == reuse


def test_an_unknown_mode_names_the_choices() -> None:
    with pytest.raises(ConfigError, match="versions, reuse"):
        DiscoveryConfig.for_mode("copies")
    with pytest.raises(ConfigError, match="aligned share"):
        DiscoveryConfig.for_mode("reuse", aligned=1.5)


def test_anchors_are_off_without_containment() -> None:
    assert DiscoveryConfig().modulus == 16
    assert DiscoveryConfig(thresholds=Thresholds(containment=None)).modulus is None


@pytest.mark.parametrize(
    "change", [{"shingle_size": 0}, {"max_bucket": 1}, {"anchor_max_df": 1}, {"min_ratio": 0.0}]
)
def test_bad_settings_name_the_value(change: dict[str, float]) -> None:
    with pytest.raises(ConfigError, match="got"):
        DiscoveryConfig(**change)  # type: ignore[arg-type]
