"""The local engine and the SQLite index give the clusters of the pure-Python reference.

Corpora mix everything the candidate and record policies decide: exact copies, trimmed copies,
excerpts, light and heavy rewrites (which only sentence rules find), short texts, empty
documents, duplicate ids and buckets larger than `max_bucket` (small settings of `max_bucket`,
`anchor_max_df` and `sentence_max_df` make oversized buckets and boilerplate anchors cheap to
reach).
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from textgen import invented_article, reword

from redline.discover.config import DiscoveryConfig
from redline.discover.verify import Thresholds
from redline.engines.local import LocalEngine
from redline.find import FindOptions, Sources
from redline.find.reference import Discovery, discover
from redline.models import Cluster, Document
from redline.store import Index

VARIANTS = (
    "copy",
    "trimmed",
    "excerpt",
    "reworded",
    "rewritten",
    "short",
    "empty",
    "duplicate id",
)


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
        # Few shingles survive a word in four replaced; most sentences keep a partner.
        return reword(text, rng.choice((0.2, 0.25, 0.3)), seed=rng.randrange(10**6))
    if kind == "short":
        start = rng.randrange(max(1, len(words) - 8))
        return " ".join(words[start : start + rng.randint(1, 8)])
    return rng.choice(("", "   \n\t", "-- * --"))  # empty: no words at all


@st.composite
def corpora(draw: st.DrawFn, *, duplicates: bool = True) -> list[Document]:
    """Invented stories in several versions, unrelated articles, in a drawn order."""
    seed = draw(st.integers(0, 10**6))
    rng = random.Random(seed)
    docs: list[Document] = []
    kinds = VARIANTS if duplicates else VARIANTS[:-1]
    for story in range(draw(st.integers(1, 4))):
        text = invented_article(seed + story, words=draw(st.integers(60, 400)))
        date = draw(st.sampled_from([None, "2024-03-01", "2024-03-02"]))
        docs.append(Document(id=f"s{story}-orig", text=text, date=date))
        for k, kind in enumerate(draw(st.lists(st.sampled_from(kinds), max_size=8))):
            if kind == "duplicate id" and docs:
                other = rng.choice(docs)
                docs.append(Document(id=other.id, text=_variant("reworded", text, rng)))
                continue
            date = draw(st.sampled_from([None, "2024-03-01", "2024-03-03"]))
            # Ids that sort unlike input order, so order-dependence would show.
            doc_id = f"{rng.choice('zmab')}{k}-s{story}-{kind}"
            docs.append(Document(id=doc_id, text=_variant(kind, text, rng), date=date))
    docs.extend(
        Document(id=f"u{k}", text=invented_article(seed + 500 + k, words=120))
        for k in range(draw(st.integers(0, 3)))
    )
    return draw(st.permutations(docs))


MODES = [
    DiscoveryConfig(),
    DiscoveryConfig.for_mode("versions", jaccard=0.5, containment=0.8),
    DiscoveryConfig.for_mode("versions", containment=None),
    DiscoveryConfig.for_mode("versions", aligned=0.6),
    DiscoveryConfig(thresholds=Thresholds(aligned=None, containment=None)),
    DiscoveryConfig.for_mode("reuse"),
    DiscoveryConfig.for_mode("reuse", containment=None),
]
configs = st.builds(
    replace,
    st.sampled_from(MODES),
    max_bucket=st.sampled_from([2, 3, 64]),
    anchor_max_df=st.sampled_from([2, 3, 20]),
    sentence_max_df=st.sampled_from([2, 3, 20]),
)


def _local(
    docs: list[Document], config: DiscoveryConfig, batch: int
) -> tuple[list[Cluster], Counter[str], int, tuple[int, int], int]:
    options = FindOptions(discovery=config, jobs=1, batch_size=batch)
    with LocalEngine().run(Sources(items=docs), options) as result:
        s = result.stats
        skipped: Counter[str] = Counter(dict(s.skipped))
        only = (s.anchor_candidates, s.sentence_candidates)
        return result.clusters, skipped, s.candidates, only, s.exact_copies


def _assert_local_matches(docs: list[Document], config: DiscoveryConfig, batch: int) -> Discovery:
    ref = discover(docs, config)
    clusters, skipped, candidates, anchor_only, copies = _local(docs, config, batch)
    assert [c.to_dict() for c in clusters] == [c.to_dict() for c in ref.clusters]
    assert skipped == Counter(reason for _, reason in ref.skipped)
    assert candidates == len(ref.candidates)
    assert anchor_only == (
        len(ref.anchored - ref.banded),
        len(ref.sentenced - ref.banded - ref.anchored),
    )
    assert copies == len(ref.copies)
    return ref


def _partition(clusters: list[Cluster]) -> set[tuple[str, frozenset[str]]]:
    return {(c.canonical, frozenset(c.documents)) for c in clusters}


def _index_clusters(docs: list[Document], config: DiscoveryConfig, path: Path) -> list[Cluster]:
    with Index(path, config=config) as index:
        results = list(index.add_many(docs, batch=4))
        seqs = sorted({r.cluster for r in results if r.cluster is not None})
        return [index.cluster(index.resolve_cluster(c)) for c in dict.fromkeys(seqs)]


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(docs=corpora(), config=configs, batch=st.sampled_from([1, 3, 256]))
def test_the_local_engine_gives_the_reference_clusters(
    docs: list[Document], config: DiscoveryConfig, batch: int
) -> None:
    _assert_local_matches(docs, config, batch)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(docs=corpora(duplicates=False), config=st.sampled_from(MODES))
def test_the_index_gives_the_reference_clusters(
    tmp_path_factory: pytest.TempPathFactory, docs: list[Document], config: DiscoveryConfig
) -> None:
    # The index has no max_bucket (it caps candidates per lookup instead) and counts an
    # anchor's documents among those added before, so it is compared at the default
    # bucket and anchor settings, which these small corpora never exceed.
    ref = discover(docs, config)
    path = tmp_path_factory.mktemp("index") / "parity.db"
    assert _partition(_index_clusters(docs, config, path)) == _partition(ref.clusters)


def _story_versions(seed: int, count: int) -> list[Document]:
    text = invented_article(seed, words=300)
    return [Document(id=f"v{k:03d}", text=reword(text, 0.02, seed=k)) for k in range(count)]


def test_an_oversized_bucket_still_chains_its_versions() -> None:
    # 40 light rewrites of one story share band keys: a bucket far over max_bucket=4.
    docs = _story_versions(11, 40)
    ref = _assert_local_matches(docs, DiscoveryConfig(max_bucket=4), batch=7)
    assert [len(c.documents) for c in ref.clusters] == [40]
    # Neighbours only: fewer pairs than when every bucket is paired whole.
    whole = discover(docs, DiscoveryConfig(max_bucket=64))
    assert len(ref.banded) < len(whole.banded)
    assert _partition(whole.clusters) == _partition(ref.clusters)


def test_exact_copies_join_the_smallest_id_and_skip_verification() -> None:
    text = invented_article(3, words=200)
    docs = [Document(id=i, text=text) for i in ("m", "c", "x", "a")]
    docs.append(Document(id="trim", text=text.split("\n\n")[0] + "\n\n" + text.split("\n\n")[1]))
    ref = _assert_local_matches(docs, DiscoveryConfig(), batch=2)
    assert ref.copies == {"c": "a", "m": "a", "x": "a"}
    assert all("a" in pair or "trim" not in pair for pair in ref.candidates)


def test_duplicate_ids_and_empty_documents_follow_the_record_policies() -> None:
    text = invented_article(5, words=200)
    docs = [
        Document(id="d", text="   "),  # empty: claims no id
        Document(id="d", text=text),  # kept
        Document(id="d", text=reword(text, 0.5, seed=1)),  # duplicate id: skipped
        Document(id="e", text=text),
    ]
    ref = _assert_local_matches(docs, DiscoveryConfig(), batch=1)
    assert ref.kept == ["d", "e"]
    assert ref.skipped == [("d", "empty"), ("d", "duplicate id")]
    assert [set(c.documents) for c in ref.clusters] == [{"d", "e"}]


def test_the_index_matches_the_reference_on_a_bucket_of_seventy_copies(tmp_path: Path) -> None:
    docs = _story_versions(21, 70)
    config = DiscoveryConfig()
    ref = _assert_local_matches(docs, config, batch=16)
    assert _partition(_index_clusters(docs, config, tmp_path / "i.db")) == _partition(ref.clusters)


def test_excerpts_linked_to_each_other_still_join_the_article_they_come_from(
    tmp_path: Path,
) -> None:
    # Two overlapping excerpts are indexed first and cluster together (the shorter covers
    # most of the longer); the article, in which they cover little, comes last. Each excerpt
    # has no container yet, so both join it, as `redline find` joins them to their best one.
    words = invented_article(31, words=400).split(" ")
    docs = [
        Document(id="b-excerpt", text=" ".join(words[120:160])),
        Document(id="a-excerpt", text=" ".join(words[100:170])),
        Document(id="story", text=" ".join(words)),
    ]
    config = DiscoveryConfig.for_mode("versions")
    ref = discover(docs, config)
    assert [set(c.documents) for c in ref.clusters] == [{"a-excerpt", "b-excerpt", "story"}]
    assert _partition(_index_clusters(docs, config, tmp_path / "i.db")) == _partition(ref.clusters)
