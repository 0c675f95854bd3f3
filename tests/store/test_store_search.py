"""Searching the index: the full-text table is made on first use and kept in step after."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from invented import article, version

from redline.models import Document
from redline.store import Index

TIDE = article(11) + "\n\nThe tide gauge at Quillhaven broke twice."
MILL = article(12)


def _tables(db: Path) -> set[str]:
    with sqlite3.connect(db) as conn:
        return {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}


def _found(index: Index, words: str) -> list[str]:
    return [c.canonical for c in index.clusters(search=words).clusters]


def test_an_index_without_the_search_table_gains_it_on_first_search(tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    with Index(db) as index:
        index.add(Document("tide/a.txt", TIDE))
        index.add(Document("tide/b.txt", version(TIDE, 1)))
    # Files written before search existed look like this one: no table until someone searches.
    assert "docs_fts" not in _tables(db)
    with Index(db) as index:
        assert len(_found(index, "quillhaven")) == 1
    assert "docs_fts" in _tables(db)


def test_search_follows_adds_and_removes(tmp_path: Path) -> None:
    with Index(tmp_path / "i.db") as index:
        index.add(Document("tide/a.txt", TIDE))
        index.add(Document("tide/b.txt", version(TIDE, 1)))
        assert _found(index, "gauge") != []
        index.add(Document("mill/a.txt", MILL + "\n\nMillers at Oddcombe struck."))
        index.add(Document("mill/b.txt", version(MILL, 2) + "\n\nMillers at Oddcombe struck."))
        assert index.clusters(search="oddcombe").total == 1
        index.remove("tide/a.txt")
        index.remove("tide/b.txt")
        assert index.clusters(search="quillhaven").total == 0
        assert index.clusters(search="oddcombe").total == 1


def test_a_read_only_index_without_the_table_still_searches(tmp_path: Path) -> None:
    db = tmp_path / "ro.db"
    with Index(db) as index:
        index.add(Document("tide/a.txt", TIDE))
        index.add(Document("tide/b.txt", version(TIDE, 1)))
    with Index(db, read_only=True) as index:
        assert index.clusters(search="Quillhaven gauge").total == 1
        assert index.clusters(search="quillhaven oddcombe").total == 0
    assert "docs_fts" not in _tables(db)


def test_an_index_from_before_the_cluster_texts_index_lists_exact_copies_the_same(
    tmp_path: Path,
) -> None:
    db = tmp_path / "older.db"
    with Index(db) as index:
        index.add(Document("tide/a.txt", TIDE))
        index.add(Document("tide/b.txt", version(TIDE, 1)))
        index.add(Document("mill/a.txt", MILL))
        index.add(Document("mill/copy.txt", MILL))
        shown = [c.canonical for c in index.clusters(hide_exact=True).clusters]
        every = [c.canonical for c in index.clusters().clusters]
    assert len(every) == 2 and len(shown) == 1 and shown[0].startswith("tide/")
    # Files written before the (cluster, hash) index existed lack it.
    with sqlite3.connect(db) as conn:
        conn.execute("DROP INDEX documents_cluster_hash")
    db.chmod(0o444)
    try:
        with Index(db, read_only=True) as index:  # cannot add it: lists the same, only slower
            assert [c.canonical for c in index.clusters(hide_exact=True).clusters] == shown
    finally:
        db.chmod(0o644)
    with Index(db) as index:  # writable: gains it on open
        assert [c.canonical for c in index.clusters(hide_exact=True).clusters] == shown
    assert "documents_cluster_hash" in _tables(db)
