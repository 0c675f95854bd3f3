"""Bounded load on `redline serve` over loopback: latency, errors, memory and open files.

Builds an index of invented articles (3 versions of each story; no real text needed), starts
`redline serve` on 127.0.0.1, and measures, from this process (asyncio keep-alive client):
  1. /query at concurrency 1 (p50, p99);
  2. /query at concurrency 32, 10,000 requests (p50, p99, req/s, errors);
  3. bursts of concurrent /query with idle gaps longer than the server's worker threads live
     (anyio stops a worker idle for 10 s), the pattern that leaked one SQLite connection per
     recycled thread: the server's open files after each burst;
and the server's RSS and open file descriptors before and after.

Usage:
  .venv/bin/python bench/bench_serve_load.py                       # this checkout
  .venv/bin/python bench/bench_serve_load.py --src /tmp/before/src # a baseline source tree
  (make one with: mkdir /tmp/before && git archive main src | tar -x -C /tmp/before)
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from reliability.common import redline, serve, version, write_corpus  # noqa: E402
from reliability.load import load, post_json  # noqa: E402


def build_index(workdir: Path, stories: int) -> tuple[Path, list[str]]:
    """An index of `stories` x 3 invented articles, and texts to query it with."""
    corpus = workdir / "corpus"
    paths = write_corpus(corpus, stories, versions=3, seed=7)
    db = workdir / "load.db"
    done = redline("index", "add", corpus, "--db", db, "-q", timeout=1800)
    if done.code != 0:
        sys.exit(f"index add failed: {done.err}")
    rng = random.Random(5)
    queries = [version(p.read_text(), rng.randrange(10**6)) for p in rng.sample(paths, 200)]
    return db, queries


def db_files(server_fds: list[str], name: str) -> int:
    return sum(1 for f in server_fds if Path(f).name.startswith(name))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stories", type=int, default=1000, help="Stories (x3 documents).")
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--bursts", type=int, default=4, help="Bursts with idle gaps (0: none).")
    parser.add_argument("--gap", type=float, default=11.0, help="Idle seconds between bursts.")
    parser.add_argument("--src", type=Path, help="Serve from this source tree (a baseline).")
    parser.add_argument("--workdir", type=Path)
    args = parser.parse_args()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="redline-load-"))
    workdir.mkdir(parents=True, exist_ok=True)
    db = workdir / "load.db"
    queries_file = workdir / "queries.json"
    if db.exists() and queries_file.exists():
        queries = json.loads(queries_file.read_text())
    else:
        started = time.perf_counter()
        db, queries = build_index(workdir, args.stories)
        queries_file.write_text(json.dumps(queries))
        print(f"indexed {3 * args.stories} documents in {time.perf_counter() - started:.0f} s")
    report: dict[str, object] = {"src": str(args.src or "installed"), "stories": args.stories}
    with serve(db, src=args.src) as server:
        bodies = [post_json(server.port, "/query", {"text": q}) for q in queries]
        load(server.port, bodies[:20], total=40, concurrency=4)  # warm-up
        report["before"] = {"rss_mib": round(server.rss_mib(), 1), "fds": server.fds()}
        one = load(server.port, bodies, total=300, concurrency=1)
        print("concurrency 1:", one.summary())
        cpu = server.process.cpu_times()
        many = load(server.port, bodies, total=args.requests, concurrency=args.concurrency)
        after = server.process.cpu_times()
        cpu_ms = 1000 * (after.user + after.system - cpu.user - cpu.system) / many.requests
        print(f"concurrency {args.concurrency}:", many.summary(), f"server CPU {cpu_ms:.2f} ms/req")
        report["after_load"] = {"rss_mib": round(server.rss_mib(), 1), "fds": server.fds()}
        bursts = []
        for _ in range(args.bursts):
            time.sleep(args.gap)  # longer than anyio's worker-thread idle time (10 s)
            burst = load(server.port, bodies, total=4 * 64, concurrency=64)
            files = [f.path for f in server.process.open_files()]
            bursts.append(
                {"errors": burst.errors, "fds": server.fds(), "db_files": db_files(files, db.name)}
            )
            print("burst:", bursts[-1])
        report["c1"] = {"p50_ms": round(one.ms(50), 1), "p99_ms": round(one.ms(99), 1)}
        report[f"c{args.concurrency}"] = {
            "requests": many.requests,
            "req_s": round(many.requests / many.seconds, 1),
            "p50_ms": round(many.ms(50), 1),
            "p99_ms": round(many.ms(99), 1),
            "errors": many.errors,
            "server_cpu_ms_per_request": round(cpu_ms, 2),
        }
        report["bursts"] = bursts
        report["after"] = {"rss_mib": round(server.rss_mib(), 1), "fds": server.fds()}
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
