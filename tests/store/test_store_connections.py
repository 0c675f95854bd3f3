"""The index's connections: bounded whatever the threads do, all closed by close()."""

from __future__ import annotations

import threading
from pathlib import Path

import psutil
import pytest
from invented import article, version

from redline.errors import DiskFullError, StoreError
from redline.models import Document
from redline.store import Index
from redline.store.sqlite import MAX_CONNECTIONS


def _index_files(path: Path) -> int:
    """Files of this process open on the index (the file, its WAL and shared memory)."""
    return sum(1 for f in psutil.Process().open_files() if Path(f.path).name.startswith(path.name))


def test_short_lived_threads_leave_no_connections_behind(tmp_path: Path) -> None:
    db = tmp_path / "threads.db"
    index = Index(db)
    index.add(Document(id="a.txt", text=article(3)))

    def read_and_write(n: int) -> None:
        index.query(version(article(3), n))
        index.add(Document(id=f"v{n}.txt", text=version(article(3), n)))

    for n in range(60):
        worker = threading.Thread(target=read_and_write, args=(n,))
        worker.start()
        worker.join()
    # 60 threads came and went; a connection per thread would hold 120+ files open.
    assert _index_files(db) <= 3
    assert index.stats().documents == 61
    index.close()
    assert _index_files(db) == 0


def test_concurrent_readers_share_a_bounded_pool(tmp_path: Path) -> None:
    db = tmp_path / "readers.db"
    index = Index(db)
    for n in range(4):
        index.add(Document(id=f"s{n}.txt", text=article(n)))
    errors: list[BaseException] = []

    def reader() -> None:
        try:
            for _ in range(20):
                assert index.stats().documents == 4
                assert index.query(article(1))[0].id == "s1.txt"
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)

    threads = [threading.Thread(target=reader) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    # Connections are bounded (a file and its WAL each, one shared memory file; SQLite defers
    # closing the file of a connection closed while others hold locks on it).
    assert _index_files(db) <= 3 * (MAX_CONNECTIONS + 1)
    index.close()
    assert _index_files(db) == 0


def test_a_read_only_index_reads_and_refuses_writes_clearly(tmp_path: Path) -> None:
    db = tmp_path / "shelf.db"
    with Index(db) as index:
        index.add(Document(id="a.txt", text=article(5)))
        index.add(Document(id="b.txt", text=version(article(5), 2)))
    before = db.read_bytes()
    with Index(db, read_only=True, create=False) as shelf:
        assert shelf.stats().documents == 2
        assert [m.id for m in shelf.query(version(article(5), 9))] == ["a.txt", "b.txt"]
        assert shelf.get("b.txt").cluster is not None
        with pytest.raises(StoreError, match=r"read-only here.*make both writable"):
            shelf.add(Document(id="c.txt", text=article(6)))
        with pytest.raises(StoreError, match="read-only here"):
            shelf.remove("a.txt")
    assert db.read_bytes() == before


def test_a_read_only_file_that_is_no_index_says_so(tmp_path: Path) -> None:
    empty = tmp_path / "empty.db"
    empty.write_bytes(b"")
    with pytest.raises(StoreError, match="holds no redline index"):
        Index(empty, read_only=True)


def _cap_pages(index: Index, extra: int) -> None:
    """Let the index's (single, pooled) connection grow the file by only `extra` pages: SQLite
    then fails writes with SQLITE_FULL, "database or disk is full", as on a full disk."""
    with index._connection() as conn:
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        conn.execute(f"PRAGMA max_page_count = {pages + extra}")


def test_a_full_disk_is_said_plainly_and_the_index_stays_as_it_was(tmp_path: Path) -> None:
    db = tmp_path / "full.db"
    index = Index(db)
    index.add(Document(id="a.txt", text=article(7)))
    _cap_pages(index, 2)
    docs = [Document(id=f"n{n}.txt", text=article(100 + n)) for n in range(40)]
    with pytest.raises(DiskFullError, match=r"the disk is full.*run the same command again"):
        list(index.add_many(docs, batch=40, jobs=0))
    assert index.integrity() == "ok"
    assert index.stats().documents == 1
    index.close()
    # Space freed (a new connection has no cap): the same add completes.
    with Index(db) as again:
        assert [r.status for r in again.add_many(docs, batch=40, jobs=0)] == ["added"] * 40
        assert again.stats().documents == 41
        assert again.integrity() == "ok"
