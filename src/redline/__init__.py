"""redline: find every version of a text in a collection and show what changed between them.

The two questions and their entry points:

- What changed between two versions? `compare(old, new) -> Redline`.
- Which documents are versions of each other? `find_versions(paths_or_documents)` for a
  one-off run, `Index` for a persistent, growing collection.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from redline.diff.collate import Cell, Collation, Row, collate
    from redline.diff.redline import CompareOptions, compare
    from redline.discover.config import DiscoveryConfig
    from redline.discover.lsh import LSHConfig
    from redline.discover.minhash import MinHashConfig
    from redline.discover.verify import Thresholds
    from redline.errors import (
        BinaryInputError,
        ConfigError,
        DependencyError,
        DiskFullError,
        EmptyInputError,
        EncodingError,
        InputError,
        NotFoundError,
        RedlineError,
        StoreError,
        TooLargeError,
    )
    from redline.find import Engine, FindOptions, find_versions
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
    from redline.store import Index, Store, open_index
    from redline.text.facts import diff_facts, extract_facts
    from redline.text.furniture import assign_roles
    from redline.text.normalize import normalize
    from redline.text.roles import Furniture, PageFurniture
    from redline.text.segment import segment

# Where each public name lives. `import redline` stays light: a name's module is imported the
# first time the name is used (PEP 562), so `redline --version` never pays for numpy or the store.
_SOURCES: dict[str, str] = {
    "BinaryInputError": "redline.errors",
    "Cell": "redline.diff.collate",
    "Change": "redline.models",
    "Cluster": "redline.models",
    "Collation": "redline.diff.collate",
    "CompareOptions": "redline.diff.redline",
    "ConfigError": "redline.errors",
    "DependencyError": "redline.errors",
    "DiscoveryConfig": "redline.discover.config",
    "DiskFullError": "redline.errors",
    "Document": "redline.models",
    "EmptyInputError": "redline.errors",
    "EncodingError": "redline.errors",
    "Engine": "redline.find",
    "Facts": "redline.models",
    "FindOptions": "redline.find",
    "Furniture": "redline.text.roles",
    "Index": "redline.store",
    "InputError": "redline.errors",
    "LSHConfig": "redline.discover.lsh",
    "MinHashConfig": "redline.discover.minhash",
    "NotFoundError": "redline.errors",
    "PageFurniture": "redline.text.roles",
    "Pair": "redline.models",
    "Redline": "redline.models",
    "RedlineError": "redline.errors",
    "Row": "redline.diff.collate",
    "Segment": "redline.models",
    "Sentence": "redline.models",
    "Side": "redline.models",
    "Similarity": "redline.models",
    "Span": "redline.models",
    "Store": "redline.store",
    "StoreError": "redline.errors",
    "Thresholds": "redline.discover.verify",
    "TooLargeError": "redline.errors",
    "assign_roles": "redline.text.furniture",
    "collate": "redline.diff.collate",
    "compare": "redline.diff.redline",
    "diff_facts": "redline.text.facts",
    "document_from_bytes": "redline.ingest.files",
    "extract_facts": "redline.text.facts",
    "find_versions": "redline.find",
    "normalize": "redline.text.normalize",
    "open_index": "redline.store",
    "read_document": "redline.ingest.files",
    "segment": "redline.text.segment",
    "write_site": "redline.report.site",
}

__all__ = [
    "BinaryInputError",
    "Cell",
    "Change",
    "Cluster",
    "Collation",
    "CompareOptions",
    "ConfigError",
    "DependencyError",
    "DiscoveryConfig",
    "DiskFullError",
    "Document",
    "EmptyInputError",
    "EncodingError",
    "Engine",
    "Facts",
    "FindOptions",
    "Furniture",
    "Index",
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


def __getattr__(name: str) -> Any:
    try:
        module = _SOURCES[name]
    except KeyError:
        raise AttributeError(f"module 'redline' has no attribute {name!r}") from None
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # resolved once; later lookups are plain attribute reads
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
