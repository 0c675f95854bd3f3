"""One discovery config: how `redline find` and the index decide which documents are versions.

`DiscoveryConfig` holds every setting of discovery (match thresholds, shingle size, MinHash,
LSH banding, anchor sampling). `redline find` takes it inside `FindOptions`; the index stores it
in its meta table when created (`to_meta`) and reads it back when opened (`from_meta`), so both
decide with the same rules. The meta keys are those the index wrote before this config existed
(threshold, containment, shingle, num_perm, ...): old index files open unchanged, and keys they
lack take their defaults.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from redline.discover.anchors import DEFAULT_MAX_DF, DEFAULT_MIN_SHARED, DEFAULT_MODULUS
from redline.discover.lsh import DEFAULT_MIN_RATIO, LSHConfig, derive
from redline.discover.minhash import MinHashConfig
from redline.discover.shingle import DEFAULT_SHINGLE
from redline.discover.verify import Thresholds
from redline.errors import ConfigError

DEFAULT_MAX_BUCKET = 64


@dataclass(frozen=True, slots=True)
class DiscoveryConfig:
    """Every setting of discovery, shared by `redline find` and the index."""

    thresholds: Thresholds = field(default_factory=Thresholds)
    minhash: MinHashConfig = field(default_factory=MinHashConfig)
    shingle_size: int = DEFAULT_SHINGLE
    # Shortest (short / long) length ratio for which containment must survive banding.
    min_ratio: float = DEFAULT_MIN_RATIO
    # The largest LSH bucket paired exhaustively (see `lsh.candidates`).
    max_bucket: int = DEFAULT_MAX_BUCKET
    # Anchor candidates (discover.anchors) for short texts inside long ones; on whenever
    # containment matching is. None turns them off.
    anchor_modulus: int | None = DEFAULT_MODULUS
    anchor_min_shared: int = DEFAULT_MIN_SHARED
    anchor_max_df: int = DEFAULT_MAX_DF

    def __post_init__(self) -> None:
        if not 1 <= self.shingle_size <= 20:
            raise ConfigError(
                f"shingle size must be in [1, 20] words, got {self.shingle_size}; try 5"
            )
        if not 0.0 < self.min_ratio <= 1.0:
            raise ConfigError(f"min_ratio must be in (0, 1], got {self.min_ratio}")
        if self.max_bucket < 2:
            raise ConfigError(f"max_bucket must be >= 2, got {self.max_bucket}")
        if (
            (self.anchor_modulus is not None and self.anchor_modulus < 1)
            or self.anchor_min_shared < 1
            or self.anchor_max_df < 2
        ):
            raise ConfigError(
                "need anchor_modulus >= 1, anchor_min_shared >= 1 and anchor_max_df >= 2, got"
                f" {self.anchor_modulus}, {self.anchor_min_shared}, {self.anchor_max_df};"
                f" the defaults are {DEFAULT_MODULUS}, {DEFAULT_MIN_SHARED}, {DEFAULT_MAX_DF}"
            )

    def banding(self) -> LSHConfig:
        """The LSH banding these thresholds call for."""
        return derive(
            self.thresholds.jaccard,
            self.thresholds.containment,
            num_perm=self.minhash.num_perm,
            min_ratio=self.min_ratio,
        )

    @property
    def modulus(self) -> int | None:
        """The anchor modulus in use: None when anchors or containment matching are off."""
        return self.anchor_modulus if self.thresholds.containment is not None else None

    @property
    def anchor_min_share(self) -> float:
        """Share of the smaller document's anchors a pair must share (`anchor_candidates`).

        Half the containment threshold: room for the sampling's variance on short texts.
        """
        return (self.thresholds.containment or 0.0) / 2

    def flat(self) -> dict[str, float | int | None]:
        """Every setting under one flat name: the keys the index has always stored."""
        t = self.thresholds
        return {
            "threshold": t.jaccard,
            "containment": t.containment,
            "shingle": self.shingle_size,
            "num_perm": self.minhash.num_perm,
            "seed": self.minhash.seed,
            "min_shingles": t.min_shingles,
            "min_shared": t.min_shared,
            "min_cover": t.min_cover,
            "anchor_modulus": self.anchor_modulus,
            "anchor_min_shared": self.anchor_min_shared,
            "anchor_max_df": self.anchor_max_df,
            "min_ratio": self.min_ratio,
            "max_bucket": self.max_bucket,
        }

    def to_meta(self) -> dict[str, str]:
        """`flat` as strings, for the index's meta table."""
        return {k: str(v) for k, v in self.flat().items()}

    @classmethod
    def from_meta(cls, meta: dict[str, str]) -> DiscoveryConfig:
        """The config `to_meta` wrote; keys an older index lacks take their defaults."""
        d = cls()
        t = d.thresholds

        def get(key: str, default: object) -> str:
            return meta.get(key, str(default))

        def optional(value: str, kind: type[float] | type[int]) -> float | int | None:
            return None if value == "None" else kind(value)

        containment = optional(get("containment", t.containment), float)
        modulus = optional(get("anchor_modulus", d.anchor_modulus), int)
        return cls(
            thresholds=Thresholds(
                jaccard=float(get("threshold", t.jaccard)),
                containment=containment,
                min_shingles=int(get("min_shingles", t.min_shingles)),
                min_shared=int(get("min_shared", t.min_shared)),
                min_cover=float(get("min_cover", t.min_cover)),
            ),
            minhash=MinHashConfig(
                num_perm=int(get("num_perm", d.minhash.num_perm)),
                seed=int(get("seed", d.minhash.seed)),
            ),
            shingle_size=int(get("shingle", d.shingle_size)),
            min_ratio=float(get("min_ratio", d.min_ratio)),
            max_bucket=int(get("max_bucket", d.max_bucket)),
            anchor_modulus=None if modulus is None else int(modulus),
            anchor_min_shared=int(get("anchor_min_shared", d.anchor_min_shared)),
            anchor_max_df=int(get("anchor_max_df", d.anchor_max_df)),
        )
