"""Requests that used to answer 500 or hold a worker: odd cluster ids, stalled bodies; and the
headers every answer carries."""

from __future__ import annotations

import asyncio
import json

import pytest
from invented import article
from server_helpers import SMALL, Client

from redline.server.app import create_app
from redline.server.limits import BodyLimit, Limits
from redline.store import Index

PROBLEM = "application/problem+json"


@pytest.mark.parametrize(
    "cluster_id",
    ["c99999999999999999999999", "c²", "c١٢", "c-1", "c", "x000001", "c9223372036854775808"],
)
def test_malformed_or_huge_cluster_ids_are_not_found(client: Client, cluster_id: str) -> None:
    for path in (f"/clusters/{cluster_id}", f"/ui/clusters/{cluster_id}"):
        answer = client.get(path)
        assert answer.status_code == 404, (path, answer.text)
    assert client.get(f"/clusters/{cluster_id}").headers["content-type"] == PROBLEM


@pytest.mark.parametrize("offset", ["9223372036854775808", "99999999999999999999999"])
def test_an_offset_past_any_integer_is_an_empty_page(client: Client, offset: str) -> None:
    # SQLite integers stop at 2**63 - 1; a larger offset used to answer 500 (OverflowError).
    total = client.get("/clusters").json()["total"]
    answer = client.get(f"/clusters?offset={offset}")
    assert answer.status_code == 200, answer.text
    assert answer.json()["clusters"] == []
    assert answer.json()["total"] == total
    assert answer.json()["offset"] == int(offset)


@pytest.mark.parametrize("page", ["4611686018427387904", "99999999999999999999"])
def test_a_page_past_any_integer_is_an_empty_page(client: Client, page: str) -> None:
    total = client.get("/clusters").json()["total"]
    answer = client.get(f"/ui/clusters?page={page}")
    assert answer.status_code == 200, answer.text
    assert f"{total:,} clusters" in answer.text
    assert '<table id="clusters">' not in answer.text  # no rows on a page past the last


def test_every_answer_says_nosniff(client: Client) -> None:
    answers = [
        client.get("/health"),
        client.post("/query", json={"text": "harbour"}),
        client.get("/clusters"),
        client.get("/clusters/c999"),  # a problem
        client.post("/query", content=b"{not json"),  # a validation problem
        client.post("/query", content=b"x" * (65 * 1024)),  # refused by the body limit
        client.get("/"),
    ]
    assert [a.headers.get("x-content-type-options") for a in answers] == ["nosniff"] * 7
    assert answers[5].status_code == 413


def test_a_body_that_stops_arriving_is_answered_408_not_held(store: Index) -> None:
    sent: list[dict[str, object]] = []
    reached_app = False

    async def app(scope: object, receive: object, send: object) -> None:
        nonlocal reached_app
        reached_app = True

    first = True

    async def receive() -> dict[str, object]:
        nonlocal first
        if first:  # 10 of the 100 bytes declared, then nothing more
            first = False
            return {"type": "http.request", "body": b"0123456789", "more_body": True}
        await asyncio.Event().wait()  # the client never sends again
        raise AssertionError("unreachable")

    async def send(message: dict[str, object]) -> None:
        sent.append(message)

    scope = {"type": "http", "method": "POST", "headers": [(b"content-length", b"100")]}
    limit = BodyLimit(app, max_bytes=Limits().max_body_bytes, timeout=0.05)
    asyncio.run(asyncio.wait_for(limit(scope, receive, send), 10))
    assert not reached_app
    assert sent[0]["status"] == 408
    assert (b"connection", b"close") in sent[0]["headers"]  # type: ignore[operator]
    detail = json.loads(sent[1]["body"])["detail"]  # type: ignore[arg-type]
    assert "stopped arriving (10 bytes received" in detail


def test_limits_refuse_a_body_timeout_that_is_not_positive() -> None:
    with pytest.raises(ValueError, match="body_timeout must be > 0"):
        Limits(body_timeout=0)


def test_a_full_disk_answers_503_saying_so_and_reads_go_on(store: Index) -> None:
    with store._connection() as conn:  # SQLITE_FULL once the file grows, as on a full disk
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        conn.execute(f"PRAGMA max_page_count = {pages}")
    client = Client(create_app(store, limits=SMALL))
    answer = client.post("/documents", json={"id": "big.txt", "text": article(77) * 4})
    assert answer.status_code == 503, answer.text
    assert answer.headers["content-type"] == PROBLEM
    assert "the disk is full" in answer.json()["detail"]
    assert client.get("/health").json()["documents"] == 9
    assert client.get("/documents/big.txt").status_code == 404
    assert store.integrity() == "ok"
