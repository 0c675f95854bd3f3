"""Start-up cost: `import redline`, `redline --version` and `redline --help`, median of N runs.

Each command runs in a fresh process (wall clock, what a user waits for), and the modules
`import redline` loads are listed so a heavy import shows up by name.

    nice -n 10 .venv/bin/python bench/bench_startup.py [--runs 10]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

BIN = Path(sys.executable).parent
HEAVY = ("numpy", "pyarrow", "rapidfuzz", "jinja2", "rich", "redline.store", "fastapi")
COMMANDS = {
    "import redline": [sys.executable, "-c", "import redline"],
    "redline --version": [str(BIN / "redline"), "--version"],
    "redline --help": [str(BIN / "redline"), "--help"],
}


def median_seconds(command: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    for name, command in COMMANDS.items():
        print(f"{name:<20} median of {args.runs}: {median_seconds(command, args.runs):.3f} s")
    probe = "import sys, redline; print(' '.join(sorted(sys.modules)))"
    loaded = set(
        subprocess.run(
            [sys.executable, "-c", probe], check=True, capture_output=True, text=True
        ).stdout.split()
    )
    heavy = [m for m in HEAVY if m in loaded]
    print(f"import redline loads {len(loaded)} modules; heavy ones: {', '.join(heavy) or 'none'}")


if __name__ == "__main__":
    main()
