"""Clusters: union-find over verified pairs, deterministic ids, the canonical rule."""

from __future__ import annotations

import random
from itertools import pairwise

from redline.discover.cluster import Member, canonical, cluster, cluster_id
from redline.models import Pair


def _pair(a: str, b: str, j: float, a_in_b: float, b_in_a: float) -> Pair:
    return Pair(a=a, b=b, jaccard=j, a_in_b=a_in_b, b_in_a=b_in_a)


def test_transitive_versions_form_one_cluster_with_their_evidence() -> None:
    pairs = [_pair("a", "b", 0.8, 0.9, 0.9), _pair("b", "c", 0.7, 0.8, 0.8)]
    (c,) = cluster(pairs)
    assert set(c.documents) == {"a", "b", "c"}
    assert c.pairs == tuple(pairs)


def test_same_pairs_in_any_order_give_identical_clusters() -> None:
    pairs = [_pair(f"d{i}", f"d{i + 1}", 0.9, 0.9, 0.9) for i in range(0, 20, 2)]
    pairs += [_pair("d1", "d2", 0.6, 0.7, 0.7), _pair("x", "y", 1.0, 1.0, 1.0)]
    expected = cluster(pairs)
    for seed in range(5):
        shuffled = pairs[:]
        random.Random(seed).shuffle(shuffled)
        assert cluster(shuffled) == expected
    assert [len(c.documents) for c in expected] == [4] + [2] * 9


def test_cluster_id_depends_only_on_members() -> None:
    assert cluster_id(["b", "a"]) == cluster_id(["a", "b"])
    assert cluster_id(["a", "b"]) != cluster_id(["a", "c"])


def test_canonical_is_earliest_date_then_longest_then_smallest_id() -> None:
    assert canonical([Member("a", "2024-02-01", 10), Member("b", "2024-01-05", 5)]) == "b"
    # undated documents come after dated ones
    assert canonical([Member("a", None, 999), Member("b", "2024-01-05", 5)]) == "b"
    assert canonical([Member("a", None, 10), Member("b", None, 50)]) == "b"
    assert canonical([Member("b", None, 50), Member("a", None, 50)]) == "a"


def test_a_quoted_passage_does_not_chain_unrelated_articles() -> None:
    # "q" (a short quote) is contained in three long unrelated articles, covering 5% of each.
    pairs = [_pair("q", f"art{i}", 0.05, 0.95, 0.05) for i in range(3)]
    (c,) = cluster(pairs)
    assert len(c.documents) == 2  # the quote joins its best container only


def test_a_wire_story_joins_every_rewrite_it_covers() -> None:
    # The wire copy covers 60% of each newspaper version: they are all one story.
    pairs = [_pair("paper1", "wire", 0.55, 0.6, 0.95), _pair("paper2", "wire", 0.4, 0.6, 0.9)]
    (c,) = cluster(pairs)
    assert set(c.documents) == {"paper1", "paper2", "wire"}


def test_canonical_comes_first_and_clusters_sort_largest_first() -> None:
    members = {"b": Member("b", "2020-01-01", 1), "a": Member("a", None, 1)}
    pairs = [
        _pair("a", "b", 0.9, 0.9, 0.9),
        _pair("c", "d", 0.9, 0.9, 0.9),
        _pair("d", "e", 1, 1, 1),
    ]
    first, second = cluster(pairs, members)
    assert first.documents == ("c", "d", "e")
    assert second.documents[0] == "b" == second.canonical


def test_a_large_cluster_keeps_its_strongest_spanning_tree_as_evidence() -> None:
    docs = [f"d{i:03d}" for i in range(40)]
    # A chain of strong pairs among many weaker ones: the chain is the maximum spanning tree.
    pairs = [
        _pair(a, b, 0.9 if j == i + 1 else 0.6, 0.9, 0.9)
        for i, a in enumerate(docs)
        for j, b in enumerate(docs)
        if i < j
    ]
    random.Random(2).shuffle(pairs)
    (c,) = cluster(pairs)
    assert len(c.documents) == 40
    assert sorted((p.a, p.b) for p in c.pairs) == list(pairwise(docs))
    triangle = [p for p in pairs if {p.a, p.b} <= {"d000", "d001", "d002"}]
    (small,) = cluster(triangle)
    assert len(small.pairs) == 3  # small clusters keep every verified pair
