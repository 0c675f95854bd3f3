"""Verification of candidate pairs by exact shingle overlap.

A candidate from LSH is only a guess; a pair becomes an edge between versions when its exact
scores (the same `shingle.overlap` that `redline diff` reports) pass a threshold:

- Jaccard >= `jaccard`: the two texts are mostly the same text (edits, layout, boilerplate), or
- the shorter text is contained in the longer one at >= `containment`: a trimmed wire story
  inside a longer article, or an excerpt.

Guard against short texts: a text of a few shingles is "contained" in any article that happens
to use the same phrase, and transitive clustering would then chain unrelated articles through
it. Containment therefore counts only when the contained text has at least `min_shingles`
shingles.

Any match also needs `min_shared` shared shingles (or every shingle of the shorter text, when it
has fewer). Jaccard alone is lenient on short texts: one changed word in a 20-word text removes
5 of its 16 five-word shingles and still leaves Jaccard ~0.5, so templated one-line reports
("police in <town> said on <weekday> ...") whose towns or weekdays differ would pass, and
union-find would chain thousands of them into one cluster whose members share almost nothing.
An absolute count is an edge-local rule: it needs no view of the cluster, so the persistent
index (store/), which verifies pair by pair, keeps the same clusters as `redline find`.

Rewritten versions (another writer's wording, sentences split and merged) keep few shingles
but most of their sentences' words. With `aligned` set, a pair also matches when at least that
share of the shorter document's sentences align with the other (`sentences.aligned_share`),
and at least `min_aligned` sentences do (one shared sentence is a quotation, not a version).
The modes (`config.MODES`) set it; None turns the rule off (indexes made before it existed).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from redline.discover.sentences import SentenceSketch, aligned_share
from redline.discover.shingle import U64Array, overlap
from redline.errors import ConfigError
from redline.models import Pair

Match = Literal["jaccard", "containment", "sentences"]

# Measured on the generated corpus (eval/eval_find_generated.py, seeds 7 and 8): pair F1
# 0.986 / 0.981 at 0.4 / 0.7 against 0.948 / 0.938 at 0.5 / 0.8, precision 1.000 at both;
# word 5-shingles are fragile under rewording, so edited versions fall to Jaccard ~0.4.
DEFAULT_JACCARD = 0.4
DEFAULT_CONTAINMENT = 0.7


@dataclass(frozen=True, slots=True)
class Thresholds:
    """When a pair of documents counts as two versions of one text."""

    jaccard: float = DEFAULT_JACCARD
    containment: float | None = DEFAULT_CONTAINMENT
    # 5-word shingles: 20 shingles is a text of about 24 words, a long sentence or two.
    min_shingles: int = 20
    # A short text must be wholly inside the other (an exact or extended copy); a longer one
    # needs about 24 words in common, so a one-word change in a one-line report is no edge.
    min_shared: int = 20
    # Clustering: a contained text joins every container it covers at least this share of, and
    # otherwise only its best container, so a quoted passage cannot chain unrelated articles.
    min_cover: float = 0.25
    # Sentence verification (module docstring): the share of the shorter document's
    # sentences that must align, or None for shingle rules only (the default, that of
    # `--mode versions`; config.MODES).
    aligned: float | None = None
    min_aligned: int = 3

    def __post_init__(self) -> None:
        if not 0.0 < self.jaccard <= 1.0:
            raise ConfigError(f"threshold must be in (0, 1], got {self.jaccard}")
        if self.containment is not None and not 0.0 < self.containment <= 1.0:
            raise ConfigError(
                f"containment must be in (0, 1], got {self.containment}; omit it to match by"
                " Jaccard only"
            )
        if self.min_shingles < 1 or self.min_shared < 1:
            raise ConfigError(
                f"min_shingles and min_shared must be >= 1, got {self.min_shingles},"
                f" {self.min_shared}"
            )
        if not 0.0 <= self.min_cover <= 1.0:
            raise ConfigError(f"min_cover must be in [0, 1], got {self.min_cover}")
        if self.aligned is not None and not 0.0 < self.aligned <= 1.0:
            raise ConfigError(
                f"aligned share must be in (0, 1], got {self.aligned}; omit it to match by"
                " shingles only"
            )
        if self.min_aligned < 1:
            raise ConfigError(f"min_aligned must be >= 1, got {self.min_aligned}")


def classify(
    jaccard: float,
    a_in_b: float,
    b_in_a: float,
    *,
    len_a: int,
    len_b: int,
    thresholds: Thresholds,
    aligned: float | None = None,
    sentences: int = 0,
) -> Match | None:
    """Which rule, if any, makes these scores a match (Jaccard first, sentences last).

    `aligned` is the pair's aligned share and `sentences` the sentence count of its shorter
    document (by sentences); both are ignored unless `thresholds.aligned` is set.
    """
    shared = round(a_in_b * len_a)
    if shared >= min(thresholds.min_shared, len_a, len_b):
        if jaccard >= thresholds.jaccard:
            return "jaccard"
        # The contained side is the one whose share is highest; it must be long enough to be
        # evidence on its own.
        if a_in_b >= b_in_a:
            share, contained = a_in_b, len_a
        else:
            share, contained = b_in_a, len_b
        if (
            thresholds.containment is not None
            and share >= thresholds.containment
            and contained >= thresholds.min_shingles
        ):
            return "containment"
    if (
        thresholds.aligned is not None
        and aligned is not None
        and aligned >= thresholds.aligned
        and round(aligned * sentences) >= thresholds.min_aligned
    ):
        return "sentences"
    return None


def verify(
    a_shingles: U64Array,
    b_shingles: U64Array,
    thresholds: Thresholds | None = None,
    *,
    a_id: str = "a",
    b_id: str = "b",
    a_sentences: SentenceSketch | None = None,
    b_sentences: SentenceSketch | None = None,
) -> Pair | None:
    """The verified pair of two documents, or None when they are not versions.

    The pair is ordered by id (`a < b`), with the containment scores swapped to match, so the
    same two documents always give the same `Pair` whichever was passed first.

    Args:
        a_shingles, b_shingles: sorted unique shingle hashes (`shingle.shingles`).
        thresholds: the match rules; defaults to `Thresholds()`.
        a_id, b_id: document ids recorded in the pair.
        a_sentences, b_sentences: the documents' `sentences.sketch`; with both given and
            `thresholds.aligned` set, the aligned share is computed, recorded in the pair and
            used by the sentence rule.
    """
    thresholds = thresholds or Thresholds()
    jaccard, a_in_b, b_in_a = overlap(a_shingles, b_shingles)
    aligned: float | None = None
    sentences = 0
    if thresholds.aligned is not None and a_sentences is not None and b_sentences is not None:
        aligned = aligned_share(a_sentences, b_sentences)
        sentences = min(a_sentences.count, b_sentences.count)
    if (
        classify(
            jaccard,
            a_in_b,
            b_in_a,
            len_a=len(a_shingles),
            len_b=len(b_shingles),
            thresholds=thresholds,
            aligned=aligned,
            sentences=sentences,
        )
        is None
    ):
        return None
    if b_id < a_id:
        return Pair(b_id, a_id, jaccard, b_in_a, a_in_b, aligned)
    return Pair(a_id, b_id, jaccard, a_in_b, b_in_a, aligned)
