"""Server cases: bounded load on loopback, hostile requests, Host headers, path traversal,
hostile text in every page. Each starts `redline serve` in a child process on 127.0.0.1."""

from __future__ import annotations

import contextlib
import random
import socket
import threading
import time
from pathlib import Path
from urllib.parse import quote

import httpx

from reliability.common import Server, iterations, redline, serve, version, write_corpus
from reliability.load import load, post_json


def _index(workdir: Path, stories: int, seed: int = 0) -> tuple[Path, list[Path]]:
    corpus = workdir / "corpus"
    paths = write_corpus(corpus, stories, versions=3, seed=seed)
    db = workdir / "serve.db"
    done = redline("index", "add", corpus, "--db", db, "-q", timeout=1800)
    assert done.code == 0, f"index add failed: {done.err[-500:]}"
    return db, paths


def _raw(server: Server, request: bytes, timeout: float = 60) -> bytes:
    """Send raw bytes on a fresh connection; everything the server answers until it closes.

    The bytes are sent from a thread: a server may answer (413) and close before a big body
    is all sent, and that answer is what counts.
    """
    with socket.create_connection(("127.0.0.1", server.port), timeout=timeout) as s:

        def send() -> None:
            with contextlib.suppress(OSError):
                s.sendall(request)

        sender = threading.Thread(target=send, daemon=True)
        sender.start()
        chunks = []
        while True:
            try:
                chunk = s.recv(65536)
            except ConnectionResetError:
                chunks.append(b"<reset>")
                break
            if not chunk:
                break
            chunks.append(chunk)
        sender.join(timeout)
    return b"".join(chunks)


def _status(answer: bytes) -> int:
    assert answer.startswith(b"HTTP/1.1 "), f"no HTTP answer: {answer[:200]!r}"
    return int(answer[9:12])


def _alive(server: Server) -> None:
    assert server.proc.poll() is None, "the server died"
    assert httpx.get(f"{server.url}/health", timeout=10).status_code == 200


def case_server_bounded_load(workdir: Path) -> str:
    """POST /query on loopback: concurrency 1, then 32 (10,000 requests), then idle-gap bursts."""
    db, paths = _index(workdir, 1000, seed=7)
    rng = random.Random(5)
    texts = [version(p.read_text(), rng.randrange(10**6)) for p in rng.sample(paths, 200)]
    total = iterations(10_000, 1_000)
    with serve(db) as server:
        bodies = [post_json(server.port, "/query", {"text": t}) for t in texts]
        load(server.port, bodies[:20], total=40, concurrency=4)  # warm-up
        rss0, fds0 = server.rss_mib(), server.fds()
        one = load(server.port, bodies, total=300, concurrency=1)
        many = load(server.port, bodies, total=total, concurrency=32)
        fds_bursts = []
        for _ in range(iterations(3, 1)):
            time.sleep(11)  # past anyio's 10 s worker idle time: the threads are recycled
            burst = load(server.port, bodies, total=256, concurrency=64)
            assert burst.errors == 0, f"burst: {burst.summary()}"
            fds_bursts.append(server.fds())
        rss1, fds1 = server.rss_mib(), server.fds()
    assert one.errors == 0 and many.errors == 0, f"errors: {one.summary()}; {many.summary()}"
    assert fds1 <= fds0 + 16, f"open descriptors grew {fds0} -> {fds1} ({fds_bursts})"
    assert rss1 <= rss0 + 150, f"RSS grew {rss0:.0f} -> {rss1:.0f} MiB"
    rate = many.requests / many.seconds
    return (
        f"3,000 documents; c=1: p50 {one.ms(50):.1f} ms, p99 {one.ms(99):.1f} ms; c=32:"
        f" {many.requests} requests, {rate:.0f} req/s, p50 {many.ms(50):.0f} ms, p99"
        f" {many.ms(99):.0f} ms, errors 0; RSS {rss0:.0f} -> {rss1:.0f} MiB, open fds"
        f" {fds0} -> {fds1} (after idle-gap bursts of 64: {fds_bursts})"
    )


