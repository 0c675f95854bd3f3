"""The Spark engine on local[2] against the local engine, on the same generated collection.

    .venv/bin/pip install -e '.[spark,bench]'
    nice -n 10 .venv/bin/python bench/bench_spark.py run 100000        # generates once
    .venv/bin/python bench/bench_spark.py run 100000 --skip-local      # Spark only

The collection is bench_find_scale.py's "unique" corpus (stories of real C50 and BBC paragraphs
with every fifth token redrawn, a third of them with 1-4 near-copies), written to
$REDLINE_BENCH_DIR (default /tmp/redline-bench/spark), never into the repository.

Each engine runs in its own process tree, sampled every 0.25 s for resident memory: the local
engine (parent and its worker processes) and, for Spark, the Python driver, the JVM (driver and
executor share it in local mode) and the Python UDF workers the JVM starts. Per-stage times
come from each engine's own statistics. Both engines must give the same clusters.jsonl; the
run stops with an error when they do not. Results go to spark_results.jsonl, and the graph
the components ran on (degree histogram, cluster sizes, rounds) to spark_graph-N.json for
bench/sim_spark_scale.py.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

BENCH_DIR = Path(os.environ.get("REDLINE_BENCH_DIR", "/tmp/redline-bench/spark"))
REPO = Path(__file__).resolve().parent.parent
RESULTS = BENCH_DIR / "spark_results.jsonl"
# Driver (and, in local mode, executor) heap. 2g runs out of heap in the band stage at 100k
# documents (OutOfMemoryError, then AGGREGATE_OUT_OF_MEMORY); 4g finishes (docs/benchmarks.md).
DRIVER_MEMORY = os.environ.get("REDLINE_BENCH_SPARK_MEMORY", "4g")


def _corpus(size: int) -> Path:
    os.environ.setdefault("REDLINE_BENCH_DIR", str(BENCH_DIR))
    sys.path.insert(0, str(REPO / "bench"))
    import bench_find_scale as scale

    scale.BENCH_DIR = BENCH_DIR
    path = scale.corpus_path("unique", size)
    if not path.exists():
        scale.generate(size, seed=11, corpus="unique")
    return path


def _sample(proc: Any) -> dict[str, int]:
    """Resident bytes of a process tree, split into driver, JVM and Python workers."""
    import psutil

    out = {"driver": 0, "jvm": 0, "workers": 0}
    try:
        out["driver"] = proc.memory_info().rss
        children = proc.children(recursive=True)
    except psutil.Error:
        return out
    for child in children:
        try:
            name = child.name()
            rss = child.memory_info().rss
        except psutil.Error:
            continue
        out["jvm" if name.startswith("java") else "workers"] += rss
    return out


def _watch(cmd: list[str], log: Path) -> tuple[float, dict[str, int]]:
    """Run `cmd`; wall seconds and the peak of each memory part (and of their sum)."""
    import psutil

    peak = {"driver": 0, "jvm": 0, "workers": 0, "total": 0}
    with log.open("w") as fh:
        t0 = time.perf_counter()
        proc = psutil.Popen(cmd, stdout=fh, stderr=subprocess.STDOUT)
        while proc.poll() is None:
            now = _sample(proc)
            for key, value in now.items():
                peak[key] = max(peak[key], value)
            peak["total"] = max(peak["total"], sum(now.values()))
            time.sleep(0.25)
        seconds = time.perf_counter() - t0
    if proc.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed: see {log}")
    return seconds, peak


def _spark_child(corpus: str, outdir: str, report: str, master: str, partitions: int) -> None:
    """Inside the measured process: one Spark run, its statistics written to `report`."""
    from redline.engines.spark import run, session

    # The UI stays on: its REST API gives the shuffle bytes of every stage. Shuffle
    # partitions 0: the engine picks them from the input size (as a plain `redline find` does).
    spark = session(
        master,
        shuffle_partitions=partitions or None,
        settings={"spark.driver.memory": DRIVER_MEMORY},
    )
    spark.sparkContext.setLogLevel("ERROR")
    started = time.perf_counter()
    result = run([corpus], outdir, spark=spark, graph_stats=True)
    stats = result.stats
    Path(report).write_text(
        json.dumps(
            {
                "engine_seconds": time.perf_counter() - started,
                "timings": stats.timings,
                "documents": stats.documents,
                "candidates": stats.candidates,
                "verified": stats.verified,
                "exact_copies": stats.exact_copies,
                "clusters": stats.clusters,
                "clustered": stats.clustered,
                "rounds": result.rounds,
                "degrees": result.degrees,
                "sizes": result.sizes,
                "shuffle_partitions": partitions or "engine",
                "per_stage": _stage_metrics(spark),
                "spark_stages": _spark_stages(spark),
            }
        )
    )
    spark.stop()


def _stage_metrics(spark: Any) -> dict[str, dict[str, int]]:
    """Shuffle write/read bytes, records and task time per redline stage (the job groups)."""
    from urllib.request import urlopen

    base = f"{spark.sparkContext.uiWebUrl}/api/v1/applications/{spark.sparkContext.applicationId}"
    with urlopen(f"{base}/jobs") as fh:
        jobs = json.load(fh)
    with urlopen(f"{base}/stages?status=complete") as fh:
        stages = {st["stageId"]: st for st in json.load(fh)}
    out: dict[str, dict[str, int]] = {}
    counted: set[int] = set()
    for job in jobs:
        group = job.get("jobGroup") or "other"
        mine = out.setdefault(
            group,
            {
                "shuffle_write_bytes": 0,
                "shuffle_write_records": 0,
                "shuffle_read_bytes": 0,
                "task_seconds": 0,
                "jobs": 0,
            },
        )
        mine["jobs"] += 1
        for sid in job["stageIds"]:
            st = stages.get(sid)
            if st is None or sid in counted:  # skipped (cached) stages ran in an earlier job
                continue
            counted.add(sid)
            mine["shuffle_write_bytes"] += st["shuffleWriteBytes"]
            mine["shuffle_write_records"] += st["shuffleWriteRecords"]
            mine["shuffle_read_bytes"] += st["shuffleReadBytes"]
            mine["task_seconds"] += round(st["executorRunTime"] / 1000)
    return out


def _spark_stages(spark: Any, top: int = 25) -> list[dict[str, Any]]:
    """The Spark stages that ran longest: job group, name, tasks, run/CPU/GC seconds, shuffle."""
    from urllib.request import urlopen

    base = f"{spark.sparkContext.uiWebUrl}/api/v1/applications/{spark.sparkContext.applicationId}"
    with urlopen(f"{base}/jobs") as fh:
        group_of = {
            sid: job.get("jobGroup") or "other" for job in json.load(fh) for sid in job["stageIds"]
        }
    with urlopen(f"{base}/stages?status=complete") as fh:
        stages = json.load(fh)
    rows = [
        {
            "group": group_of.get(st["stageId"], "other"),
            "stage": st["stageId"],
            "name": st["name"].split(" at ")[0],
            "tasks": st["numTasks"],
            "run_s": round(st["executorRunTime"] / 1000, 1),
            "cpu_s": round(st["executorCpuTime"] / 1e9, 1),
            "gc_s": round(st.get("jvmGcTime", 0) / 1000, 1),
            "shuffle_write_mb": round(st["shuffleWriteBytes"] / 2**20, 1),
        }
        for st in stages
    ]
    return sorted(rows, key=lambda r: -r["run_s"])[:top]


def _run(size: int, master: str, skip_local: bool, partitions: int) -> None:
    corpus = _corpus(size)
    python = sys.executable
    record: dict[str, Any] = {
        "docs": size,
        "corpus": str(corpus),
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.node()} {os.cpu_count()} cores",
    }
    local_out = BENCH_DIR / f"out-local-{size}"
    if not skip_local:
        cmd = [str(Path(python).parent / "redline"), "find", str(corpus), "-o", str(local_out)]
        cmd += ["--no-report", "--jobs", "2"]
        seconds, peak = _watch(cmd, BENCH_DIR / f"log-local-{size}.txt")
        record["local"] = {
            "command": " ".join(cmd),
            "seconds": round(seconds, 1),
            "peak_rss_mb": {k: round(v / 2**20) for k, v in peak.items()},
            "summary": (BENCH_DIR / f"log-local-{size}.txt").read_text().splitlines()[:4],
        }
        print("local", record["local"], flush=True)
    spark_out = BENCH_DIR / f"out-spark-{size}"
    report = BENCH_DIR / f"spark-stats-{size}.json"
    cmd = [python, __file__, "_spark", str(corpus), str(spark_out), str(report), master]
    cmd += [str(partitions)]
    seconds, peak = _watch(cmd, BENCH_DIR / f"log-spark-{size}.txt")
    stats = json.loads(report.read_text())
    record["spark"] = {
        "command": " ".join(cmd),
        "master": master,
        "seconds": round(seconds, 1),
        "peak_rss_mb": {k: round(v / 2**20) for k, v in peak.items()},
        **{k: v for k, v in stats.items() if k not in ("degrees", "sizes", "spark_stages")},
    }
    record["load_avg_1m_at_end"] = round(os.getloadavg()[0], 2)
    (BENCH_DIR / f"spark_stages-{size}.json").write_text(
        json.dumps(stats["spark_stages"], indent=1)
    )
    graph = BENCH_DIR / f"spark_graph-{size}.json"
    graph.write_text(
        json.dumps({"docs": size, **{k: stats[k] for k in ("degrees", "sizes", "rounds")}})
    )
    if not skip_local:
        same = (local_out / "clusters.jsonl").read_bytes() == (
            spark_out / "clusters.jsonl"
        ).read_bytes()
        record["same_clusters_jsonl"] = same
        if not same:
            sys.exit(f"the engines disagree: compare {local_out} and {spark_out}")
    with RESULTS.open("a") as fh:
        fh.write(json.dumps(record) + "\n")
    print(json.dumps(record, indent=1))
    print(f"graph for the simulation: {graph}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("run")
    r.add_argument("size", type=int)
    r.add_argument("--master", default="local[2]")
    r.add_argument("--skip-local", action="store_true")
    r.add_argument(
        "--shuffle-partitions", type=int, default=0, help="default: the engine picks them"
    )
    c = sub.add_parser("_spark")  # the measured child process
    c.add_argument("corpus")
    c.add_argument("outdir")
    c.add_argument("report")
    c.add_argument("master")
    c.add_argument("partitions", type=int)
    args = ap.parse_args()
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    if args.cmd == "run":
        _run(args.size, args.master, args.skip_local, args.shuffle_partitions)
    else:
        _spark_child(args.corpus, args.outdir, args.report, args.master, args.partitions)


if __name__ == "__main__":
    main()
