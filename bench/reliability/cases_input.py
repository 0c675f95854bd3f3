"""Input and command-line cases (issue 11, items 2, 3, 4, 7, 8 and 9): compression bombs,
bad records and names, pipes in folders, interrupts, stray bytes, start-up time."""

from __future__ import annotations

import fcntl
import gzip
import json
import os
import signal
import socket
import statistics
import struct
import subprocess
import termios
import threading
import time
from pathlib import Path

import psutil

from reliability.common import REDLINE, article, iterations, redline, version

MIB = 1024 * 1024


def _peak_mib(*args: str | Path) -> tuple[int, str, float]:
    """Run `redline ARGS` from a fresh measuring process: exit code, stdout, its peak RSS."""
    code = (
        "import json, resource, subprocess, sys\n"
        "r = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
        "print(json.dumps([r.returncode, r.stdout + r.stderr,"
        " resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024]))\n"
    )
    python = REDLINE.with_name("python")
    done = subprocess.run(
        [str(python), "-c", code, str(REDLINE), *map(str, args)],
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
    )
    rc, said, mib = json.loads(done.stdout)
    return int(rc), str(said), float(mib)


def _records(n: int) -> list[bytes]:
    return [(json.dumps({"id": f"s{k}", "text": article(k)}) + "\n").encode() for k in range(n)]


