"""The `Furniture` plug point: who decides which sentences of a document are furniture.

`compare` (and everything built on it: `find`'s reports, `index`, `serve`) asks one object
implementing `Furniture` for the role of each sentence. `PageFurniture` is the default: the
page evidence of `redline.text.furniture`. Another implementation (one that knows a source's
recurring boilerplate, say) is passed as `CompareOptions(furniture=...)`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Protocol, runtime_checkable

from redline.models import Document, Role, Sentence
from redline.text.furniture import assign_roles, split_datelines
from redline.text.segment import segment


@runtime_checkable
class Furniture(Protocol):
    """Gives each sentence of a document its furniture role, or None for story content."""

    def roles(self, document: Document, sentences: Sequence[Sentence]) -> list[Role | None]:
        """One role (or None) per sentence of `sentences`, which segment `document.text`."""
        ...


@dataclass(frozen=True, slots=True)
class PageFurniture:
    """Furniture from what one page shows: where lines stand, their shape, the page's people.

    With `zones`, a text that is a whole web page copied as text is read by its story's run of
    prose (`assign_roles(zones=True)`); off by default until it keeps the story whole.
    """

    zones: bool = False

    def roles(self, document: Document, sentences: Sequence[Sentence]) -> list[Role | None]:
        marked = assign_roles(
            list(sentences),
            document.text,
            title=document.title,
            byline=document.byline,
            zones=self.zones,
        )
        return [s.role for s in marked]


DEFAULT_FURNITURE: Furniture = PageFurniture()


def with_roles(
    document: Document, sentences: Sequence[Sentence], furniture: Furniture = DEFAULT_FURNITURE
) -> list[Sentence]:
    """Copies of `sentences` with the roles `furniture` gives them."""
    roles = furniture.roles(document, sentences)
    if len(roles) != len(sentences):
        raise ValueError(
            f"{type(furniture).__name__}.roles returned {len(roles)} roles for "
            f"{len(sentences)} sentences; it must return one per sentence"
        )
    return [s if r == s.role else replace(s, role=r) for s, r in zip(sentences, roles, strict=True)]


def document_sentences(
    document: Document,
    furniture: Furniture = DEFAULT_FURNITURE,
    *,
    segmented: Sequence[Sentence] | None = None,
) -> list[Sentence]:
    """The document's sentences as `compare` reads them: segmented, given roles, and with a
    dateline glued to a story sentence split off as its own span. `segmented` is
    `segment(document.text)` when the caller already has it."""
    sentences = segment(document.text) if segmented is None else segmented
    return split_datelines(with_roles(document, sentences, furniture), document.text)
