"""Store cases: crash safety, concurrent writers, damaged, unreadable and full index files."""

from __future__ import annotations

import contextlib
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

from reliability.common import (
    REDLINE,
    iterations,
    one_line_error,
    redline,
    version,
    write_corpus,
)


def _export(db: Path, out: Path) -> list[tuple[str, str | None]]:
    """(id, cluster) of every document, sorted, via `redline index export`."""
    done = redline("index", "export", "--db", db, "-o", out)
    assert done.code == 0, f"export failed: {done.err[-500:]}"
    rows = [json.loads(line) for line in out.read_text().splitlines() if line.strip()]
    return sorted((r["id"], r["cluster"]) for r in rows)


def _integrity(db: Path) -> str:
    with contextlib.closing(sqlite3.connect(db)) as conn:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])


def _add(corpus: Path, db: Path, *extra: str) -> None:
    done = redline("index", "add", corpus, "--db", db, "-q", *extra, timeout=900)
    assert done.code == 0, f"index add failed: {done.err[-800:]}"


def _partition(rows: list[tuple[str, str | None]]) -> list[list[str]]:
    groups: dict[str | None, list[str]] = {}
    for doc, cluster in rows:
        groups.setdefault(cluster, []).append(doc)
    return sorted(sorted(g) for c, g in groups.items() if c is not None)


