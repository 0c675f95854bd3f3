"""The local engine end to end on invented collections: what it joins, what it leaves alone."""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

import pytest
from textgen import invented_article, reword

from redline.engines.local import LocalEngine, SpooledResult
from redline.errors import ConfigError, InputError
from redline.find import FindOptions, Sources, find_versions
from redline.ingest.records import Item, Raw, Skip
from redline.models import Cluster, Document


def run(items: list[Item] | list[Document], options: FindOptions) -> SpooledResult:
    return LocalEngine().run(Sources(items=items), options)


def _collection() -> tuple[list[Document], list[set[str]]]:
    """Stories in several versions among unrelated articles, and the true groups."""
    docs: list[Document] = []
    truth: list[set[str]] = []
    for story in range(6):
        text = invented_article(100 + story, words=500)
        paragraphs = text.split("\n\n")
        versions = {
            f"s{story}/original": text,
            f"s{story}/reworded": reword(text, 0.03, seed=story),
            f"s{story}/trimmed": "\n\n".join(paragraphs[: len(paragraphs) * 2 // 3]),
            f"s{story}/excerpt": " ".join(text.split(" ")[100:260]),
        }
        for doc_id, body in versions.items():
            docs.append(Document(id=doc_id, text=body, date=f"2024-01-{story + 10}"))
        truth.append(set(versions))
    docs += [
        Document(id=f"unrelated/{k}", text=invented_article(900 + k, words=300)) for k in range(12)
    ]
    return docs, truth


def _groups(clusters: list[Cluster]) -> list[set[str]]:
    return sorted((set(c.documents) for c in clusters), key=sorted)


def test_every_version_is_found_and_nothing_else() -> None:
    docs, truth = _collection()
    with run(docs, FindOptions(jobs=1)) as result:
        assert _groups(result.clusters) == sorted(truth, key=sorted)
        assert result.stats.documents == len(docs)
        # The evidence names only members of the cluster.
        for c in result.clusters:
            assert {p.a for p in c.pairs} | {p.b for p in c.pairs} <= set(c.documents)
            assert c.canonical == c.documents[0]


@pytest.mark.slow
def test_same_clusters_whatever_the_order_and_the_number_of_workers() -> None:
    docs, _ = _collection()
    with run(docs, FindOptions(jobs=1)) as first:
        expected = [c.to_dict() for c in first.clusters]
    shuffled = docs[:]
    random.Random(3).shuffle(shuffled)
    # Small batches so that two worker processes really share the work.
    with run(shuffled, FindOptions(jobs=2, batch_size=5)) as second:
        assert [c.to_dict() for c in second.clusters] == expected


def test_short_similar_documents_do_not_collapse_into_one_cluster() -> None:
    rng = random.Random(5)
    towns = [f"Town{i}" for i in range(200)]
    docs = [
        Document(
            id=f"brief/{i}",
            text=f"Weather for {town}: {rng.choice(['sunny', 'rain', 'fog'])} with highs of "
            f"{rng.randint(5, 30)} degrees and light winds from the "
            f"{rng.choice(['north', 'west'])}.",
        )
        for i, town in enumerate(towns)
    ]
    with run(docs, FindOptions(jobs=1)) as result:
        largest = max((len(c.documents) for c in result.clusters), default=0)
        assert largest < 10


def test_exact_copies_are_joined_directly(article: Callable[..., str]) -> None:
    text = article(42)
    docs = [Document(id=f"copy{i}", text=text) for i in range(100)]
    with run(docs, FindOptions(jobs=1)) as result:
        (c,) = result.clusters
        assert len(c.documents) == 100
        assert result.stats.exact_copies == 99


def test_bad_items_are_skipped_and_counted(article: Callable[..., str]) -> None:
    items: list[Item] = [
        Document(id="good1", text=article(1)),
        Document(id="good2", text=article(1)),
        Document(id="blank", text="   \n "),
        Document(id="punctuation", text="-- ... !!"),
        Raw(id="junk.bin", data=bytes(range(256)) * 10),
        Skip("dump.jsonl", "malformed line", "not valid JSON", 7),
        Document(id="good1", text=article(2)),
    ]
    with run(items, FindOptions(jobs=1)) as result:
        assert result.stats.read == 7
        assert result.stats.documents == 2
        assert dict(result.stats.skipped) == {
            "empty": 2,
            "binary": 1,
            "malformed line": 1,
            "duplicate id": 1,
        }
        assert [c.documents for c in result.clusters] == [("good1", "good2")]
        assert result.load("good1").text == article(1)


def test_strict_stops_at_the_first_bad_item(article: Callable[..., str]) -> None:
    items: list[Item] = [
        Document(id="good", text=article(1)),
        Skip("dump.jsonl", "malformed line", "not valid JSON", 7),
    ]
    with pytest.raises(InputError, match=r"dump.jsonl:7: not valid JSON"):
        run(items, FindOptions(jobs=1, strict=True))


def test_find_versions_takes_documents_or_paths(tmp_path: Path) -> None:
    text = invented_article(77)
    docs = [Document(id="a", text=text), Document(id="b", text=reword(text, 0.02, seed=1))]
    (cluster,) = find_versions(iter(docs), jobs=1)
    assert set(cluster.documents) == {"a", "b"}
    for d in docs:
        (tmp_path / f"{d.id}.txt").write_text(d.text)
    (from_files,) = find_versions([tmp_path], jobs=1)
    assert set(from_files.documents) == {"a.txt", "b.txt"}
    with pytest.raises(ConfigError, match="mixes"):
        find_versions([docs[0], tmp_path], jobs=1)


def test_a_short_excerpt_of_a_long_article_is_found() -> None:
    text = invented_article(321, words=2500)
    excerpt = " ".join(text.split(" ")[800:1000])  # 8% of the article
    docs = [
        Document(id="article", text=text),
        Document(id="excerpt", text=excerpt),
        *(Document(id=f"other{k}", text=invented_article(400 + k)) for k in range(5)),
    ]
    with run(docs, FindOptions(jobs=1)) as result:
        assert [c.documents for c in result.clusters] == [("article", "excerpt")]
        assert result.clusters[0].pairs[0].b_in_a == 1.0


def test_templated_one_line_reports_do_not_chain_into_one_cluster() -> None:
    # QA: 3,000 such reports became 8 clusters, the largest of 2,000 whose members had a median
    # Jaccard of 0.13, chained by edges of one changed word.
    rng = random.Random(5)
    towns = [
        "Ashford",
        "Carrow",
        "Dunmere",
        "Fenwick",
        "Harlow",
        "Kelby",
        "Marden",
        "Oakhill",
        "Rudham",
        "Selby",
    ]
    days = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
    things = ["car", "van", "bicycle", "trailer", "lorry", "scooter"]
    templates = [
        "Police in {t} said a {x} was reported stolen on {d} night from a driveway near the"
        " high street",
        "Police in {t} said a {x} was damaged on {d} night outside a shop near the station",
        "Rain is expected in {t} on {d} night and a {x} was swept off a road near the river",
    ]
    docs = [
        Document(
            id=f"r{i:04d}",
            text=rng.choice(templates).format(
                t=rng.choice(towns), d=rng.choice(days), x=rng.choice(things)
            ),
        )
        for i in range(600)
    ]
    with run(docs, FindOptions(jobs=1)) as result:
        clusters = result.clusters
    texts = {d.id: d.text.lower() for d in docs}
    # Only copies of the same report remain together.
    assert clusters
    for c in clusters:
        assert len({texts[d] for d in c.documents}) == 1, c.documents


def test_pair_counts_add_up_with_exact_copies() -> None:
    # QA: the summary said "verified 226 of 216 candidate pairs": exact copies, joined without
    # verification, were counted as verified, and anchors counted pairs banding had found too.
    docs, _ = _collection()
    docs += [Document(id=f"copy/{d.id}", text=d.text) for d in docs[:5]]
    with run(docs, FindOptions(jobs=1)) as result:
        stats = result.stats
        pairs = {(p.a, p.b) for c in result.clusters for p in c.pairs}
    assert stats.exact_copies == 5
    assert 0 < stats.verified <= stats.candidates
    assert 0 <= stats.anchor_candidates <= stats.candidates
    # Every non-copy evidence pair was one of the verified candidates.
    assert len({ab for ab in pairs if not ab[0].startswith("copy/")}) <= stats.verified
