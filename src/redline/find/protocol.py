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
from typing import TYPE_CHECKING, Protocol, runtime_checkable

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


class WrittenResult(Protocol):
    """What an engine that writes its own outputs brings back: stats and the largest clusters."""

    stats: Stats
    # The largest clusters (all are in the output files), largest first.
    clusters: list[Cluster]
    # The files or folders written, as the engine names them (any Hadoop path).
    outputs: list[str]
    # Those of `FindOptions.prefer` that are in a cluster.
    preferred: frozenset[str]

    def load(self, doc_id: str) -> Document:
        """A document of one of `clusters`."""
        ...


@runtime_checkable
class Writer(Protocol):
    """An engine whose executors write clusters.jsonl and clusters.parquet where they run.

    The command line uses `write` when an engine has it (Spark: outputs too large for one
    machine stay on the cluster's file system), and `Engine.run` otherwise.
    """

    def write(
        self, paths: Sequence[str], outdir: str, options: FindOptions, read: ReadOptions
    ) -> WrittenResult:
        """Find the clusters in `paths` and write them under `outdir`."""
        ...
