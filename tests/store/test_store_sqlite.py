"""The SQLite index: idempotent adds, stable cluster ids, recorded merges and splits, removal."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from invented import article, corpus, version

from redline.discover.config import DiscoveryConfig
from redline.discover.verify import Thresholds
from redline.errors import ConfigError, NotFoundError, StoreError
from redline.models import Document
from redline.store import Index, Store, oldest_first


@pytest.fixture
def index(tmp_path: Path) -> Index:
    store = Index(tmp_path / "test.db")
    yield store
    store.close()


def _add(store: Index, doc_id: str, text: str, **meta: str) -> str | None:
    result = store.add(Document(id=doc_id, text=text, **meta))
    assert result.status == "added", result
    return result.cluster


def test_index_is_a_store(index: Index) -> None:
    assert isinstance(index, Store)


def test_adding_the_same_document_twice_changes_nothing(index: Index) -> None:
    text = article(1)
    first = index.add(Document(id="a.txt", text=text))
    again = index.add(Document(id="a.txt", text=text))
    assert first.status == "added"
    assert again.status == "present"
    assert again.id == "a.txt"
    assert index.stats().documents == 1


def test_the_same_text_under_a_new_id_is_an_exact_duplicate_in_one_cluster(
    index: Index,
) -> None:
    # Two outlets printing the same wire copy: both must be listed.
    text = article(1)
    assert index.add(Document(id="outlet-a/wire.txt", text=text)).status == "added"
    second = index.add(Document(id="outlet-b/wire.txt", text=text))
    assert second.status == "added"
    assert second.id == "outlet-b/wire.txt"
    assert [(m.id, m.jaccard) for m in second.matches] == [("outlet-a/wire.txt", 1.0)]
    assert second.cluster is not None
    cluster = index.cluster(second.cluster)
    assert set(cluster.documents) == {"outlet-a/wire.txt", "outlet-b/wire.txt"}
    assert [(p.jaccard, p.a_in_b, p.b_in_a) for p in cluster.pairs] == [(1.0, 1.0, 1.0)]
    assert index.get("outlet-b/wire.txt").document.text == text
    # Re-adding either one is idempotent.
    assert index.add(Document(id="outlet-b/wire.txt", text=text)).status == "present"
    assert index.add(Document(id="outlet-a/wire.txt", text=text)).status == "present"
    assert {m.id for m in index.query(text)} == {"outlet-a/wire.txt", "outlet-b/wire.txt"}
    assert index.stats().documents == 2


def test_an_edited_file_under_its_old_id_is_kept_as_id_at_hash(index: Index) -> None:
    text = article(1)
    edited = version(text, 1)
    index.add(Document(id="a.txt", text=text))
    result = index.add(Document(id="a.txt", text=edited))
    assert result.status == "added"
    assert result.renamed_from == "a.txt"
    assert result.id.startswith("a.txt@") and len(result.id) == len("a.txt@") + 10
    assert index.get("a.txt").document.text == text
    assert index.get(result.id).document.text == edited
    # The same edit again is present, under the id it was given.
    again = index.add(Document(id="a.txt", text=edited))
    assert (again.status, again.id, again.renamed_from) == ("present", result.id, None)
    assert index.stats().documents == 2


def test_versions_join_one_cluster_and_unrelated_texts_stay_alone(index: Index) -> None:
    text = article(1)
    assert _add(index, "v0", text) is None
    cluster = _add(index, "v1", version(text, 1))
    assert cluster is not None
    assert _add(index, "v2", version(text, 2)) == cluster
    assert _add(index, "other", article(2)) is None
    # Canonical first (undated, so the longest), then by id.
    assert index.cluster(cluster).documents == ("v2", "v0", "v1")
    assert {p.a for p in index.cluster(cluster).pairs} | {
        p.b for p in index.cluster(cluster).pairs
    } == {
        "v0",
        "v1",
        "v2",
    }


def test_query_ranks_versions_with_both_containments(index: Index) -> None:
    text = article(3, sentences=20)
    _add(index, "full", text)
    # The first half of the story: contained in the full text, but a low Jaccard.
    half = "\n\n".join(text.split("\n\n")[:5])
    _add(index, "half", half)
    _add(index, "unrelated", article(4))
    matches = index.query(version(text, 9))
    assert [m.id for m in matches] == ["full", "half"]
    full, part = matches
    assert full.jaccard > 0.8
    assert part.b_in_a > 0.9  # the half is inside the query
    assert part.a_in_b < 0.6  # but the query is not inside the half
    assert index.query(article(5)) == []
    assert index.query("") == []


def test_query_limit(index: Index) -> None:
    for doc_id, text in corpus(1, 5).items():
        _add(index, doc_id, text)
    assert len(index.query(article(0), limit=2)) == 2
    with pytest.raises(ConfigError, match="limit"):
        index.query("x", limit=0)


def test_cluster_ids_are_stable_as_documents_arrive(index: Index) -> None:
    texts = corpus(3, 4)
    seen: dict[str, str | None] = {}
    for doc_id in sorted(texts, key=lambda d: (d[-1], d)):  # interleave the stories
        index.add(Document(id=doc_id, text=texts[doc_id]))
        for earlier, cluster in seen.items():
            if cluster is not None:
                assert index.get(earlier).cluster == cluster, f"{earlier} was renamed"
        seen = {d: index.get(d).cluster for d in seen | {doc_id: None}}
    assert index.stats().clusters == 3
    assert sorted(c.id for c in index.clusters().clusters) == ["c000001", "c000002", "c000003"]


def test_a_bridging_document_merges_into_the_older_cluster(index: Index) -> None:
    text = article(7, sentences=24)
    paragraphs = text.split("\n\n")
    front, back = "\n\n".join(paragraphs[:6]), "\n\n".join(paragraphs[6:])
    older = _add(index, "front-1", front)
    older = _add(index, "front-2", version(front, 1))
    newer = _add(index, "back-1", back)
    newer = _add(index, "back-2", version(back, 2))
    assert older is not None and newer is not None and older < newer
    result = index.add(Document(id="whole", text=text))
    assert result.cluster == older
    assert result.merged == (newer,)
    assert [(m.absorbed, m.survivor, m.document) for m in index.merges()] == [
        (newer, older, "whole")
    ]
    assert [m.absorbed for m in index.merges(into=older)] == [newer]
    assert index.merges(into=newer) == []
    # The absorbed id keeps working: it resolves to the survivor.
    assert index.resolve_cluster(newer) == older
    assert index.cluster(newer).id == older
    assert set(index.cluster(older).documents) == {
        "front-1",
        "front-2",
        "back-1",
        "back-2",
        "whole",
    }
    assert [c.id for c in index.clusters().clusters] == [older]


def test_removing_the_bridge_splits_the_cluster_and_keeps_the_old_id(index: Index) -> None:
    text = article(8, sentences=24)
    paragraphs = text.split("\n\n")
    front, back = "\n\n".join(paragraphs[:6]), "\n\n".join(paragraphs[6:])
    _add(index, "front-1", front)
    first = _add(index, "front-2", version(front, 1))
    _add(index, "back-1", back)
    _add(index, "back-2", version(back, 2))
    _add(index, "whole", text)
    assert index.remove("whole") == first
    with pytest.raises(NotFoundError, match="whole"):
        index.get("whole")
    assert set(index.cluster(first).documents) == {"front-1", "front-2"}
    back_cluster = index.get("back-1").cluster
    assert back_cluster is not None and back_cluster > first
    assert set(index.cluster(back_cluster).documents) == {"back-1", "back-2"}
    assert index.cluster(first).pairs and index.cluster(back_cluster).pairs
    assert "whole" not in [m.id for m in index.query(text)]


def _halves(seed: int) -> tuple[str, str, str]:
    """An article, its first quarter and the rest: versions of each half never match each other."""
    text = article(seed, sentences=24)
    paragraphs = text.split("\n\n")
    return text, "\n\n".join(paragraphs[:6]), "\n\n".join(paragraphs[6:])


def test_a_split_gives_the_merged_in_cluster_its_id_back(index: Index) -> None:
    text, front, back = _halves(11)
    front_id = _add(index, "front-1", front)
    front_id = _add(index, "front-2", version(front, 1))
    _add(index, "back-1", back)
    back_id = _add(index, "back-2", version(back, 2))
    assert (front_id, back_id) == ("c000001", "c000002")
    assert index.add(Document(id="combo.txt", text=text)).merged == (back_id,)
    index.remove("combo.txt")
    assert index.get("back-1").cluster == back_id
    assert set(index.cluster(back_id).documents) == {"back-1", "back-2"}
    assert set(index.cluster(front_id).documents) == {"front-1", "front-2"}
    assert index.resolve_cluster(back_id) == back_id
    assert index.merges() == []
    assert sorted(c.id for c in index.clusters().clusters) == [front_id, back_id]
    # Merging and splitting again gives the same ids again: no id is ever spent on it.
    assert index.add(Document(id="combo-2.txt", text=text)).merged == (back_id,)
    index.remove("combo-2.txt")
    assert [index.get(d).cluster for d in ("front-1", "back-1")] == [front_id, back_id]
    assert index.stats().clusters == 2


def test_a_split_leaves_the_id_with_the_clusters_own_documents(index: Index) -> None:
    # back-1 is the earliest-added document, but it came into c000001 only through a merge.
    text, front, back = _halves(12)
    _add(index, "back-1", back)
    _add(index, "front-1", front)
    front_id = _add(index, "front-2", version(front, 1))
    back_id = _add(index, "back-2", version(back, 2))
    assert front_id is not None and back_id is not None and front_id < back_id
    _add(index, "combo.txt", text)
    index.remove("combo.txt")
    assert [index.get(d).cluster for d in ("front-1", "front-2")] == [front_id, front_id]
    assert [index.get(d).cluster for d in ("back-1", "back-2")] == [back_id, back_id]


def test_a_split_off_part_that_was_never_merged_in_gets_a_new_id(index: Index) -> None:
    text, front, back = _halves(13)
    _add(index, "front-1", front)
    cluster = _add(index, "front-2", version(front, 1))
    # The back versions join through the whole article: one cluster, no merge.
    assert _add(index, "whole", text) == cluster
    assert _add(index, "back-1", back) == cluster
    assert _add(index, "back-2", version(back, 2)) == cluster
    index.remove("whole")
    assert index.get("front-1").cluster == cluster
    back_id = index.get("back-1").cluster
    assert back_id is not None and back_id > cluster
    assert index.get("back-2").cluster == back_id


def test_a_merged_in_id_whose_documents_are_gone_stays_merged(index: Index) -> None:
    text, front, back = _halves(14)
    _add(index, "front-1", front)
    front_id = _add(index, "front-2", version(front, 1))
    _add(index, "back-1", back)
    back_id = _add(index, "back-2", version(back, 2))
    assert front_id is not None and back_id is not None
    index.add(Document(id="combo.txt", text=text))
    index.remove("back-1")
    index.remove("back-2")
    index.remove("combo.txt")
    assert index.get("front-1").cluster == front_id
    assert index.resolve_cluster(back_id) == front_id
    assert [c.id for c in index.clusters().clusters] == [front_id]


def test_removing_one_of_two_versions_dissolves_the_cluster(index: Index) -> None:
    text = article(9)
    _add(index, "a", text)
    cluster = _add(index, "b", version(text, 1))
    assert cluster is not None
    index.remove("b")
    assert index.get("a").cluster is None
    assert index.stats().clusters == 0
    with pytest.raises(NotFoundError, match="no longer exists"):
        index.cluster(cluster)
    # A new version starts a new cluster; the dissolved id is never reused.
    assert _add(index, "c", version(text, 3)) != cluster


def test_remove_unknown_document(index: Index) -> None:
    with pytest.raises(NotFoundError, match="no document 'nope'"):
        index.remove("nope")


def test_unknown_cluster_ids(index: Index) -> None:
    with pytest.raises(NotFoundError, match="c000042"):
        index.cluster("c000042")
    with pytest.raises(NotFoundError, match="look like"):
        index.cluster("banana")


def test_a_text_without_words_is_skipped_with_a_reason(index: Index) -> None:
    result = index.add(Document(id="dots", text="… — !!"))
    assert result.status == "skipped"
    assert result.reason == "no words to index"
    assert index.stats().documents == 0


def test_documents_keep_their_metadata_and_canonical_is_the_earliest(index: Index) -> None:
    text = article(11)
    _add(
        index, "late", version(text, 1), date="2026-05-02", title="Late", url="https://x.example/2"
    )
    _add(index, "early", text, date="2026-05-01", title="Early", byline="By Ana Vell")
    stored = index.get("early")
    assert stored.document.byline == "By Ana Vell"
    assert stored.document.date == "2026-05-01"
    cluster = index.cluster(stored.cluster or "")
    assert cluster.canonical == "early"
    summary = index.clusters().clusters[0]
    assert (summary.canonical, summary.title, summary.last_date) == ("early", "Early", "2026-05-02")


def test_clusters_by_size_and_by_date_with_pages(index: Index) -> None:
    texts = corpus(3, 2)
    for story, date in enumerate(["2026-01-03", "2026-01-01", "2026-01-02"]):
        for v in range(2):
            _add(index, f"s{story}v{v}", texts[f"s{story}v{v}"], date=date)
    _add(index, "s1v9", version(texts["s1v0"], 99), date="2025-12-31")
    by_size = index.clusters(order="size")
    assert [c.size for c in by_size.clusters] == [3, 2, 2]
    assert by_size.clusters[0].canonical == "s1v9"
    by_date = index.clusters(order="date")
    assert [c.last_date for c in by_date.clusters] == ["2026-01-03", "2026-01-02", "2026-01-01"]
    page = index.clusters(order="date", limit=2, offset=2)
    assert page.total == 3
    assert [c.last_date for c in page.clusters] == ["2026-01-01"]


def test_the_file_survives_reopening_and_keeps_its_settings(tmp_path: Path) -> None:
    path = tmp_path / "settings.db"
    with Index(path, config=DiscoveryConfig(thresholds=Thresholds(jaccard=0.6))) as store:
        store.add(Document(id="a", text=article(1)))
    with Index(path) as store:
        assert store.config.thresholds.jaccard == 0.6
        assert store.stats().documents == 1
        assert store.integrity() == "ok"
    with pytest.raises(ConfigError, match="created with"):
        Index(path, config=DiscoveryConfig(thresholds=Thresholds(jaccard=0.7)))
    assert sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def _downgrade_to_schema_1(path: Path) -> None:
    """Rewrite an index the way redline's first schema laid it out (one text, one id)."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.executescript(
        """
        BEGIN;
        CREATE TABLE documents_v1 (doc INTEGER PRIMARY KEY AUTOINCREMENT,
            id TEXT NOT NULL UNIQUE, hash TEXT NOT NULL UNIQUE,
            title TEXT, url TEXT, date TEXT, byline TEXT, text TEXT NOT NULL,
            added_at REAL NOT NULL, cluster INTEGER REFERENCES clusters(seq));
        INSERT INTO documents_v1 SELECT * FROM documents;
        DROP TABLE documents;
        ALTER TABLE documents_v1 RENAME TO documents;
        CREATE INDEX documents_cluster ON documents(cluster) WHERE cluster IS NOT NULL;
        DROP TABLE merge_members;
        UPDATE meta SET value = '1' WHERE key = 'schema';
        COMMIT;
        """
    )
    conn.close()


