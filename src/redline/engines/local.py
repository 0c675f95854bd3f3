"""The local engine: one machine, all its cores, bounded memory.

Plumbing only: the rules (record policies, the candidate policy, verification, clustering)
live in `ingest/` and `discover/`, and its answers are tested against `redline.find.reference`.

Stages:

1. Read: the collection is streamed; readers yield documents, raw HTML and skips.
2. Sign: batches of documents go to worker processes, which extract HTML and run
   `fingerprint` (shingles, MinHash, band keys). The parent keeps one row of band keys per
   document in memory and spools texts and shingle sets to disk.
3. Band: `discover.candidates.propose` joins exact copies and picks the candidate pairs
   (band buckets and anchors) among their representatives.
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
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path
from types import TracebackType

import numpy as np
import numpy.typing as npt

from redline.discover.candidates import Sketches, propose
from redline.discover.cluster import Member, cluster
from redline.discover.config import DiscoveryConfig
from redline.discover.fingerprint import fingerprint
from redline.discover.lsh import LSHConfig
from redline.discover.minhash import MinHashConfig
from redline.discover.sentences import SentenceSketch, sentence_anchors, sketch
from redline.discover.shingle import U64Array
from redline.discover.verify import Thresholds, verify
from redline.engines.spool import Spool, read_sentences, read_shingles
from redline.errors import InputError
from redline.find.options import FindOptions
from redline.find.protocol import Sources
from redline.find.stats import NoProgress, Progress, Stats
from redline.ingest.records import (
    Item,
    Raw,
    Skip,
    duplicate_skip,
    empty_skip,
    to_document,
)
from redline.models import Cluster, Document, Pair

_VERIFY_CHUNK = 4096
# A candidate pair as a worker receives it, for each side: id, (first shingle, count), and
# (first element, words, sentences) of its sentence sketch.
_Side = tuple[str, int, int, int, int, int]
_Job = tuple[_Side, _Side]


@dataclass(slots=True)
class _Batch:
    docs: list[Document]
    skips: list[Skip]
    sets: list[U64Array]
    keys: U64Array
    digests: U64Array
    anchors: list[U64Array]
    sentences: list[SentenceSketch | None]
    sentence_anchors: list[U64Array]


@dataclass(frozen=True, slots=True)
class _Settings:
    """What a signing worker needs to know (pickled with every batch, so kept small)."""

    minhash: MinHashConfig
    lsh: LSHConfig
    shingle_size: int
    max_bytes: int
    anchor_modulus: int | None
    sentences: bool


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
        skips.extend(empty_skip(docs[i].id) for i in range(len(docs)) if not len(fp.sets[i]))
    sketches: list[SentenceSketch | None] = [None] * len(keep)
    held: list[U64Array] = []
    if settings.sentences:
        sketches = [sketch(docs[i].text) for i in keep]
        held = [sentence_anchors(sk) for sk in sketches if sk is not None]
    return _Batch(
        docs=[docs[i] for i in keep],
        skips=skips,
        sets=[fp.sets[i] for i in keep],
        keys=fp.keys[keep],
        digests=fp.digests[keep],
        anchors=[fp.anchor_values[starts[i] : ends[i]] for i in keep],
        sentences=sketches,
        sentence_anchors=held,
    )


def _verify_chunk(
    paths: tuple[str, str], jobs: Sequence[_Job], thresholds: Thresholds
) -> list[Pair]:
    """Worker: exact verification of candidate pairs read from the spool."""
    fd = os.open(paths[0], os.O_RDONLY)
    sfd = os.open(paths[1], os.O_RDONLY)
    out: list[Pair] = []
    sentences = thresholds.aligned is not None
    try:
        cache: dict[int, tuple[U64Array, SentenceSketch | None]] = {}
        for (a_id, a_start, a_count, *a_sk), (b_id, b_start, b_count, *b_sk) in jobs:
            held = cache.get(a_start)
            if held is None:
                # Pairs arrive sorted by their first document: keep only its sets.
                held = (
                    read_shingles(fd, a_start, a_count),
                    read_sentences(sfd, *a_sk) if sentences else None,
                )
                cache = {a_start: held}
            a, a_sentences = held
            b = read_shingles(fd, b_start, b_count)
            b_sentences = read_sentences(sfd, *b_sk) if sentences else None
            pair = verify(
                a,
                b,
                thresholds,
                a_id=a_id,
                b_id=b_id,
                a_sentences=a_sentences,
                b_sentences=b_sentences,
            )
            if pair is not None:
                out.append(pair)
    finally:
        os.close(fd)
        os.close(sfd)
    return out


class SpooledResult:
    """The local engine's `FindResult`: documents stay in a temporary spool until `close`."""

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

    def __enter__(self) -> SpooledResult:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class LocalEngine:
    """The `Engine` of one machine: worker processes, a disk spool, bounded memory."""

    def run(
        self,
        sources: Sources,
        options: FindOptions,
        *,
        progress: Progress | None = None,
        workdir: Path | None = None,
    ) -> SpooledResult:
        """Find the clusters of versions in `sources` (see the module docstring).

        Raises:
            InputError: a path does not exist; with `options.strict`, the first skipped item.
            ConfigError: an option out of range.
        """
        items: Iterable[Item]
        if sources.items is not None:
            items = sources.items
        else:
            # Imported here: ingest pulls in the readers of every format, which Document
            # callers skip.
            from redline.ingest.collection import read_collection  # noqa: PLC0415

            items = read_collection(list(sources.paths), sources.read)
        return _run(items, options, progress=progress or NoProgress(), workdir=workdir)


