"""Fetch one page by URL for `redline diff URL URL`: bounded in size and time, http(s) only.

The standard library's client is enough for one page at a time; what it must not do is hang
on a slow server or hold a huge response, so reads stop at `max_bytes` and every socket
operation has a timeout.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from email.message import Message
from urllib.parse import urlsplit

from redline.errors import InputError, TooLargeError

DEFAULT_TIMEOUT = 20.0
_CHUNK = 64 * 1024
_USER_AGENT = "redline (+https://pypi.org/project/redline/)"


def is_url(text: str) -> bool:
    """True for an http:// or https:// address."""
    return urlsplit(text).scheme.lower() in ("http", "https") and "://" in text


def fetch(url: str, *, max_bytes: int, timeout: float = DEFAULT_TIMEOUT) -> tuple[bytes, Message]:
    """The body of a page and its response headers.

    Raises:
        InputError: the address cannot be fetched (the message says why and what to do).
        TooLargeError: the page is larger than `max_bytes`.
    """
    request = urllib.request.Request(url, headers={"User-Agent": _USER_AGENT})  # noqa: S310 - is_url checked the scheme
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            declared = response.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > max_bytes:
                raise _too_large(url, max_bytes)
            body = bytearray()
            while chunk := response.read(_CHUNK):
                body += chunk
                if len(body) > max_bytes:
                    raise _too_large(url, max_bytes)
            return bytes(body), response.headers
    except urllib.error.HTTPError as exc:
        raise InputError(
            url, f"the server answered {exc.code} {exc.reason}; check the address"
        ) from exc
    except urllib.error.URLError as exc:
        raise InputError(
            url,
            f"cannot fetch it ({exc.reason}); check the address, or save the page and pass"
            " the file",
        ) from exc
    except TimeoutError as exc:
        raise InputError(
            url, f"no answer within {timeout:g} s; try again, or save the page and pass the file"
        ) from exc


def _too_large(url: str, max_bytes: int) -> TooLargeError:
    return TooLargeError(
        url, f"larger than the limit of {max_bytes:,} bytes; pass --max-bytes to raise it"
    )
