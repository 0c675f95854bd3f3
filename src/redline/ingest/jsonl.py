"""JSON Lines collections: one document per line, fields named by the user."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from redline.errors import ConfigError
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
    return Document(
        id=doc_id,
        text=text,
        title=_scalar(record.get(fields.title)) if fields.title else None,
        url=_scalar(record.get(fields.url)) if fields.url else None,
        date=_scalar(record.get(fields.date)) if fields.date else None,
    )


def read_jsonl(lines: Iterable[bytes], source: str, fields: Fields | None = None) -> Iterator[Item]:
    """Documents from JSON Lines; a record without an id gets `source:line`.

    Args:
        lines: the raw lines (a binary file object works).
        source: the name used for ids and in messages.
        fields: which fields to read.
    """
    fields = fields or Fields()
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            yield Skip(source, "malformed line", f"not valid JSON ({exc})", number)
            continue
        if not isinstance(record, dict):
            yield Skip(
                source, "malformed line", "a JSON value but not an object (one per line)", number
            )
            continue
        yield record_to_item(record, fields, source, number)
