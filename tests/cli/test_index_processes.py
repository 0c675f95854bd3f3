"""`redline index add` as real processes: killed mid-run, and racing other writers and readers."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "store"))

from invented import corpus

from redline.store import Index

pytestmark = pytest.mark.slow
REDLINE = str(Path(sys.executable).with_name("redline"))


def _write(folder: Path, texts: dict[str, str]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for doc_id, text in texts.items():
        (folder / f"{doc_id}.txt").write_text(text, encoding="utf-8")


def _count(db: Path) -> int:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as conn:
            return int(conn.execute("SELECT count(*) FROM documents").fetchone()[0])
    except sqlite3.OperationalError:
        return 0  # not created yet


def _assert_consistent(db: Path) -> None:
    """SQLite's own check, plus redline's invariants: cluster sizes match their members."""
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        sizes = conn.execute(
            "SELECT c.seq, c.size, count(d.doc) FROM clusters c"
            " LEFT JOIN documents d ON d.cluster = c.seq WHERE c.state = 'live' GROUP BY c.seq"
        ).fetchall()
        assert all(size == members for _, size, members in sizes), sizes
        orphans = conn.execute(
            "SELECT count(*) FROM documents d LEFT JOIN signatures s USING (doc)"
            " WHERE s.doc IS NULL"
        ).fetchone()[0]
        assert orphans == 0


def test_a_killed_add_leaves_a_consistent_index_and_a_rerun_completes(tmp_path: Path) -> None:
    texts = corpus(500, 3, seed=21)  # 1,500 documents
    folder = tmp_path / "many"
    _write(folder, texts)
    db = tmp_path / "crash.db"
    proc = subprocess.Popen(
        [
            REDLINE,
            "index",
            "add",
            str(folder),
            "--db",
            str(db),
            "--batch",
            "4",
            "--jobs",
            "1",
            "-q",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while _count(db) < 60 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    helpers = psutil.Process(proc.pid).children(recursive=True)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL
    # Its signing workers notice and exit rather than linger as orphans.
    assert helpers, "the run should sign in worker processes"
    _, alive = psutil.wait_procs(helpers, timeout=10)
    assert alive == []
    kept = _count(db)
    assert 60 <= kept < len(texts), "the run must be killed part-way for this test to mean much"
    _assert_consistent(db)

    rerun = subprocess.run(
        [REDLINE, "index", "add", str(folder), "--db", str(db), "-q"],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert rerun.returncode == 0, rerun.stderr
    assert f"added {len(texts) - kept:,}, already present {kept:,}" in rerun.stdout
    _assert_consistent(db)
    with Index(db) as index:
        assert {d.document.id for d in index.documents()} == {f"{k}.txt" for k in texts}
        assert index.stats().clusters == 500


READER = """
import sys, time
from pathlib import Path
from redline.store import Index
db, stop, probe = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3]).read_text()
queries = 0
while not stop.exists() or queries == 0:
    try:
        index = Index(db, create=False)
    except KeyError:
        time.sleep(0.05)
        continue
    index.query(probe)
    index.clusters(limit=5)
    index.stats()
    index.close()
    queries += 1
print(queries)
"""


def test_two_writers_and_three_readers_lose_nothing(tmp_path: Path) -> None:
    texts = corpus(200, 3, seed=22)  # 600 documents, two writers overlapping on a third
    ids = sorted(texts)
    first, second = ids[:400], ids[200:]
    _write(tmp_path / "one", {k: texts[k] for k in first})
    _write(tmp_path / "two", {k: texts[k] for k in second})
    db = tmp_path / "race.db"
    Index(db).close()  # readers need the file to exist; writers race on everything else
    stop = tmp_path / "stop"
    probe = tmp_path / "probe.txt"
    probe.write_text(texts[ids[0]], encoding="utf-8")
    readers = [
        subprocess.Popen(
            [sys.executable, "-c", READER, str(db), str(stop), str(probe)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    writers = [
        subprocess.Popen(
            [
                *(REDLINE, "index", "add", str(tmp_path / name), "--db", str(db)),
                *("--batch", "8", "--jobs", "0", "-q"),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("one", "two")
    ]
    outputs = [w.communicate(timeout=180) for w in writers]
    stop.touch()
    reads = [r.communicate(timeout=60) for r in readers]
    for w, (out, err) in zip(writers, outputs, strict=True):
        assert w.returncode == 0, err
        assert "skipped 0" in out
    for r, (out, err) in zip(readers, reads, strict=True):
        assert r.returncode == 0, err
        assert int(out) > 0
    _assert_consistent(db)
    with Index(db) as index:
        # Documents both writers held were added once (as present by the slower one).
        assert {d.document.id for d in index.documents()} == {f"{k}.txt" for k in ids}
        stats = index.stats()
        assert (stats.documents, stats.clusters, stats.clustered_documents) == (600, 200, 600)
