"""redline: find every version of a text in a collection and show what changed between them.

The two questions and their entry points:

- What changed between two versions? `compare(old, new) -> Redline`.
- Which documents are versions of each other? `find_versions(paths_or_documents)` for a
  one-off run, `Index` for a persistent, growing collection.
"""

from __future__ import annotations

from redline.diff.collate import Cell, Collation, Row, collate
from redline.diff.redline import CompareOptions, compare
from redline.discover.lsh import LSHConfig
from redline.discover.minhash import MinHashConfig
from redline.discover.verify import Thresholds
from redline.engines.local import FindOptions, find_versions
from redline.errors import (
    BinaryInputError,
    ConfigError,
    DependencyError,
    EmptyInputError,
    EncodingError,
    InputError,
    NotFoundError,
    RedlineError,
    StoreError,
    TooLargeError,
)
from redline.ingest.files import document_from_bytes, read_document
from redline.models import (
    Change,
    Cluster,
    Document,
    Facts,
    Pair,
    Redline,
    Segment,
    Sentence,
    Side,
    Similarity,
    Span,
)
from redline.report.site import write_site
from redline.store import Index, IndexConfig, Store, open_index
from redline.text.facts import diff_facts, extract_facts
from redline.text.furniture import assign_roles
from redline.text.normalize import normalize
from redline.text.roles import Furniture, PageFurniture
from redline.text.segment import segment

__all__ = [
    "BinaryInputError",
    "Cell",
    "Change",
    "Cluster",
    "Collation",
    "CompareOptions",
    "ConfigError",
    "DependencyError",
    "Document",
    "EmptyInputError",
    "EncodingError",
    "Facts",
    "FindOptions",
    "Furniture",
    "Index",
    "IndexConfig",
    "InputError",
    "LSHConfig",
    "MinHashConfig",
    "NotFoundError",
    "PageFurniture",
    "Pair",
    "Redline",
    "RedlineError",
    "Row",
    "Segment",
    "Sentence",
    "Side",
    "Similarity",
    "Span",
    "Store",
    "StoreError",
    "Thresholds",
    "TooLargeError",
    "assign_roles",
    "collate",
    "compare",
    "diff_facts",
    "document_from_bytes",
    "extract_facts",
    "find_versions",
    "normalize",
    "open_index",
    "read_document",
    "segment",
    "write_site",
]
