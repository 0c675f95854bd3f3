"""Text that cannot be written as UTF-8, made writable without losing the record.

A POSIX file name is bytes: Python hands undecodable ones (0xFF) over as lone surrogates
(`surrogateescape`), and JSON can spell a lone surrogate (`"\\ud83d"`). Neither can be encoded
as UTF-8, so SQLite, JSON output and the terminal would fail on them.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re

log = logging.getLogger("redline.ingest")

# Any surrogate left in a Python str is a lone one: JSON and UTF-8 decoding pair the rest.
_SURROGATE = re.compile("[\ud800-\udfff]")
REPLACEMENT = "\ufffd"


def display_name(name: str) -> str:
    """A file name or path as an id: undecodable bytes shown as U+FFFD.

    Two names that differ only in undecodable bytes would then look alike, so such a name also
    gets `~` and 6 hex digits of a digest of its bytes: the id is stable across runs and unique.
    """
    if not _SURROGATE.search(name):
        return name
    raw = os.fsencode(name)
    shown = raw.decode("utf-8", "replace")
    return f"{shown}~{hashlib.blake2b(raw, digest_size=3).hexdigest()}"


def writable(text: str) -> tuple[str, int]:
    """`text` with each lone surrogate replaced by U+FFFD, and how many were replaced."""
    if not _SURROGATE.search(text):
        return text, 0
    return _SURROGATE.subn(REPLACEMENT, text)
