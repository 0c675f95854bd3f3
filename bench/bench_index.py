"""Benchmark `redline index` and `redline serve` on a large generated collection.

Documents are made by splicing paragraphs of the Reuters C50 articles ($REDLINE_DATA, research
use only; nothing is copied into the repository): each new "article" is 12-22 paragraphs (about
500 words, like C50's own) drawn from random stories, and about one in four is an edited version
of an earlier one (words changed, a paragraph dropped or added, truncated), so the index holds
real clusters.

Measures, on this machine:
  - `redline index add` throughput (the real command on a JSONL file),
  - query latency p50/p99 in-process (Index.query) and over HTTP on loopback (POST /query to a
    `redline serve` process),
  - database size per document,
  - a bounded load test on /query from this (second) process: a fixed number of requests over
    a few connections; requests/s, error rate, server RSS before and after.

Usage:
  .venv/bin/python bench/bench_index.py --docs 100000 --workdir /tmp/redline-bench-index
"""

from __future__ import annotations

import argparse
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import psutil

from redline.store import Index

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(os.environ.get("REDLINE_DATA", ROOT.parent / "shared" / "data"))


def load_paragraphs() -> list[list[str]]:
    """The paragraphs of every C50 article (train and test)."""
    base = DATA / "reuters_c50_authorship"
    articles = []
    for path in sorted(base.glob("C50*/*/*.txt")):
        text = path.read_text(encoding="latin-1").replace("\r\n", "\n")
        paras = [p.strip() for p in text.split("\n") if p.strip()]
        if len(paras) >= 3:
            articles.append(paras)
    if not articles:
        sys.exit(f"no C50 articles under {base}; set REDLINE_DATA")
    return articles