def case_jsonl_gz_bomb(workdir: Path) -> str:
    """A JSONL.gz record inflating to 1 GiB (200 MiB quick): skipped, memory bounded."""
    size = iterations(1024, 200) * MIB
    src = workdir / "bomb.jsonl.gz"
    with gzip.open(src, "wb", compresslevel=1) as fh:
        fh.write(b"".join(_records(2)) + b'{"id": "bomb", "text": "')
        block = b"0" * MIB
        for _ in range(size // MIB):
            fh.write(block)
        fh.write(b'"}\n' + b"".join(_records(4)[2:]))
    small = workdir / "small.jsonl.gz"
    with gzip.open(small, "wb") as fh:
        fh.write(b"".join(_records(4)))
    _, _, floor = _peak_mib("find", small, "-o", workdir / "o0", "-j", "1", "--no-report")
    rc, said, peak = _peak_mib("find", src, "-o", workdir / "o", "-j", "1", "--no-report")
    assert rc == 0, said[-500:]
    assert "4 documents, 1 skipped" in said, said[-500:]
    assert peak < floor + 64, f"peak {peak:.0f} MiB against {floor:.0f} MiB on a small input"
    return (
        f"{src.stat().st_size / MIB:.1f} MiB on disk, {size // MIB} MiB inflated: skipped as too"
        f" large; peak {peak:.0f} MiB (same command on 4 records: {floor:.0f} MiB)"
    )


def case_warc_gz_record_bomb(workdir: Path) -> str:
    """A WARC.gz response record of 1 GiB (200 MiB quick): skipped unread, memory bounded."""
    size = iterations(1024, 200) * MIB
    src = workdir / "crawl.warc.gz"
    http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n"
    page = (
        "<html><body><p>" + article(7).replace("\n\n", "</p><p>") + "</p></body></html>"
    ).encode()
    with src.open("wb") as raw:
        for k, body_size in enumerate((len(page), size)):
            with gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=1) as fh:
                fh.write(
                    b"WARC/1.0\r\nWARC-Type: response\r\n"
                    + f"WARC-Target-URI: http://a.example/{k}\r\n".encode()
                    + b"WARC-Date: 2024-03-01T10:00:00Z\r\n"
                    + f"WARC-Record-ID: <urn:uuid:{k:032x}>\r\n".encode()
                    + b"Content-Type: application/http; msgtype=response\r\n"
                    + f"Content-Length: {len(http) + body_size}\r\n\r\n".encode()
                    + http
                )
                if k == 0:
                    fh.write(page)
                else:
                    for _ in range(size // MIB):
                        fh.write(b" " * MIB)
                fh.write(b"\r\n\r\n")
    rc, said, peak = _peak_mib("find", src, "-o", workdir / "o", "-j", "1", "--no-report")
    assert rc == 0, said[-500:]
    assert "1 documents, 1 skipped" in said, said[-500:]
    assert peak < 256, f"peak {peak:.0f} MiB"
    return f"{size // MIB} MiB record skipped as too large, 1 page read; peak {peak:.0f} MiB"


def case_max_bytes_per_jsonl_record(workdir: Path) -> str:
    """--max-bytes 100000 refuses a 2 MB JSONL text and keeps the rest."""
    src = workdir / "in.jsonl"
    src.write_bytes(
        b"".join(_records(3)) + json.dumps({"id": "big", "text": "w " * 10**6}).encode()
    )
    run = redline("find", src, "-o", workdir / "o", "--max-bytes", "100000", "--no-report")
    assert run.code == 0, run.err[-500:]
    assert "3 documents, 1 skipped" in run.out, run.out
    return "3 documents read, the 2 MB record skipped as too large"


def case_lone_surrogate_in_jsonl(workdir: Path) -> str:
    """A lone surrogate in record 97 of 201: index add and find --dedup-out keep every record."""
    lines = [json.dumps({"id": f"r{k}", "text": article(k)}) for k in range(201)]
    lines[96] = lines[96].replace('"text": "', '"text": "a \\ud83d b ', 1)
    src = workdir / "in.jsonl"
    src.write_text("\n".join(lines) + "\n", encoding="ascii")
    add = redline("index", "add", src, "--db", workdir / "i.db", "-q")
    assert add.code == 0 and "Traceback" not in add.err, add.err[-800:]
    assert "added 201," in add.out, add.out
    assert "lone surrogate" in add.err, add.err
    kept = workdir / "kept.jsonl"
    find = redline("find", src, "-o", workdir / "o", "--dedup-out", kept, "--no-report")
    assert find.code == 0, find.err[-800:]
    rows = kept.read_text(encoding="utf-8").splitlines()
    return f"index add: 201 of 201 added, 1 warning; find --dedup-out wrote {len(rows)} records"


def case_file_names_with_byte_ff(workdir: Path) -> str:
    """File names with byte 0xFF: find, index add and diff -o read and name them."""
    corpus = workdir / "d"
    corpus.mkdir()
    text = article(11)
    for raw in (b"caf\xff.txt", b"caf\xfe.txt"):
        (corpus / os.fsdecode(raw)).write_text(text)
    (corpus / "other.txt").write_text(version(text, 2))
    find = redline("find", corpus, "-o", workdir / "o")
    assert find.code == 0 and "Traceback" not in find.err, find.err[-800:]
    assert "3 documents" in find.out, find.out
    add = redline("index", "add", corpus, "--db", workdir / "i.db")
    assert add.code == 0 and "added 3," in add.out, add.err[-800:]
    out = workdir / os.fsdecode(b"report\xff.html")
    diff = redline(
        "diff",
        corpus / os.fsdecode(b"caf\xff.txt"),
        corpus / "other.txt",
        "--format",
        "html",
        "-o",
        out,
    )
    assert diff.code == 0, diff.err[-800:]
    assert out.stat().st_size > 0
    ids = sorted(
        {
            d
            for line in (workdir / "o" / "clusters.jsonl").read_text().splitlines()
            for d in json.loads(line)["documents"]
        }
    )
    return f"3 of 3 documents read by find and index add; diff -o wrote; ids {ids[:2]}"


def case_pipe_socket_in_folder(workdir: Path) -> str:
    """A named pipe and a socket in a folder: find and index add skip them, never hang."""
    corpus = workdir / "d"
    corpus.mkdir()
    (corpus / "story.txt").write_text(article(3))
    (corpus / "story-v2.txt").write_text(version(article(3), 5))
    os.mkfifo(corpus / "p.txt")
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(corpus / "s.txt"))
    try:
        find = redline("find", corpus, "-o", workdir / "o", timeout=120)
        add = redline("index", "add", corpus, "--db", workdir / "i.db", timeout=120)
    finally:
        server.close()
    assert find.code == 0 and add.code == 0, find.err[-500:] + add.err[-500:]
    assert "named pipe" in find.out and "socket" in find.out, find.out
    assert "named pipe" in add.out + add.err, add.out
    return "find and index add: 2 documents, the pipe and the socket skipped with the reason"


