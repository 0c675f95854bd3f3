"""The reference engine: one machine, all its cores, bounded memory.

Stages (the text logic lives in `discover/` and `ingest/`; this module only moves data):

1. Read: the collection is streamed; readers yield documents, raw HTML and skips.
2. Sign: batches of documents go to worker processes, which extract HTML and run
   `fingerprint` (shingles, MinHash, band keys). The parent keeps one row of band keys per
   document in memory and spools texts and shingle sets to disk.
3. Band: exact copies (equal shingle sets) are joined directly; one representative of each
   takes part in `lsh.candidates`.
4. Verify: workers read both shingle sets of each candidate pair back from the spool and keep
   the pairs `verify` accepts.
5. Cluster: `cluster.cluster` over the verified pairs.

Whatever the input order or `jobs`, the same documents give the same clusters: every tie is
broken by document id, never by arrival order.
"""

from __future__ import annotations

import os
import signal
import tempfile
import time
from array import array
from collections import Counter, deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from itertools import chain
from multiprocessing import get_context
from pathlib import Path
from types import TracebackType
from typing import Literal, Protocol

import numpy as np
import numpy.typing as npt

from redline.discover.anchors import (
    DEFAULT_MAX_DF,
    DEFAULT_MIN_SHARED,
    DEFAULT_MODULUS,
    anchor_candidates,
)
from redline.discover.cluster import Member, cluster
from redline.discover.fingerprint import fingerprint
from redline.discover.lsh import DEFAULT_MIN_RATIO, LSHConfig, candidates, derive
from redline.discover.minhash import MinHashConfig
from redline.discover.shingle import DEFAULT_SHINGLE, U64Array
from redline.discover.verify import DEFAULT_CONTAINMENT, DEFAULT_JACCARD, Thresholds, verify
from redline.engines.spool import Spool, read_shingles
from redline.errors import ConfigError, InputError
from redline.ingest.limits import DEFAULT_MAX_BYTES
from redline.ingest.records import Item, Raw, Reason, Skip, to_document
from redline.models import Cluster, Document, Pair

Stage = Literal["read", "signed", "verified"]
# Examples of each skip reason kept for the summary; the count is always complete.
_EXAMPLES_PER_REASON = 5
_VERIFY_CHUNK = 4096
# A candidate pair as a worker receives it: (id, first shingle, count) for each side.
_Job = tuple[str, int, int, str, int, int]


class Progress(Protocol):
    """Receives progress; the command line draws it, library callers may ignore it."""

    def total(self, stage: Stage, total: int) -> None:
        """The number of units a stage will reach (known for verification only)."""

    def advance(self, stage: Stage, count: int) -> None:
        """`count` more units of `stage` are done."""


class _NoProgress:
    def total(self, stage: Stage, total: int) -> None:
        pass

    def advance(self, stage: Stage, count: int) -> None:
        pass


@dataclass(frozen=True, slots=True)
class FindOptions:
    """Everything `redline find` can be told, with its defaults."""

    thresholds: Thresholds = field(default_factory=Thresholds)
    minhash: MinHashConfig = field(default_factory=MinHashConfig)
    shingle_size: int = DEFAULT_SHINGLE
    # Shortest (short / long) length ratio for which containment must survive banding.
    min_ratio: float = DEFAULT_MIN_RATIO
    jobs: int | None = None
    batch_size: int = 256
    max_bucket: int = 64
    # Anchor candidates (discover.anchors) for short texts inside long ones; on whenever
    # containment matching is.
    anchor_modulus: int | None = DEFAULT_MODULUS
    anchor_min_shared: int = DEFAULT_MIN_SHARED
    anchor_max_df: int = DEFAULT_MAX_DF
    max_bytes: int = DEFAULT_MAX_BYTES
    strict: bool = False

    def __post_init__(self) -> None:
        if self.jobs is not None and self.jobs < 1:
            raise ConfigError(f"jobs must be >= 1, got {self.jobs}; omit it to use all cores")
        if self.batch_size < 1:
            raise ConfigError(f"batch_size must be >= 1, got {self.batch_size}")
        if self.shingle_size < 1:
            raise ConfigError(f"shingle_size must be >= 1, got {self.shingle_size}")

    @property
    def workers(self) -> int:
        """Worker processes to use (all cores by default)."""
        return self.jobs or os.cpu_count() or 1

    def banding(self) -> LSHConfig:
        """The LSH banding these thresholds call for."""
        return derive(
            self.thresholds.jaccard,
            self.thresholds.containment,
            num_perm=self.minhash.num_perm,
            min_ratio=self.min_ratio,
        )


