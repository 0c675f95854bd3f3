"""Index add speed and query latency, this checkout against another revision, in one run.

The collection is bench_index.py's: 12-22 paragraphs spliced from random Reuters C50 articles
($REDLINE_DATA, research use only; nothing is copied into the repository), about one in four
an edited version of an earlier document. Each side (the revision given by --rev, checked out
into a detached worktree, and this checkout) runs in its own process with its own `src/` first
on the path:

  - `redline index add feed.jsonl --batch 64 --jobs 1` (the real command) into a fresh
    database: documents per second;
  - `Index.query` in-process on that database: p50 / p99 / max latency over --queries texts,
    half new edited versions of an indexed document (the right answer: that document or a
    member of its cluster ranked first), half new splices of random paragraphs (no version
    indexed: how many get an answer, and which verdict);
  - optionally (--cross) this checkout's query on the other side's database, when both use the
    same schema: query speed on identical data, independent of how each side built it.

Sides run one after the other, so on a shared machine the load can differ between them; the
load average is printed with each side, and CPU seconds (of the add processes, of the querying
thread) are given beside wall-clock time: on a loaded machine they say what the work costs.

Usage:
  .venv/bin/python bench/bench_query_ab.py --docs 20000 --rev integ
  .venv/bin/python bench/bench_query_ab.py --docs 100000 --rev integ --queries 1000
  .venv/bin/python bench/bench_query_ab.py --docs 20000 --rev none   # this checkout only
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def probes(n: int, docs: list[dict[str, str]], seed: int = 9) -> list[tuple[str, str | None]]:
    """(text, the indexed document it is a version of, or None for a new splice)."""
    import bench_index as bi

    rng = random.Random(seed)
    articles = bi.load_paragraphs()
    out: list[tuple[str, str | None]] = []
    for i in range(n):
        if i % 2 == 0:
            d = rng.choice(docs)
            out.append(("\n\n".join(bi.edit(d["text"].split("\n\n"), rng)), d["id"]))
        else:
            out.append(("\n\n".join(rng.choice(rng.choice(articles)) for _ in range(8)), None))
    return out


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def load() -> float:
    return round(os.getloadavg()[0], 1)


def child_add(args: argparse.Namespace) -> dict[str, object]:
    """Build the database with the real command; documents per second."""
    db = Path(args.db)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    start, cpu = time.perf_counter(), _children_cpu()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "redline",
            "index",
            "add",
            args.feed,
            "--db",
            str(db),
            "-q",
            "--batch",
            str(args.batch),
            "--jobs",
            str(args.jobs),
        ],
        check=True,
    )
    took, cpu = time.perf_counter() - start, _children_cpu() - cpu
    return {
        "add_s": round(took, 1),
        "add_docs_per_s": round(args.docs / took),
        "add_cpu_s": round(cpu, 1),
        "add_docs_per_cpu_s": round(args.docs / cpu),
        "load": load(),
    }


def _children_cpu() -> float:
    """User + system seconds of finished child processes (and theirs: the signing worker)."""
    use = resource.getrusage(resource.RUSAGE_CHILDREN)
    return use.ru_utime + use.ru_stime


def child_query(args: argparse.Namespace) -> dict[str, object]:
    """Query latency and answers in-process."""
    import bench_index as bi

    from redline.store import Index

    docs = bi.generate(args.docs)
    texts = probes(args.queries, docs)
    lat: list[float] = []
    cpu: list[float] = []
    right = versions = splices_answered = 0
    verdicts: dict[str, int] = {}
    with Index(Path(args.db), create=False) as index:
        for text, _ in texts[:20]:  # warm the page cache and the word-hash cache
            index.query(text)
        for text, source in texts:
            start, own = time.perf_counter(), time.thread_time()
            found = index.query(text)
            lat.append((time.perf_counter() - start) * 1000)
            cpu.append((time.thread_time() - own) * 1000)
            if source is not None:
                versions += 1
                if found:
                    want = index.get(source).cluster
                    top = found[0]
                    right += top.id == source or (want is not None and top.cluster == want)
            elif found:
                splices_answered += 1
                verdicts[found[0].verdict] = verdicts.get(found[0].verdict, 0) + 1
    return {
        "query_ms": {
            "p50": round(pct(lat, 0.5), 1),
            "p99": round(pct(lat, 0.99), 1),
            "max": round(max(lat), 1),
        },
        # CPU time of the querying thread: what a query costs without waiting for a core.
        "query_cpu_ms": {"p50": round(pct(cpu, 0.5), 1), "p99": round(pct(cpu, 0.99), 1)},
        "versions_right_first": f"{right}/{versions}",
        "splices_answered": f"{splices_answered}/{len(texts) - versions}",
        "splice_first_verdicts": verdicts,
        "load": load(),
    }


def run_child(src: Path, step: str, args: argparse.Namespace, db: Path) -> dict[str, object]:
    env = dict(os.environ, PYTHONPATH=f"{src}{os.pathsep}{HERE}")
    cmd = [sys.executable, str(HERE / "bench_query_ab.py"), "--child", step, "--db", str(db)]
    cmd += ["--docs", str(args.docs), "--queries", str(args.queries), "--feed", str(args.feed)]
    cmd += ["--batch", str(args.batch), "--jobs", str(args.jobs)]
    out = subprocess.run(cmd, env=env, check=True, capture_output=True, text=True).stdout
    result: dict[str, object] = json.loads(out.strip().splitlines()[-1])
    return result


def checkout(rev: str, workdir: Path) -> Path:
    """A detached worktree of `rev` (made once, reused)."""
    sha = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short", rev],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    tree = workdir / f"rev-{sha}"
    if not tree.exists():
        subprocess.run(
            ["git", "-C", str(ROOT), "worktree", "add", "--detach", str(tree), sha],
            check=True,
            capture_output=True,
        )
    return tree


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--docs", type=int, default=20_000)
    parser.add_argument("--queries", type=int, default=500)
    parser.add_argument("--rev", default="integ", help="the other side ('none': this one only)")
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--jobs", type=int, default=1, help="signing workers of index add")
    parser.add_argument("--cross", action="store_true", help="also query the other side's db")
    parser.add_argument("--reuse", action="store_true", help="keep databases already built")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/redline-bench-query-ab"))
    parser.add_argument("--child", choices=["add", "query"], help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    parser.add_argument("--feed", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        step = child_add if args.child == "add" else child_query
        print(json.dumps(step(args)))
        return

    import bench_index as bi

    args.workdir.mkdir(parents=True, exist_ok=True)
    args.feed = args.workdir / f"feed-{args.docs}.jsonl"
    if not args.feed.exists():
        with args.feed.open("w", encoding="utf-8") as fh:
            for d in bi.generate(args.docs):
                fh.write(json.dumps(d) + "\n")
    sides = [] if args.rev == "none" else [(args.rev, checkout(args.rev, args.workdir) / "src")]
    sides.append(("this checkout", ROOT / "src"))
    results: dict[str, dict[str, object]] = {}
    dbs: dict[str, Path] = {}
    for name, src in sides:
        db = args.workdir / f"{'rev' if src != ROOT / 'src' else 'this'}-{args.docs}.db"
        dbs[name] = db
        row: dict[str, object] = {}
        if not (args.reuse and db.exists()):
            row.update(run_child(src, "add", args, db))
            print(f"{name}: add {row}", flush=True)
        got = run_child(src, "query", args, db)
        print(f"{name}: query {got}", flush=True)
        row.update({f"q_{k}": v for k, v in got.items()})
        results[name] = row
    if args.cross and len(sides) == 2:
        got = run_child(ROOT / "src", "query", args, dbs[sides[0][0]])
        print(f"this checkout on {sides[0][0]}'s db: query {got}", flush=True)
        results[f"this checkout on {sides[0][0]}'s db"] = got
    print(json.dumps({"docs": args.docs, "queries": args.queries, "sides": results}, indent=2))


if __name__ == "__main__":
    main()
