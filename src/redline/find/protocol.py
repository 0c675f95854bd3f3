"""The plug point of find: an `Engine` runs discovery over `Sources` and gives a `FindResult`.

An engine holds plumbing only (processes, spools, a cluster's executors); the rules come from
`discover/` (the candidate policy, verification, clustering) and `ingest/` (record policies),
so every engine gives the clusters `redline.find.reference` gives.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Protocol

from redline.find.options import FindOptions
from redline.find.stats import Progress, Stats
from redline.models import Cluster, Document

if TYPE_CHECKING:
    from redline.ingest.collection import ReadOptions
    from redline.ingest.records import Item


@dataclass(frozen=True, slots=True)
class Sources:
    """What to read: paths (an engine reads them itself, as `read` says) or items already read.

    The local engine reads paths with `ingest.read_collection`; a distributed engine reads
    them on its executors, and may refuse `items` it would have to ship there.
    """

    paths: Sequence[str] = ()
    read: ReadOptions | None = None
    items: Iterable[Item] | None = None


class FindResult(Protocol):
    """Clusters of a run, its statistics, and access to the documents it read.

    Close it (or use it in a `with` block) to release what the engine kept (a spool).
    """

    clusters: list[Cluster]
    stats: Stats

    def load(self, doc_id: str) -> Document:
        """A document of the collection by id (InputError when there is none)."""
        ...

    def documents(self) -> Iterator[Document]:
        """Every document kept, in input order."""
        ...

    def close(self) -> None:
        """Release the documents kept for `load` and `documents`."""
        ...

    def __enter__(self) -> FindResult: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...


class Engine(Protocol):
    """Runs discovery: one method, the same answer from every implementation."""

    def run(
        self,
        sources: Sources,
        options: FindOptions,
        *,
        progress: Progress | None = None,
        workdir: Path | None = None,
    ) -> FindResult:
        """Find the clusters of versions in `sources`.

        Raises:
            InputError: a path does not exist; with `options.strict`, the first skipped item.
            ConfigError: an option out of range, or sources this engine cannot read.
        """
        ...