def edit(paras: list[str], rng: random.Random) -> list[str]:
    """A later version: a few words changed, maybe a paragraph dropped, added, or a cut."""
    out = list(paras)
    for _ in range(rng.randint(1, 4)):
        i = rng.randrange(len(out))
        words = out[i].split()
        if len(words) > 3:
            words[rng.randrange(len(words))] = rng.choice(["sharply", "Tuesday", "15", "officials"])
            out[i] = " ".join(words)
    roll = rng.random()
    if roll < 0.3 and len(out) > 4:
        del out[rng.randrange(1, len(out))]
    elif roll < 0.5:
        out.insert(
            rng.randrange(len(out)),
            f"Correction: an earlier version misstated figure {rng.randint(2, 99)}.",
        )
    elif roll < 0.6 and len(out) > 6:
        out = out[: max(4, len(out) * 2 // 3)]
    return out


def generate(n: int, seed: int = 7) -> list[dict[str, str]]:
    """n documents: spliced originals, and about one in four an edited version of an earlier one."""
    rng = random.Random(seed)
    articles = load_paragraphs()
    docs: list[dict[str, str]] = []
    bodies: list[list[str]] = []
    for i in range(n):
        if bodies and rng.random() < 0.25:
            paras = edit(rng.choice(bodies[-5000:]), rng)
        else:
            k = rng.randint(12, 22)
            paras = [rng.choice(rng.choice(articles)) for _ in range(k)]
        bodies.append(paras)
        docs.append(
            {
                "id": f"d{i:07d}",
                "text": "\n\n".join(paras),
                "date": f"2026-{1 + i % 12:02d}-{1 + i % 28:02d}",
            }
        )
    return docs


def probes(n: int, docs: list[dict[str, str]], seed: int = 9) -> list[str]:
    """Query texts: half new versions of indexed documents, half new spliced texts."""
    rng = random.Random(seed)
    articles = load_paragraphs()
    out = []
    for i in range(n):
        if i % 2 == 0:
            out.append("\n\n".join(edit(rng.choice(docs)["text"].split("\n\n"), rng)))
        else:
            out.append("\n\n".join(rng.choice(rng.choice(articles)) for _ in range(8)))
    return out


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--load", type=int, default=2000, help="requests in the load test")
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/redline-bench-index"))
    parser.add_argument("--reuse", action="store_true", help="keep an existing index of that size")
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    db = args.workdir / f"index-{args.docs}.db"
    results: dict[str, object] = {"docs": args.docs, "cpus": os.cpu_count()}

    t0 = time.perf_counter()
    docs = generate(args.docs)
    results["generate_s"] = round(time.perf_counter() - t0, 1)
    words = statistics.mean(len(d["text"].split()) for d in docs[:2000])
    results["mean_words"] = round(words)
    print(
        f"generated {len(docs):,} documents ({words:.0f} words on average)"
        f" in {results['generate_s']} s",
        flush=True,
    )

    if not (args.reuse and db.exists()):
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        feed = args.workdir / f"feed-{args.docs}.jsonl"
        with feed.open("w", encoding="utf-8") as fh:
            for d in docs:
                fh.write(json.dumps(d) + "\n")
        t0 = time.perf_counter()
        subprocess.run(
            [
                str(Path(sys.executable).with_name("redline")),
                "index",
                "add",
                str(feed),
                "--db",
                str(db),
                "-q",
                "--batch",
                "64",
            ],
            check=True,
        )
        took = time.perf_counter() - t0
        results["add_s"] = round(took, 1)
        results["add_docs_per_s"] = round(args.docs / took)
        print(
            f"index add: {args.docs:,} documents in {took:.1f} s = {args.docs / took:,.0f} docs/s",
            flush=True,
        )

    with Index(db) as index:
        stats = index.stats()
        results["db_bytes"] = stats.bytes_on_disk
        results["bytes_per_doc"] = round(stats.bytes_on_disk / stats.documents)
        results["clusters"] = stats.clusters
        results["clustered_documents"] = stats.clustered_documents
        print(
            f"db: {stats.bytes_on_disk / 1e6:,.0f} MB,"
            f" {stats.bytes_on_disk / stats.documents:,.0f} bytes/doc; {stats.clusters:,} clusters",
            flush=True,
        )
        texts = probes(args.queries, docs)
        for t in texts[:20]:  # warm the page cache and the word-hash cache
            index.query(t)
        lat = []
        found = 0
        for t in texts:
            s = time.perf_counter()
            found += bool(index.query(t))
            lat.append((time.perf_counter() - s) * 1000)
        results["query_inproc_ms"] = {
            "p50": round(pct(lat, 0.5), 2),
            "p99": round(pct(lat, 0.99), 2),
            "max": round(max(lat), 1),
        }
        results["query_hit_rate"] = round(found / len(texts), 3)
        print(
            f"query in-process: p50 {pct(lat, 0.5):.1f} ms, p99 {pct(lat, 0.99):.1f} ms"
            f" ({found}/{len(texts)} found versions)",
            flush=True,
        )

    port = free_port()
    server = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("redline")),
            "serve",
            "--db",
            str(db),
            "--port",
            str(port),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        proc = psutil.Process(server.pid)
        with httpx.Client(base_url=url, timeout=30) as http:
            for t in texts[:20]:
                http.post("/query", json={"text": t})
            lat = []
            for t in texts:
                s = time.perf_counter()
                r = http.post("/query", json={"text": t})
                lat.append((time.perf_counter() - s) * 1000)
                r.raise_for_status()
        results["query_http_ms"] = {
            "p50": round(pct(lat, 0.5), 2),
            "p99": round(pct(lat, 0.99), 2),
            "max": round(max(lat), 1),
        }
        print(
            f"query over HTTP: p50 {pct(lat, 0.5):.1f} ms, p99 {pct(lat, 0.99):.1f} ms", flush=True
        )

        rss_before = proc.memory_info().rss
        errors = 0
        load_lat: list[float] = []

        def worker(k: int) -> tuple[int, list[float]]:
            bad, mine = 0, []
            with httpx.Client(base_url=url, timeout=30) as http:
                for i in range(k, args.load, args.connections):
                    s = time.perf_counter()
                    try:
                        r = http.post("/query", json={"text": texts[i % len(texts)]})
                        bad += r.status_code != 200
                    except httpx.HTTPError:
                        bad += 1
                    mine.append((time.perf_counter() - s) * 1000)
            return bad, mine

        s = time.perf_counter()
        with ThreadPoolExecutor(args.connections) as pool:
            for bad, mine in pool.map(worker, range(args.connections)):
                errors += bad
                load_lat += mine
        took = time.perf_counter() - s
        rss_after = proc.memory_info().rss
        results["load"] = {
            "requests": args.load,
            "connections": args.connections,
            "seconds": round(took, 1),
            "requests_per_s": round(args.load / took, 1),
            "errors": errors,
            "p50_ms": round(pct(load_lat, 0.5), 1),
            "p99_ms": round(pct(load_lat, 0.99), 1),
            "server_rss_mb_before": round(rss_before / 1e6),
            "server_rss_mb_after": round(rss_after / 1e6),
        }
        print(
            f"load: {args.load} requests on {args.connections} connections in {took:.1f} s"
            f" = {args.load / took:.0f} req/s, {errors} errors,"
            f" RSS {rss_before / 1e6:.0f} -> {rss_after / 1e6:.0f} MB",
            flush=True,
        )
    finally:
        server.terminate()
        server.wait(timeout=20)
    out = args.workdir / f"results-{args.docs}.json"
    out.write_text(json.dumps(results, indent=2))
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
