"""The Spark engine gives the clusters of the pure-Python reference (`find.reference`).

Corpora hold exact copies, trimmed copies, excerpts, rewrites, short texts, texts without
words and duplicate ids, in a shuffled order with ids that sort unlike it; small `max_bucket`
and `anchor_max_df` settings make oversized buckets and boilerplate anchors cheap to reach.
The canonical choices (`order_by`, `prefer`) are applied by both.
"""

from __future__ import annotations

import json
import random
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from textgen import invented_article, reword

from redline.discover.config import DiscoveryConfig
from redline.discover.verify import Thresholds
from redline.find import FindOptions, Sources
from redline.find.reference import discover
from redline.ingest.collection import ReadOptions
from redline.models import Document


def _variant(kind: str, text: str, rng: random.Random) -> str:
    words = text.split(" ")
    paragraphs = text.split("\n\n")
    if kind == "copy":
        return text
    if kind == "trimmed":
        return "\n\n".join(paragraphs[: max(1, len(paragraphs) * rng.randint(5, 9) // 10)])
    if kind == "excerpt":
        start = rng.randrange(max(1, len(words) - 60))
        return " ".join(words[start : start + rng.randint(30, 80)])
    if kind == "reworded":
        return reword(text, rng.choice((0.02, 0.05, 0.1)), seed=rng.randrange(10**6))
    if kind == "rewritten":
        # A word in four replaced: few shingles survive, most sentences keep a partner.
        return reword(text, rng.choice((0.2, 0.25, 0.3)), seed=rng.randrange(10**6))
    if kind == "short":
        start = rng.randrange(max(1, len(words) - 8))
        return " ".join(words[start : start + rng.randint(1, 8)])
    return "-- * --"  # no words: an empty document once signed


KINDS = ("copy", "trimmed", "excerpt", "reworded", "rewritten", "short", "empty", "duplicate id")


def _documents(seed: int) -> list[Document]:
    rng = random.Random(seed)
    docs: list[Document] = []
    for story in range(4):
        text = invented_article(seed * 10 + story, words=rng.randint(80, 400))
        docs.append(Document(id=f"s{story}-orig", text=text, date=rng.choice([None, "2024-03-02"])))
        for k in range(8):
            kind = rng.choice(KINDS)
            if kind == "duplicate id":
                other = rng.choice(docs)
                docs.append(Document(id=other.id, text=_variant("reworded", text, rng)))
                continue
            doc_id = f"{rng.choice('zmab')}{k}-s{story}-{kind}"
            date = rng.choice([None, "2024-03-01", "2024-03-03"])
            docs.append(Document(id=doc_id, text=_variant(kind, text, rng), date=date))
    # A notice repeated with one changing number: a bucket over max_bucket.
    notice = invented_article(seed + 77, words=45)
    docs += [Document(id=f"n{k:02d}", text=f"{notice} Number {k * 7919}.") for k in range(12)]
    docs += [
        Document(id=f"u{k}", text=invented_article(seed + 500 + k, words=120)) for k in range(3)
    ]
    rng.shuffle(docs)
    # A text without words claims no id: the document after it with that id is kept.
    story = next(d.text for d in reversed(docs) if d.text != "-- * --")
    return [
        Document(id="after-empty", text="-- * --"),
        *docs,
        Document(id="after-empty", text=story),
    ]


def _write(docs: list[Document], path: Path) -> None:
    rows = [{"id": d.id, "text": d.text, "date": d.date} for d in docs]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")


CASES = [
    (1, FindOptions()),
    (2, FindOptions(discovery=DiscoveryConfig(max_bucket=3, anchor_max_df=3))),
    (
        3,
        FindOptions(
            discovery=DiscoveryConfig(
                max_bucket=2, thresholds=Thresholds(jaccard=0.5, containment=None)
            ),
            order_by="name",
        ),
    ),
    (
        4,
        FindOptions(discovery=DiscoveryConfig(thresholds=Thresholds(jaccard=0.5, containment=0.8))),
    ),
    (5, FindOptions(discovery=DiscoveryConfig.for_mode("reuse"))),
    (
        6,
        # Sentence anchors held by more than three documents are boilerplate here.
        FindOptions(
            discovery=replace(DiscoveryConfig.for_mode("versions", aligned=0.6), sentence_max_df=3)
        ),
    ),
]


@pytest.mark.parametrize(
    ("seed", "options"), CASES, ids=["defaults", "small", "name", "strict", "reuse", "aligned"]
)
def test_spark_gives_the_reference_clusters(
    spark: Any, tmp_path: Path, seed: int, options: FindOptions
) -> None:
    from redline.engines.spark import SparkEngine

    docs = _documents(seed)
    ref = discover(docs, options.discovery, order_by=options.order_by)
    # Prefer a version that the default rule would not pick, in the largest cluster.
    largest = ref.clusters[0]
    chosen = sorted(largest.documents)[-1]
    assert chosen != largest.canonical
    options = FindOptions(
        discovery=options.discovery, order_by=options.order_by, prefer=(chosen, "no-such-id")
    )
    ref = discover(docs, options.discovery, order_by=options.order_by, prefer=options.prefer)
    assert ref.clusters[0].canonical == chosen
    _write(docs, tmp_path / "feed.jsonl")
    sources = Sources(paths=[str(tmp_path / "feed.jsonl")], read=ReadOptions())
    with SparkEngine(spark=spark).run(sources, options) as result:
        assert [c.to_dict() for c in result.clusters] == [c.to_dict() for c in ref.clusters]
        stats = result.stats
        assert Counter(dict(stats.skipped)) == Counter(reason for _, reason in ref.skipped)
        assert stats.exact_copies == len(ref.copies)
        assert stats.candidates == len(ref.candidates)
        assert stats.anchor_candidates == len(ref.anchored - ref.banded)
        assert stats.sentence_candidates == len(ref.sentenced - ref.banded - ref.anchored)
        assert stats.verified == len(ref.verified)
        assert [d.id for d in result.documents()] == ref.kept
        assert result.spark.preferred == {chosen}
    # The corpus has what the policies decide on, so equality says something.
    assert ref.copies
    assert any(reason == "duplicate id" for _, reason in ref.skipped)
    assert ("after-empty", "empty") in ref.skipped
    assert "after-empty" in ref.kept
    if options.discovery.sentences:
        # Sentence anchors proposed pairs, and the pairs say how well their sentences align.
        assert ref.sentenced
        assert any(p.aligned_share is not None for c in ref.clusters for p in c.pairs)


def test_spark_refuses_documents_held_by_the_caller(spark: Any) -> None:
    from redline.engines.spark import SparkEngine
    from redline.errors import ConfigError

    with pytest.raises(ConfigError, match="reads paths on its executors"):
        SparkEngine(spark=spark).run(Sources(items=[Document("a", "some words")]), FindOptions())


def test_spark_cuts_large_buckets_into_runs_with_the_same_candidates(
    spark: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bucket longer than a run of starting positions is paired run by run, as a whole."""
    import redline.engines.spark as engine

    monkeypatch.setattr(engine, "_BUCKET_RUN", 2)
    options = FindOptions(discovery=DiscoveryConfig(max_bucket=4, anchor_modulus=None))
    docs = _documents(5)
    ref = discover(docs, options.discovery)
    _write(docs, tmp_path / "feed.jsonl")
    sources = Sources(paths=[str(tmp_path / "feed.jsonl")], read=ReadOptions())
    with engine.SparkEngine(spark=spark).run(sources, options) as result:
        assert result.stats.candidates == len(ref.candidates)
        assert [c.to_dict() for c in result.clusters] == [c.to_dict() for c in ref.clusters]
    # The 12 notices share buckets longer than one run (2) and than max_bucket (4).
    notices = [c for c in ref.clusters if any(d.startswith("n") for d in c.documents)]
    assert any(len(c.documents) > 4 for c in notices)
