"""Helpers shared by the reliability cases: the CLI, a server on loopback, invented texts."""

from __future__ import annotations

import contextlib
import os
import random
import resource
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import httpx
import psutil

QUICK_ENV = "REDLINE_RELIABILITY_QUICK"
REDLINE = Path(sys.executable).with_name("redline")

# Invented vocabulary: the cases never use real corpora, so they run anywhere.
_WORDS = (  # noqa: SIM905  (a word list reads better as prose)
    "harbour council ferry bridge tender inspector budget mayor river quay storm lantern"
    " festival library archive museum market orchard valley tramway signal engineer surveyor"
    " committee ballot pension clinic school teacher parent student minister report survey"
    " winter summer autumn spring morning evening station platform carriage timber copper"
).split()


def quick() -> bool:
    """True under `--quick` (fewer iterations)."""
    return os.environ.get(QUICK_ENV) == "1"


def iterations(full: int, fast: int) -> int:
    """`full` iterations in a full campaign, `fast` under --quick."""
    return fast if quick() else full


def sentence(rng: random.Random, words: int = 12) -> str:
    """An invented sentence."""
    body = " ".join(rng.choice(_WORDS) for _ in range(words))
    return body[0].upper() + body[1:] + "."


def article(seed: int, sentences: int = 24) -> str:
    """An invented article of a few paragraphs."""
    rng = random.Random(seed)
    paras = [
        " ".join(sentence(rng, rng.randint(8, 18)) for _ in range(4))
        for _ in range(0, sentences, 4)
    ]
    return "\n\n".join(paras) + "\n"


def version(text: str, seed: int) -> str:
    """A later version of `text`: a few words changed, a sentence added."""
    rng = random.Random(seed)
    words = text.split(" ")
    for _ in range(max(1, len(words) // 40)):
        words[rng.randrange(len(words))] = rng.choice(_WORDS)
    return " ".join(words) + " " + sentence(rng) + "\n"


def write_corpus(folder: Path, stories: int, versions: int = 3, seed: int = 0) -> list[Path]:
    """`stories` invented articles with `versions` versions each, as .txt files."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for s in range(stories):
        text = article(seed * 10_000 + s)
        for v in range(versions):
            path = folder / f"s{s:04d}v{v}.txt"
            path.write_text(text if v == 0 else version(text, seed + s * 31 + v))
            paths.append(path)
    return paths


@dataclass(frozen=True)
class Result:
    """What a CLI run did."""

    code: int
    out: str
    err: str


def redline(
    *args: str | os.PathLike[str],
    cwd: Path | None = None,
    timeout: float = 300,
    env: dict[str, str] | None = None,
    stdin: bytes | None = None,
) -> Result:
    """Run the installed `redline` CLI; raises AssertionError when it runs past `timeout`."""
    try:
        done = subprocess.run(
            [str(REDLINE), *map(str, args)],
            cwd=cwd,
            capture_output=True,
            timeout=timeout,
            env={**os.environ, **(env or {})},
            input=stdin,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise AssertionError(f"redline {' '.join(map(str, args))} ran past {timeout} s") from exc
    return Result(
        done.returncode,
        done.stdout.decode("utf-8", "replace"),
        done.stderr.decode("utf-8", "replace"),
    )


def one_line_error(result: Result) -> str:
    """The error a failed run printed, asserting it is a message and not a traceback."""
    assert result.code != 0, f"exit 0, expected a failure; stderr: {result.err[-500:]}"
    assert "Traceback" not in result.err, f"a traceback instead of a message:\n{result.err[-2000:]}"
    lines = [line for line in result.err.splitlines() if line.strip()]
    assert lines, f"exit {result.code} with nothing said on stderr"
    return lines[-1]


def free_port() -> int:
    """A TCP port free on loopback right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass
class Server:
    """`redline serve` running in a child process on loopback."""

    url: str
    port: int
    proc: subprocess.Popen[bytes]
    log: Path

    @property
    def process(self) -> psutil.Process:
        """The server process (the `redline` entry point execs Python directly)."""
        return psutil.Process(self.proc.pid)

    def rss_mib(self) -> float:
        """Resident memory of the server, MiB."""
        return float(self.process.memory_info().rss) / 2**20

    def fds(self) -> int:
        """Open file descriptors of the server."""
        return int(self.process.num_fds())


# Runs the CLI from another source tree (a baseline checkout of src/), whatever is installed.
_FROM_SOURCE = """
import sys
sys.path.insert(0, sys.argv.pop(1))
import redline
assert redline.__file__.startswith(sys.path[0]), redline.__file__
from redline.cli import main
main(sys.argv[1:])
"""


@contextlib.contextmanager
def serve(
    db: Path,
    *args: str,
    env: dict[str, str] | None = None,
    start_timeout: float = 60,
    src: Path | None = None,
) -> Iterator[Server]:
    """`redline serve --db DB` on a free loopback port until the block ends.

    `src` runs the server from that source folder (for a baseline) instead of the installed one.
    """
    port = free_port()
    log = db.with_name(f"{db.name}.serve-{port}.log")
    cli = [str(REDLINE)] if src is None else [sys.executable, "-c", _FROM_SOURCE, str(src)]
    with log.open("wb") as sink:
        proc = subprocess.Popen(
            [*cli, "serve", "--db", str(db), "--port", str(port), *args],
            stdout=sink,
            stderr=subprocess.STDOUT,
            env={**os.environ, **(env or {})},
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + start_timeout
        while True:
            with contextlib.suppress(httpx.TransportError):
                if httpx.get(f"{url}/health", timeout=2).status_code < 500:
                    break
            if proc.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"redline serve did not start: {log.read_text()[-1000:]}")
            time.sleep(0.1)
        yield Server(url, port, proc, log)
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def peak_rss_mib() -> float:
    """Peak resident memory of this process and of every child it waited for, MiB."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024  # ru_maxrss is in KiB on Linux


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100) of `values`, nearest rank."""
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]