def test_an_index_of_the_first_schema_is_upgraded_in_place(tmp_path: Path) -> None:
    path = tmp_path / "v1.db"
    text, front, back = _halves(16)
    with Index(path) as store:
        for doc_id, body in [("f1", front), ("f2", version(front, 1)), ("b1", back)]:
            store.add(Document(id=doc_id, text=body))
        store.add(Document(id="b2", text=version(back, 2)))
        store.add(Document(id="combo", text=text))
        before = [(d.document.id, d.cluster) for d in store.documents()]
    _downgrade_to_schema_1(path)
    with Index(path) as store:
        assert [(d.document.id, d.cluster) for d in store.documents()] == before
        assert store.integrity() == "ok"
        assert store.stats().edges > 0
        # What schema 1 refused: the same text under a second id.
        assert store.add(Document(id="f1-reprint", text=front)).status == "added"
        # A merge recorded before the upgrade has no members: its id stays merged.
        store.remove("combo")
        assert store.get("f1").cluster == "c000001"
    with Index(path) as store:
        assert store.get("f1-reprint").cluster == "c000001"


def test_opening_a_missing_index_without_create_says_how_to_make_one(tmp_path: Path) -> None:
    with pytest.raises(NotFoundError, match="redline index add"):
        Index(tmp_path / "none.db", create=False)


