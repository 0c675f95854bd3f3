"""Anchor candidates: sampled shingles keep containment that banding cannot promise."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from redline.discover.anchors import anchor_candidates, anchors
from redline.discover.shingle import shingles


def _index(
    sets: list[np.ndarray], min_share: float = 0.0, max_df: int = 20
) -> set[tuple[int, int]]:
    picked = [anchors(s) for s in sets]
    values = np.concatenate(picked)
    owners = np.repeat(np.arange(len(sets), dtype=np.int64), [len(p) for p in picked])
    n = len(sets)
    return {
        (int(c) // n, int(c) % n)
        for c in anchor_candidates(values, owners, n, max_df=max_df, min_share=min_share)
    }


def test_every_anchor_of_an_excerpt_is_an_anchor_of_its_source(
    article: Callable[..., str],
) -> None:
    text = article(11, words=3000)
    excerpt = " ".join(text.split(" ")[1000:1150])  # 5% of the article
    assert set(anchors(shingles(excerpt)).tolist()) <= set(anchors(shingles(text)).tolist())


def test_a_small_excerpt_of_a_long_article_becomes_a_candidate(
    article: Callable[..., str],
) -> None:
    text = article(12, words=3000)
    sets = [shingles(text), shingles(" ".join(text.split(" ")[1000:1200])), shingles(article(13))]
    assert _index(sets) == {(0, 1)}


def test_boilerplate_anchors_in_too_many_documents_are_ignored(
    article: Callable[..., str],
) -> None:
    footer = " " + article(14, words=120)
    sets = [shingles(article(100 + i, words=200) + footer) for i in range(30)]
    assert len(_index(sets, max_df=50)) == 30 * 29 // 2  # the footer links them all
    assert _index(sets, max_df=20) == set()  # unless it is recognised as boilerplate


def test_one_shared_paragraph_is_not_enough_when_a_share_is_required(
    article: Callable[..., str],
) -> None:
    common = article(15, words=150)
    sets = [shingles(article(16, words=1200) + "\n\n" + common),
            shingles(common + "\n\n" + article(17, words=1200))]  # fmt: skip
    assert _index(sets) == {(0, 1)}
    assert _index(sets, min_share=0.4) == set()
