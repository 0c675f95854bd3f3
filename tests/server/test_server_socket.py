"""The service over a real socket: `redline serve` started by the test on a loopback port."""

from __future__ import annotations

import httpx
import pytest
from invented import article, version
from server_helpers import STORIES, LiveServer

pytestmark = pytest.mark.slow


def test_a_real_server_answers_reads_and_guards_writes(live_server: LiveServer) -> None:
    url = live_server.url
    with httpx.Client(base_url=url, timeout=10) as http:
        assert http.get("/health").json()["documents"] == 9
        found = http.post("/query", json={"text": version(STORIES["s0v0"], 8)}).json()["matches"]
        assert {m["id"] for m in found} == {"news/s0v0.txt", "news/s0v1.txt", "news/s0v2.txt"}
        # REDLINE_TOKEN from the environment guards writes.
        doc = {"id": "live/new.txt", "text": article(321)}
        assert http.post("/documents", json=doc).status_code == 401
        added = http.post(
            "/documents", json=doc, headers={"Authorization": f"Bearer {live_server.token}"}
        )
        assert added.status_code == 201
        assert http.get("/documents/live/new.txt").json()["text"] == article(321)
        too_big = http.post("/documents", content=b"x" * (9 * 1024 * 1024))
        assert too_big.status_code == 413
        page = http.get("/")
        assert page.status_code == 200
        assert "server" not in page.headers  # no version banner
        assert http.get("/docs").status_code == 200
        # DNS rebinding: a page served as attacker.example cannot talk to a loopback server.
        assert http.get("/health", headers={"host": "attacker.example"}).status_code == 400
