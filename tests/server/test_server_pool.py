"""The server's open files stay bounded however often its worker threads are recycled.

uvicorn runs each request handler in one of anyio's worker threads, and anyio stops a worker
that sat idle for `WorkerThread.MAX_IDLE_TIME` (10 s) when the next request comes. The server
here runs with that idle time at 0, so every burst of concurrent requests after the first runs
on fresh threads: the case, found in the field, where one SQLite connection per thread was
kept forever and the server ran out of file descriptors. Nothing here waits on the clock.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import psutil
import pytest
from invented import version
from server_helpers import STORIES, free_port

from redline.models import Document
from redline.server.app import DEFAULT_THREADS
from redline.store import Index
from redline.store.sqlite import MAX_CONNECTIONS

pytestmark = pytest.mark.slow

# Every idle worker thread is stopped when the next request starts.
SERVE = """
import sys
import anyio._backends._asyncio as backend
backend.WorkerThread.MAX_IDLE_TIME = 0
from redline.cli import main
main(sys.argv[1:])
"""
CONCURRENCY = 32
BURSTS = 6


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, psutil.Process]]:
    db = tmp_path / "pool.db"
    with Index(db) as index:
        for doc_id, text in STORIES.items():
            index.add(Document(id=f"news/{doc_id}.txt", text=text))
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-c", SERVE, "serve", "--db", str(db), "--port", str(port)],
        env={**os.environ},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert proc.poll() is None, "the server exited at start"
            assert time.monotonic() < deadline, "the server did not start in 30 s"
            time.sleep(0.1)
        yield url, psutil.Process(proc.pid)
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def _burst(url: str, texts: list[str]) -> list[int]:
    """One POST /query per text, all at once, each on its own connection."""

    def one(text: str) -> int:
        with httpx.Client(timeout=60) as http:
            return http.post(f"{url}/query", json={"text": text}).status_code

    with ThreadPoolExecutor(CONCURRENCY) as pool:
        return list(pool.map(one, texts))


def _db_files(proc: psutil.Process) -> int:
    """Open files of the server that belong to the index (the file, its WAL and shared memory)."""
    return sum(1 for f in proc.open_files() if Path(f.path).name.startswith("pool.db"))


def _descriptors(proc: psutil.Process) -> int:
    """Open descriptors of the server other than sockets (client sockets close on their own
    time: a burst's may still be closing when it is counted)."""
    count = 0
    for fd in Path(f"/proc/{proc.pid}/fd").iterdir():
        with contextlib.suppress(FileNotFoundError):  # closed since listed
            count += not str(fd.readlink()).startswith("socket:")
    return count


def test_bursts_on_recycled_threads_keep_open_files_bounded(
    server: tuple[str, psutil.Process],
) -> None:
    url, proc = server
    texts = [version(STORIES[f"s{i % 3}v0"], i) for i in range(CONCURRENCY)]
    idle = proc.num_threads()
    threads: list[set[int]] = []
    files, fds = [], []
    for _ in range(BURSTS):
        assert _burst(url, texts) == [200] * CONCURRENCY
        threads.append({t.id for t in proc.threads()})
        files.append(_db_files(proc))
        fds.append(_descriptors(proc))
    # The premise: threads were recycled (more ran over the bursts than were ever alive at
    # once), else what this is about never happened.
    alive = [len(t) for t in threads]
    assert len(set().union(*threads)) > max(alive), f"threads after each burst: {alive}"
    # A leak grows by a connection (up to 3 files: database, -wal, -shm) per recycled thread
    # and burst, without end (65 -> 325 over these bursts before the pool). A pool opens
    # connections on demand, so how many it holds depends on how the bursts were scheduled
    # (5 -> 9 files under a loaded machine), but never more than MAX_CONNECTIONS of them.
    bound = 3 * MAX_CONNECTIONS
    assert max(files) <= files[0] + bound, f"index files open after each burst: {files}"
    assert max(fds) <= fds[0] + bound + 8, f"descriptors open after each burst: {fds}"
    # Handlers run on at most DEFAULT_THREADS worker threads, however many requests come.
    assert max(alive) <= idle + DEFAULT_THREADS, f"threads after each burst: {alive}"
