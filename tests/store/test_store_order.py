"""The clusters an index holds do not depend on the order documents arrived in."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from invented import article, corpus

from redline.discover.cluster import cluster
from redline.discover.shingle import shingles
from redline.discover.verify import verify
from redline.models import Document
from redline.store import Index

TEXTS = corpus(3, 3, seed=31)
# An excerpt (the first third of a long story) and the story: a containment pair.
_LONG = article(3131, sentences=24)
TEXTS["long"] = _LONG
TEXTS["excerpt"] = "\n\n".join(_LONG.split("\n\n")[:4])
TEXTS["alone"] = article(3132)


def _find_partition() -> set[frozenset[str]]:
    """What `redline find`'s clustering makes of the same texts, computed pair by pair."""
    sets = {k: shingles(v) for k, v in TEXTS.items()}
    ids = sorted(sets)
    pairs = [
        p
        for i, a in enumerate(ids)
        for b in ids[i + 1 :]
        if (p := verify(sets[a], sets[b], a_id=a, b_id=b)) is not None
    ]
    return {frozenset(c.documents) for c in cluster(pairs)}


FIND = _find_partition()


@settings(max_examples=12, deadline=None)
@given(order=st.permutations(sorted(TEXTS)))
def test_any_arrival_order_gives_the_clusters_find_gives(order: list[str]) -> None:
    with tempfile.TemporaryDirectory() as tmp, Index(Path(tmp) / "order.db") as index:
        for doc_id in order:
            index.add(Document(id=doc_id, text=TEXTS[doc_id]))
        held = {frozenset(index.cluster(c.id).documents) for c in index.clusters().clusters}
        assert held == FIND
        assert frozenset({"long", "excerpt"}) in held
