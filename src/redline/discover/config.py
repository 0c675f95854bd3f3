"""One discovery config: how `redline find` and the index decide which documents are versions.

`DiscoveryConfig` holds every setting of discovery (match thresholds, shingle size, MinHash,
LSH banding, anchor sampling). `redline find` takes it inside `FindOptions`; the index stores it
in its meta table when created (`to_meta`) and reads it back when opened (`from_meta`), so both
decide with the same rules. The meta keys are those the index wrote before this config existed
(threshold, containment, shingle, num_perm, ...): old index files open unchanged, and keys they
lack take their defaults, except sentence verification: an index made before it existed
keeps matching by shingles only (`aligned` None), as it did when its clusters were made.

Modes (`MODES`, `for_mode`): `versions` (the default) finds copies and edited versions with
the precision `find` always had; `reuse` loosens the sentence rules for rewrites (another
writer's wording, churnalism, reading-level rewrites). A mode only sets defaults: a threshold
given explicitly wins. docs/quality.md ("Modes") has the data each default was chosen on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, cast

from redline.discover.anchors import DEFAULT_MAX_DF, DEFAULT_MIN_SHARED, DEFAULT_MODULUS
from redline.discover.lsh import DEFAULT_MIN_RATIO, LSHConfig, derive
from redline.discover.minhash import MinHashConfig
from redline.discover.shingle import DEFAULT_SHINGLE
from redline.discover.verify import Thresholds
from redline.errors import ConfigError

DEFAULT_MAX_BUCKET = 64

Mode = Literal["versions", "reuse"]


@dataclass(frozen=True, slots=True)
class ModeDefaults:
    """The thresholds a mode sets (see `DiscoveryConfig` for what each one does)."""

    jaccard: float
    containment: float | None
    aligned: float | None
    sentence_min_shared: int
    sentence_min_share: float


# Chosen on half A of onestopenglish_rewrites and checked on the generated corpus with
# distractors (eval/eval_find_onestop.py, eval/eval_find_generated.py; docs/quality.md).
MODES: dict[str, ModeDefaults] = {
    "versions": ModeDefaults(0.4, 0.7, None, 3, 0.15),
    "reuse": ModeDefaults(0.4, 0.7, 0.5, 2, 0.1),
}
DEFAULT_SENTENCE_MAX_DF = 20
_UNSET: object = object()


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
    # Which mode set the defaults (recorded, so an index reports what it was made with).
    mode: Mode = "versions"
    # Sentence anchors (`sentences.sentence_anchors`, candidates rule 3b), on whenever
    # sentence verification is (`thresholds.aligned`): a pair sharing at least
    # `sentence_min_shared` of them, and at least `sentence_min_share` of the smaller anchor
    # count, is a candidate; anchors in more than `sentence_max_df` documents are ignored.
    sentence_min_shared: int = MODES["versions"].sentence_min_shared
    sentence_min_share: float = MODES["versions"].sentence_min_share
    sentence_max_df: int = DEFAULT_SENTENCE_MAX_DF

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise ConfigError(f"no mode {self.mode!r}; choose one of {', '.join(MODES)}")
        if self.sentence_min_shared < 1 or self.sentence_max_df < 2:
            raise ConfigError(
                "need sentence_min_shared >= 1 and sentence_max_df >= 2, got"
                f" {self.sentence_min_shared}, {self.sentence_max_df}"
            )
        if not 0.0 <= self.sentence_min_share <= 1.0:
            raise ConfigError(
                f"sentence_min_share must be in [0, 1], got {self.sentence_min_share}"
            )
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

    @classmethod
    def for_mode(
        cls,
        mode: str = "versions",
        *,
        jaccard: float | None = None,
        containment: float | object | None = _UNSET,
        aligned: float | object | None = _UNSET,
    ) -> DiscoveryConfig:
        """The config of a mode, with any threshold given here instead of the mode's.

        Args:
            mode: "versions" or "reuse" (`MODES`).
            jaccard: Jaccard threshold (default: the mode's).
            containment: containment threshold, None for Jaccard only (default: the mode's).
            aligned: aligned-share threshold, None for no sentence rule (default: the mode's).

        Raises:
            ConfigError: an unknown mode or a threshold out of range.
        """
        if mode not in MODES:
            raise ConfigError(f"no mode {mode!r}; choose one of {', '.join(MODES)}")
        d = MODES[mode]
        thresholds = Thresholds(
            jaccard=d.jaccard if jaccard is None else jaccard,
            containment=_given(containment, d.containment),
            aligned=_given(aligned, d.aligned),
        )
        return cls(
            thresholds=thresholds,
            mode=cast(Mode, mode),
            sentence_min_shared=d.sentence_min_shared,
            sentence_min_share=d.sentence_min_share,
        )

    @property
    def sentences(self) -> bool:
        """Whether sentences are sketched: sentence anchors and the aligned-share rule."""
        return self.thresholds.aligned is not None

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
            "aligned": t.aligned,
            "min_aligned": t.min_aligned,
            "sentence_min_shared": self.sentence_min_shared,
            "sentence_min_share": self.sentence_min_share,
            "sentence_max_df": self.sentence_max_df,
        }

    def to_meta(self) -> dict[str, str]:
        """`flat` and the mode as strings, for the index's meta table."""
        return {**{k: str(v) for k, v in self.flat().items()}, "mode": self.mode}

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
        # Absent from an index made before sentence verification: it stays off there.
        aligned = optional(get("aligned", None), float)
        mode = get("mode", "versions")
        if mode not in MODES:
            raise ConfigError(f"the index records an unknown mode {mode!r}")
        return cls(
            thresholds=Thresholds(
                jaccard=float(get("threshold", t.jaccard)),
                containment=containment,
                min_shingles=int(get("min_shingles", t.min_shingles)),
                min_shared=int(get("min_shared", t.min_shared)),
                min_cover=float(get("min_cover", t.min_cover)),
                aligned=aligned,
                min_aligned=int(get("min_aligned", t.min_aligned)),
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
            mode=cast(Mode, mode),
            sentence_min_shared=int(get("sentence_min_shared", d.sentence_min_shared)),
            sentence_min_share=float(get("sentence_min_share", d.sentence_min_share)),
            sentence_max_df=int(get("sentence_max_df", d.sentence_max_df)),
        )


def _given(value: float | object | None, default: float | None) -> float | None:
    """An explicit threshold (a float, or None for off), else the mode's default."""
    if value is _UNSET:
        return default
    return None if value is None else float(cast(float, value))