def case_header_only_warc(workdir: Path) -> str:
    """A WARC with only a warcinfo record says there are no documents and exits 1."""
    src = workdir / "empty.warc"
    info = b"software: invented\r\n"
    src.write_bytes(
        b"WARC/1.0\r\nWARC-Type: warcinfo\r\nWARC-Date: 2024-03-01T10:00:00Z\r\n"
        b"WARC-Record-ID: <urn:uuid:00000000000000000000000000000001>\r\n"
        b"Content-Type: application/warc-fields\r\n"
        + f"Content-Length: {len(info)}\r\n\r\n".encode()
        + info
        + b"\r\n\r\n"
    )
    run = redline("find", src, "-o", workdir / "o")
    assert run.code == 1, (run.code, run.err)
    assert "no response or conversion record" in run.err, run.err
    return "exit 1: " + run.err.strip().splitlines()[-1][:120]


def case_mostly_utf8_with_stray_bytes(workdir: Path) -> str:
    """UTF-8 text with a stray byte is UTF-8 with one U+FFFD and a warning, not cp1252."""
    old = workdir / "old.txt"
    new = workdir / "new.txt"
    old.write_text("The ferry — the old one — left at noon. " * 5)
    new.write_bytes(("The ferry — the old one — left at noon. " * 5).encode() + b"\x96")
    run = redline("diff", old, new, "--no-color")
    assert run.code == 0, run.err
    assert "warning:" in run.err and "ŌĆö" not in run.out, run.err + run.out[:300]
    return run.err.strip().splitlines()[0][:140]


def _unread(fd: int) -> int:
    return int(struct.unpack("i", fcntl.ioctl(fd, termios.FIONREAD, b"\0\0\0\0"))[0])


def case_sigterm_find_leaves_no_orphans(workdir: Path) -> str:
    """SIGTERM to find with a worker pool running: no orphan worker, no spool, no output."""
    spool = workdir / "tmp"
    spool.mkdir()
    read_end, write_end = os.pipe()
    proc = subprocess.Popen(
        [str(REDLINE), "find", "-", "-o", str(workdir / "o"), "-j", "2", "--no-report"],
        stdin=read_end,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "TMPDIR": str(spool)},
    )
    writer = threading.Thread(target=os.write, args=(write_end, b"".join(_records(700))))
    writer.start()
    parent = psutil.Process(proc.pid)
    try:
        while proc.poll() is None and (
            writer.is_alive() or _unread(read_end) or len(parent.children(recursive=True)) < 2
        ):
            time.sleep(0.01)
        helpers = parent.children(recursive=True)
        rss = sum(p.memory_info().rss for p in helpers) / MIB
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=60)
    finally:
        os.close(read_end)
        os.close(write_end)
    _, alive = psutil.wait_procs(helpers, timeout=30)
    assert proc.returncode == 143, (proc.returncode, err[-500:])
    assert alive == [], f"{len(alive)} orphans"
    assert list(spool.iterdir()) == [], list(spool.iterdir())
    return (
        f"exit 143, {len(helpers)} helper processes ({rss:.0f} MiB) all gone, spool removed:"
        f" {err.decode().strip().splitlines()[-1]!r}"
    )


def case_version_start_up(workdir: Path) -> str:
    """`redline --version`, median of 10 fresh processes (import cost of the CLI)."""
    times = []
    for _ in range(10):
        started = time.perf_counter()
        subprocess.run([str(REDLINE), "--version"], check=True, capture_output=True)
        times.append(time.perf_counter() - started)
    median = statistics.median(times)
    assert median < 2, f"median {median:.2f} s"
    return f"median {median * 1000:.0f} ms over 10 runs"