def test_add_many_commits_in_batches_and_reports_every_document(index: Index) -> None:
    texts = corpus(4, 3)
    docs = [Document(id=k, text=v) for k, v in texts.items()]
    results = list(index.add_many([*docs, docs[0]], batch=5))
    assert [r.status for r in results].count("added") == 12
    assert results[-1].status == "present"
    stats = index.stats()
    assert (stats.documents, stats.clusters, stats.clustered_documents) == (12, 4, 12)
    assert [d.document.id for d in index.documents()] == list(texts)


def test_signing_in_worker_processes_gives_the_same_index(tmp_path: Path) -> None:
    texts = corpus(4, 3, seed=5)
    docs = [Document(id=k, text=v) for k, v in texts.items()]
    outcomes = []
    for jobs in (0, 1):
        with Index(tmp_path / f"jobs{jobs}.db") as store:
            results = list(store.add_many(docs, batch=2, jobs=jobs))
            outcomes.append(
                ([(r.status, r.id, r.cluster) for r in results], store.stats().clusters)
            )
    assert outcomes[0] == outcomes[1]
    assert outcomes[0][1] == 4


def test_readers_open_and_query_while_a_writer_holds_the_lock(tmp_path: Path) -> None:
    path = tmp_path / "busy.db"
    with Index(path) as store:
        store.add(Document(id="a", text=article(1)))
    writer = sqlite3.connect(path, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    try:
        # Readers never wait for the lock (WAL); the writer gives up after its 0.2 s timeout.
        with Index(path, timeout=0.2) as reader:
            assert [m.id for m in reader.query(article(1))] == ["a"]
            assert reader.stats().documents == 1
            with pytest.raises(StoreError, match="write lock"):
                reader.add(Document(id="b", text=article(2)))
    finally:
        writer.execute("ROLLBACK")
        writer.close()


def test_a_failed_batch_commits_nothing_and_leaves_no_stale_state(index: Index) -> None:
    bad = Document(id="bad", text=article(2) + " \ud800")  # a lone surrogate SQLite refuses
    with pytest.raises(UnicodeEncodeError):
        list(index.add_many([Document(id="a", text=article(1)), bad], batch=2))
    assert index.stats().documents == 0
    # The row ids of the rolled-back batch are handed out again (here to another writer's
    # document); nothing of "a" may linger in this process's caches.
    with Index(index.path) as other:
        other.add(Document(id="b", text=article(3)))
    assert [m.id for m in index.query(article(3))] == ["b"]
    assert index.query(article(1)) == []
    assert index.integrity() == "ok"


def test_oldest_first_uses_dates_when_both_have_one_else_the_order_added(index: Index) -> None:
    text = article(17)
    # One batch: both rows get the same added_at, so only the order added can tell them apart.
    list(
        index.add_many(
            [
                Document(id="first", text=text, date="2026-05-02"),
                Document(id="second", text=version(text, 1), date="2026-05-01"),
                Document(id="third", text=version(text, 2)),
            ]
        )
    )
    first, second, third = (index.get(d) for d in ("first", "second", "third"))
    assert first.added_at == third.added_at
    assert [d.document.id for d in oldest_first(first, second)] == ["second", "first"]
    assert [d.document.id for d in oldest_first(second, first)] == ["second", "first"]
    assert [d.document.id for d in oldest_first(third, first)] == ["first", "third"]
    assert [d.document.id for d in oldest_first(third, second)] == ["second", "third"]


def test_a_damaged_file_whose_error_message_is_not_utf8_is_one_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The reliability campaign's bit flips made SQLite report an error whose message Python
    # could not decode: a UnicodeDecodeError traceback instead of "cannot open index".
    from redline.store import sqlite as store_sqlite

    path = tmp_path / "flipped.db"
    with Index(path) as index:
        index.add(Document(id="a.txt", text="The ferry ran late on Tuesday, the harbour said."))
    real_connect = sqlite3.connect

    class Damaged:
        def __init__(self, conn: sqlite3.Connection) -> None:
            self._conn = conn

        def execute(self, sql: str, *args: object) -> object:
            if sql.startswith("PRAGMA synchronous"):
                raise UnicodeDecodeError("utf-8", b"\xf5", 0, 1, "invalid start byte")
            return self._conn.execute(sql, *args)

        def close(self) -> None:
            self._conn.close()

    monkeypatch.setattr(
        store_sqlite.sqlite3, "connect", lambda *a, **k: Damaged(real_connect(*a, **k))
    )
    with pytest.raises(StoreError, match=r"cannot open index .*flipped\.db.*redline index file"):
        Index(path)
