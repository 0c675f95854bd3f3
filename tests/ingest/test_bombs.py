"""Compression bombs: inflated while streaming, an oversized record skipped, memory bounded.

Each bomb inflates to 200 MB (made here, 200 KB on disk). Peak memory is the resident set of
the `redline` process as the kernel records it (getrusage of a waited-for child: exact, no
sampling), compared with the same command on a small input.
"""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

import pytest
from textgen import invented_article

pytestmark = pytest.mark.slow

REDLINE = Path(sys.executable).parent / "redline"
INFLATED = 200 * 1024 * 1024
LIMIT = 1_000_000  # --max-bytes: the bound, far below the bomb
# Holding the bomb once would add 200 MB; the reader's buffers and a 1 MB line add a few.
SLACK_MB = 64

MEASURE = (
    "import json, resource, subprocess, sys\n"
    "r = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
    "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024\n"
    "print(json.dumps({'rc': r.returncode, 'out': r.stdout, 'err': r.stderr, 'mb': peak}))\n"
)


def measured(*args: str | Path) -> dict[str, object]:
    """Run `redline ARGS` in a fresh process; its exit code, output and peak RSS in MB."""
    done = subprocess.run(
        [sys.executable, "-c", MEASURE, str(REDLINE), *map(str, args)],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    result: dict[str, object] = json.loads(done.stdout)
    return result


def _stories(n: int) -> list[bytes]:
    return [
        (json.dumps({"id": f"s{k}", "text": invented_article(k, words=150)}) + "\n").encode()
        for k in range(n)
    ]


def _jsonl_bomb(path: Path) -> Path:
    """A JSONL.gz whose second record's text inflates to 200 MB, between ordinary records."""
    stories = _stories(4)
    with gzip.open(path, "wb", compresslevel=1) as fh:
        fh.write(stories[0] + stories[1])
        fh.write(b'{"id": "bomb", "text": "')
        block = b"zero " * (1 << 18)
        for _ in range(INFLATED // len(block)):
            fh.write(block)
        fh.write(b'"}\n')
        fh.write(stories[2] + stories[3])
    return path


def _warc_record(uri: str, body: bytes | None, size: int, fh: gzip.GzipFile) -> None:
    http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
    length = len(http) + (len(body) if body is not None else size)
    fh.write(
        b"WARC/1.0\r\nWARC-Type: response\r\n"
        + f"WARC-Target-URI: {uri}\r\nWARC-Date: 2024-03-01T10:00:00Z\r\n".encode()
        + f"WARC-Record-ID: <urn:uuid:{abs(hash(uri)):032x}>\r\n".encode()
        + b"Content-Type: application/http; msgtype=response\r\n"
        + f"Content-Length: {length}\r\n\r\n".encode()
        + http
    )
    if body is not None:
        fh.write(body)
    else:
        block = b"<p>zero</p>\n" * (1 << 16)
        for _ in range(size // len(block)):
            fh.write(block)
        fh.write(b" " * (size % len(block)))
    fh.write(b"\r\n\r\n")


def _warc_bomb(path: Path) -> Path:
    page = (
        "<html><body>"
        + "".join(f"<p>{p}</p>" for p in invented_article(3, words=200).split("\n\n"))
        + "</body></html>"
    )
    with path.open("wb") as raw:
        for uri, body in [("http://a.example/1", page.encode()), ("http://a.example/bomb", None)]:
            # One gzip member per record, as crawlers write them.
            with gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=1) as fh:
                _warc_record(uri, body, INFLATED, fh)
    return path


@pytest.fixture(scope="module")
def baseline_mb(tmp_path_factory: pytest.TempPathFactory) -> float:
    """Peak RSS of `redline find` on four ordinary records: the floor every run pays."""
    folder = tmp_path_factory.mktemp("small")
    src = folder / "small.jsonl.gz"
    with gzip.open(src, "wb") as fh:
        fh.write(b"".join(_stories(4)))
    result = measured("find", src, "-o", folder / "o", "-j", "1", "--no-report")
    assert result["rc"] == 0, result["err"]
    return float(result["mb"])  # type: ignore[arg-type]


def test_a_jsonl_gz_bomb_is_skipped_without_being_held(tmp_path: Path, baseline_mb: float) -> None:
    src = _jsonl_bomb(tmp_path / "bomb.jsonl.gz")
    assert src.stat().st_size < 5_000_000
    args = ["-o", tmp_path / "o", "-j", "1", "--no-report", "--max-bytes", str(LIMIT)]
    result = measured("find", src, *args)
    assert result["rc"] == 0, result["err"]
    assert "4 documents, 1 skipped" in str(result["out"])
    assert "bomb.jsonl.gz:3: the line is over the limit of 1,000,000 bytes" in str(result["out"])
    assert float(result["mb"]) < baseline_mb + SLACK_MB  # type: ignore[arg-type]


def test_index_add_skips_a_jsonl_gz_bomb_without_holding_it(
    tmp_path: Path, baseline_mb: float
) -> None:
    src = _jsonl_bomb(tmp_path / "bomb.jsonl.gz")
    result = measured("index", "add", src, "--db", tmp_path / "i.db", "--jobs", "0")
    # The default limit (20 MiB) applies too: the 200 MB record is refused.
    assert result["rc"] == 0, result["err"]
    assert "added 4," in str(result["out"])
    assert "too large" in str(result["out"])
    assert float(result["mb"]) < baseline_mb + SLACK_MB + 40  # type: ignore[arg-type]


def test_a_warc_gz_record_bomb_is_skipped_without_being_held(
    tmp_path: Path, baseline_mb: float
) -> None:
    src = _warc_bomb(tmp_path / "crawl.warc.gz")
    args = ["-o", tmp_path / "o", "-j", "1", "--no-report", "--max-bytes", str(LIMIT)]
    result = measured("find", src, *args)
    assert result["rc"] == 0, result["err"]
    assert "1 documents, 1 skipped" in str(result["out"])
    assert "http://a.example/bomb" in str(result["out"])
    assert float(result["mb"]) < baseline_mb + SLACK_MB  # type: ignore[arg-type]


def test_a_csv_gz_row_bomb_is_skipped_without_being_held(
    tmp_path: Path, baseline_mb: float
) -> None:
    src = tmp_path / "feed.csv.gz"
    with gzip.open(src, "wb", compresslevel=1) as fh:
        fh.write(b'id,text\n1,"' + invented_article(1, words=150).encode() + b'"\n')
        fh.write(b'bomb,"')
        block = b"zero, zero " * (1 << 16) + b"\n"
        for _ in range(INFLATED // len(block)):
            fh.write(block)
        fh.write(b'"\n2,"' + invented_article(2, words=150).encode() + b'"\n')
    assert src.stat().st_size < 5_000_000
    args = ["-o", tmp_path / "o", "-j", "1", "--no-report", "--max-bytes", str(LIMIT)]
    result = measured("find", src, *args)
    assert result["rc"] == 0, result["err"]
    assert "2 documents, 1 skipped" in str(result["out"])
    # The bomb's row starts after the header and the first row's lines.
    line = 2 + invented_article(1, words=150).count("\n") + 1
    assert f"feed.csv.gz:{line}: the row is over the limit of 1,000,000 bytes" in str(result["out"])
    assert float(result["mb"]) < baseline_mb + SLACK_MB  # type: ignore[arg-type]


def test_max_bytes_applies_to_each_jsonl_record(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    big = json.dumps({"id": "big", "text": "word " * 400_000})  # 2 MB
    src.write_bytes(b"".join(_stories(2)) + big.encode() + b"\n")
    result = subprocess.run(
        [str(REDLINE), "find", src, "-o", tmp_path / "o", "--max-bytes", "100000", "--no-report"],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "2 documents, 1 skipped" in result.stdout
