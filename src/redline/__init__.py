"""redline: find every version of a text in a collection and show what changed between them."""

from __future__ import annotations

from redline.errors import (
    ConfigError,
    InputError,
    RedlineError,
)
from redline.models import (
    Change,
    Document,
    Facts,
    Redline,
    Segment,
    Sentence,
    Side,
    Similarity,
    Span,
)

__all__ = [
    "Change",
    "ConfigError",
    "Document",
    "Facts",
    "InputError",
    "Redline",
    "RedlineError",
    "Segment",
    "Sentence",
    "Side",
    "Similarity",
    "Span",
]
