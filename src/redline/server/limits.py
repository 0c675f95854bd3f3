"""Request limits (size, time), the write policy, and headers every response carries."""

from __future__ import annotations

import asyncio
import ipaddress
import json
from dataclasses import dataclass

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from redline.errors import ConfigError

MiB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Limits:
    """How much a client may send (a whole request body, one document's text), and how slowly:
    a request body must keep arriving, each part within `body_timeout` seconds."""

    max_body_bytes: int = 8 * MiB
    max_document_bytes: int = 2 * MiB
    body_timeout: float = 30.0

    def __post_init__(self) -> None:
        if self.max_body_bytes < 1024 or self.max_document_bytes < 1:
            raise ConfigError(
                f"max_body_bytes must be >= 1024 and max_document_bytes >= 1, got"
                f" {self.max_body_bytes} and {self.max_document_bytes}"
            )
        if not self.body_timeout > 0:
            raise ConfigError(f"body_timeout must be > 0 seconds, got {self.body_timeout}")


def is_loopback(host: str) -> bool:
    """True when `host` only accepts connections from this machine."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a host name: it may resolve to anything, so treat it as public


LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1", "[::1]")


def allowed_hosts(host: str) -> list[str] | None:
    """Host headers a server bound to `host` answers: loopback names only on loopback."""
    if is_loopback(host):
        return list(dict.fromkeys([*LOOPBACK_NAMES, host]))
    return None


def writes_allowed(host: str, token: str | None) -> bool:
    """Writes need a token on any address other people can reach."""
    return token is not None or is_loopback(host)


def human_bytes(n: int) -> str:
    """1536 -> "1.5 KiB"."""
    size = float(n)
    for unit in ("bytes", "KiB", "MiB"):
        if size < 1024 or unit == "MiB":
            return f"{size:.0f} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} MiB"  # pragma: no cover - the loop always returns


class BodyLimit:
    """ASGI middleware: refuse a request body over `max_bytes` with 413 before the app sees it,
    and one that stops arriving for `timeout` seconds with 408.

    The body is read in full (up to the limit) and replayed to the app, so a chunked upload
    with no Content-Length is cut off as surely as one that declares its size, and a client
    that declares a body and never sends it holds no worker.
    """

    def __init__(self, app: ASGIApp, max_bytes: int, timeout: float = 30.0) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.timeout = timeout

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await self._refuse(send, int(declared))
            return
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            try:
                message = await asyncio.wait_for(receive(), self.timeout)
            except TimeoutError:
                await self._timed_out(send, size)
                return
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                await self._refuse(send, None)
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        body = b"".join(chunks)
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _refuse(self, send: Send, declared: int | None) -> None:
        size = f" of {human_bytes(declared)}" if declared is not None else ""
        await _close_with(
            send,
            413,
            "Request body too large",
            f"the request body{size} is over the limit of {human_bytes(self.max_bytes)}; send"
            " a smaller document or start the server with a larger --max-body",
        )

    async def _timed_out(self, send: Send, received: int) -> None:
        await _close_with(
            send,
            408,
            "Request body too slow",
            f"the request body stopped arriving ({human_bytes(received)} received, nothing"
            f" more for {self.timeout:g} s); send the whole body at once",
        )


async def _close_with(send: Send, status: int, title: str, detail: str) -> None:
    """Answer with a problem and close the connection (the rest of the body is not read)."""
    payload = json.dumps(
        {"type": "about:blank", "title": title, "status": status, "detail": detail}
    ).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/problem+json"),
                (b"content-length", str(len(payload)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": payload})


class NoSniff:
    """ASGI middleware: every response says `X-Content-Type-Options: nosniff`, so a browser
    never reads a JSON answer (which may quote submitted text) as HTML or script."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_header(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [
                    (k, v)
                    for k, v in message.get("headers", [])
                    if k.lower() != b"x-content-type-options"
                ]
                headers.append((b"x-content-type-options", b"nosniff"))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_header)