@dataclass(slots=True)
class Stats:
    """What a run did, for the summary."""

    read: int = 0
    documents: int = 0
    skipped: Counter[Reason] = field(default_factory=Counter)
    examples: dict[Reason, list[Skip]] = field(default_factory=dict)
    exact_copies: int = 0
    # Candidate pairs checked by `verify` (exact copies are joined without one), of which
    # `anchor_candidates` were proposed by anchors alone (not also by LSH bands), and
    # `verified` passed: always verified <= candidates.
    candidates: int = 0
    anchor_candidates: int = 0
    verified: int = 0
    clusters: int = 0
    clustered: int = 0
    seconds: float = 0.0
    jobs: int = 1
    bands: int = 0
    rows: int = 0
    # Wall-clock seconds per stage, in the order they ran.
    timings: dict[str, float] = field(default_factory=dict)

    def skip(self, item: Skip) -> None:
        """Count a skipped item (and keep it as an example if it is among the first)."""
        self.skipped[item.reason] += 1
        examples = self.examples.setdefault(item.reason, [])
        if len(examples) < _EXAMPLES_PER_REASON:
            examples.append(item)


@dataclass(slots=True)
class _Batch:
    docs: list[Document]
    skips: list[Skip]
    sets: list[U64Array]
    keys: U64Array
    digests: U64Array
    anchors: list[U64Array]


@dataclass(frozen=True, slots=True)
class _Settings:
    """What a signing worker needs to know (pickled with every batch, so kept small)."""

    minhash: MinHashConfig
    lsh: LSHConfig
    shingle_size: int
    max_bytes: int
    anchor_modulus: int | None


def _sign_batch(items: Sequence[Document | Raw], settings: _Settings) -> _Batch:
    """Worker: extract, shingle, sign and band one batch."""
    docs: list[Document] = []
    skips: list[Skip] = []
    for item in items:
        result = to_document(item, max_bytes=settings.max_bytes)
        if isinstance(result, Skip):
            skips.append(result)
        else:
            docs.append(result)
    fp = fingerprint(
        [d.text for d in docs],
        settings.minhash,
        settings.lsh,
        shingle_size=settings.shingle_size,
        anchor_modulus=settings.anchor_modulus,
    )
    ends = np.cumsum(fp.anchor_counts).tolist()
    starts = [0, *ends[:-1]]
    keep = [i for i, s in enumerate(fp.sets) if len(s)]
    if len(keep) < len(docs):
        skips.extend(
            Skip(docs[i].id, "empty", "no words in the text")
            for i in range(len(docs))
            if not len(fp.sets[i])
        )
    return _Batch(
        docs=[docs[i] for i in keep],
        skips=skips,
        sets=[fp.sets[i] for i in keep],
        keys=fp.keys[keep],
        digests=fp.digests[keep],
        anchors=[fp.anchor_values[starts[i] : ends[i]] for i in keep],
    )


def _verify_chunk(path: str, jobs: Sequence[_Job], thresholds: Thresholds) -> list[Pair]:
    """Worker: exact verification of candidate pairs read from the shingle spool."""
    fd = os.open(path, os.O_RDONLY)
    out: list[Pair] = []
    try:
        cache: dict[int, U64Array] = {}
        for a_id, a_start, a_count, b_id, b_start, b_count in jobs:
            a = cache.get(a_start)
            if a is None:
                # Pairs arrive sorted by their first document: keep only its set.
                cache = {a_start: read_shingles(fd, a_start, a_count)}
                a = cache[a_start]
            b = read_shingles(fd, b_start, b_count)
            pair = verify(a, b, thresholds, a_id=a_id, b_id=b_id)
            if pair is not None:
                out.append(pair)
    finally:
        os.close(fd)
    return out


