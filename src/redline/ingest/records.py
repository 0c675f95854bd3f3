"""What collection readers yield: documents, raw documents still to extract, and skips.

Readers never raise for one bad document: they yield a `Skip` with a typed reason, and the
caller counts it (or, with --strict, stops on it). A record that is simply not a document (a
script or image in a web archive, an error page) is no bad input: it is a `Skip` whose reason is
`NOT_A_DOCUMENT`, counted apart and never fatal. Extraction of HTML is the slow part of
reading, so readers hand HTML over as `Raw` bytes and the engine's workers extract it in
parallel with `to_document`.

Record policies (every engine and the reference follow them, in this order):

- Empty: a document with no words (only whitespace, or markup that extracts to nothing) is
  skipped as `empty` and claims no id, so a later document with that id is still kept.
- Duplicate ids: of the documents left that share an id, the first by `Origin` (the order in
  which `read_collection` reaches its source, then its position there) is kept and the others
  are skipped as `duplicate id`. Never the first to arrive: with several workers, or on a
  cluster of machines, arrival order changes from run to run.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from redline.errors import (
    BinaryInputError,
    EmptyInputError,
    EncodingError,
    InputError,
    TooLargeError,
)
from redline.ingest.files import Format, document_from_bytes
from redline.ingest.limits import DEFAULT_MAX_BYTES
from redline.models import Document

Reason = Literal[
    "empty",
    "binary",
    "encoding",
    "too large",
    "unreadable",
    "malformed line",
    "missing field",
    "broken WARC record",
    "not a document",
    "duplicate id",
    "describes the folder",
    "not a regular file",
]


@dataclass(frozen=True, slots=True)
class Raw:
    """A document still in bytes (HTML or text), with the metadata its container gave it."""

    id: str
    data: bytes
    fmt: Format | None = None
    title: str | None = None
    url: str | None = None
    date: str | None = None
    # The file's modification time (ISO 8601), used as its date when nothing else gives one;
    # set only when asked (`--order-by mtime`): it differs between copies of a collection.
    modified: str | None = None


@dataclass(frozen=True, slots=True)
class Skip:
    """A document or line that could not be used, and why."""

    source: str
    reason: Reason
    message: str
    position: int | None = None

    @property
    def fatal(self) -> bool:
        """Whether --strict stops on this skip (broken input does; a non-document does not)."""
        return self.reason not in (NOT_A_DOCUMENT, FOLDER_NOTE)

    def error(self) -> InputError:
        """The error this skip stands for (raised under --strict)."""
        return InputError(self.source, self.message, self.position)


Item = Document | Raw | Skip
NOT_A_DOCUMENT: Reason = "not a document"
# A README, LICENSE ... file inside a folder: it describes the folder, it is not one of its
# documents (passed over unless asked for, never fatal).
FOLDER_NOTE: Reason = "describes the folder"


@dataclass(frozen=True, slots=True, order=True)
class Origin:
    """Where a record was read: its source's rank in reading order, then its place in it."""

    source: int
    position: int


def empty_skip(doc_id: str) -> Skip:
    """The skip of a document that has no words (the empty-record policy)."""
    return Skip(doc_id, "empty", "no words in the text")


def duplicate_skip(doc_id: str) -> Skip:
    """The skip of a document whose id an earlier document holds (the duplicate-id policy)."""
    return Skip(doc_id, "duplicate id", "an earlier document has this id; kept that one")


def keeps_new(held: Origin, new: Origin) -> bool:
    """Whether a document read at `new` replaces the one at `held` with the same id."""
    return new < held


def reason_of(exc: InputError) -> Reason:
    """The skip reason for a reading error."""
    if isinstance(exc, EmptyInputError):
        return "empty"
    if isinstance(exc, BinaryInputError):
        return "binary"
    if isinstance(exc, EncodingError):
        return "encoding"
    if isinstance(exc, TooLargeError):
        return "too large"
    return "unreadable"


def skip_from(exc: InputError, reason: Reason | None = None) -> Skip:
    """A Skip carrying the path, position and message of a reading error."""
    position = exc.position if isinstance(exc.position, int) else None
    return Skip(exc.path, reason or reason_of(exc), exc.reason, position)


def to_document(item: Document | Raw, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Document | Skip:
    """Extract a Raw item (metadata from its container wins over extracted metadata)."""
    if isinstance(item, Document):
        if not item.text.strip():
            return Skip(item.id, "empty", "holds only whitespace, no text")
        return item
    try:
        doc = document_from_bytes(item.id, item.data, fmt=item.fmt, max_bytes=max_bytes)
    except InputError as exc:
        return skip_from(exc)
    return Document(
        id=item.id,
        text=doc.text,
        title=item.title or doc.title,
        url=item.url or doc.url,
        date=item.date or doc.date or item.modified,
        byline=doc.byline,
    )
