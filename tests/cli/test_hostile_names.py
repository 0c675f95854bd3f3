"""Bad records and odd names never stop a run or lose a record (issue 11, items 3 and 4)."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from textgen import invented_article

pytestmark = pytest.mark.slow

REDLINE = Path(sys.executable).parent / "redline"


def redline(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    # A hang (a named pipe opened) fails the test through the timeout instead of blocking it.
    return subprocess.run(
        [str(REDLINE), *map(os.fsdecode, args)],
        capture_output=True,
        text=True,
        errors="strict",  # every byte of output must be valid UTF-8
        timeout=120,
        check=False,
        cwd=cwd,
    )


def _records(n: int) -> list[dict[str, str]]:
    return [{"id": f"r{k}", "text": invented_article(k, words=80)} for k in range(n)]


def _surrogate_jsonl(path: Path, n: int = 201, bad: int = 96) -> Path:
    lines = [json.dumps(r) for r in _records(n)]
    # json.dumps escapes non-ASCII, so the lone surrogate appears as it would in the wild.
    lines[bad] = lines[bad].replace('", "text": "', '", "text": "a \\ud83d b ', 1)
    assert "\\ud83d" in lines[bad]
    path.write_text("\n".join(lines) + "\n", encoding="ascii")
    return path


def test_index_add_keeps_a_record_with_a_lone_surrogate_and_warns(tmp_path: Path) -> None:
    src = _surrogate_jsonl(tmp_path / "in.jsonl")
    db = tmp_path / "i.db"
    added = redline("index", "add", src, "--db", db, "-q")
    assert added.returncode == 0, added.stderr
    assert "added 201," in added.stdout
    assert "Traceback" not in added.stderr
    assert "in.jsonl:97: 1 lone surrogate (invalid Unicode) replaced with U+FFFD" in added.stderr
    exported = redline("index", "export", "--db", db)
    texts = {
        json.loads(line)["id"]: json.loads(line)["text"]
        for line in exported.stdout.split("\n")
        if line
    }
    assert len(texts) == 201
    assert texts["r96"].startswith("a \ufffd b ")


def test_find_dedup_out_writes_a_record_with_a_lone_surrogate(tmp_path: Path) -> None:
    src = _surrogate_jsonl(tmp_path / "in.jsonl", n=20, bad=3)
    kept = tmp_path / "kept.jsonl"
    result = redline("find", src, "-o", tmp_path / "o", "--dedup-out", kept, "--no-report")
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in kept.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 20
    assert next(r for r in rows if r["id"] == "r3")["text"].startswith("a \ufffd b ")


def test_file_names_with_byte_0xff_are_read_shown_and_kept_apart(tmp_path: Path) -> None:
    folder = tmp_path / "d"
    folder.mkdir()
    text = invented_article(5, words=200)
    # Two names that differ only in undecodable bytes, holding the same story: two documents.
    for raw in (b"caf\xff.txt", b"caf\xfe.txt"):
        (folder / os.fsdecode(raw)).write_text(text, encoding="utf-8")
    (folder / "other.txt").write_text(invented_article(6, words=200), encoding="utf-8")
    ids = []
    for run in ("a", "b"):
        result = redline("find", folder, "-o", tmp_path / run)
        assert result.returncode == 0, result.stderr
        assert "3 documents" in result.stdout
        clusters = [
            json.loads(x) for x in (tmp_path / run / "clusters.jsonl").read_text().splitlines()
        ]
        assert len(clusters) == 1
        ids.append(sorted(d for c in clusters for d in c["documents"]))
    assert ids[0] == ids[1]  # stable across runs
    assert len(set(ids[0])) == 2 and all(i.startswith("caf\ufffd.txt~") for i in ids[0])
    db = tmp_path / "i.db"
    added = redline("index", "add", folder, "--db", db)
    assert added.returncode == 0, added.stderr
    assert "added 3," in added.stdout


def test_diff_of_and_into_names_with_byte_0xff(tmp_path: Path) -> None:
    old = tmp_path / os.fsdecode(b"old\xff.txt")
    new = tmp_path / "new.txt"
    text = invented_article(9, words=120)
    old.write_text(text, encoding="utf-8")
    new.write_text(text.replace(".", ", they said.", 1), encoding="utf-8")
    out = tmp_path / os.fsdecode(b"report\xff.html")
    result = redline("diff", old, new, "--format", "html", "-o", out)
    assert result.returncode == 0, result.stderr
    assert out.stat().st_size > 0
    assert "old\ufffd.txt" in out.read_text(encoding="utf-8")
    assert sorted(os.fsencode(p.name) for p in tmp_path.iterdir()) == sorted(
        [b"old\xff.txt", b"new.txt", b"report\xff.html"]
    )


def test_diff_output_is_replaced_whole_or_not_at_all(tmp_path: Path) -> None:
    out = tmp_path / "report.txt"
    out.write_text("the previous report\n")
    (tmp_path / "empty.txt").write_text("")
    (tmp_path / "a.txt").write_text(invented_article(2, words=60))
    failed = redline("diff", tmp_path / "a.txt", tmp_path / "empty.txt", "-o", out)
    assert failed.returncode == 1
    assert out.read_text() == "the previous report\n"
    done = redline("diff", tmp_path / "a.txt", tmp_path / "a.txt", "-o", out)
    assert done.returncode == 0, done.stderr
    assert out.read_text() != "the previous report\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt", "empty.txt", "report.txt"]


@pytest.mark.parametrize("command", ["find", "index"])
def test_pipes_sockets_and_link_loops_in_a_folder_are_skipped_with_the_reason(
    tmp_path: Path, command: str
) -> None:
    folder = tmp_path / "d"
    folder.mkdir()
    for k in range(3):
        (folder / f"story{k}.txt").write_text(invented_article(k, words=150), encoding="utf-8")
    os.mkfifo(folder / "p.txt")
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(folder / "s.txt"))
    (folder / "loop1.txt").symlink_to(tmp_path / "loop2.txt")
    (tmp_path / "loop2.txt").symlink_to(folder / "loop1.txt")
    try:
        if command == "find":
            result = redline("find", folder, "-o", tmp_path / "o", "--no-report")
        else:
            result = redline("index", "add", folder, "--db", tmp_path / "i.db")
    finally:
        server.close()
    assert result.returncode == 0, result.stderr
    said = result.stdout + result.stderr
    assert "3 documents" in said or "added 3," in said
    # find says `NAME: why`, index add `NAME: reason: why`.
    for name, why in [
        ("p.txt", "a named pipe (FIFO); not opened"),
        ("s.txt", "a socket; not opened"),
        ("loop1.txt", "a symbolic link loop; not followed"),
    ]:
        assert re.search(rf"{name}: (not a regular file: )?{re.escape(why)}", said), said