class FindResult:
    """Clusters of a run, its statistics, and access to the documents it read.

    Documents stay in a temporary spool until `close` (or the end of a `with` block).
    """

    def __init__(
        self,
        clusters: list[Cluster],
        stats: Stats,
        spool: Spool,
        index: dict[str, int],
        tmp: tempfile.TemporaryDirectory[str],
    ) -> None:
        self.clusters = clusters
        self.stats = stats
        self._spool = spool
        self._index = index
        self._tmp = tmp

    def load(self, doc_id: str) -> Document:
        """A document of the collection by id."""
        try:
            return self._spool.document(self._index[doc_id])
        except KeyError:
            raise InputError(doc_id, "no document with this id in the collection") from None

    def documents(self) -> Iterator[Document]:
        """Every document read, in input order."""
        for i in range(len(self._spool)):
            yield self._spool.document(i)

    def close(self) -> None:
        """Delete the spooled documents."""
        self._spool.close()
        self._tmp.cleanup()

    def __enter__(self) -> FindResult:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def run(
    items: Iterable[Item],
    options: FindOptions | None = None,
    *,
    progress: Progress | None = None,
    workdir: Path | None = None,
) -> FindResult:
    """Find the clusters of versions in a stream of items.

    Args:
        items: documents, raw documents and skips (`ingest.read_collection`).
        options: thresholds, workers and limits.
        progress: told how far reading, signing and verifying have come.
        workdir: where the temporary spool goes (default: the system temp folder).

    Raises:
        InputError: with `options.strict`, the first skipped item.
        ConfigError: an option out of range.
    """
    options = options or FindOptions()
    progress = progress or _NoProgress()
    lsh = options.banding()
    stats = Stats(jobs=options.workers, bands=lsh.bands, rows=lsh.rows)
    started = time.perf_counter()
    tmp = tempfile.TemporaryDirectory(prefix="redline-find-", dir=workdir)
    spool = Spool(Path(tmp.name))
    try:
        with _Pool(options.workers) as pool:
            state = _Collected()
            _sign_all(
                items,
                options,
                lsh=lsh,
                pool=pool,
                spool=spool,
                state=state,
                stats=stats,
                progress=progress,
            )
            spool.flush()
            stats.timings["read and sign"] = time.perf_counter() - started
            pairs = _pairs(state, options, pool=pool, spool=spool, stats=stats, progress=progress)
        mark = time.perf_counter()
        linked = {p.a for p in pairs} | {p.b for p in pairs}
        members = {}
        for doc_id in linked:
            i = state.index[doc_id]
            members[doc_id] = Member(doc_id, state.dates[i], state.lengths[i])
        clusters = cluster(pairs, members, options.thresholds)
        stats.timings["cluster"] = time.perf_counter() - mark
    except BaseException:
        spool.close()
        tmp.cleanup()
        raise
    stats.clusters = len(clusters)
    stats.clustered = sum(len(c.documents) for c in clusters)
    stats.seconds = time.perf_counter() - started
    return FindResult(clusters, stats, spool, state.index, tmp)


@dataclass(slots=True)
class _Collected:
    ids: list[str] = field(default_factory=list)
    index: dict[str, int] = field(default_factory=dict)
    dates: list[str | None] = field(default_factory=list)
    # Typed arrays: a million Python ints in lists would cost 36 bytes each instead of 8.
    lengths: array[int] = field(default_factory=lambda: array("q"))
    sizes: array[int] = field(default_factory=lambda: array("q"))
    keys: list[U64Array] = field(default_factory=list)
    digests: list[U64Array] = field(default_factory=list)
    anchor_values: list[U64Array] = field(default_factory=list)
    anchor_owners: list[npt.NDArray[np.int64]] = field(default_factory=list)


def _worker_init() -> None:
    # Ctrl-C is the parent's to handle (it discards partial output); workers just stop when
    # the pool shuts down instead of each printing a traceback.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