def _run(
    items: Iterable[Item], options: FindOptions, *, progress: Progress, workdir: Path | None
) -> SpooledResult:
    discovery = options.discovery
    lsh = discovery.banding()
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
            pairs = _pairs(state, discovery, pool=pool, spool=spool, stats=stats, progress=progress)
        mark = time.perf_counter()
        linked = {p.a for p in pairs} | {p.b for p in pairs}
        members = {}
        for doc_id in linked:
            i = state.index[doc_id]
            members[doc_id] = Member(doc_id, state.dates[i], state.lengths[i])
        clusters = cluster(
            pairs,
            members,
            discovery.thresholds,
            order_by=options.order_by,
            prefer=options.prefer,
        )
        stats.timings["cluster"] = time.perf_counter() - mark
    except BaseException:
        spool.close()
        tmp.cleanup()
        raise
    stats.clusters = len(clusters)
    stats.clustered = sum(len(c.documents) for c in clusters)
    stats.seconds = time.perf_counter() - started
    return SpooledResult(clusters, stats, spool, state.index, tmp)


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
    sentence_values: list[U64Array] = field(default_factory=list)
    sentence_owners: list[npt.NDArray[np.int64]] = field(default_factory=list)


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
    discovery = options.discovery
    settings = _Settings(
        discovery.minhash,
        lsh,
        discovery.shingle_size,
        options.max_bytes,
        discovery.modulus,
        discovery.sentences,
    )
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
                # Batches are collected in the order they were read, which is `Origin` order
                # (source, then position), whatever the workers: the document held came first,
                # and the duplicate-id policy keeps it.
                skip(duplicate_skip(doc.id))
                continue
            kept.append(k)
            index = spool.add(doc, result.sets[k], result.sentences[k])
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
        if kept and result.sentence_anchors:
            found = [result.sentence_anchors[k] for k in kept]
            state.sentence_values.append(np.concatenate(found))
            state.sentence_owners.append(
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


def _pairs(
    state: _Collected,
    discovery: DiscoveryConfig,
    *,
    pool: _Pool,
    spool: Spool,
    stats: Stats,
    progress: Progress,
) -> list[Pair]:
    ids = state.ids
    if len(ids) < 2:
        return []
    mark = time.perf_counter()
    sketches = Sketches(
        ids=ids,
        sizes=np.asarray(state.sizes, dtype=np.int64),
        digests=np.concatenate(state.digests),
        keys=np.concatenate(state.keys),
        anchor_values=np.concatenate(state.anchor_values) if state.anchor_values else None,
        anchor_owners=np.concatenate(state.anchor_owners) if state.anchor_owners else None,
        sentence_values=np.concatenate(state.sentence_values) if state.sentence_values else None,
        sentence_owners=np.concatenate(state.sentence_owners) if state.sentence_owners else None,
    )
    # The policy gets the only references, so it can drop each array once used.
    state.keys.clear()
    state.anchor_values.clear()
    state.anchor_owners.clear()
    state.sentence_values.clear()
    state.sentence_owners.clear()
    proposal = propose(sketches, discovery)
    del sketches
    pairs = [
        Pair(a=a, b=b, jaccard=1.0, a_in_b=1.0, b_in_a=1.0)
        for a, b in (sorted((ids[rep], ids[copy])) for rep, copy in proposal.copies)
    ]
    stats.exact_copies = len(ids) - proposal.representatives
    stats.anchor_candidates = proposal.anchor_only
    stats.sentence_candidates = proposal.sentence_only
    left, right = proposal.left, proposal.right
    del proposal
    stats.candidates = len(left)
    stats.timings["band"] = time.perf_counter() - mark
    mark = time.perf_counter()
    progress.total("verified", len(left))

    def chunks() -> Iterator[list[_Job]]:
        for k in range(0, len(left), _VERIFY_CHUNK):
            yield [
                (
                    (ids[i], *spool.extent(i), *spool.sentence_extent(i)),
                    (ids[j], *spool.extent(j), *spool.sentence_extent(j)),
                )
                for i, j in zip(
                    left[k : k + _VERIFY_CHUNK].tolist(),
                    right[k : k + _VERIFY_CHUNK].tolist(),
                    strict=True,
                )
            ]

    paths = (str(spool.shingle_path), str(spool.sentence_path))
    copies = len(pairs)
    executor = pool.executor() if len(left) > _VERIFY_CHUNK else None
    for done, found in _verify_all(executor, pool.workers, chunks(), paths, discovery.thresholds):
        pairs.extend(found)
        progress.advance("verified", done)
    stats.verified = len(pairs) - copies
    stats.timings["verify"] = time.perf_counter() - mark
    return pairs


def _verify_all(
    executor: ProcessPoolExecutor | None,
    workers: int,
    chunks: Iterator[list[_Job]],
    path: tuple[str, str],
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
