"""The JSON API in-process: adds, queries, clusters, diffs, and the problems it answers with."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import pytest
from invented import article, version
from server_helpers import STORIES, Client

from redline.server.app import create_app
from redline.server.limits import Limits, allowed_hosts, is_loopback, writes_allowed
from redline.store import Index

PROBLEM = "application/problem+json"


def test_health_counts_the_index(client: Client) -> None:
    answer = client.get("/health").json()
    assert answer == {"status": "ok", "documents": 9, "clusters": 3, "writes": True}


def test_openapi_lists_every_endpoint(client: Client) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for path in (
        "/documents",
        "/query",
        "/documents/{doc_id}",
        "/clusters",
        "/clusters/{cluster_id}",
        "/diff",
        "/health",
    ):
        assert path in paths
    assert client.get("/docs").status_code == 200


def test_api_docs_work_offline(client: Client) -> None:
    # Users run the service on machines with no internet: no CDN in the docs page.
    page = client.get("/docs").text
    assert "cdn" not in page.lower()
    assert "/openapi.json" in page
    for asset in ("/docs-static/swagger-ui-bundle.js", "/docs-static/swagger-ui.css"):
        assert asset in page
        answer = client.get(asset)
        assert answer.status_code == 200
        assert len(answer.content) > 1000


def test_add_then_add_again_is_present(client: Client) -> None:
    text = version(STORIES["s0v0"], 77)
    first = client.post(
        "/documents", json={"id": "wire/new.txt", "text": text, "date": "2026-02-01"}
    )
    assert first.status_code == 201
    body = first.json()
    assert body["status"] == "added"
    assert body["cluster"] == client.get("/documents/news/s0v0.txt").json()["cluster"]
    assert {m["id"] for m in body["matches"]} >= {"news/s0v0.txt"}
    again = client.post("/documents", json={"id": "wire/new.txt", "text": text})
    assert again.status_code == 200
    assert again.json()["status"] == "present"
    assert again.json()["id"] == "wire/new.txt"
    assert client.get("/health").json()["documents"] == len(STORIES) + 1


def test_the_same_text_under_a_new_id_is_stored_as_a_duplicate(client: Client) -> None:
    # Two outlets printing the same wire copy are two documents of one cluster.
    text = STORIES["s1v0"]
    answer = client.post("/documents", json={"id": "bridge_new", "text": text})
    assert answer.status_code == 201
    body = answer.json()
    assert (body["status"], body["id"]) == ("added", "bridge_new")
    assert body["cluster"] == client.get("/documents/news/s1v0.txt").json()["cluster"]
    exact = [m for m in body["matches"] if m["id"] == "news/s1v0.txt"]
    assert [(m["jaccard"], m["a_in_b"], m["b_in_a"]) for m in exact] == [(1.0, 1.0, 1.0)]
    assert client.get("/documents/bridge_new").json()["text"] == text
    cluster = client.get(f"/clusters/{body['cluster']}").json()
    assert {"bridge_new", "news/s1v0.txt"} <= set(cluster["documents"])


def test_a_text_without_id_posted_twice_is_present(client: Client) -> None:
    first = client.post("/documents", json={"text": article(501)})
    again = client.post("/documents", json={"text": article(501)})
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]


def test_add_without_id_gets_one_from_the_content(client: Client) -> None:
    body = client.post("/documents", json={"text": article(500)}).json()
    assert body["id"].startswith("doc-")
    assert client.get(f"/documents/{body['id']}").json()["text"] == article(500)


def test_add_html_extracts_the_text(client: Client) -> None:
    html = (
        "<html><head><title>Invented page</title></head><body><article>"
        f"<p>{article(501)}</p></article></body></html>"
    )
    body = client.post(
        "/documents", json={"id": "page.html", "text": html, "format": "html"}
    ).json()
    stored = client.get("/documents/page.html").json()
    assert body["status"] == "added"
    assert "<p>" not in stored["text"]


def test_get_document_with_slashes_in_its_id(client: Client) -> None:
    doc = client.get("/documents/news/s1v2.txt").json()
    assert doc["id"] == "news/s1v2.txt"
    assert doc["text"] == STORIES["s1v2"]
    assert doc["title"] == "Story 1"


def test_query_returns_versions_and_the_redline(client: Client) -> None:
    answer = client.post("/query", json={"text": version(STORIES["s2v0"], 5), "diff": True}).json()
    ids = [m["id"] for m in answer["matches"]]
    assert set(ids) == {"news/s2v0.txt", "news/s2v1.txt", "news/s2v2.txt"}
    top = answer["matches"][0]
    assert set(top) >= {"jaccard", "a_in_b", "b_in_a", "cluster"}
    assert answer["diff"]["schema"] == "redline.diff/1"
    assert answer["diff"]["a"]["source"] == ids[0]
    assert answer["indexed_as"] == []
    held = client.post("/query", json={"text": STORIES["s2v1"]}).json()
    assert held["indexed_as"] == ["news/s2v1.txt"]
    assert client.post("/query", json={"text": article(999)}).json() == {
        "indexed_as": [],
        "matches": [],
        "diff": None,
    }


def test_query_of_a_rewrite_answers_with_its_source_and_the_evidence(client: Client) -> None:
    from wire import REWRITE, WIRE

    assert client.post("/documents", json={"id": "pa/tamblyn.txt", "text": WIRE}).status_code in (
        200,
        201,
    )
    answer = client.post("/query", json={"text": REWRITE}).json()
    best = answer["matches"][0]
    assert best["id"] == "pa/tamblyn.txt"
    assert best["verdict"] in ("partial reuse", "derived")
    assert best["shared_sentences"] >= 3
    assert any("Petra Okonkwo" in p["query"] for p in best["evidence"])


def test_query_limit_is_bounded(client: Client) -> None:
    assert (
        len(client.post("/query", json={"text": STORIES["s0v1"], "limit": 1}).json()["matches"])
        == 1
    )
    bad = client.post("/query", json={"text": "x", "limit": 0})
    assert bad.status_code == 422
    assert "body.limit" in bad.json()["detail"]


def test_clusters_page_and_cluster_with_collation(client: Client) -> None:
    listing = client.get("/clusters", params={"limit": 2}).json()
    assert listing["total"] == 3
    assert len(listing["clusters"]) == 2
    second = client.get("/clusters", params={"limit": 2, "offset": 2}).json()["clusters"]
    assert len(second) == 1
    cid = listing["clusters"][0]["id"]
    cluster = client.get(f"/clusters/{cid}").json()
    assert cluster["cluster"] == cid
    assert len(cluster["documents"]) == 3
    assert cluster["canonical"] == cluster["documents"][0]
    assert cluster["collation"]["schema"] == "redline.collation/1"
    assert cluster["collation"]["versions"][0] == cluster["canonical"]
    assert len(cluster["pairs"]) == 3
    by_date = client.get("/clusters", params={"order": "date"})
    assert by_date.status_code == 200
    assert client.get("/clusters", params={"order": "colour"}).status_code == 422


def test_a_merged_cluster_id_redirects_to_the_survivor(store: Index) -> None:
    text = article(600, sentences=24)
    paragraphs = text.split("\n\n")
    front, back = "\n\n".join(paragraphs[:6]), "\n\n".join(paragraphs[6:])
    from redline.models import Document

    store.add(Document(id="f1", text=front))
    older = store.add(Document(id="f2", text=version(front, 1))).cluster
    store.add(Document(id="b1", text=back))
    newer = store.add(Document(id="b2", text=version(back, 1))).cluster
    store.add(Document(id="whole", text=text))
    c = Client(create_app(store))
    moved = c.get(f"/clusters/{newer}", follow_redirects=False)
    assert moved.status_code == 308
    assert moved.headers["location"] == f"/clusters/{older}"
    survivor = c.get(f"/clusters/{newer}").json()
    assert survivor["cluster"] == older
    assert [(m["absorbed"], m["document"]) for m in survivor["merged"]] == [(newer, "whole")]
    page = c.get(f"/ui/clusters/{newer}")
    assert str(page.url).endswith(f"/ui/clusters/{older}")
    assert f"Also known as <strong>{newer}</strong> (merged in when whole arrived)" in page.text


def test_diff_of_two_documents(client: Client) -> None:
    answer = client.get("/diff", params={"a": "news/s0v0.txt", "b": "news/s0v1.txt"})
    body = answer.json()
    assert body["schema"] == "redline.diff/1"
    assert body["a"]["source"] == "news/s0v0.txt"
    kinds = {s["kind"] for s in body["segments"]}
    assert "added" in kinds  # version() appends a sentence
    missing = client.get("/diff", params={"a": "news/s0v0.txt"})
    assert missing.status_code == 422
    assert "query.b" in missing.json()["detail"]


def test_diff_keeps_the_asked_order_unless_told_to_order_by_age(client: Client) -> None:
    # s0v0 was added first (neither is dated): with order=age it is the old side either way.
    newer_first = {"a": "news/s0v1.txt", "b": "news/s0v0.txt"}
    given = client.get("/diff", params=newer_first).json()
    assert (given["a"]["source"], given["b"]["source"]) == ("news/s0v1.txt", "news/s0v0.txt")
    by_age = client.get("/diff", params={**newer_first, "order": "age"}).json()
    assert (by_age["a"]["source"], by_age["b"]["source"]) == ("news/s0v0.txt", "news/s0v1.txt")
    assert "added" in {s["kind"] for s in by_age["segments"]}
    assert client.get("/diff", params={**newer_first, "order": "date"}).status_code == 422


def test_unknown_ids_are_404_problems(client: Client) -> None:
    for url in ("/documents/nope.txt", "/clusters/c000099", "/diff?a=nope&b=news/s0v0.txt"):
        answer = client.get(url)
        assert answer.status_code == 404, url
        assert answer.headers["content-type"] == PROBLEM
        assert answer.json()["status"] == 404
    assert "nope" in client.get("/documents/nope.txt").json()["detail"]


def test_malformed_json_is_422_naming_the_problem(client: Client) -> None:
    answer = client.post(
        "/query", content=b'{"text": "unterminated', headers={"content-type": "application/json"}
    )
    assert answer.status_code == 422
    assert answer.headers["content-type"] == PROBLEM
    assert answer.json()["detail"] == (
        "request body is not valid JSON: unterminated string starting at character 9"
    )
    answer = client.post(
        "/query", content=b'{"text": }', headers={"content-type": "application/json"}
    )
    assert (
        answer.json()["detail"] == "request body is not valid JSON: expecting value at character 9"
    )


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "body.text"),
        ({"text": ""}, "body.text"),
        ({"text": 12}, "body.text"),
        ({"text": "x", "format": "pdf"}, "body.format"),
        ({"text": "x", "colour": "red"}, "body.colour"),
    ],
)
def test_bad_fields_are_422_naming_the_field(
    client: Client, body: dict[str, object], field: str
) -> None:
    answer = client.post("/documents", json=body)
    assert answer.status_code == 422
    assert answer.json()["detail"].startswith(field)


def test_a_body_over_the_limit_is_413(client: Client) -> None:
    big = {"text": "word " * 20_000}  # 100 kB against a 64 kB limit
    answer = client.post("/documents", json=big)
    assert answer.status_code == 413
    assert answer.headers["content-type"] == PROBLEM
    assert "64.0 KiB" in answer.json()["detail"]


def test_a_chunked_body_over_the_limit_is_413(client: Client) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        yield b'{"text": "'
        for _ in range(100):
            yield b"x" * 1024
        yield b'"}'

    answer = client.post(
        "/documents", content=chunks(), headers={"content-type": "application/json"}
    )
    assert answer.status_code == 413


def test_a_document_over_the_limit_is_413(client: Client) -> None:
    answer = client.post("/documents", json={"text": "word " * 5000})  # 25 kB > 16 kB, < 64 kB body
    assert answer.status_code == 413
    assert "over the limit of 16.0 KiB" in answer.json()["detail"]
    assert client.post("/query", json={"text": "word " * 5000}).status_code == 413


def test_a_text_without_words_is_422(client: Client) -> None:
    answer = client.post("/documents", json={"id": "dots", "text": "… !!"})
    assert answer.status_code == 422
    assert "no words to index" in answer.json()["detail"]


def test_delete_removes_a_document(client: Client) -> None:
    assert client.delete("/documents/news/s0v2.txt").status_code == 200
    assert client.get("/documents/news/s0v2.txt").status_code == 404


@pytest.fixture
def guarded(store: Index) -> Client:
    return Client(create_app(store, token="s3cret-token"))


def test_writes_need_the_token_when_one_is_set(guarded: Client) -> None:
    doc = {"id": "t.txt", "text": article(700)}
    missing = guarded.post("/documents", json=doc)
    assert missing.status_code == 401
    assert missing.headers["www-authenticate"].startswith("Bearer")
    assert "Authorization: Bearer" in missing.json()["detail"]
    wrong = guarded.post("/documents", json=doc, headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401
    assert guarded.delete("/documents/news/s0v0.txt").status_code == 401
    right = guarded.post("/documents", json=doc, headers={"Authorization": "Bearer s3cret-token"})
    assert right.status_code == 201
    # Reads stay open.
    assert guarded.post("/query", json={"text": article(700)}).json()["matches"][0]["id"] == "t.txt"
    assert guarded.get("/health").json()["writes"] == "token"


def test_writes_are_refused_on_a_public_address_without_a_token(store: Index) -> None:
    c = Client(create_app(store, writes=writes_allowed("0.0.0.0", None)))
    answer = c.post("/documents", json={"text": article(701)})
    assert answer.status_code == 403
    assert "--token" in answer.json()["detail"]
    assert c.post("/query", json={"text": STORIES["s0v0"]}).status_code == 200


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("localhost", True),
        ("::1", True),
        ("127.0.0.2", True),
        ("0.0.0.0", False),
        ("192.168.1.4", False),
        ("::", False),
        ("news.example", False),
    ],
)
def test_loopback_detection(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback
    assert writes_allowed(host, None) is loopback
    assert writes_allowed(host, "t") is True


def test_limits_are_validated() -> None:
    with pytest.raises(ValueError, match="max_body_bytes"):
        Limits(max_body_bytes=10)


def test_problem_bodies_are_json(client: Client) -> None:
    answer = client.get("/documents/missing")
    assert json.loads(answer.text)["title"] == "Not found"


def test_a_loopback_server_answers_only_loopback_host_names(store: Index) -> None:
    c = Client(create_app(store, allowed_hosts=allowed_hosts("127.0.0.1")))
    rebound = c.get("/health", headers={"host": "attacker.example:8000"})
    assert rebound.status_code == 400
    for host in ("127.0.0.1:8000", "localhost:8000", "[::1]:8000"):
        assert c.get("/health", headers={"host": host}).status_code == 200, host
    assert allowed_hosts("0.0.0.0") is None


def test_openapi_describes_the_answers(client: Client) -> None:
    spec = client.get("/openapi.json").json()
    query = spec["paths"]["/query"]["post"]["responses"]["200"]["content"]["application/json"]
    assert query["schema"]["$ref"].endswith("/QueryOut")
    match = spec["components"]["schemas"]["MatchOut"]["properties"]
    assert {"jaccard", "a_in_b", "b_in_a"} <= set(match)


def test_collations_are_reused_until_the_cluster_changes(store: Index) -> None:
    app = create_app(store)
    c = Client(app)
    cid = c.get("/documents/news/s1v0.txt").json()["cluster"]
    first = c.get(f"/clusters/{cid}").json()["collation"]
    assert c.get(f"/clusters/{cid}").json()["collation"] == first
    assert len(app.state.collations) == 1
    c.post("/documents", json={"id": "news/s1v9.txt", "text": version(STORIES["s1v0"], 90)})
    grown = c.get(f"/clusters/{cid}").json()["collation"]
    assert len(grown["versions"]) == len(first["versions"]) + 1
    assert "news/s1v9.txt" in grown["versions"]
