"""The reliability campaign: run every case of bench/reliability/ and write docs/reliability.md.

Each case (`case_<name>(workdir) -> str` in `bench/reliability/cases_*.py`; see that package's
docstring) runs in a fresh child process with an empty work folder, so its peak memory (the
child and every process it waited for) and its wall time are its own. A case passes when it
returns; an AssertionError (or any other exception, or running past --timeout) fails it.

Usage:
  .venv/bin/python bench/bench_reliability.py                 # everything, writes the table
  .venv/bin/python bench/bench_reliability.py --quick         # fewer iterations per case
  .venv/bin/python bench/bench_reliability.py --only server   # cases whose name matches
  .venv/bin/python bench/bench_reliability.py --list

--only takes a substring or a shell pattern matched against "module.case" (e.g.
"cases_store.*sigkill*"). A run with --only or --quick prints the table but writes
docs/reliability.md only with --out.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import fnmatch
import importlib
import inspect
import json
import os
import platform
import shlex
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from reliability.common import QUICK_ENV, peak_rss_mib  # noqa: E402

Case = Callable[[Path], str]
DEFAULT_OUT = ROOT / "docs" / "reliability.md"


@dataclass
class Row:
    """One case's line in the table."""

    name: str
    description: str
    passed: bool
    outcome: str
    seconds: float
    peak_mib: float | None


def discover() -> list[tuple[str, str]]:
    """("cases_x", "case_y") for every case, in module then source order."""
    found = []
    for path in sorted((HERE / "reliability").glob("cases_*.py")):
        module = importlib.import_module(f"reliability.{path.stem}")
        cases = [
            (fn.__code__.co_firstlineno, name)
            for name, fn in vars(module).items()
            if name.startswith("case_")
            and inspect.isfunction(fn)
            and fn.__module__ == module.__name__
        ]
        found.extend((path.stem, name) for _, name in sorted(cases))
    return found


def selected(cases: list[tuple[str, str]], pattern: str | None) -> list[tuple[str, str]]:
    """The cases whose "module.case" name matches `pattern` (substring or shell pattern)."""
    if not pattern:
        return cases
    return [
        (m, c) for m, c in cases if pattern in f"{m}.{c}" or fnmatch.fnmatch(f"{m}.{c}", pattern)
    ]


def describe(module: str, case: str) -> str:
    """The first line of a case's docstring."""
    fn = getattr(importlib.import_module(f"reliability.{module}"), case)
    doc = inspect.getdoc(fn) or ""
    return doc.splitlines()[0] if doc else ""


def child(module: str, case: str, workdir: Path) -> int:
    """Run one case in this process; print its result as one JSON line on the last line."""
    fn: Case = getattr(importlib.import_module(f"reliability.{module}"), case)
    started = time.perf_counter()
    try:
        outcome = fn(workdir)
        passed = True
    except AssertionError as exc:
        outcome, passed = f"FAILED: {exc}".replace("\n", " "), False
    except Exception as exc:  # any crash of a case is its failure, reported
        traceback.print_exc()
        outcome, passed = f"ERROR: {type(exc).__name__}: {exc}".replace("\n", " "), False
    seconds = time.perf_counter() - started
    result = {"passed": passed, "outcome": outcome, "seconds": seconds, "peak_mib": peak_rss_mib()}
    print("\n" + json.dumps(result), flush=True)
    return 0


