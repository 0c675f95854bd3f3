"""JSON Lines collections: one document per line, fields named by the user."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import IO, Any, cast

from redline.errors import ConfigError
from redline.ingest.limits import DEFAULT_MAX_BYTES
from redline.ingest.names import log, writable
from redline.ingest.records import Item, Skip
from redline.models import Document


@dataclass(frozen=True, slots=True)
class Fields:
    """Which record fields hold the id, text and metadata (JSONL, CSV and Parquet)."""

    id: str = "id"
    text: str = "text"
    title: str | None = "title"
    url: str | None = "url"
    date: str | None = "date"

    def __post_init__(self) -> None:
        if not self.text or not self.id:
            raise ConfigError("--id-field and --text-field must name a field; got an empty name")

    def columns(self) -> list[str]:
        """All field names in use, text first."""
        names = [self.text, self.id, self.title, self.url, self.date]
        return list(dict.fromkeys(n for n in names if n))


def _scalar(value: Any) -> str | None:
    if value is None or value == "":
        return None
    return str(value)


def _keys(record: Mapping[str, Any], most: int = 8) -> str:
    """The record's field names, for a message that says which one to pass."""
    names = [repr(str(k)) for k in list(record)[: most + 1]]
    if not names:
        return "no fields"
    shown = ", ".join(names[:most])
    return f"fields {shown}, …" if len(names) > most else f"fields {shown}"


def record_to_item(record: Mapping[str, Any], fields: Fields, source: str, position: int) -> Item:
    """A Document from one record, or a Skip naming the missing or wrong field."""
    text = record.get(fields.text)
    if not isinstance(text, str):
        what = "is missing" if text is None else f"is a {type(text).__name__}, not a string"
        return Skip(
            source,
            "missing field",
            f"text field {fields.text!r} {what} (the record has {_keys(record)});"
            " pass --text-field to name the right one",
            position,
        )
    if not text.strip():
        return Skip(source, "empty", "the text field holds only whitespace", position)
    doc_id = _scalar(record.get(fields.id)) or f"{source}:{position}"
    replaced = 0

    def clean(value: str | None) -> str | None:
        nonlocal replaced
        if value is None:
            return None
        value, count = writable(value)
        replaced += count
        return value

    doc = Document(
        id=clean(doc_id) or doc_id,
        text=clean(text) or text,
        title=clean(_scalar(record.get(fields.title)) if fields.title else None),
        url=clean(_scalar(record.get(fields.url)) if fields.url else None),
        date=clean(_scalar(record.get(fields.date)) if fields.date else None),
    )
    if replaced:
        # JSON can spell "\ud83d" alone; no UTF-8 file or database can hold it. The record is
        # kept with U+FFFD in its place, as a UTF-8 decoder does with a broken byte.
        log.warning(
            "%s:%d: %d lone surrogate%s (invalid Unicode) replaced with U+FFFD",
            source,
            position,
            replaced,
            "" if replaced == 1 else "s",
        )
    return doc


# Read unit while passing over the rest of an oversized line.
_CHUNK = 1 << 20


def bounded_lines(stream: IO[bytes], limit: int) -> Iterator[bytes | None]:
    """The lines of `stream`, each at most `limit` bytes with its newline; None for a longer one.

    A longer line is read past in 1 MiB chunks and never held whole, so one record that
    inflates to gigabytes costs `limit` bytes of memory, not its size.
    """
    while line := stream.readline(limit + 1):
        if len(line) <= limit:
            yield line
            continue
        while not line.endswith(b"\n") and (line := stream.readline(_CHUNK)):
            pass
        yield None


def read_jsonl(
    lines: IO[bytes] | Iterable[bytes],
    source: str,
    fields: Fields | None = None,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Iterator[Item]:
    """Documents from JSON Lines; a record without an id gets `source:line`.

    Args:
        lines: a binary file object (read with a bounded line reader), or the raw lines.
        source: the name used for ids and in messages.
        fields: which fields to read.
        max_bytes: a longer line (after decompression) is skipped as "too large".
    """
    fields = fields or Fields()
    rows: Iterable[bytes | None] = (
        bounded_lines(cast(IO[bytes], lines), max_bytes) if hasattr(lines, "readline") else lines
    )
    for number, line in enumerate(rows, start=1):
        item = bounded_line_to_item(line, fields, source, number, max_bytes=max_bytes)
        if item is not None:
            yield item


def bounded_line_to_item(
    line: bytes | None, fields: Fields, source: str, number: int, *, max_bytes: int
) -> Item | None:
    """The item of one raw line (its bytes, split at LF only), or a skip (None: too long).

    Every engine decodes lines here, so a line of invalid UTF-8 is the same "malformed line",
    and a lone CR (which is not a line break in JSON Lines) the same JSON whitespace, on all.
    """
    if line is None or len(line) > max_bytes:
        return Skip(
            source,
            "too large",
            f"the line is over the limit of {max_bytes:,} bytes; pass --max-bytes",
            number,
        )
    return line_to_item(line, fields, source, number)


def line_to_item(line: bytes | str, fields: Fields, source: str, number: int) -> Item | None:
    """The item of one JSON Lines line (`number` counts from 1); None for a blank line."""
    if not line.strip():
        return None
    try:
        record = json.loads(line)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        return Skip(source, "malformed line", f"not valid JSON ({exc})", number)
    if not isinstance(record, dict):
        return Skip(
            source, "malformed line", "a JSON value but not an object (one per line)", number
        )
    return record_to_item(record, fields, source, number)
