"""Find every version of every text in a collection, with whichever engine runs it.

What lives here: the options (`FindOptions`), the result and statistics types, the `Engine`
protocol, the engines by name, `find_versions` for library callers, and `reference`: a small,
slow, pure-Python discovery every engine and the index are tested against. What must not: any
rule about text or candidates (those are in `discover/` and `ingest/`) or any plumbing of one
engine (in `engines/`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from importlib import import_module
from itertools import chain
from pathlib import Path

from redline.discover.config import DiscoveryConfig
from redline.discover.verify import DEFAULT_CONTAINMENT, DEFAULT_JACCARD, Thresholds
from redline.errors import ConfigError
from redline.find.options import FindOptions
from redline.find.protocol import Engine, FindResult, Sources, Writer, WrittenResult
from redline.find.stats import NoProgress, Progress, Stage, Stats
from redline.ingest.records import Item
from redline.models import Cluster, Document

__all__ = [
    "ENGINES",
    "Engine",
    "FindOptions",
    "FindResult",
    "NoProgress",
    "Progress",
    "Sources",
    "Stage",
    "Stats",
    "Writer",
    "WrittenResult",
    "engine_named",
    "find_versions",
]

# Engine name -> "module:class"; imported only when chosen, so an optional engine's
# dependencies load only for its users.
ENGINES: dict[str, str] = {
    "local": "redline.engines.local:LocalEngine",
    "spark": "redline.engines.spark:SparkEngine",
}


def engine_named(name: str, **settings: object) -> Engine:
    """The engine registered under `name`: "local" (this machine, all its cores) or "spark".

    `settings` go to the engine's constructor (the spark engine's `master`, `single_file`).

    Raises:
        ConfigError: no engine of that name, or a setting it does not take.
        DependencyError: the engine's optional dependencies are not installed (the spark
            engine: `pip install redline[spark]`).
    """
    try:
        target = ENGINES[name]
    except KeyError:
        known = ", ".join(sorted(ENGINES))
        raise ConfigError(f"no engine {name!r}; choose one of {known}") from None
    module, _, cls = target.partition(":")
    factory = getattr(import_module(module), cls)
    try:
        engine: Engine = factory(**settings)
    except TypeError as exc:
        raise ConfigError(f"engine {name!r} does not take these settings: {exc}") from None
    return engine


def find_versions(
    collection: Iterable[Document] | Sequence[str | Path],
    *,
    threshold: float = DEFAULT_JACCARD,
    containment: float | None = DEFAULT_CONTAINMENT,
    jobs: int | None = None,
    engine: str = "local",
) -> list[Cluster]:
    """The clusters of versions in a collection: documents, or paths to read.

    Args:
        collection: `Document` objects, or files and folders (anything `redline find` reads).
        threshold: Jaccard similarity of word 5-shingles at or above which two documents are
            versions.
        containment: share of the shorter document found in the longer one at or above which
            they are versions (None: Jaccard only).
        jobs: worker processes (default: all cores; 1 runs in this process).
        engine: which engine runs it (`ENGINES`).

    Returns:
        Clusters of two or more documents, largest first; see `Cluster`.

    Raises:
        InputError: a path does not exist.
        ConfigError: a threshold out of range.
    """
    stream = iter(collection)
    first = next(stream, None)
    sources: Sources
    if first is None:
        sources = Sources(items=[])
    elif isinstance(first, Document):
        # Streamed, never listed: the collection may be a generator over millions of documents.
        sources = Sources(items=_only_documents(chain([first], stream)))
    else:
        sources = Sources(paths=[str(p) for p in (first, *_only_paths(stream))])
    discovery = DiscoveryConfig(thresholds=Thresholds(jaccard=threshold, containment=containment))
    options = FindOptions(discovery=discovery, jobs=jobs)
    with engine_named(engine).run(sources, options) as result:
        return result.clusters


def _only_documents(items: Iterable[object]) -> Iterator[Item]:
    for item in items:
        if not isinstance(item, Document):
            raise ConfigError(f"a collection mixes documents and paths ({item!r}); pass one kind")
        yield item


def _only_paths(items: Iterable[object]) -> Iterator[str | Path]:
    for item in items:
        if not isinstance(item, str | Path):
            raise ConfigError(
                f"a collection mixes paths and other values ({item!r}); pass one kind"
            )
        yield item
