"""Request-size limits and the write policy of the HTTP service."""

from __future__ import annotations

import ipaddress
import json
from dataclasses import dataclass

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from redline.errors import ConfigError

MiB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Limits:
    """How much a client may send: a whole request body, and one document's text."""

    max_body_bytes: int = 8 * MiB
    max_document_bytes: int = 2 * MiB

    def __post_init__(self) -> None:
        if self.max_body_bytes < 1024 or self.max_document_bytes < 1:
            raise ConfigError(
                f"max_body_bytes must be >= 1024 and max_document_bytes >= 1, got"
                f" {self.max_body_bytes} and {self.max_document_bytes}"
            )


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
    """ASGI middleware: refuse a request body over `max_bytes` with 413 before the app sees it.

    The body is read in full (up to the limit) and replayed to the app, so a chunked upload
    with no Content-Length is cut off as surely as one that declares its size.
    """

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

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
            message = await receive()
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
        payload = json.dumps(
            {
                "type": "about:blank",
                "title": "Request body too large",
                "status": 413,
                "detail": f"the request body{size} is over the limit of"
                f" {human_bytes(self.max_bytes)}; send a smaller document or start the server"
                " with a larger --max-body",
            }
        ).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/problem+json"),
                    (b"content-length", str(len(payload)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": payload})
