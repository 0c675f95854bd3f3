"""Fixtures for the HTTP service: an index of invented articles and clients over it."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Iterator
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
