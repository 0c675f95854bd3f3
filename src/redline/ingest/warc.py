"""Web archives: WARC response records holding HTML or text, and WET conversion records.

A document's id is its target URI and capture date (`URI DATE`), so two captures of one page
are two documents, the versions `redline find` is meant to relate. Requests, metadata and
revisit records describe documents without holding one and are passed over silently; responses
with other content (scripts, images) or a non-2xx status are counted as "not a document", which
--strict does not stop on: they are what a crawl holds besides pages, not broken input.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO

from redline.ingest.files import Format
from redline.ingest.limits import DEFAULT_MAX_BYTES
from redline.ingest.records import NOT_A_DOCUMENT, Item, Raw, Skip
from redline.models import Document

_TEXT_TYPES = ("text/html", "application/xhtml+xml", "text/plain")


def _content_type(record: object) -> str:
    http_type = getattr(record, "http_content_type", None)
    if http_type:
        return str(http_type).lower()
    headers = getattr(record, "headers", None)
    value = headers.get("Content-Type") if headers is not None else None
    return str(value or "").lower()


def _too_large(size: int, max_bytes: int) -> str:
    return f"a record of {size:,} bytes, over the limit of {max_bytes:,}; pass --max-bytes"


def read_warc(
    stream: IO[bytes], source: str, *, max_bytes: int = DEFAULT_MAX_BYTES
) -> Iterator[Item]:
    """Documents from a WARC, WARC.gz or WET file.

    A malformed record ends the file: WARC has no resync marker a reader could trust, so the
    rest of the file is reported as one skip with the byte offset where reading stopped. A
    record body over `max_bytes` (inflated) is skipped as "too large" after reading at most
    `max_bytes + 1` bytes of it; the reader passes over the rest in a stream.
    """
    # Imported here so that the command line starts without loading the WARC reader.
    from fastwarc.warc import ArchiveIterator, WarcRecordType  # noqa: PLC0415

    wanted = WarcRecordType.response | WarcRecordType.conversion
    records = ArchiveIterator(stream, record_types=wanted, parse_http=True)
    position = 0
    seen = 0
    while True:
        try:
            record = next(records)
        except StopIteration:
            if not seen:
                # A header-only WARC (warcinfo, requests, metadata) is not silently nothing.
                yield Skip(
                    source,
                    "empty",
                    "a web archive with no response or conversion record (only a header or"
                    " metadata): no documents",
                )
            return
        except (OSError, ValueError) as exc:
            yield Skip(
                source,
                "broken WARC record",
                f"{exc} after byte {position}; the rest of the file was not read",
                position,
            )
            return
        seen += 1
        position = int(record.stream_pos)
        uri = record.headers.get("WARC-Target-URI") or ""
        date = record.headers.get("WARC-Date") or None
        if date == "null":  # some archives write the string "null" for an unknown date
            date = None
        doc_id = f"{uri} {date}" if date else uri or f"{source}@{position}"
        declared = int(record.content_length or 0)
        if declared > max_bytes:
            yield Skip(doc_id, "too large", _too_large(declared, max_bytes))
            continue
        try:
            # Bounded even when Content-Length understates the body.
            body = record.reader.read(max_bytes + 1)
        except (OSError, ValueError) as exc:
            yield Skip(doc_id, "broken WARC record", f"cannot read the record body ({exc})")
            continue
        if len(body) > max_bytes:
            yield Skip(doc_id, "too large", _too_large(len(body), max_bytes))
            continue
        expected = int(record.content_length or 0)
        if len(body) < expected:
            yield Skip(
                doc_id,
                "broken WARC record",
                f"truncated: {len(body):,} of {expected:,} bytes at byte {position} of {source}",
            )
            continue
        ctype = _content_type(record)
        if record.record_type == WarcRecordType.conversion:
            text = body.decode("utf-8", errors="replace")
            yield Document(id=doc_id, text=text, url=uri or None, date=date)
            continue
        status = record.http_headers.status_code if record.is_http and record.http_headers else 0
        status = status or 200  # no HTTP envelope (some archives store the bare page)
        if not 200 <= status < 300:
            yield Skip(doc_id, NOT_A_DOCUMENT, f"HTTP status {status}")
            continue
        if not ctype.startswith(_TEXT_TYPES):
            yield Skip(doc_id, NOT_A_DOCUMENT, f"content type {ctype or 'unknown'!r} is not text")
            continue
        fmt: Format = "text" if ctype.startswith("text/plain") else "html"
        yield Raw(id=doc_id, data=body, fmt=fmt, url=uri or None, date=date)
