"""Store cases: crash safety, concurrent writers, damaged and unreadable index files."""

from __future__ import annotations

import json
import random
import sqlite3
from pathlib import Path

from reliability.common import one_line_error, redline


def _export(db: Path, out: Path) -> list[tuple[str, str]]:
    """(id, cluster) of every document, sorted, via `redline index export`."""
    done = redline("index", "export", "--db", db, "-o", out)
    assert done.code == 0, f"export failed: {done.err[-500:]}"
    rows = [json.loads(line) for line in out.read_text().splitlines() if line.strip()]
    return sorted((r["id"], r["cluster"]) for r in rows)


def _integrity(db: Path) -> str:
    with sqlite3.connect(db) as conn:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])


def case_garbage_database(workdir: Path) -> str:
    """Random bytes, a text file and a bare SQLite header given as the index file."""
    rng = random.Random(11)
    said = []
    for name, data in [
        ("random.db", rng.randbytes(64 * 1024)),
        ("text.db", b"this is a shopping list, not an index\n" * 100),
        ("header-only.db", b"SQLite format 3\x00" + rng.randbytes(100)),
    ]:
        db = workdir / name
        db.write_bytes(data)
        for args in (("stats",), ("query", "-"), ("add", str(workdir / "none.txt"))):
            (workdir / "none.txt").write_text("A short invented note about the harbour.\n")
            result = redline("index", *args, "--db", db, stdin=b"harbour text")
            line = one_line_error(result)
            assert name in line, f"the message does not name the file: {line}"
            said.append(line)
        assert db.read_bytes() == data, f"{name} was changed by a failed run"
    return f"{len(said)} runs: one-line error naming the file, file unchanged; e.g. {said[0]!r}"
