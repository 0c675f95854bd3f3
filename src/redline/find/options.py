"""`FindOptions`: everything `redline find` can be told, with its defaults."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from redline.discover.config import DiscoveryConfig
from redline.errors import ConfigError
from redline.ingest.limits import DEFAULT_MAX_BYTES


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

    def __post_init__(self) -> None:
        if self.jobs is not None and self.jobs < 1:
            raise ConfigError(f"jobs must be >= 1, got {self.jobs}; omit it to use all cores")
        if self.batch_size < 1:
            raise ConfigError(f"batch_size must be >= 1, got {self.batch_size}")

    @property
    def workers(self) -> int:
        """Worker processes to use (all cores by default)."""
        return self.jobs or os.cpu_count() or 1