class _Pool:
    """A process pool started on first use, so small collections never pay for one."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self._executor: ProcessPoolExecutor | None = None

    def executor(self) -> ProcessPoolExecutor | None:
        if self.workers <= 1:
            return None
        if self._executor is None:
            # forkserver: the parent may run threads (the progress bar); fork would copy them.
            self._executor = ProcessPoolExecutor(
                self.workers, mp_context=get_context("forkserver"), initializer=_worker_init
            )
        return self._executor

    def __enter__(self) -> _Pool:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)


def _sign_all(
    items: Iterable[Item],
    options: FindOptions,
    *,
    lsh: LSHConfig,
    pool: _Pool,
    spool: Spool,
    state: _Collected,
    stats: Stats,
    progress: Progress,
) -> None:
    modulus = options.anchor_modulus if options.thresholds.containment is not None else None
    settings = _Settings(options.minhash, lsh, options.shingle_size, options.max_bytes, modulus)
    pending: deque[Future[_Batch]] = deque()
    batch: list[Document | Raw] = []
    batches = 0

    def skip(item: Skip) -> None:
        if options.strict and item.fatal:
            raise item.error()
        stats.skip(item)

    def collect(result: _Batch) -> None:
        for s in result.skips:
            skip(s)
        kept: list[int] = []
        owners: list[int] = []
        for k, doc in enumerate(result.docs):
            if doc.id in state.index:
                skip(Skip(doc.id, "duplicate id", "an earlier document has this id; kept that one"))
                continue
            kept.append(k)
            index = spool.add(doc, result.sets[k])
            state.index[doc.id] = index
            owners.append(index)
            state.ids.append(doc.id)
            state.dates.append(doc.date)
            state.lengths.append(len(doc.text))
            state.sizes.append(len(result.sets[k]))
        state.keys.append(result.keys[kept])
        state.digests.append(result.digests[kept])
        if kept:
            found = [result.anchors[k] for k in kept]
            state.anchor_values.append(np.concatenate(found))
            state.anchor_owners.append(
                np.repeat(np.asarray(owners, dtype=np.int64), [len(a) for a in found])
            )
        stats.documents = len(state.ids)
        progress.advance("signed", len(result.docs) + len(result.skips))

    def submit(chunk: list[Document | Raw]) -> None:
        nonlocal batches
        batches += 1
        executor = pool.executor() if batches > 1 else None
        if executor is None:
            # Drain what workers have done first, so output order stays input order.
            while pending:
                collect(pending.popleft().result())
            collect(_sign_batch(chunk, settings))
            return
        pending.append(executor.submit(_sign_batch, chunk, settings))
        while len(pending) > 2 * pool.workers:
            collect(pending.popleft().result())

    for item in items:
        stats.read += 1
        progress.advance("read", 1)
        if isinstance(item, Skip):
            skip(item)
            progress.advance("signed", 1)
            continue
        batch.append(item)
        if len(batch) >= options.batch_size:
            submit(batch)
            batch = []
    if batch:
        submit(batch)
    while pending:
        collect(pending.popleft().result())


def _id_rank(ids: list[str]) -> npt.NDArray[np.int64]:
    order = sorted(range(len(ids)), key=ids.__getitem__)
    rank = np.empty(len(ids), dtype=np.int64)
    rank[np.asarray(order, dtype=np.int64)] = np.arange(len(ids), dtype=np.int64)
    return rank


def _pairs(
    state: _Collected,
    options: FindOptions,
    *,
    pool: _Pool,
    spool: Spool,
    stats: Stats,
    progress: Progress,
) -> list[Pair]:
    n = len(state.ids)
    if n < 2:
        return []
    ids = state.ids
    rank = _id_rank(ids)
    digests = np.concatenate(state.digests)
    sizes = np.asarray(state.sizes, dtype=np.int64)
    pairs: list[Pair] = []

    # Exact copies: one representative (smallest id) per equal shingle set.
    by_digest = np.lexsort((rank, digests))
    sorted_digests = digests[by_digest]
    first = np.ones(n, dtype=np.bool_)
    first[1:] = sorted_digests[1:] != sorted_digests[:-1]
    group_start = np.maximum.accumulate(np.where(first, np.arange(n), 0))
    reps = np.sort(by_digest[first])  # in input order: equal to arange(n) without copies
    for pos in np.nonzero(~first)[0].tolist():
        rep, copy = int(by_digest[group_start[pos]]), int(by_digest[pos])
        a, b = sorted((ids[rep], ids[copy]))
        pairs.append(Pair(a=a, b=b, jaccard=1.0, a_in_b=1.0, b_in_a=1.0))
    stats.exact_copies = n - len(reps)

    mark = time.perf_counter()
    keys = np.concatenate(state.keys)
    state.keys.clear()
    if len(reps) < n:
        keys = keys[reps]
    # Neighbours in oversized buckets: similar lengths first, then id, so runs are stable.
    order = np.lexsort((rank[reps], sizes[reps]))
    local_rank = np.empty(len(reps), dtype=np.int64)
    local_rank[order] = np.arange(len(reps), dtype=np.int64)
    codes = candidates(keys, local_rank, max_bucket=options.max_bucket)
    del keys
    if state.anchor_values:
        # Anchors of representatives only, renumbered like the band keys.
        # Arrays are dropped as soon as they are used: at a million documents each is hundreds
        # of megabytes.
        values = np.concatenate(state.anchor_values)
        state.anchor_values.clear()
        owners = np.concatenate(state.anchor_owners)
        state.anchor_owners.clear()
        if len(reps) < n:
            local = np.full(n, -1, dtype=np.int64)
            local[reps] = np.arange(len(reps), dtype=np.int64)
            owners = local[owners]
            del local
            mine = owners >= 0
            values, owners = values[mine], owners[mine]
            del mine
        extra = anchor_candidates(
            values,
            owners,
            len(reps),
            min_shared=options.anchor_min_shared,
            max_df=options.anchor_max_df,
            # Half the containment threshold: room for the sampling's variance on short texts.
            min_share=(options.thresholds.containment or 0.0) / 2,
        )
        del values, owners
        # Both arrays are sorted unique codes; count only what banding had not found already.
        stats.anchor_candidates = len(np.setdiff1d(extra, codes, assume_unique=True))
        codes = np.union1d(codes, extra)
    stats.candidates = len(codes)
    stats.timings["band"] = time.perf_counter() - mark
    mark = time.perf_counter()
    progress.total("verified", len(codes))

    m = np.uint64(len(reps))
    left = reps[(codes // m).astype(np.int64)]
    right = reps[(codes % m).astype(np.int64)]
    del codes

    def chunks() -> Iterator[list[_Job]]:
        for k in range(0, len(left), _VERIFY_CHUNK):
            yield [
                (ids[i], *spool.extent(i), ids[j], *spool.extent(j))
                for i, j in zip(
                    left[k : k + _VERIFY_CHUNK].tolist(),
                    right[k : k + _VERIFY_CHUNK].tolist(),
                    strict=True,
                )
            ]

    path = str(spool.shingle_path)
    copies = len(pairs)
    executor = pool.executor() if len(left) > _VERIFY_CHUNK else None
    for done, found in _verify_all(executor, pool.workers, chunks(), path, options.thresholds):
        pairs.extend(found)
        progress.advance("verified", done)
    stats.verified = len(pairs) - copies
    stats.timings["verify"] = time.perf_counter() - mark
    return pairs


def _verify_all(
    executor: ProcessPoolExecutor | None,
    workers: int,
    chunks: Iterator[list[_Job]],
    path: str,
    thresholds: Thresholds,
) -> Iterator[tuple[int, list[Pair]]]:
    """(pairs checked, pairs kept) per chunk, in order, with a bounded number in flight."""
    if executor is None:
        for chunk in chunks:
            yield len(chunk), _verify_chunk(path, chunk, thresholds)
        return
    pending: deque[tuple[int, Future[list[Pair]]]] = deque()
    for chunk in chunks:
        pending.append((len(chunk), executor.submit(_verify_chunk, path, chunk, thresholds)))
        if len(pending) > 2 * workers:
            done, future = pending.popleft()
            yield done, future.result()
    while pending:
        done, future = pending.popleft()
        yield done, future.result()


def find_versions(
    collection: Iterable[Document] | Sequence[str | Path],
    *,
    threshold: float = DEFAULT_JACCARD,
    containment: float | None = DEFAULT_CONTAINMENT,
    jobs: int | None = None,
) -> list[Cluster]:
    """The clusters of versions in a collection: documents, or paths to read.

    Args:
        collection: `Document` objects, or files and folders (anything `redline find` reads).
        threshold: Jaccard similarity of word 5-shingles at or above which two documents are
            versions.
        containment: share of the shorter document found in the longer one at or above which
            they are versions (None: Jaccard only).
        jobs: worker processes (default: all cores; 1 runs in this process).

    Returns:
        Clusters of two or more documents, largest first; see `Cluster`.

    Raises:
        InputError: a path does not exist.
        ConfigError: a threshold out of range.
    """
    # Imported here: ingest pulls in the readers of every format, which Document callers skip.
    from redline.ingest.collection import read_collection  # noqa: PLC0415

    stream = iter(collection)
    first = next(stream, None)
    items: Iterable[Item]
    if first is None:
        items = []
    elif isinstance(first, Document):
        # Streamed, never listed: the collection may be a generator over millions of documents.
        items = _only_documents(chain([first], stream))
    else:
        items = read_collection([first, *(_only_paths(stream))])
    options = FindOptions(
        thresholds=Thresholds(jaccard=threshold, containment=containment), jobs=jobs
    )
    with run(items, options) as result:
        return result.clusters


def _only_documents(items: Iterable[object]) -> Iterator[Document]:
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
