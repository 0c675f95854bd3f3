"""Anchor candidates in the index: a short excerpt of a long text is found as `find` finds it."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np
from invented import article

from redline.discover.anchors import anchors
from redline.discover.config import DiscoveryConfig
from redline.discover.fingerprint import fingerprint
from redline.find import find_versions
from redline.models import Document
from redline.store import Index

# A long story and a four-paragraph excerpt of it: containment 1.0, Jaccard about 0.04, so
# MinHash bands almost never collide; only anchors make the pair a candidate.
LONG = article(4040, sentences=160)
EXCERPT = "\n\n".join(LONG.split("\n\n")[10:14])
TEXTS = {
    "long": LONG,
    "excerpt": EXCERPT,
    **{f"other{i}": article(4100 + i, sentences=20) for i in range(4)},
}


def _docs() -> list[Document]:
    return [Document(id=k, text=v) for k, v in TEXTS.items()]


def test_the_excerpt_shares_no_band_key_with_its_article_but_shares_anchors() -> None:
    # The premise of the tests below: without anchors the index would not see this pair.
    config = DiscoveryConfig()
    fp = fingerprint([LONG, EXCERPT], config.minhash, config.banding())
    assert not set(fp.keys[0].tolist()) & set(fp.keys[1].tolist())
    shared = np.intersect1d(anchors(fp.sets[0]), anchors(fp.sets[1]))
    assert len(shared) >= config.anchor_min_shared


def test_the_index_finds_an_excerpt_of_a_long_text_as_find_does(tmp_path: Path) -> None:
    found = {frozenset(c.documents) for c in find_versions(_docs(), jobs=1)}
    assert found == {frozenset({"long", "excerpt"})}
    # The article first (the excerpt arrives and finds it), then the excerpt first.
    for order, later, earlier in [(_docs(), "excerpt", "long"), (_docs()[::-1], "long", "excerpt")]:
        with Index(tmp_path / f"{later}.db") as index:
            results = {r.id: r for r in index.add_many(order)}
            held = {frozenset(index.cluster(c.id).documents) for c in index.clusters().clusters}
            assert held == found
            assert [m.id for m in results[later].matches] == [earlier]
            itself, match = index.query(EXCERPT)
            assert (itself.id, match.id, match.a_in_b) == ("excerpt", "long", 1.0)
            assert match.jaccard < 0.1


def test_removing_a_document_removes_its_anchors(tmp_path: Path) -> None:
    path = tmp_path / "remove.db"
    with Index(path) as index:
        list(index.add_many(_docs()))
        index.remove("long")
        assert [m.id for m in index.query(EXCERPT)] == ["excerpt"]
        assert index.add(Document(id="long", text=LONG)).cluster is not None
    conn = sqlite3.connect(path)
    docs = {row[0] for row in conn.execute("SELECT doc FROM documents")}
    stored = {row[0] for row in conn.execute("SELECT DISTINCT doc FROM anchors")}
    assert stored == docs


def _downgrade_to_schema_2(path: Path) -> None:
    """Rewrite an index as schema 2 laid it out: no anchors table, no anchor counts."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.executescript(
        """
        BEGIN;
        DROP TABLE anchors;
        ALTER TABLE signatures DROP COLUMN anchors;
        DELETE FROM meta WHERE key LIKE 'anchor_%';
        UPDATE meta SET value = '2' WHERE key = 'schema';
        COMMIT;
        """
    )
    conn.close()


def test_an_index_of_schema_2_is_upgraded_and_clusters_what_anchors_find(tmp_path: Path) -> None:
    path = tmp_path / "v2.db"
    with Index(path) as index:
        list(index.add_many(d for d in _docs() if d.id != "excerpt"))
        # As schema 2 had it: nothing for the excerpt to meet but band keys.
        sqlite3.connect(path).execute("DELETE FROM anchors").connection.commit()
        assert index.add(Document(id="excerpt", text=EXCERPT)).cluster is None
    _downgrade_to_schema_2(path)
    with Index(path) as index:
        assert index.integrity() == "ok"
        assert index.config == DiscoveryConfig()
        held = {frozenset(index.cluster(c.id).documents) for c in index.clusters().clusters}
        assert held == {frozenset({"long", "excerpt"})}
        assert index.get("excerpt").cluster == index.get("long").cluster
        result = index.add(Document(id="excerpt-reprint", text=EXCERPT + "\n\nA line more."))
        assert {m.id for m in result.matches} == {"long", "excerpt"}
        assert result.cluster == index.get("long").cluster
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone() == ("3",)


def test_an_anchor_in_too_many_documents_is_boilerplate_and_finds_nothing(tmp_path: Path) -> None:
    # A standard disclaimer closing 24 unrelated stories; a note quoting it is mostly
    # contained in each, but `find` drops anchors held by more than max_df documents, and
    # so does the index.
    disclaimer = article(4301, sentences=8)
    docs = [
        Document(id=f"story{i}", text=f"{article(4400 + i, sentences=120)}\n\n{disclaimer}")
        for i in range(24)
    ]
    note = Document(id="note", text=f"{disclaimer}\n\n{article(4500, sentences=1)}")
    assert find_versions([*docs, note], jobs=1) == []
    with Index(tmp_path / "boilerplate.db") as index:
        list(index.add_many(docs))
        result = index.add(note)
        assert (result.cluster, result.matches) == (None, ())
    # In only two stories the disclaimer is no boilerplate: both find the note's sources.
    [found] = find_versions([*docs[:2], note], jobs=1)
    with Index(tmp_path / "two.db") as index:
        list(index.add_many(docs[:2]))
        result = index.add(note)
        assert {m.id for m in result.matches} == {"story0", "story1"}
        assert set(index.cluster(result.cluster or "").documents) == set(found.documents)
