"""`redline find` through the installed entry point, on invented collections."""

from __future__ import annotations

import csv
import fcntl
import json
import os
import random
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest
from conftest import interrupt

pytestmark = pytest.mark.slow

REDLINE = Path(sys.executable).parent / "redline"
SYLLABLES = ["ka", "lo", "mi", "ren", "tu", "vas", "qel", "dor", "pa", "zu", "bri", "ost", "fe"]


def run(
    *args: str | Path, cwd: Path | None = None, stdin: bytes | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(REDLINE), "find", *map(str, args)],
        input=stdin.decode() if stdin is not None else None,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=cwd,
    )


def article(seed: int, words: int = 300) -> str:
    rng = random.Random(seed)
    vocab = ["".join(rng.choice(SYLLABLES) for _ in range(3)) for _ in range(2000)]
    sentences = [" ".join(rng.choice(vocab) for _ in range(12)) + "." for _ in range(words // 12)]
    return "\n\n".join(" ".join(sentences[i : i + 3]) for i in range(0, len(sentences), 3))


def records() -> list[dict[str, str]]:
    """Three stories in three versions each (copy, trimmed, edited) and four unrelated texts."""
    out = []
    for story in range(3):
        text = article(story)
        paras = text.split("\n\n")
        out += [
            {"id": f"s{story}-a", "text": text, "date": "2024-01-02"},
            {"id": f"s{story}-b", "text": "\n\n".join(paras[:5]), "date": "2024-01-01"},
            {"id": f"s{story}-c", "text": text.replace("ka", "ke", 3)},
        ]
    out += [{"id": f"other-{k}", "text": article(50 + k)} for k in range(4)]
    return out


def write_jsonl(path: Path, rows: list[dict[str, str]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def test_no_path_reads_examples_and_writes_every_output(tmp_path: Path) -> None:
    examples = tmp_path / "examples"
    for row in records():
        folder = examples / row["id"][:2]
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{row['id']}.txt").write_text(row["text"])
    result = run(cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    out = tmp_path / "out" / "find"
    lines = [json.loads(x) for x in (out / "clusters.jsonl").read_text().splitlines()]
    groups = sorted(sorted(c["documents"]) for c in lines)
    assert groups == [[f"s{s}/s{s}-{v}.txt" for v in "abc"] for s in range(3)]
    for c in lines:
        assert set(c) == {"cluster", "canonical", "documents", "pairs"}
        assert c["canonical"] == c["documents"][0]
        assert {"a", "b", "jaccard", "a_in_b", "b_in_a"} == set(c["pairs"][0])
    import pyarrow.parquet as pq

    table = pq.read_table(out / "clusters.parquet").to_pylist()
    assert len(table) == 13  # every document, clustered or not
    assert sum(1 for r in table if r["cluster"] is None) == 4
    # clusters.csv: the clustered documents only, a cluster's rows together, canonical first.
    with (out / "clusters.csv").open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 9
    for c in lines:
        mine = [r for r in rows if r["cluster"] == c["cluster"]]
        assert [r["id"] for r in mine] == c["documents"]
        assert [r["is_canonical"] for r in mine] == ["yes", "no", "no"]
        assert {r["canonical"] for r in mine} == {c["canonical"]}
        best = {(p["a"], p["b"]): p["jaccard"] for p in c["pairs"]}
        for r in mine:
            scores = [j for pair, j in best.items() if r["id"] in pair]
            assert float(r["similarity"]) == round(max(scores), 4)
    index = (out / "report" / "index.html").read_text()
    assert all(c["cluster"] in index for c in lines)
    assert "13 documents" in result.stdout
    assert "3 clusters" in result.stdout


def test_jsonl_custom_fields_dedup_out_and_its_map(tmp_path: Path) -> None:
    rows = [{"key": r["id"], "body": r["text"], "when": r.get("date", "")} for r in records()]
    src = write_jsonl(tmp_path / "in.jsonl", rows)
    dedup = tmp_path / "dedup.jsonl"
    result = run(
        src, "-o", tmp_path / "o", "--id-field", "key", "--text-field", "body",
        "--date-field", "when", "--dedup-out", dedup, "--no-report",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    # The kept collection reads back like the input: the user's field names, not ours.
    records_kept = [json.loads(x) for x in dedup.read_text().splitlines()]
    assert all({"key", "body", "when"} <= set(r) for r in records_kept)
    assert not any("id" in r or "text" in r for r in records_kept)
    kept = [r["key"] for r in records_kept]
    # The mapping is FILE.map.jsonl, as --help and the README say, and the summary names it.
    map_file = tmp_path / "dedup.jsonl.map.jsonl"
    assert str(map_file) in result.stdout.replace("\n", "")
    mapping = [json.loads(x) for x in map_file.read_text().splitlines()]
    # Earliest date wins: the trimmed "b" versions are dated first.
    assert sorted(kept) == ["other-0", "other-1", "other-2", "other-3", "s0-b", "s1-b", "s2-b"]
    assert sorted((m["id"], m["kept"]) for m in mapping) == [
        (f"s{s}-{v}", f"s{s}-b") for s in range(3) for v in "ac"
    ]


def test_same_clusters_file_whatever_the_order_and_jobs(tmp_path: Path) -> None:
    rows = records()
    shuffled = rows[:]
    random.Random(1).shuffle(shuffled)
    first = run(write_jsonl(tmp_path / "a.jsonl", rows), "-o", tmp_path / "a", "-j", "1",
                "--no-report")  # fmt: skip
    second = run(write_jsonl(tmp_path / "b.jsonl", shuffled), "-o", tmp_path / "b", "-j", "2",
                 "--no-report")  # fmt: skip
    assert first.returncode == second.returncode == 0, first.stderr + second.stderr
    a = (tmp_path / "a" / "clusters.jsonl").read_bytes()
    assert a == (tmp_path / "b" / "clusters.jsonl").read_bytes()
    assert a.count(b"\n") == 3


def test_stdin_jsonl(tmp_path: Path) -> None:
    data = "".join(json.dumps(r) + "\n" for r in records()).encode()
    result = run("-", "-o", tmp_path / "o", "--no-report", stdin=data)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "o" / "clusters.jsonl").read_text().count("\n") == 3


def test_bad_input_is_skipped_and_listed_and_strict_makes_it_fatal(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in records()) + "{broken\n" + '{"id": "x"}\n')
    (tmp_path / "junk.txt").write_bytes(bytes(range(256)) * 50)
    result = run(src, tmp_path / "junk.txt", "-o", tmp_path / "o", "--no-report")
    assert result.returncode == 0, result.stderr
    assert "3 skipped" in result.stdout
    assert "in.jsonl:14" in result.stdout
    assert "malformed line" in result.stdout
    assert "binary" in result.stdout

    strict = run(src, "-o", tmp_path / "strict", "--strict", "--no-report")
    assert strict.returncode == 1
    assert strict.stderr.strip().count("\n") == 0
    assert "in.jsonl:14" in strict.stderr
    assert not (tmp_path / "strict" / "clusters.jsonl").exists()


def _unread(fd: int) -> int:
    """Bytes written to a pipe and not yet read by the other side."""
    return struct.unpack("i", fcntl.ioctl(fd, termios.FIONREAD, b"\0\0\0\0"))[0]


def test_interrupted_run_leaves_no_output(tmp_path: Path) -> None:
    read_end, write_end = os.pipe()
    proc = subprocess.Popen(
        [str(REDLINE), "find", "-", "-o", str(tmp_path / "o"), "--no-report"],
        stdin=read_end,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        data = "".join(json.dumps(r) + "\n" for r in records()).encode()
        assert len(data) < 60_000  # fits the pipe: the write never blocks
        os.write(write_end, data)
        # Ready when the run has read every record and waits for more (the pipe stays open):
        # a condition, not a guess at how long start-up takes on a loaded machine.
        while _unread(read_end) and proc.poll() is None:
            time.sleep(0.01)
        assert proc.poll() is None, "find ended before its input did"
        err = interrupt(proc)
    finally:
        os.close(read_end)
        os.close(write_end)
    assert proc.returncode == 130
    assert b"interrupted" in err
    assert b"Traceback" not in err
    leftovers = list((tmp_path / "o").rglob("*")) if (tmp_path / "o").exists() else []
    assert leftovers == []


def test_missing_path_is_one_clear_line(tmp_path: Path) -> None:
    result = run(tmp_path / "nope", "-o", tmp_path / "o")
    assert result.returncode == 1
    assert "no such file or folder" in result.stderr
    assert "Traceback" not in result.stderr


def test_leftovers_of_a_killed_run_are_removed_by_the_next(tmp_path: Path) -> None:
    # QA: a run killed with SIGKILL while writing the report left a hidden OUT/.report-*.tmp.
    out = tmp_path / "o"
    (out / ".report-0123456789ab.tmp" / "clusters").mkdir(parents=True)
    (out / ".report-0123456789ab.tmp" / "index.html").write_text("half")
    (out / ".clusters.jsonl.k2j4.tmp").write_text("{}")
    (out / ".kept.jsonl.map.jsonl.x7.tmp").write_text("{}")
    (out / "notes.txt").write_text("the user's own file")
    src = write_jsonl(tmp_path / "in.jsonl", records())
    result = run(src, "-o", out, "--dedup-out", out / "kept.jsonl", "--no-report")
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in out.iterdir()) == [
        "clusters.csv",
        "clusters.jsonl",
        "clusters.parquet",
        "kept.jsonl",
        "kept.jsonl.map.jsonl",
        "notes.txt",
    ]


def test_a_run_without_report_removes_the_report_of_an_earlier_run(tmp_path: Path) -> None:
    # QA: `find --no-report` replaced clusters.jsonl and left the earlier run's report/ beside
    # it, whose pages showed clusters the new clusters.jsonl no longer holds.
    out = tmp_path / "o"
    first = run(write_jsonl(tmp_path / "first.jsonl", records()), "-o", out)
    assert first.returncode == 0, first.stderr
    assert (out / "report" / "index.html").is_file()
    unrelated = [{"id": f"lone-{k}", "text": article(90 + k)} for k in range(3)]
    second = run(write_jsonl(tmp_path / "second.jsonl", unrelated), "-o", out, "--no-report")
    assert second.returncode == 0, second.stderr
    assert (out / "clusters.jsonl").read_text() == ""  # no versions among unrelated texts
    assert sorted(p.name for p in out.iterdir()) == [
        "clusters.csv",
        "clusters.jsonl",
        "clusters.parquet",
    ]
    assert "report: not written (--no-report)" in second.stdout


def test_two_runs_into_one_folder_at_once_are_refused(tmp_path: Path) -> None:
    import fcntl
    import os

    out = tmp_path / "o"
    out.mkdir()
    fd = os.open(out, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # what a running `find` holds
        result = run(write_jsonl(tmp_path / "in.jsonl", records()), "-o", out, "--no-report")
    finally:
        os.close(fd)
    assert result.returncode == 1
    assert "another `redline find` is writing to" in result.stderr


def _rewritten(text: str, share: float, seed: int) -> str:
    """Another writer's version: about `share` of each sentence's words replaced."""
    rng = random.Random(seed)
    vocab = ["".join(rng.choice(SYLLABLES) for _ in range(4)) for _ in range(500)]
    return " ".join(rng.choice(vocab) if rng.random() < share else w for w in text.split(" "))


def test_reuse_mode_groups_rewritten_versions_that_versions_mode_leaves_apart(
    tmp_path: Path,
) -> None:
    rows = [{"id": f"other-{k}", "text": article(70 + k)} for k in range(4)]
    for story in range(2):
        text = article(story, words=360)
        rows += [
            {"id": f"s{story}-a", "text": text},
            {"id": f"s{story}-b", "text": _rewritten(text, 0.12, seed=story)},
        ]
    src = write_jsonl(tmp_path / "in.jsonl", rows)
    versions = run(src, "-o", tmp_path / "v", "--no-report")
    reuse = run(src, "-o", tmp_path / "r", "--no-report", "--mode", "reuse")
    assert versions.returncode == reuse.returncode == 0, versions.stderr + reuse.stderr
    assert (tmp_path / "v" / "clusters.jsonl").read_text() == ""
    found = [json.loads(x) for x in (tmp_path / "r" / "clusters.jsonl").read_text().splitlines()]
    assert sorted(sorted(c["documents"]) for c in found) == [["s0-a", "s0-b"], ["s1-a", "s1-b"]]
    # The evidence says why: few shingles in common, most sentences aligned.
    for c in found:
        (pair,) = c["pairs"]
        assert pair["jaccard"] < 0.4
        assert pair["aligned_share"] >= 0.5
    # An explicit threshold wins over the mode's: --aligned turns the sentence rule on in
    # versions mode too.
    given = run(src, "-o", tmp_path / "g", "--no-report", "--aligned", "0.5")
    assert given.returncode == 0, given.stderr
    assert (tmp_path / "g" / "clusters.jsonl").read_text() == (
        tmp_path / "r" / "clusters.jsonl"
    ).read_text()
