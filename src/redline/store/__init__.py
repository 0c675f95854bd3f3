"""The persistent index of versions: documents, signatures, LSH bands and stable clusters.

`Store` is the interface the CLI and the HTTP service use; `Index` (one SQLite file) is the
default implementation and the one `open_index` returns.
"""

from __future__ import annotations

from pathlib import Path

from redline.discover.config import DiscoveryConfig
from redline.store.base import (
    AddResult,
    ClusterPage,
    ClusterSummary,
    Match,
    Merge,
    Stats,
    Store,
    StoredDocument,
    oldest_first,
)
from redline.store.sqlite import Index

__all__ = [
    "AddResult",
    "ClusterPage",
    "ClusterSummary",
    "Index",
    "Match",
    "Merge",
    "Stats",
    "Store",
    "StoredDocument",
    "oldest_first",
    "open_index",
]


def open_index(
    path: str | Path, *, create: bool = True, config: DiscoveryConfig | None = None
) -> Index:
    """Open (or create) the index at `path`."""
    return Index(path, create=create, config=config)
