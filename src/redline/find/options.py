"""`FindOptions`: everything `redline find` can be told, with its defaults."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from redline.discover.config import DiscoveryConfig
from redline.errors import ConfigError
from redline.ingest.limits import DEFAULT_MAX_BYTES

if TYPE_CHECKING:
    from redline.discover.cluster import OrderBy

_ORDERS = ("date", "mtime", "name")


@dataclass(frozen=True, slots=True)
class FindOptions:
    """How to find versions: the discovery rules, and how an engine runs them.

    `discovery` decides which documents are versions (every engine gives the same answer for
    it); the rest only says how to get there on this machine.
    """

    discovery: DiscoveryConfig = field(default_factory=DiscoveryConfig)
    jobs: int | None = None
    batch_size: int = 256
    max_bytes: int = DEFAULT_MAX_BYTES
    strict: bool = False
    # Which version of a cluster is canonical (`discover.cluster.choose_canonical`): every
    # engine applies it where it makes the clusters, so ids and files agree.
    order_by: OrderBy = "date"
    prefer: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.order_by not in _ORDERS:
            raise ConfigError(
                f"order_by must be one of {', '.join(_ORDERS)}, got {self.order_by!r}"
            )
        if self.jobs is not None and self.jobs < 1:
            raise ConfigError(f"jobs must be >= 1, got {self.jobs}; omit it to use all cores")
        if self.batch_size < 1:
            raise ConfigError(f"batch_size must be >= 1, got {self.batch_size}")

    @property
    def workers(self) -> int:
        """Worker processes to use (all cores by default)."""
        return self.jobs or os.cpu_count() or 1