def case_oversize_and_malformed_requests(workdir: Path) -> str:
    """Huge, chunked, truncated, stalled, non-JSON, non-UTF-8 and non-HTTP requests."""
    db, _ = _index(workdir, 5)
    seen: dict[str, int] = {}
    with serve(db) as server:
        host = f"Host: 127.0.0.1:{server.port}\r\nConnection: close\r\n".encode()
        big = b"x" * (9 * 1024 * 1024)
        cases = {
            "9 MiB body": b"POST /query HTTP/1.1\r\n"
            + host
            + f"Content-Type: application/json\r\nContent-Length: {len(big)}\r\n\r\n".encode()
            + big,
            "9 MiB chunked": b"POST /query HTTP/1.1\r\n"
            + host
            + b"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
            + b"".join(b"100000\r\n" + b"x" * 0x100000 + b"\r\n" for _ in range(9))
            + b"0\r\n\r\n",
            "malformed JSON": b"POST /query HTTP/1.1\r\n"
            + host
            + b'Content-Type: application/json\r\nContent-Length: 8\r\n\r\n{"text":',
            "not UTF-8": b"POST /query HTTP/1.1\r\n"
            + host
            + b'Content-Type: application/json\r\nContent-Length: 13\r\n\r\n{"text":"\xff\xfe"}',
            "wrong type": b"POST /query HTTP/1.1\r\n"
            + host
            + b'Content-Type: application/json\r\nContent-Length: 12\r\n\r\n{"text": 42}',
            "form to JSON API": b"POST /query HTTP/1.1\r\n"
            + host
            + b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 6\r\n\r\ntext=a",
            "1 MiB header": b"GET /health HTTP/1.1\r\n"
            + host
            + b"X-Big: "
            + b"a" * 2**20
            + b"\r\n\r\n",
            "garbage request line": b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + b"\x00" * 64,
            "unknown method": b"BREW /query HTTP/1.1\r\n" + host + b"\r\n",
            "bad content-length": b"POST /query HTTP/1.1\r\n"
            + host
            + b"Content-Length: -5\r\n\r\n",
        }
        for name, request in cases.items():
            answer = _raw(server, request)
            status = _status(answer) if answer.startswith(b"HTTP/") else 0
            assert status != 500 and b"Traceback" not in answer, f"{name}: {answer[:300]!r}"
            assert 400 <= status < 500 or status == 0, f"{name}: {status}"
            seen[name] = status
        # A body declared and never sent is cut off (408) after the body timeout, not held.
        started = time.monotonic()
        stalled = _raw(
            server,
            b"POST /query HTTP/1.1\r\n" + host + b"Content-Length: 100\r\n\r\n0123456789",
            timeout=120,
        )
        waited = time.monotonic() - started
        seen["stalled body"] = _status(stalled)
        assert seen["stalled body"] == 408, f"stalled body: {stalled[:300]!r}"
        _alive(server)
    answers = ", ".join(f"{k} {v or 'closed'}" for k, v in seen.items())
    return f"never 500, server alive after: {answers} (after {waited:.0f} s)"


def case_host_headers(workdir: Path) -> str:
    """Host headers: loopback names answered, others refused (DNS rebinding), odd ones too."""
    db, _ = _index(workdir, 3)
    seen = {}
    with serve(db) as server:
        for host, ok in [
            (f"127.0.0.1:{server.port}", True),
            (f"localhost:{server.port}", True),
            ("attacker.example", False),
            ("127.0.0.1.attacker.example", False),
            ("localhost.", False),
            ("", False),
            ("127.0.0.1:1@attacker.example", False),
            ("%00", False),
        ]:
            request = f"GET /health HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
            status = _status(_raw(server, request.encode()))
            assert (status == 200) == ok, f"Host {host!r}: {status}"
            seen[host or "(empty)"] = status
        no_host = _status(_raw(server, b"GET /health HTTP/1.1\r\nConnection: close\r\n\r\n"))
        assert no_host == 400, f"no Host: {no_host}"
        _alive(server)
    return f"{seen}, none: {no_host}"


def case_path_traversal(workdir: Path) -> str:
    """../ and its encodings in every path: nothing outside the static folders is served."""
    db, _ = _index(workdir, 3)
    secret = workdir / "secret.txt"
    secret.write_text("rl-secret-4242\n")
    targets = ["/etc/passwd", str(secret)]
    prefixes = ["/docs-static/", "/static/", "/documents/", "/ui/documents/", "/"]
    climbs = ["../" * 12, "..%2f" * 12, "%2e%2e/" * 12, "..%252f" * 12, "....//" * 12, "..\\" * 12]
    count = 0
    statuses: set[int] = set()
    with serve(db) as server:
        for prefix in prefixes:
            for climb in climbs:
                for target in targets:
                    path = prefix + climb + quote(target.lstrip("/"), safe="/")
                    request = (
                        f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\n"
                        "Connection: close\r\n\r\n"
                    )
                    answer = _raw(server, request.encode())
                    assert b"root:x:0:0" not in answer and b"rl-secret-4242" not in answer, path
                    status = _status(answer)
                    assert status != 500, f"{path}: 500"
                    statuses.add(status)
                    count += 1
        _alive(server)
    return f"{count} paths, no file outside the static folders served; statuses {sorted(statuses)}"


