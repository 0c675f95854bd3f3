"""Fixtures for the HTTP service: an index of invented articles and clients over it."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from server_helpers import SMALL, STORIES, Client, LiveServer, free_port

from redline.models import Document
from redline.server.app import create_app
from redline.store import Index


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Index]:
    index = Index(tmp_path / "server.db")
    for doc_id, text in STORIES.items():
        index.add(Document(id=f"news/{doc_id}.txt", text=text, title=f"Story {doc_id[1]}"))
    yield index
    index.close()


@pytest.fixture
def client(store: Index) -> Client:
    return Client(create_app(store, limits=SMALL))


@pytest.fixture
def live_server(tmp_path: Path) -> Iterator[LiveServer]:
    """`redline serve` in its own process on a free loopback port, stopped at the end."""
    db = tmp_path / "live.db"
    with Index(db) as index:
        for doc_id, text in STORIES.items():
            index.add(Document(id=f"news/{doc_id}.txt", text=text, title=f"Story {doc_id[1]}"))
    with serving(db) as server:
        yield server


@contextmanager
def serving(db: Path) -> Iterator[LiveServer]:
    """`redline serve --db DB` in its own process on a free loopback port while inside."""
    port = free_port()
    token = "live-token"
    redline = Path(sys.executable).with_name("redline")
    proc = subprocess.Popen(
        [str(redline), "serve", "--db", str(db), "--port", str(port)],
        env={**os.environ, "REDLINE_TOKEN": token},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                out = proc.stdout.read().decode() if proc.stdout else ""
                pytest.fail(f"redline serve did not start: {out}")
            time.sleep(0.1)
        yield LiveServer(url, token, db)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if proc.stdout:
            proc.stdout.close()