def run_case(module: str, case: str, *, quick: bool, timeout: float, keep: bool) -> Row:
    """One case in a fresh child process with a fresh work folder."""
    name = f"{module}.{case}"
    description = describe(module, case)
    tmp = Path(tempfile.mkdtemp(prefix=f"redline-rel-{case}-"))
    env = {**os.environ, QUICK_ENV: "1" if quick else "0"}
    started = time.perf_counter()
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", name, "--workdir", str(tmp)]
    try:
        done = subprocess.run(cmd, capture_output=True, env=env, timeout=timeout, check=False)
        lines = done.stdout.decode("utf-8", "replace").strip().splitlines()
        try:
            result = json.loads(lines[-1])
        except (IndexError, json.JSONDecodeError):
            err = done.stderr.decode("utf-8", "replace").strip().splitlines()
            result = {
                "passed": False,
                "outcome": f"ERROR: the case process exited {done.returncode}: "
                + (err[-1] if err else "no output"),
                "seconds": time.perf_counter() - started,
                "peak_mib": None,
            }
        if not result["passed"]:
            sys.stderr.write(done.stderr.decode("utf-8", "replace")[-4000:])
    except subprocess.TimeoutExpired:
        result = {
            "passed": False,
            "outcome": f"FAILED: ran past the campaign's timeout of {timeout:.0f} s",
            "seconds": time.perf_counter() - started,
            "peak_mib": None,
        }
    finally:
        if not keep:
            subprocess.run(["chmod", "-R", "u+rwx", str(tmp)], check=False, capture_output=True)
            subprocess.run(["rm", "-rf", str(tmp)], check=False)
    return Row(
        name,
        description,
        bool(result["passed"]),
        # The work folder's name changes each run; the table reads better without it.
        str(result["outcome"]).replace(str(tmp), "WORKDIR"),
        float(result["seconds"]),
        None if result["peak_mib"] is None else float(result["peak_mib"]),
    )


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def table(rows: list[Row]) -> str:
    """The Markdown table of the campaign."""
    lines = [
        "| case | what | outcome | time | peak memory |",
        "|---|---|---|---:|---:|",
    ]
    for r in rows:
        mark = "pass" if r.passed else "**FAIL**"
        peak = "" if r.peak_mib is None else f"{r.peak_mib:.0f} MiB"
        name = r.name.removeprefix("cases_").replace(".case_", ".")
        lines.append(
            f"| `{name}` | {_cell(r.description)} | {mark}:"
            f" {_cell(r.outcome)} | {r.seconds:.1f} s | {peak} |"
        )
    return "\n".join(lines)


def document(rows: list[Row], command: str) -> str:
    """docs/reliability.md."""
    passed = sum(r.passed for r in rows)
    when = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    commit = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    cores = os.cpu_count()
    return f"""# Reliability campaign

What redline does under hostile input, faults and bounded load (issue 11): every case below ran
in its own process with a fresh work folder; "peak memory" is the peak resident size of that
process and of every process it started (the CLI, a server), "time" its wall time. Cases use
invented texts only and reach nothing beyond loopback.

Produced by `{command}` on {when}, at commit {commit}, on a shared {cores}-core Linux machine
(Python {platform.python_version()}). {passed} of {len(rows)} cases passed.

{table(rows)}

The cases are in `bench/reliability/cases_*.py`; each one's docstring says what it does and
what it asserts. Re-run one with `--only NAME`; `--quick` runs fewer iterations.
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="Run the cases whose module.case name matches.")
    parser.add_argument("--quick", action="store_true", help="Fewer iterations per case.")
    parser.add_argument("--list", action="store_true", help="List the cases and exit.")
    parser.add_argument("--timeout", type=float, default=900, help="Seconds per case.")
    parser.add_argument("--out", type=Path, help=f"Where to write the table [{DEFAULT_OUT}].")
    parser.add_argument("--keep", action="store_true", help="Keep the work folders.")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--workdir", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        module, case = args.child.split(".", 1)
        return child(module, case, args.workdir)
    cases = selected(discover(), args.only)
    if args.list:
        for m, c in cases:
            print(f"{m}.{c}: {describe(m, c)}")
        return 0
    if not cases:
        print(f"no case matches {args.only!r}; see --list", file=sys.stderr)
        return 2
    rows = []
    for module, case in cases:
        print(f"{module}.{case} ...", end=" ", flush=True, file=sys.stderr)
        row = run_case(module, case, quick=args.quick, timeout=args.timeout, keep=args.keep)
        rows.append(row)
        mark = "pass" if row.passed else "FAIL"
        print(f"{mark} ({row.seconds:.1f} s): {row.outcome}", file=sys.stderr, flush=True)
    print(table(rows))
    out = args.out or (None if args.only or args.quick else DEFAULT_OUT)
    if out is not None:
        command = shlex.join([".venv/bin/python", "bench/bench_reliability.py", *sys.argv[1:]])
        with contextlib.suppress(ValueError):
            command = command.replace(str(ROOT) + "/", "")
        out.write_text(document(rows, command))
        print(f"wrote {out}", file=sys.stderr)
    return 0 if all(r.passed for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