def case_cluster_ids(workdir: Path) -> str:
    """Odd cluster ids (huge, superscript, non-ASCII digits) answer 404, never 500."""
    db, _ = _index(workdir, 3)
    ids = ["c99999999999999999999999", "c²", "c١٢٣", "c-1", "c", "c 1", "c1e9", "c0x10"]
    with serve(db) as server, httpx.Client(base_url=server.url, timeout=30) as http:
        for cid in ids:
            for path in (f"/clusters/{quote(cid)}", f"/ui/clusters/{quote(cid)}"):
                status = http.get(path).status_code
                assert status == 404, f"{path}: {status}"
        _alive(server)
    return f"{len(ids)} ids x API and UI: all 404"


PAYLOADS = [
    '<script>alert("rl-xss-1")</script>',
    '"><img src=x onerror=alert("rl-xss-2")>',
    "javascript:alert('rl-xss-3')",
    "{{7*7}}{% raw %}rl-tmpl{% endraw %}",
    "\u202erl-bidi\u202c \u0000rl-nul",
    "</textarea><svg/onload=alert('rl-xss-4')>",
]


def case_hostile_text_in_every_page(workdir: Path) -> str:
    """Documents whose text, id, title, URL and byline are XSS payloads: every page escapes."""
    db, _ = _index(workdir, 2)
    base = (workdir / "corpus" / "s0000v0.txt").read_text()
    pages = 0
    with serve(db) as server, httpx.Client(base_url=server.url, timeout=60) as http:
        ids = []
        for n, payload in enumerate(PAYLOADS):
            doc = {
                "id": f"hostile/{n}/{payload}",
                "text": f"{payload}\n\n{version(base, n)}\n\n{payload} closes the story.",
                "title": payload,
                "url": payload if n == 2 else f"https://news.example/{payload}",
                "byline": payload,
            }
            answer = http.post("/documents", json=doc)
            assert answer.status_code in (200, 201), answer.text
            ids.append(answer.json()["id"])
        cluster = http.get("/clusters").json()["clusters"][0]["id"]
        urls = [
            "/",
            "/ui/clusters",
            f"/ui/clusters/{cluster}",
            *(f"/ui/documents/{quote(i, safe='')}" for i in ids),
            f"/ui/diff?a={quote(ids[0], safe='')}&b={quote(ids[1], safe='')}",
            f"/ui/report?a={quote(ids[0], safe='')}&b={quote(ids[1], safe='')}",
            f"/ui/documents/{quote(PAYLOADS[0], safe='')}",  # a 404 page quoting the id
        ]
        responses = [(u, http.get(u)) for u in urls]
        responses.append(("/ui/query", http.post("/ui/query", data={"text": PAYLOADS[1] * 30})))
        for url, answer in responses:
            assert answer.status_code != 500, f"{url}: 500"
            html = answer.text
            for raw in ("<script>alert(", "<img src=x", "<svg/onload"):
                assert raw not in html, f"{url} carries {raw!r} unescaped"
            assert "content-security-policy" in answer.headers, f"{url}: no CSP"
            assert answer.headers.get("x-content-type-options") == "nosniff", url
            pages += 1
        # Text is shown as written, never run as a template.
        shown = http.get(f"/ui/documents/{quote(ids[3], safe='')}").text
        assert "{{7*7}}" in shown and "{% raw %}rl-tmpl" in shown, "template text not shown"
        api = [http.get(f"/documents/{quote(i, safe='')}") for i in ids]
        for answer in api:
            assert answer.headers["content-type"].startswith("application/json")
            assert answer.headers.get("x-content-type-options") == "nosniff"
    return (
        f"{len(PAYLOADS)} payloads in text, id, title, URL, byline: {pages} pages escaped"
        f" (CSP and nosniff on each), {len(api)} JSON answers typed and nosniff"
    )
