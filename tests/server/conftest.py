"""Fixtures for the HTTP service: an index of invented articles and clients over it."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "store"))

from invented import corpus

from redline.models import Document
from redline.server.app import create_app
from redline.server.limits import Limits
from redline.store import Index

STORIES = corpus(3, 3, seed=4)
SMALL = Limits(max_body_bytes=64 * 1024, max_document_bytes=16 * 1024)


class Client:
    """A synchronous client over httpx's ASGI transport: the app in-process, no socket.

    (Starlette's TestClient warns that its httpx support is deprecated, and warnings are
    errors in this suite.)
    """

    def __init__(self, app: FastAPI) -> None:
        self.app = app

    def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        kwargs.setdefault("follow_redirects", True)

        async def go() -> httpx.Response:
            transport = httpx.ASGITransport(app=self.app)
            async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
                return await c.request(method, url, **kwargs)

        return asyncio.run(go())

    def get(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", url, **kwargs)

    def post(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", url, **kwargs)

    def delete(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("DELETE", url, **kwargs)


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


def free_port() -> int:
    """A TCP port free on loopback right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass
class LiveServer:
    url: str
    token: str
    db: Path


@pytest.fixture
def live_server(tmp_path: Path) -> Iterator[LiveServer]:
    """`redline serve` in its own process on a free loopback port, stopped at the end."""
    db = tmp_path / "live.db"
    with Index(db) as index:
        for doc_id, text in STORIES.items():
            index.add(Document(id=f"news/{doc_id}.txt", text=text, title=f"Story {doc_id[1]}"))
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
