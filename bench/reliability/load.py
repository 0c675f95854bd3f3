"""A bounded HTTP load generator for loopback: N requests over C keep-alive connections.

Plain asyncio streams and pre-encoded requests, so the client spends little CPU per request
and the server (on the same few cores) is what is measured. Loopback only: the host is fixed.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from reliability.common import percentile

HOST = "127.0.0.1"


@dataclass
class LoadResult:
    """What a load run saw: latencies of answered requests, and everything that went wrong."""

    requests: int
    concurrency: int
    seconds: float
    latencies: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    failures: Counter[str] = field(default_factory=Counter)

    @property
    def errors(self) -> int:
        """Requests without a 200 answer (other statuses, resets, timeouts)."""
        bad = sum(n for status, n in self.statuses.items() if status != 200)
        return bad + sum(self.failures.values())

    def ms(self, q: float) -> float:
        """The q-th percentile latency, milliseconds."""
        return 1000 * percentile(self.latencies, q) if self.latencies else float("nan")

    def summary(self) -> str:
        """One line: throughput, p50/p99, errors."""
        rate = self.requests / self.seconds if self.seconds else 0.0
        what = dict(self.statuses) | dict(self.failures)
        return (
            f"{self.requests} requests at concurrency {self.concurrency}: {rate:.0f} req/s,"
            f" p50 {self.ms(50):.1f} ms, p99 {self.ms(99):.1f} ms, errors {self.errors}"
            f" ({', '.join(f'{k}: {v}' for k, v in sorted(what.items(), key=str))})"
        )


def post_json(port: int, path: str, body: object) -> bytes:
    """An HTTP/1.1 keep-alive POST with a JSON body, as bytes."""
    data = json.dumps(body).encode()
    head = (
        f"POST {path} HTTP/1.1\r\nHost: {HOST}:{port}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(data)}\r\n\r\n"
    )
    return head.encode() + data


async def _exchange(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes
) -> tuple[int, bool]:
    """Send one request, read its answer; (status, whether the server closes)."""
    writer.write(request)
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    length, closes, chunked = 0, False, False
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        name = name.strip().lower()
        if name == b"content-length":
            length = int(value)
        elif name == b"connection":
            closes = value.strip().lower() == b"close"
        elif name == b"transfer-encoding":
            chunked = b"chunked" in value.lower()
    if chunked:
        while True:
            size = int((await reader.readuntil(b"\r\n")).strip(), 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    else:
        await reader.readexactly(length)
    return status, closes


async def _run(
    port: int, requests: Sequence[bytes], total: int, concurrency: int, timeout: float
) -> LoadResult:
    result = LoadResult(total, concurrency, 0.0)
    next_index = iter(range(total))

    async def worker() -> None:
        conn: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None
        for i in next_index:
            started = time.perf_counter()
            try:
                if conn is None:
                    conn = await asyncio.wait_for(asyncio.open_connection(HOST, port), timeout)
                status, closes = await asyncio.wait_for(
                    _exchange(*conn, requests[i % len(requests)]), timeout
                )
            except TimeoutError:
                result.failures["timeout"] += 1
            except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError) as exc:
                result.failures[type(exc).__name__] += 1
            else:
                result.latencies.append(time.perf_counter() - started)
                result.statuses[status] += 1
                if not closes:
                    continue
            if conn is not None:
                conn[1].close()
                conn = None
        if conn is not None:
            conn[1].close()

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    result.seconds = time.perf_counter() - started
    return result


def load(
    port: int,
    requests: Sequence[bytes],
    *,
    total: int,
    concurrency: int,
    timeout: float = 60.0,
) -> LoadResult:
    """Send `total` requests (cycling through `requests`) over `concurrency` connections."""
    return asyncio.run(_run(port, requests, total, concurrency, timeout))