def case_sigkill_loop(workdir: Path) -> str:
    """SIGKILL `index add` (and its workers) mid-run, again and again, until it completes."""
    corpus = workdir / "corpus"
    write_corpus(corpus, 200, versions=3, seed=3)
    reference = workdir / "reference.db"
    _add(corpus, reference, "--batch", "8")
    expected = _export(reference, workdir / "reference.jsonl")
    db = workdir / "killed.db"
    rng = random.Random(60)
    target = iterations(50, 6)
    kills = rounds = same_ids = 0
    committed: list[int] = []
    last = 0
    for _ in range(4 * target):
        if kills >= target:
            break
        proc = subprocess.Popen(
            [str(REDLINE), "index", "add", str(corpus), "--db", str(db), "-q", "--batch", "8"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # its signing workers die with it, as in a power cut
        )
        try:
            proc.wait(timeout=rng.uniform(1.0, 5.5))
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            kills += 1
        else:
            # It finished before the kill: the round is complete; it must equal a clean build.
            assert proc.returncode == 0, f"index add exited {proc.returncode}"
            got = _export(db, workdir / "killed.jsonl")
            assert [i for i, _ in got] == [i for i, _ in expected], "documents differ"
            assert _partition(got) == _partition(expected), "clusters differ from a clean build"
            same_ids += got == expected
            rounds += 1
            for f in db.parent.glob(f"{db.name}*"):
                f.unlink()
            last = 0
            continue
        if db.exists():
            assert (verdict := _integrity(db)) == "ok", f"integrity after a kill: {verdict}"
            with contextlib.closing(sqlite3.connect(db)) as conn:
                count = conn.execute("SELECT count(*) FROM documents").fetchone()[0]
            assert count >= last, f"a kill lost committed documents: {last} -> {count}"
            last = count
            committed.append(count)
    assert kills >= target, f"only {kills} kills landed mid-run"
    _add(corpus, db, "--batch", "8")
    got = _export(db, workdir / "killed.jsonl")
    assert [i for i, _ in got] == [i for i, _ in expected], "documents differ from a clean build"
    assert _partition(got) == _partition(expected), "clusters differ from an uninterrupted build"
    same_ids += got == expected
    rounds += 1
    return (
        f"{kills} SIGKILLs mid-run (committed then: {min(committed, default=0)}-"
        f"{max(committed, default=0)} of {len(expected)} documents), {rounds} builds completed:"
        f" integrity ok after every kill, no committed document lost; every finished index"
        f" has the clusters of an uninterrupted build ({same_ids} of {rounds} with the same ids)"
    )


def case_two_writers_and_readers(workdir: Path) -> str:
    """Two `index add` processes on one file while 4 reader threads query it."""
    from redline.store import Index  # the readers are in-process, like a server's

    first, second = workdir / "a", workdir / "b"
    write_corpus(first, 60, versions=3, seed=1)
    write_corpus(second, 60, versions=3, seed=2)
    db = workdir / "shared.db"
    _add(first, db, "--batch", "4")  # readers need something to find from the start
    probe = version((first / "s0000v0.txt").read_text(), 99)
    stop = threading.Event()
    errors: list[str] = []
    reads = 0
    lock = threading.Lock()

    def reader() -> None:
        nonlocal reads
        with Index(db) as index:
            while not stop.is_set():
                try:
                    index.stats()
                    assert index.query(probe), "a known story was not found"
                except Exception as exc:  # counted and reported
                    errors.append(f"{type(exc).__name__}: {exc}")
                with lock:
                    reads += 2

    threads = [threading.Thread(target=reader) for _ in range(4)]
    for t in threads:
        t.start()
    writers = [
        subprocess.Popen(
            [str(REDLINE), "index", "add", str(c), "--db", str(db), "-q", "--batch", "4"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for c in (first, second)
    ]
    outcomes = [w.communicate(timeout=600) for w in writers]
    stop.set()
    for t in threads:
        t.join()
    for w, (_, err) in zip(writers, outcomes, strict=True):
        assert w.returncode == 0, f"a writer failed: {err.decode()[-800:]}"
    assert not errors, f"{len(errors)} failed reads, e.g. {errors[0]}"
    docs = _export(db, workdir / "shared.jsonl")
    assert len(docs) == 360, f"{len(docs)} documents, expected 360"
    assert _integrity(db) == "ok"
    return f"2 writers (360 documents, all kept) and 4 readers: {reads} reads, 0 errors"


def _flipped(data: bytes, rng: random.Random, flips: int) -> bytes:
    out = bytearray(data)
    for _ in range(flips):
        at = rng.randrange(len(out))
        out[at] ^= 1 << rng.randrange(8)
    return bytes(out)


def case_bit_flipped_database(workdir: Path) -> str:
    """Index files with random bits flipped: stats, query, export, add fail cleanly or work."""
    corpus = workdir / "corpus"
    write_corpus(corpus, 20, versions=3, seed=9)
    good = workdir / "good.db"
    _add(corpus, good)
    data = good.read_bytes()
    rng = random.Random(2024)
    probe = workdir / "probe.txt"
    probe.write_text(version((corpus / "s0001v0.txt").read_text(), 5))
    extra = workdir / "extra.txt"
    extra.write_text((corpus / "s0002v1.txt").read_text() + "A new closing line.\n")
    trials = iterations(30, 4)
    worked = failed = 0
    examples: set[str] = set()
    for n in range(trials):
        db = workdir / f"flip{n}.db"
        db.write_bytes(_flipped(data, rng, rng.choice([1, 8, 64, 512])))
        for args in (
            ("stats",),
            ("query", probe),
            ("export", "-o", workdir / "x.jsonl"),
            ("add", extra, "-q"),
        ):
            result = redline("index", args[0], *args[1:], "--db", db, timeout=120)
            if result.code == 0:
                worked += 1
            else:
                examples.add(one_line_error(result)[:120])
                failed += 1
        db.unlink()
    sample = sorted(examples)[:2]
    return (
        f"{trials} damaged files x 4 commands: {worked} worked, {failed} failed with one line"
        f" and no traceback, none hung; e.g. {sample}"
    )


def case_garbage_database(workdir: Path) -> str:
    """Random bytes, a text file and a bare SQLite header given as the index file."""
    rng = random.Random(11)
    said = []
    (workdir / "note.txt").write_text("A short invented note about the harbour.\n")
    for name, data in [
        ("random.db", rng.randbytes(64 * 1024)),
        ("text.db", b"this is a shopping list, not an index\n" * 100),
        ("header-only.db", b"SQLite format 3\x00" + rng.randbytes(100)),
    ]:
        db = workdir / name
        db.write_bytes(data)
        for args in (("stats",), ("query", "-"), ("add", str(workdir / "note.txt"))):
            result = redline("index", *args, "--db", db, stdin=b"harbour text")
            line = one_line_error(result)
            assert name in line, f"the message does not name the file: {line}"
            said.append(line)
        assert db.read_bytes() == data, f"{name} was changed by a failed run"
    return f"{len(said)} runs: one-line error naming the file, file unchanged; e.g. {said[0]!r}"


@contextlib.contextmanager
def _tmpfs(where: Path, size: str) -> Iterator[Path]:
    where.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)],
        capture_output=True,
        check=False,
    )
    assert done.returncode == 0, f"cannot mount a tmpfs (needs root): {done.stderr.decode()}"
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def case_full_disk(workdir: Path) -> str:
    """`index add` onto a 1 MiB filesystem, then again after it grows to 8 MiB."""
    corpus = workdir / "corpus"
    write_corpus(corpus, 150, versions=3, seed=4)
    reference = workdir / "reference.db"
    _add(corpus, reference)
    expected = _export(reference, workdir / "reference.jsonl")
    with _tmpfs(workdir / "disk", "1m") as disk:
        db = disk / "full.db"
        result = redline("index", "add", corpus, "--db", db, "-q")
        line = one_line_error(result)
        assert "disk is full" in line, f"the error does not say the disk is full: {line}"
        assert (verdict := _integrity(db)) == "ok", f"integrity on the full disk: {verdict}"
        with contextlib.closing(sqlite3.connect(db)) as conn:
            kept = conn.execute("SELECT count(*) FROM documents").fetchone()[0]
        subprocess.run(["mount", "-o", "remount,size=8m", str(disk)], check=True)
        _add(corpus, db)
        got = _export(db, workdir / "full.jsonl")
        assert [i for i, _ in got] == [i for i, _ in expected], "documents differ after re-run"
        assert _integrity(db) == "ok"
    return (
        f"full at {kept} of {len(expected)} documents: {line!r}; integrity ok; after growing"
        f" the disk the same command completed ({len(got)} documents)"
    )


def case_read_only_index(workdir: Path) -> str:
    """An index on a read-only filesystem: stats, query, export work; add says why not."""
    corpus = workdir / "corpus"
    write_corpus(corpus, 10, versions=3, seed=6)
    built = workdir / "built.db"
    _add(corpus, built)
    probe = workdir / "probe.txt"
    probe.write_text(version((corpus / "s0003v0.txt").read_text(), 8))
    with _tmpfs(workdir / "ro", "4m") as shelf:
        shutil.copy(built, shelf / "shelf.db")
        subprocess.run(["mount", "-o", "remount,ro", str(shelf)], check=True)
        db = shelf / "shelf.db"
        stats = redline("index", "stats", "--db", db)
        assert stats.code == 0 and "30" in stats.out, f"stats: {stats.err[-400:]}"
        query = redline("index", "query", probe, "--db", db)
        assert query.code == 0 and "s0003v0" in query.out, f"query: {query.err[-400:]}"
        export = redline("index", "export", "--db", db, "-o", workdir / "out.jsonl")
        assert export.code == 0, f"export: {export.err[-400:]}"
        line = one_line_error(redline("index", "add", probe, "--db", db))
        assert "read-only" in line, f"add on a read-only index: {line}"
    return f"stats, query, export worked; add: {line!r}"
