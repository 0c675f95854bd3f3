"""The Spark engine: `redline find` over a cluster of machines, with the local engine's answer.

Plumbing only. Every rule about text or candidates comes from `ingest/` and `discover/` (the
per-record functions run inside vectorized Arrow UDFs; the candidate policy is the same one
the local engine follows, written as DataFrame operations); nothing is collected to the driver
but counts, a few examples per skip reason and the largest clusters for the report.

Stages (each ends in a persisted DataFrame, so its time is measured on its own):

1. read and sign: JSON Lines (`spark.read.text`, line numbers from per-split counts), Parquet
   (`_metadata.row_index`) and one-document files (`binaryFile`) from any Hadoop path become
   records by `ingest` (`line_to_item`, `record_to_item`, `to_document`); each Arrow batch is
   signed by `fingerprint`. Empty texts and later duplicates of an id are skips, as locally:
   the document kept for an id is the first by (input file order, position).
2. band: exact copies (equal shingle-set digests) join their representative, the smallest id;
   representatives pair up in LSH buckets (all pairs of a bucket of up to `max_bucket`, each
   document with its `max_bucket - 1` neighbours by (shingle count, id) in a larger one) and
   by shared anchors (document frequency 2..`max_df`, `min_shared` and `min_share` as in
   `discover.anchors`).
3. verify: both shingle sets of each candidate are joined to it and `verify` runs per batch.
4. cluster: the edges `discover.cluster` would use are decided per document (Jaccard edges,
   containment edges covering `min_cover` of their container, and each contained text's
   best container) so that connected components over them are exactly its clusters; the
   components come from the large-star / small-star algorithm (Kiveris et al. 2014) on
   DataFrames. Each component's verified pairs then go through `discover.cluster.cluster`
   itself on an executor, which gives the canonical version, the cluster id and the evidence
   exactly as the local engine does.
5. write: `clusters.jsonl` (`redline.clusters/1`, largest first) and `clusters.parquet` (one
   row per document, in input order), as single files or as folders of parts.

The session comes from `SparkSession.builder.getOrCreate()`, so `spark-submit` settings apply;
`master` (e.g. `local[4]`) is only for runs started from the command line.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

import numpy as np
import pyarrow as pa

from redline.errors import ConfigError, DependencyError, InputError
from redline.ingest.collection import ReadOptions, is_folder_note, kind_of
from redline.ingest.files import format_from_name
from redline.ingest.records import FOLDER_NOTE, Reason, Skip

INSTALL_HINT = "the spark engine needs `pip install redline[spark]`"

try:
    from pyspark import StorageLevel
    from pyspark.sql import DataFrame, SparkSession
    from pyspark.sql import functions as sf
    from pyspark.sql.window import Window
except ImportError as exc:  # the optional extra is not installed
    raise DependencyError(INSTALL_HINT) from exc

if TYPE_CHECKING:
    from redline.find import FindOptions, Progress, Sources, Stats
    from redline.models import Cluster, Document

# Clusters (largest first) brought to the driver for the summary and the report site, and the
# most documents loaded for their pages; the rest stay in the output files.
DEFAULT_LARGEST = 200
_MAX_REPORT_DOCUMENTS = 20_000
_EXAMPLES_PER_REASON = 5
# Large-star / small-star converges in O(log n) rounds; this only stops a bug from looping.
_MAX_ROUNDS = 64

_KINDS = ("jsonl", "parquet", "document")


def session(
    master: str | None = None,
    *,
    shuffle_partitions: int | None = None,
    settings: Mapping[str, str] | None = None,
) -> SparkSession:
    """The active Spark session, or a new one (`master` and `settings` apply to a new one).

    Python workers run this interpreter unless PYSPARK_PYTHON says otherwise, so a laptop run
    finds redline installed; on a cluster, spark-submit's settings decide.
    """
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder = SparkSession.builder.appName("redline find")
    if master is not None:
        builder = builder.master(master)
    if shuffle_partitions is not None:
        builder = builder.config("spark.sql.shuffle.partitions", str(shuffle_partitions))
    for key, value in (settings or {}).items():
        builder = builder.config(key, value)
    return builder.getOrCreate()


@dataclass(slots=True)
class SparkResult:
    """What a Spark run leaves on the driver: statistics and the largest clusters."""

    stats: Stats
    # The largest clusters (at most `largest`), largest first, and the documents of their pages.
    clusters: list[Cluster]
    documents: dict[str, Document]
    outputs: list[str]
    # Large-star / small-star rounds until the components stopped changing.
    rounds: int = 0
    # (degree, documents) of the graph components were found on, and (size, clusters).
    degrees: list[tuple[int, int]] = field(default_factory=list)
    sizes: list[tuple[int, int]] = field(default_factory=list)
    # Those of `FindOptions.prefer` that are in a cluster.
    preferred: frozenset[str] = frozenset()
    # With `run(hold=True)`: the cached documents, and what uncaches them.
    _docs: DataFrame | None = None
    _release: Callable[[], None] | None = None

    def load(self, doc_id: str) -> Document:
        """A document of one of the kept clusters (KeyError for the others)."""
        return self.documents[doc_id]

    def close(self) -> None:
        """Uncache what `run(hold=True)` kept."""
        if self._release is not None:
            self._release()
            self._release = None
            self._docs = None


class SparkFindResult:
    """`SparkEngine.run`'s `FindResult`: every cluster on the driver, documents on Spark."""

    def __init__(self, result: SparkResult, tmp: tempfile.TemporaryDirectory[str]) -> None:
        self.clusters = result.clusters
        self.stats = result.stats
        self.spark = result
        self._tmp = tmp

    def load(self, doc_id: str) -> Document:
        """A clustered document by id."""
        try:
            return self.spark.documents[doc_id]
        except KeyError:
            raise InputError(doc_id, "no clustered document with this id") from None

    def documents(self) -> Iterator[Document]:
        """Every document kept, in input order, streamed from the executors."""
        from redline.models import Document  # noqa: PLC0415

        docs = self.spark._docs
        if docs is None:
            raise ConfigError("this result is closed; its documents were released")
        ordered = docs.orderBy("rank", "position").select(
            "id", "text", "title", "url", "date", "byline"
        )
        for r in ordered.toLocalIterator():
            yield Document(r["id"], r["text"], r["title"], r["url"], r["date"], r["byline"])

    def close(self) -> None:
        """Uncache the documents and delete the run's output folder."""
        self.spark.close()
        self._tmp.cleanup()

    def __enter__(self) -> SparkFindResult:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class SparkEngine:
    """The `Engine` on Apache Spark (`ENGINES["spark"]`); `write` for the command line.

    `run` (the `Engine` method, for library callers) brings every cluster to the driver;
    `write` leaves the outputs where the executors wrote them and brings back the largest.
    """

    def __init__(
        self,
        master: str | None = None,
        *,
        single_file: bool = True,
        largest: int = DEFAULT_LARGEST,
        spark: SparkSession | None = None,
    ) -> None:
        self.master = master
        self.single_file = single_file
        self.largest = largest
        self._spark = spark

    def session(self) -> SparkSession:
        """The session runs use (started on first use)."""
        if self._spark is None:
            if SparkSession.getActiveSession() is None:
                _need_java()
            self._spark = session(self.master)
            self._spark.sparkContext.setLogLevel("ERROR")
        return self._spark

    def run(
        self,
        sources: Sources,
        options: FindOptions,
        *,
        progress: Progress | None = None,
        workdir: Path | None = None,
    ) -> SparkFindResult:
        """Find the clusters of versions in `sources` (paths: the executors read them).

        Raises:
            ConfigError: `sources` holds documents, not paths (they would have to be shipped
                to the executors), or an input this engine does not read.
            InputError: a path does not exist; with `options.strict`, the first skipped item.
            DependencyError: no Java to run Spark on.
        """
        if sources.items is not None:
            raise ConfigError(
                "the spark engine reads paths on its executors, not documents held here;"
                " pass paths, or use engine='local'"
            )
        tmp = tempfile.TemporaryDirectory(prefix="redline-spark-", dir=workdir)
        try:
            result = run(
                list(sources.paths),
                tmp.name,
                options,
                sources.read,
                spark=self.session(),
                largest=None,
                hold=True,
            )
        except BaseException:
            tmp.cleanup()
            raise
        return SparkFindResult(result, tmp)

    def write(
        self, paths: Sequence[str], outdir: str, options: FindOptions, read: ReadOptions
    ) -> SparkResult:
        """Find the clusters and write clusters.jsonl and clusters.parquet to `outdir`."""
        return run(
            paths,
            outdir,
            options,
            read,
            spark=self.session(),
            single_file=self.single_file,
            largest=self.largest,
        )


JAVA_HINT = (
    "the spark engine needs Java 17 or later: put `java` on PATH or set JAVA_HOME (on Debian:"
    " apt-get install openjdk-17-jre-headless)"
)


def _need_java() -> None:
    """Raise the install hint when no JVM can be started for a new local session."""
    home = os.environ.get("JAVA_HOME")
    if home and Path(home, "bin", "java").exists():
        return
    if shutil.which("java") is None:
        raise DependencyError(JAVA_HINT)


# --- Hadoop file system -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _File:
    uri: str  # qualified Hadoop path, as Spark's _metadata.file_path gives it
    name: str  # id and source: relative to the input root, as the local reader names it
    size: int
    kind: str


class _FileSystem:
    """The few Hadoop FileSystem calls the engine needs, through the session's JVM."""

    def __init__(self, spark: SparkSession) -> None:
        self._jvm = spark.sparkContext._jvm
        self._conf = spark.sparkContext._jsc.hadoopConfiguration()

    def _path(self, uri: str) -> tuple[Any, Any]:
        assert self._jvm is not None
        path = self._jvm.org.apache.hadoop.fs.Path(uri)
        fs = path.getFileSystem(self._conf)
        return fs, fs.makeQualified(path)

    def qualify(self, uri: str) -> str:
        """The fully qualified form of a path (`file:/abs/path` for a local one)."""
        return str(self._path(uri)[1].toString())

    def status(self, uri: str) -> tuple[bool, int] | None:
        """(is a folder, size) of a path, or None when it does not exist."""
        fs, path = self._path(uri)
        if not fs.exists(path):
            return None
        st = fs.getFileStatus(path)
        return bool(st.isDirectory()), int(st.getLen())

    def walk(self, uri: str) -> Iterator[tuple[str, str, int]]:
        """(file uri, path relative to `uri`, size) in name order, hidden names left out."""
        fs, root = self._path(uri)
        stack: list[tuple[Any, str]] = [(root, "")]
        while stack:
            folder, prefix = stack.pop()
            entries = sorted(fs.listStatus(folder), key=lambda s: str(s.getPath().getName()))
            files, dirs = [], []
            for st in entries:
                name = str(st.getPath().getName())
                if name.startswith("."):
                    continue
                if st.isDirectory():
                    dirs.append((st.getPath(), prefix + name + "/"))
                else:
                    files.append((str(st.getPath().toString()), prefix + name, int(st.getLen())))
            # os.walk order: a folder's files first, then its subfolders, each sorted.
            yield from files
            stack.extend(reversed(dirs))

    def remove(self, uri: str) -> None:
        fs, path = self._path(uri)
        if fs.exists(path):
            fs.delete(path, True)

    def rename(self, src: str, dst: str) -> None:
        fs, a = self._path(src)
        _, b = self._path(dst)
        if fs.exists(b):
            fs.delete(b, True)
        if not fs.rename(a, b):
            raise OSError(f"could not rename {src} to {dst}")

    def single_part(self, folder: str, suffix: str) -> str:
        """The one part file Spark wrote into `folder` (for a single-file output)."""
        fs, path = self._path(folder)
        parts = [
            str(st.getPath().toString())
            for st in fs.listStatus(path)
            if str(st.getPath().getName()).startswith("part-")
            and str(st.getPath().getName()).endswith(suffix)
        ]
        if len(parts) != 1:
            raise OSError(f"expected one part file in {folder}, found {len(parts)}")
        return parts[0]


def _files(fs: _FileSystem, paths: Sequence[str], read: ReadOptions) -> list[_File]:
    """Every input file in the local reader's order, named as it names them.

    Folder notes (README, LICENSE ... inside a folder) get the kind "note" unless
    `read.include_readme`: they become skips, as the local reader makes them.
    """
    if not paths:
        raise ConfigError("no input paths given")
    given: list[tuple[str, bool]] = []
    for p in paths:
        if p == "-":
            raise ConfigError("the spark engine cannot read standard input; pass a path")
        found = fs.status(p)
        if found is None:
            raise InputError(p, "no such file or folder; check the path")
        given.append((fs.qualify(p), found[0]))
    folders = [uri if is_dir else uri.rsplit("/", 1)[0] for uri, is_dir in given]
    root = folders[0] if len(folders) == 1 else _common_prefix(folders)
    out: list[_File] = []
    for uri, is_dir in given:
        base = _relative(uri, root)
        if is_dir:
            prefix = "" if base == "" else base + "/"
            for file, rel, size in fs.walk(uri):
                note = not read.include_readme and is_folder_note(rel.rsplit("/", 1)[-1])
                out.append(_File(file, prefix + rel, size, "note" if note else kind_of(rel)))
        else:
            st = fs.status(uri)
            assert st is not None
            out.append(_File(uri, base, st[1], kind_of(uri)))
    for f in out:
        if f.kind not in (*_KINDS, "note"):
            raise ConfigError(
                f"{f.name}: the spark engine reads JSON Lines, Parquet and text/HTML files, not"
                f" {f.kind.upper()}; convert it or run `redline find --engine local`"
            )
    return out


def _common_prefix(uris: Sequence[str]) -> str:
    parts = [u.rstrip("/").split("/") for u in uris]
    common: list[str] = []
    for segment in zip(*parts, strict=False):
        if len(set(segment)) != 1:
            break
        common.append(segment[0])
    return "/".join(common)


def _relative(uri: str, root: str) -> str:
    if uri == root:
        return ""
    if uri.startswith(root.rstrip("/") + "/"):
        return uri[len(root.rstrip("/")) + 1 :]
    return uri


# --- records --------------------------------------------------------------------------------

_RECORD_FIELDS = (
    ("id", "string"),
    ("rank", "long"),  # the file's place in input order
    ("position", "long"),  # line or row number from 1; 0 for one-document files
    ("text", "string"),
    ("title", "string"),
    ("url", "string"),
    ("date", "string"),
    ("byline", "string"),
    ("reason", "string"),  # set for a skip: then id is its source and text its message
)
_RECORD_SCHEMA = ", ".join(f"{n} {t}" for n, t in _RECORD_FIELDS)

_Batches = Iterator[pa.RecordBatch]


@dataclass(frozen=True, slots=True)
class _Then:
    """A per-batch step run in the reader's own Python worker, and the schema it yields.

    Reading and signing in one `mapInArrow` ships each text from the JVM to Python once,
    not twice. Frames built on the driver (skips only) get the extra columns as nulls.
    """

    step: Callable[[_Batches], _Batches]
    fields: tuple[tuple[str, str], ...]

    @property
    def schema(self) -> str:
        return ", ".join(f"{n} {t}" for n, t in self.fields)

    def apply(self, scan: DataFrame, parse: Callable[[_Batches], _Batches]) -> DataFrame:
        step = self.step
        return scan.mapInArrow(lambda batches: step(parse(batches)), self.schema)

    def pad(self, records: DataFrame) -> DataFrame:
        """Skip rows made on the driver, with this step's columns (nulls where they are new)."""
        have = set(records.columns)
        return records.select(
            *[sf.col(n) if n in have else sf.lit(None).cast(t).alias(n) for n, t in self.fields]
        )


def _as_read(batches: _Batches) -> _Batches:
    return batches


_READ = _Then(_as_read, _RECORD_FIELDS)


def _record_batch(rows: list[dict[str, Any]]) -> pa.RecordBatch:

    columns = {n: [r.get(n) for r in rows] for n, _ in _RECORD_FIELDS}
    types = {"string": pa.string(), "long": pa.int64()}
    return pa.RecordBatch.from_arrays(
        [pa.array(columns[n], type=types[t]) for n, t in _RECORD_FIELDS],
        names=[n for n, _ in _RECORD_FIELDS],
    )


def _item_row(item: object, rank: int, position: int) -> dict[str, Any]:
    from redline.models import Document  # noqa: PLC0415

    if isinstance(item, Document):
        return {
            "id": item.id,
            "rank": rank,
            "position": position,
            "text": item.text,
            "title": item.title,
            "url": item.url,
            "date": item.date,
            "byline": item.byline,
        }
    assert isinstance(item, Skip)
    return {
        "id": item.source,
        "rank": rank,
        "position": item.position if item.position is not None else position,
        "text": item.message,
        "reason": item.reason,
    }


def _read_jsonl(
    spark: SparkSession, files: list[tuple[int, _File]], read: ReadOptions, then: _Then
) -> DataFrame:

    uris = [f.uri for _, f in files]

    def scan() -> DataFrame:
        # Split at LF only (Spark's default also splits at a lone CR) and kept as bytes: the
        # text source copies a line's bytes unchecked, so the local reader's decoding decides.
        return spark.read.text(uris, lineSep="\n").select(
            sf.col("value").cast("binary").alias("value"),
            sf.col("_metadata.file_path").alias("path"),
            sf.col("_metadata.file_block_start").alias("block"),
        )

    # Line numbers: lines in the earlier splits of the same file, plus the row within the
    # split (rows of a split reach a task in file order). One row per split comes back.
    counts = scan().groupBy("path", "block").count().collect()
    before: dict[tuple[str, int], int] = {}
    running: dict[str, int] = {}
    for row in sorted(counts, key=lambda r: (unquote(r["path"]), r["block"])):
        path = unquote(row["path"])
        before[(path, row["block"])] = running.get(path, 0)
        running[path] = running.get(path, 0) + row["count"]
    names = {unquote(f.uri): (rank, f.name) for rank, f in files}
    fields = read.fields
    max_bytes = read.max_bytes

    def parse(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        from redline.ingest.jsonl import bounded_line_to_item  # noqa: PLC0415

        seen: dict[tuple[str, int], int] = {}
        for batch in batches:
            rows = []
            for value, raw_path, block in zip(
                batch.column(0).to_pylist(),
                batch.column(1).to_pylist(),
                batch.column(2).to_pylist(),
                strict=True,
            ):
                path = unquote(raw_path)
                key = (path, block)
                offset = seen.get(key, 0)
                seen[key] = offset + 1
                number = before[key] + offset + 1
                rank, name = names[path]
                # The newline back on, as the local reader's lines have it (so the size limit
                # counts it; only a last line without one is one byte longer here).
                item = bounded_line_to_item(
                    value + b"\n", fields, name, number, max_bytes=max_bytes
                )
                if item is not None:
                    rows.append(_item_row(item, rank, number))
            yield _record_batch(rows)

    return then.apply(scan(), parse)


def _read_parquet(
    spark: SparkSession, files: list[tuple[int, _File]], read: ReadOptions, then: _Then
) -> DataFrame:

    fields = read.fields
    frame = spark.read.option("mergeSchema", "true").parquet(*[f.uri for _, f in files])
    available = set(frame.columns)
    if fields.text not in available:
        message = (
            f"no column {fields.text!r} (columns: {', '.join(sorted(available)[:8])});"
            " pass --text-field"
        )
        rows = [
            (f.name, rank, 0, message, None, None, None, None, "missing field") for rank, f in files
        ]
        return then.pad(spark.createDataFrame(rows, _RECORD_SCHEMA))
    columns = [c for c in fields.columns() if c in available]
    names = {unquote(f.uri): (rank, f.name) for rank, f in files}
    scan = frame.select(
        *[sf.col(c).cast("string").alias(f"c{i}") for i, c in enumerate(columns)],
        sf.col("_metadata.file_path").alias("path"),
        sf.col("_metadata.row_index").alias("row"),
    )

    def parse(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        from redline.ingest.jsonl import record_to_item  # noqa: PLC0415

        for batch in batches:
            data = batch.to_pydict()
            rows = []
            for k in range(batch.num_rows):
                rank, name = names[unquote(data["path"][k])]
                number = data["row"][k] + 1
                record = {c: data[f"c{i}"][k] for i, c in enumerate(columns)}
                rows.append(_item_row(record_to_item(record, fields, name, number), rank, number))
            yield _record_batch(rows)

    return then.apply(scan, parse)


def _read_documents(
    spark: SparkSession, files: list[tuple[int, _File]], read: ReadOptions, then: _Then
) -> DataFrame:

    max_bytes = read.max_bytes
    small = [(rank, f) for rank, f in files if f.size <= max_bytes]
    large = [
        (
            f.name,
            rank,
            0,
            f"{f.size:,} bytes, over the limit of {max_bytes:,}; pass --max-bytes",
            None,
            None,
            None,
            None,
            "too large",
        )
        for rank, f in files
        if f.size > max_bytes
    ]
    out = then.pad(spark.createDataFrame(large, _RECORD_SCHEMA))
    if not small:
        return out
    names = {unquote(f.uri): (rank, f.name) for rank, f in small}
    mtime_dates = read.mtime_dates
    scan = (
        spark.read.format("binaryFile")
        .load([f.uri for _, f in small])
        .select(
            sf.col("path"), sf.col("content"), sf.unix_micros("modificationTime").alias("micros")
        )
    )

    def extract(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        from redline.ingest.collection import modified_stamp  # noqa: PLC0415
        from redline.ingest.records import Raw, to_document  # noqa: PLC0415

        for batch in batches:
            rows = []
            for path, content, micros in zip(
                batch.column(0).to_pylist(),
                batch.column(1).to_pylist(),
                batch.column(2).to_pylist(),
                strict=True,
            ):
                rank, name = names[unquote(path)]
                modified = modified_stamp(micros / 1e6) if mtime_dates else None
                raw = Raw(id=name, data=content, fmt=format_from_name(name), modified=modified)
                rows.append(_item_row(to_document(raw, max_bytes=max_bytes), rank, 0))
            yield _record_batch(rows)

    return out.unionByName(then.apply(scan, extract))


def read_records(spark: SparkSession, paths: Sequence[str], read: ReadOptions) -> DataFrame:
    """Documents and skips of a collection (schema `_RECORD_SCHEMA`), one row per item."""
    return _records(spark, _files(_FileSystem(spark), paths, read), read, _READ)


def _records(spark: SparkSession, found: list[_File], read: ReadOptions, then: _Then) -> DataFrame:
    """`read_records` over listed files, each batch passed through `then` in its worker."""
    files = list(enumerate(found))
    message = "describes the folder; --include-readme reads it"
    notes = [
        (f.name, rank, 0, message, None, None, None, None, FOLDER_NOTE)
        for rank, f in files
        if f.kind == "note"
    ]
    frames = [then.pad(spark.createDataFrame(notes, _RECORD_SCHEMA))] if notes else []
    for kind, reader in (
        ("jsonl", _read_jsonl),
        ("parquet", _read_parquet),
        ("document", _read_documents),
    ):
        mine = [(rank, f) for rank, f in files if f.kind == kind]
        if mine:
            frames.append(reader(spark, mine, read, then))
    if not frames:
        return then.pad(spark.createDataFrame([], _RECORD_SCHEMA))
    out = frames[0]
    for frame in frames[1:]:
        out = out.unionByName(frame)
    return out


# --- signing --------------------------------------------------------------------------------

_SIGNED_FIELDS = (
    *_RECORD_FIELDS,
    ("length", "long"),
    ("size", "long"),
    ("digest", "long"),
    ("keys", "array<long>"),
    ("anchors", "array<long>"),
    ("shingles", "binary"),
    # Sentence sketches (`sentences.to_bytes`) and their anchors: null unless sentences count.
    ("sentences", "binary"),
    ("sentence_anchors", "array<long>"),
)


def _signer(options: FindOptions) -> _Then:
    """`fingerprint` per Arrow batch; skips pass through, a text without words becomes one."""
    lsh = options.discovery.banding()
    minhash = options.discovery.minhash
    shingle_size = options.discovery.shingle_size
    modulus = options.discovery.modulus
    names = [n for n, _ in _SIGNED_FIELDS]
    sentences = options.discovery.sentences

    def sign(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:

        from redline.discover.fingerprint import fingerprint  # noqa: PLC0415
        from redline.discover.sentences import (  # noqa: PLC0415
            sentence_anchors,
            sketch,
            to_bytes,
        )

        for batch in batches:
            reasons = batch.column("reason").to_pylist()
            texts = batch.column("text").to_pylist()
            mine = [k for k, r in enumerate(reasons) if r is None]
            fp = fingerprint(
                [texts[k] for k in mine],
                minhash,
                lsh,
                shingle_size=shingle_size,
                anchor_modulus=modulus,
            )
            ends = np.cumsum(fp.anchor_counts).tolist()
            # uint64 hashes travel as int64 bit patterns: equality and grouping are unchanged.
            keys = fp.keys.view(np.int64)
            anchors = fp.anchor_values.view(np.int64)
            n = batch.num_rows
            length: list[int | None] = [None] * n
            size: list[int | None] = [None] * n
            digest: list[int | None] = [None] * n
            key_lists: list[Any] = [None] * n
            anchor_lists: list[Any] = [None] * n
            sets: list[bytes | None] = [None] * n
            sketches: list[bytes | None] = [None] * n
            sentence_lists: list[Any] = [None] * n
            for j, k in enumerate(mine):
                if not len(fp.sets[j]):
                    reasons[k] = "empty"
                    texts[k] = "no words in the text"
                    continue
                length[k] = len(texts[k])
                size[k] = len(fp.sets[j])
                digest[k] = int(fp.digests[j].view(np.int64))
                key_lists[k] = keys[j]
                anchor_lists[k] = anchors[(ends[j - 1] if j else 0) : ends[j]]
                sets[k] = fp.sets[j].tobytes()
                if sentences:
                    sk = sketch(texts[k])
                    sketches[k] = to_bytes(sk)
                    sentence_lists[k] = sentence_anchors(sk).view(np.int64)
            yield pa.RecordBatch.from_arrays(
                [
                    batch.column("id"),
                    batch.column("rank"),
                    batch.column("position"),
                    pa.array(texts, type=pa.string()),
                    batch.column("title"),
                    batch.column("url"),
                    batch.column("date"),
                    batch.column("byline"),
                    pa.array(reasons, type=pa.string()),
                    pa.array(length, type=pa.int64()),
                    pa.array(size, type=pa.int64()),
                    pa.array(digest, type=pa.int64()),
                    pa.array(key_lists, type=pa.list_(pa.int64())),
                    pa.array(anchor_lists, type=pa.list_(pa.int64())),
                    pa.array(sets, type=pa.binary()),
                    pa.array(sketches, type=pa.binary()),
                    pa.array(sentence_lists, type=pa.list_(pa.int64())),
                ],
                names=names,
            )

    return _Then(sign, _SIGNED_FIELDS)


def _count(marked: DataFrame, skips: DataFrame, stats: Stats, *, strict: bool) -> None:
    """Documents, items and skips per reason (with the first few, in input order) into `stats`.

    Raises:
        InputError: with `strict`, the first skip that is bad input.
    """

    counts = {r["reason"]: int(r["count"]) for r in marked.groupBy("reason").count().collect()}
    stats.documents = counts.pop(None, 0)
    stats.read = stats.documents + sum(counts.values())
    if not counts:
        return
    w = sf.row_number().over(Window.partitionBy("reason").orderBy("rank", "position", "id"))
    firsts = (
        skips.withColumn("nth", w)
        .where(sf.col("nth") <= _EXAMPLES_PER_REASON)
        .orderBy("rank", "position", "id")
        .collect()
    )
    examples = [Skip(r["id"], r["reason"], r["text"], r["position"] or None) for r in firsts]
    if strict:
        fatal = [s for s in examples if s.fatal]
        if fatal:
            raise fatal[0].error()
    for reason, count in counts.items():
        typed: Reason = reason
        stats.skipped[typed] = count
    for skip in examples:
        stats.examples.setdefault(skip.reason, []).append(skip)


# --- candidates -----------------------------------------------------------------------------


def _exact_copies(docs: DataFrame, clock: _Clock) -> tuple[DataFrame, DataFrame]:
    """(pairs joining each exact copy to its representative, the representatives).

    The representative of equal shingle sets is the smallest id; pairs have the schema of
    verified pairs, with every score 1.0. Only (digest, id, node) are shuffled to find the
    groups of copies.
    """

    groups = clock.persist(
        docs.groupBy("digest")
        .agg(sf.count("*").alias("n"), sf.min(sf.struct("id", "nid")).alias("rep"))
        .where("n > 1")
        .select("digest", "rep")
    )
    marked = docs.select("id", "nid", "size", "keys", "anchors", "sentence_anchors", "digest").join(
        _small(groups, groups.count()), "digest", "left"
    )
    reps = marked.where(sf.col("rep").isNull() | (sf.col("id") == sf.col("rep.id"))).drop(
        "rep", "digest"
    )
    copies = marked.where(sf.col("rep").isNotNull() & (sf.col("id") != sf.col("rep.id"))).select(
        sf.least("id", "rep.id").alias("a"),
        sf.greatest("id", "rep.id").alias("b"),
        sf.when(sf.col("id") < sf.col("rep.id"), sf.col("nid"))
        .otherwise(sf.col("rep.nid"))
        .alias("na"),
        sf.when(sf.col("id") < sf.col("rep.id"), sf.col("rep.nid"))
        .otherwise(sf.col("nid"))
        .alias("nb"),
        sf.lit(1.0).alias("jaccard"),
        sf.lit(1.0).alias("a_in_b"),
        sf.lit(1.0).alias("b_in_a"),
        sf.lit(None).cast("double").alias("aligned"),
    )
    return copies, reps


# Members of one LSH bucket paired in one row: a larger bucket is cut into runs of this many
# starting positions (each run also holds the `max_bucket - 1` members after it).
_BUCKET_RUN = 1024


def _band_pairs(reps: DataFrame, max_bucket: int) -> DataFrame:
    """Candidate (lo, hi) node pairs of `lsh.candidates`: documents sharing a band key.

    In each bucket, documents are ordered by (shingle count, id) and each is paired with the
    next `max_bucket - 1`: all pairs of a bucket of up to `max_bucket`. One aggregation
    gathers each bucket's members; the pairs come from array functions on its row, so the
    (band, key) rows are shuffled once and never joined to themselves.
    """

    if max_bucket < 2:
        raise ConfigError(f"max_bucket must be >= 2, got {max_bucket}")
    near, run = max_bucket - 1, _BUCKET_RUN
    buckets = (
        reps.select("nid", "id", "size", sf.posexplode("keys").alias("band", "key"))
        .groupBy("band", "key")
        .agg(sf.collect_list(sf.struct("size", "id", "nid")).alias("m"))
        .where(sf.size("m") > 1)
        # Structs sort field by field: (shingle count, id), ids being unique.
        .select(sf.array_sort("m").alias("m"))
    )
    runs = buckets.select(
        "m", sf.explode(sf.expr(f"sequence(0, (size(m) - 1) div {run})")).alias("r")
    ).select(sf.expr(f"slice(m, r * {run} + 1, {run + near})").alias("p"))
    pairs = sf.expr(
        f"flatten(transform(sequence(0, least({run}, size(p)) - 1), i ->"
        f" transform(filter(sequence(i + 1, i + {near}), j -> j < size(p)),"
        " j -> named_struct('x', p[i].nid, 'y', p[j].nid))))"
    )
    return (
        runs.select(sf.explode(pairs).alias("q"))
        .select(sf.least("q.x", "q.y").alias("lo"), sf.greatest("q.x", "q.y").alias("hi"))
        .distinct()
    )


def _anchor_pairs(
    reps: DataFrame, column: str, *, min_shared: int, max_df: int, min_share: float
) -> DataFrame:
    """Candidate (lo, hi) node pairs of `anchors.anchor_candidates` over the anchors in `column`.

    Rule 3 of `discover.candidates` on `anchors`, rule 3b on `sentence_anchors`.
    """

    if min_shared < 1 or max_df < 2:
        raise ConfigError(f"need min_shared >= 1 and max_df >= 2, got {min_shared}, {max_df}")
    owned = reps.select("nid", sf.size(column).alias("n"), sf.explode(column).alias("value"))
    posting = (
        owned.withColumn("df", sf.count("*").over(Window.partitionBy("value")))
        .where((sf.col("df") >= 2) & (sf.col("df") <= max_df))
        .select("value", "nid", "n")
    )
    a = posting.select("value", sf.col("nid").alias("lo"), sf.col("n").alias("n_lo"))
    b = posting.select("value", sf.col("nid").alias("hi"), sf.col("n").alias("n_hi"))
    shared = (
        a.join(b, "value")
        .where(sf.col("lo") < sf.col("hi"))
        .groupBy("lo", "hi")
        .agg(
            sf.count("*").alias("shared"),
            sf.first("n_lo").alias("n_lo"),
            sf.first("n_hi").alias("n_hi"),
        )
    )
    # The same float64 arithmetic as anchor_candidates: need = max(min_shared, share * min(n)).
    need = sf.greatest(
        sf.lit(float(min_shared)),
        sf.lit(float(min_share)) * sf.least("n_lo", "n_hi").cast("double"),
    )
    return shared.where(sf.col("shared") >= need).select("lo", "hi")


# --- verification ---------------------------------------------------------------------------

_PAIR_SCHEMA = (
    "a string, b string, na long, nb long, jaccard double, a_in_b double, b_in_a double,"
    " aligned double"
)


def _verify(candidates: DataFrame, docs: DataFrame, options: FindOptions) -> DataFrame:
    """The candidates `verify` accepts, as pairs ordered by id."""

    thresholds = options.discovery.thresholds
    # Sketches are null unless sentences count: then `verify` gets None and skips them.
    sets = docs.select("nid", "id", "shingles", "sentences")
    joined = (
        candidates.join(sets.toDF("lo", "lo_id", "lo_set", "lo_sk"), "lo")
        .join(sets.toDF("hi", "hi_id", "hi_set", "hi_sk"), "hi")
        .select("lo", "lo_id", "lo_set", "lo_sk", "hi", "hi_id", "hi_set", "hi_sk")
    )

    def check(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:

        from redline.discover.sentences import from_bytes  # noqa: PLC0415
        from redline.discover.verify import verify  # noqa: PLC0415

        for batch in batches:
            data = batch.to_pydict()
            out: dict[str, list[Any]] = {
                k: [] for k in ("a", "b", "na", "nb", "j", "ab", "ba", "al")
            }
            for k in range(batch.num_rows):
                lo_id, hi_id = data["lo_id"][k], data["hi_id"][k]
                lo_sk, hi_sk = data["lo_sk"][k], data["hi_sk"][k]
                pair = verify(
                    np.frombuffer(data["lo_set"][k], dtype=np.uint64),
                    np.frombuffer(data["hi_set"][k], dtype=np.uint64),
                    thresholds,
                    a_id=lo_id,
                    b_id=hi_id,
                    a_sentences=None if lo_sk is None else from_bytes(lo_sk),
                    b_sentences=None if hi_sk is None else from_bytes(hi_sk),
                )
                if pair is None:
                    continue
                swapped = pair.a != lo_id
                out["a"].append(pair.a)
                out["b"].append(pair.b)
                out["na"].append(data["hi"][k] if swapped else data["lo"][k])
                out["nb"].append(data["lo"][k] if swapped else data["hi"][k])
                out["j"].append(pair.jaccard)
                out["ab"].append(pair.a_in_b)
                out["ba"].append(pair.b_in_a)
                out["al"].append(pair.aligned_share)
            yield pa.RecordBatch.from_arrays(
                [
                    pa.array(out["a"], type=pa.string()),
                    pa.array(out["b"], type=pa.string()),
                    pa.array(out["na"], type=pa.int64()),
                    pa.array(out["nb"], type=pa.int64()),
                    pa.array(out["j"], type=pa.float64()),
                    pa.array(out["ab"], type=pa.float64()),
                    pa.array(out["ba"], type=pa.float64()),
                    pa.array(out["al"], type=pa.float64()),
                ],
                names=["a", "b", "na", "nb", "jaccard", "a_in_b", "b_in_a", "aligned"],
            )

    return (
        joined.mapInArrow(check, _PAIR_SCHEMA)
        .select("a", "b", "na", "nb", "jaccard", "a_in_b", "b_in_a", "aligned")
        .withColumn("a", sf.col("a"))
    )


# --- clusters -------------------------------------------------------------------------------


def _cluster_edges(pairs: DataFrame, options: FindOptions) -> DataFrame:
    """The edges `discover.cluster.cluster` unions, decided per document, as (u, v) nodes.

    Jaccard edges and containment edges that cover `min_cover` of their container join
    outright; otherwise a contained text joins only its best container: highest containment,
    then highest Jaccard, then smallest container id.
    """

    thresholds = options.discovery.thresholds
    strong = pairs.where(sf.col("jaccard") >= thresholds.jaccard).select(
        sf.col("na").alias("u"), sf.col("nb").alias("v")
    )
    a_inner = sf.col("a_in_b") >= sf.col("b_in_a")
    contained = pairs.where(sf.col("jaccard") < thresholds.jaccard).select(
        sf.when(a_inner, sf.col("na")).otherwise(sf.col("nb")).alias("inner"),
        sf.when(a_inner, sf.col("nb")).otherwise(sf.col("na")).alias("outer"),
        sf.when(a_inner, sf.col("b")).otherwise(sf.col("a")).alias("outer_id"),
        sf.when(a_inner, sf.col("a_in_b")).otherwise(sf.col("b_in_a")).alias("share"),
        sf.when(a_inner, sf.col("b_in_a")).otherwise(sf.col("a_in_b")).alias("cover"),
        "jaccard",
    )
    covering = contained.where(sf.col("cover") >= thresholds.min_cover).select(
        sf.col("inner").alias("u"), sf.col("outer").alias("v")
    )
    best_first = Window.partitionBy("inner").orderBy(
        sf.col("share").desc(), sf.col("jaccard").desc(), sf.col("outer_id")
    )
    best = (
        contained.where(sf.col("cover") < thresholds.min_cover)
        .withColumn("nth", sf.row_number().over(best_first))
        .where("nth = 1")
        .select(sf.col("inner").alias("u"), sf.col("outer").alias("v"))
    )
    return strong.unionByName(covering).unionByName(best)


def _components(
    edges: DataFrame, clock: _Clock, *, graph_stats: bool = False
) -> tuple[DataFrame, int, list[tuple[int, int]]]:
    """(node, label) for every node with an edge, label the smallest node of its component.

    Large-star and small-star (Kiveris, Lattanzi, Mirrokni, Rastogi, Vassilvitskii: "Connected
    Components in MapReduce and Beyond", SoCC 2014) alternate until a round changes no edge;
    the graph is then one star per component around its smallest node. Also returns the
    rounds taken and, with `graph_stats`, the (degree, nodes) histogram of the input graph.
    """
    # Undirected, without self-loops or repeats, smaller node first.
    current = clock.checkpoint(
        edges.where(sf.col("u") != sf.col("v"))
        .select(sf.least("u", "v").alias("u"), sf.greatest("u", "v").alias("v"))
        .distinct()
    )
    degrees: list[tuple[int, int]] = []
    if graph_stats:
        both = current.unionByName(current.select(sf.col("v").alias("u"), sf.col("u").alias("v")))
        per_node = both.groupBy("u").agg(sf.count("*").alias("degree"))
        degrees = [
            (int(r["degree"]), int(r["count"]))
            for r in per_node.groupBy("degree").count().collect()
        ]
    rounds = 0
    while not _is_star_forest(current):
        rounds += 1
        if rounds > _MAX_ROUNDS:
            raise RuntimeError(f"connected components did not converge in {_MAX_ROUNDS} rounds")
        # Checkpointed, not just persisted: each round's plan would otherwise hold all before.
        current = clock.checkpoint(_small_star(_large_star(current)))
    # Every edge is now (root, member): the root is the smallest node of the component.
    labels = (
        current.select(sf.col("v").alias("node"), sf.col("u").alias("label"))
        .unionByName(current.select(sf.col("u").alias("node"), sf.col("u").alias("label")))
        .distinct()
    )
    return labels, rounds, sorted(degrees)


def _is_star_forest(edges: DataFrame) -> bool:
    """Whether every node has at most one smaller neighbour, and none when it has larger ones.

    Then each component is a star around its smallest node, and a round of large-star and
    small-star would change nothing: the algorithm has converged.
    """
    ends = edges.select(
        sf.col("u").alias("node"), sf.lit(0).alias("parents"), sf.lit(1).alias("children")
    ).unionByName(
        edges.select(
            sf.col("v").alias("node"), sf.lit(1).alias("parents"), sf.lit(0).alias("children")
        )
    )
    per_node = ends.groupBy("node").agg(
        sf.sum("parents").alias("parents"), sf.max("children").alias("children")
    )
    bad = per_node.where(
        (sf.col("parents") > 1) | ((sf.col("parents") > 0) & (sf.col("children") > 0))
    )
    return bool(bad.limit(1).count() == 0)


def _large_star(edges: DataFrame) -> DataFrame:
    """Each node's larger neighbours attach to the smallest node of its neighbourhood."""

    both = edges.select("u", "v").unionByName(
        edges.select(sf.col("v").alias("u"), sf.col("u").alias("v"))
    )
    low = sf.least(sf.col("u"), sf.min("v").over(Window.partitionBy("u")))
    marked = both.withColumn("m", low)
    return (
        marked.where(sf.col("v") > sf.col("u"))
        .select(sf.col("m").alias("u"), sf.col("v").alias("v"))
        .where(sf.col("u") != sf.col("v"))
        .select(sf.least("u", "v").alias("u"), sf.greatest("u", "v").alias("v"))
        .distinct()
    )


def _small_star(edges: DataFrame) -> DataFrame:
    """Each node and its smaller neighbours attach to the smallest of them."""

    # Edges are (smaller, larger): the larger end's smaller neighbours are the `u`s.
    low = sf.min("u").over(Window.partitionBy("v"))
    marked = edges.withColumn("m", low)
    moved = marked.select(sf.col("m").alias("u"), sf.col("u").alias("v")).where(
        sf.col("u") != sf.col("v")
    )
    own = marked.select(sf.col("m").alias("u"), sf.col("v").alias("v"))
    return (
        moved.unionByName(own)
        .select(sf.least("u", "v").alias("u"), sf.greatest("u", "v").alias("v"))
        .distinct()
    )


_CLUSTER_SCHEMA = (
    "cluster string, size long, line string,"
    " members array<struct<id: string, canonical: string, best_match: string,"
    " jaccard: double, containment: double>>"
)


def _clusters(
    pairs: DataFrame, labels: DataFrame, docs: DataFrame, options: FindOptions
) -> DataFrame:
    """One row per cluster: its id, size, `redline.clusters/1` line and member roles.

    `discover.cluster.cluster` runs on each component's own verified pairs. That gives what it
    gives on all pairs at once: a component holds every edge its documents were joined by
    (a contained text's best container is in its component), and union-find inside one
    component never depends on another.
    """

    thresholds = options.discovery.thresholds
    order_by, prefer = options.order_by, options.prefer
    facts = docs.select("nid", "date", "length")
    inside = (
        pairs.join(labels.toDF("na", "label"), "na")
        .join(labels.toDF("nb", "label_b"), "nb")
        .where(sf.col("label") == sf.col("label_b"))
        .join(facts.toDF("na", "a_date", "a_length"), "na")
        .join(facts.toDF("nb", "b_date", "b_length"), "nb")
        .select(
            "label",
            "a",
            "b",
            "jaccard",
            "a_in_b",
            "b_in_a",
            "aligned",
            "a_date",
            "a_length",
            "b_date",
            "b_length",
        )
    )

    def build(table: pa.Table) -> pa.Table:

        from redline.discover.cluster import Member, cluster  # noqa: PLC0415
        from redline.engines.output import memberships  # noqa: PLC0415
        from redline.models import Pair  # noqa: PLC0415

        data = table.to_pydict()
        members: dict[str, Member] = {}
        found = []
        for k in range(table.num_rows):
            a, b = data["a"][k], data["b"][k]
            members[a] = Member(a, data["a_date"][k], data["a_length"][k])
            members[b] = Member(b, data["b_date"][k], data["b_length"][k])
            found.append(
                Pair(
                    a,
                    b,
                    data["jaccard"][k],
                    data["a_in_b"][k],
                    data["b_in_a"][k],
                    data["aligned"][k],
                )
            )
        rows: dict[str, list[Any]] = {"cluster": [], "size": [], "line": [], "members": []}
        made = cluster(found, members, thresholds, order_by=order_by, prefer=prefer)
        for c in made:
            roles = memberships([c])
            rows["cluster"].append(c.id)
            rows["size"].append(len(c.documents))
            rows["line"].append(json.dumps(c.to_dict(), ensure_ascii=False, sort_keys=False))
            rows["members"].append(
                [
                    {
                        "id": d,
                        "canonical": c.canonical,
                        "best_match": roles[d].best_match,
                        "jaccard": roles[d].jaccard,
                        "containment": roles[d].containment,
                    }
                    for d in c.documents
                ]
            )
        return pa.table(rows, schema=_cluster_arrow_schema())

    return inside.groupBy("label").applyInArrow(build, _CLUSTER_SCHEMA)


def _cluster_arrow_schema() -> pa.Schema:

    member = pa.struct(
        [
            ("id", pa.string()),
            ("canonical", pa.string()),
            ("best_match", pa.string()),
            ("jaccard", pa.float64()),
            ("containment", pa.float64()),
        ]
    )
    return pa.schema(
        [
            ("cluster", pa.string()),
            ("size", pa.int64()),
            ("line", pa.string()),
            ("members", pa.list_(member)),
        ]
    )


# --- output ---------------------------------------------------------------------------------


def _write(
    spark: SparkSession, clusters: DataFrame, docs: DataFrame, outdir: str, *, single_file: bool
) -> list[str]:
    """clusters.jsonl and clusters.parquet under temporary names, renamed when both exist."""

    fs = _FileSystem(spark)
    base = fs.qualify(outdir).rstrip("/")
    tag = uuid.uuid4().hex[:12]
    largest_first = (sf.col("size").desc(), sf.col("cluster"))
    lines = clusters.select("size", "cluster", sf.col("line").alias("value"))
    roles = clusters.select("cluster", "size", sf.explode("members").alias("m")).select(
        sf.col("m.id").alias("id"),
        "cluster",
        sf.col("m.canonical").alias("canonical"),
        sf.col("size").cast("int").alias("cluster_size"),
        sf.col("m.best_match").alias("best_match"),
        sf.round("m.jaccard", 4).alias("jaccard"),
        sf.round("m.containment", 4).alias("containment"),
    )
    rows = (
        docs.select(
            "id", "title", "url", "date", sf.col("length").alias("chars"), "rank", "position"
        )
        .join(roles, "id", "left")
        .select(
            "rank",
            "position",
            "id",
            "cluster",
            "canonical",
            sf.coalesce(sf.col("canonical") == sf.col("id"), sf.lit(False)).alias("is_canonical"),
            sf.coalesce(sf.col("cluster_size"), sf.lit(1)).alias("cluster_size"),
            "best_match",
            "jaccard",
            "containment",
            "title",
            "url",
            "date",
            "chars",
        )
    )
    pending: list[tuple[str, str]] = []
    try:
        for name, table, order, suffix in (
            ("clusters.jsonl", lines, largest_first, ".txt"),
            ("clusters.parquet", rows, (sf.col("rank"), sf.col("position")), ".parquet"),
        ):
            # One file: one task sorts it, with no sampling pass for a range partitioning.
            if single_file:
                ordered = table.repartition(1).sortWithinPartitions(*order)
            else:
                ordered = table.orderBy(*order)
            keys = ("size", "cluster") if suffix == ".txt" else ("rank", "position")
            tmp = f"{base}/.{name}.{tag}.tmp"
            writer = ordered.drop(*keys).write.mode("overwrite")
            if suffix == ".txt":
                writer.text(tmp)
            else:
                writer.parquet(tmp)
            if single_file:
                part = fs.single_part(tmp, suffix)
                file_tmp = f"{tmp}.part"
                fs.rename(part, file_tmp)
                fs.remove(tmp)
                pending.append((file_tmp, f"{base}/{name}"))
            else:
                pending.append((tmp, f"{base}/{name}"))
        done = []
        for tmp, final in pending:
            fs.rename(tmp, final)
            done.append(final)
        return done
    except BaseException:
        for tmp, _ in pending:
            fs.remove(tmp)
        raise


def _largest(
    clusters: DataFrame, docs: DataFrame, largest: int | None
) -> tuple[list[Cluster], dict[str, Document]]:
    """The largest clusters as `Cluster` values, and the documents their pages show.

    `largest` None: every cluster and every document in one (for `SparkEngine.run`).
    """

    from redline.models import Cluster, Document, Pair  # noqa: PLC0415

    top = clusters.orderBy(sf.col("size").desc(), sf.col("cluster")).select("line")
    if largest is not None:
        top = top.limit(largest)
    kept: list[Cluster] = []
    for row in top.collect():
        data = json.loads(row["line"])
        kept.append(
            Cluster(
                id=data["cluster"],
                canonical=data["canonical"],
                documents=tuple(data["documents"]),
                pairs=tuple(Pair(**p) for p in data["pairs"]),
            )
        )
    wanted: list[str] = []
    most = _MAX_REPORT_DOCUMENTS if largest is not None else sys.maxsize
    for c in kept:
        wanted.extend(c.documents)
        if len(wanted) >= most:
            break
    wanted = wanted[:most]
    spark = docs.sparkSession
    ids = spark.createDataFrame([(d,) for d in wanted], "id string")
    found = docs.join(sf.broadcast(ids), "id").select(
        "id", "text", "title", "url", "date", "byline"
    )
    documents = {
        r["id"]: Document(r["id"], r["text"], r["title"], r["url"], r["date"], r["byline"])
        for r in found.collect()
    }
    return kept, documents


# --- the run --------------------------------------------------------------------------------


# The stages of a run, in order; Spark jobs carry their stage's name as job group, so the
# Spark UI (and bench/bench_spark.py, through its REST API) can sum shuffle bytes per stage.
STAGES = ("read and sign", "band", "verify", "components", "cluster", "write")


class _Clock:
    """Wall time per stage; a stage ends when its persisted DataFrame has been computed."""

    def __init__(self, stats: Stats, spark: SparkSession) -> None:
        self._stats = stats
        self._context = spark.sparkContext
        self._mark = time.perf_counter()
        self._frames: list[DataFrame] = []
        self._context.setJobGroup(STAGES[0], f"redline find: {STAGES[0]}")

    def persist(self, frame: DataFrame) -> DataFrame:
        kept = frame.persist(StorageLevel.MEMORY_AND_DISK)
        self._frames.append(kept)
        return kept

    def checkpoint(self, frame: DataFrame) -> DataFrame:
        """`frame` computed now and cut from its plan (reliably when a checkpoint dir is set)."""
        if frame.sparkSession.sparkContext.getCheckpointDir() is not None:
            return frame.checkpoint(eager=True)
        return frame.localCheckpoint(eager=True)

    def lap(self, stage: str) -> None:
        """`stage` is done; the jobs that follow belong to the next one."""
        now = time.perf_counter()
        self._stats.timings[stage] = self._stats.timings.get(stage, 0.0) + now - self._mark
        self._mark = now
        after = STAGES[STAGES.index(stage) + 1 :]
        if after:
            self._context.setJobGroup(after[0], f"redline find: {after[0]}")

    def release(self) -> None:
        for frame in self._frames:
            frame.unpersist()
        self._context.setLocalProperty("spark.jobGroup.id", None)  # type: ignore[arg-type,unused-ignore]


def run(
    paths: Sequence[str],
    outdir: str,
    options: FindOptions | None = None,
    read: ReadOptions | None = None,
    *,
    spark: SparkSession | None = None,
    single_file: bool = True,
    largest: int | None = DEFAULT_LARGEST,
    graph_stats: bool = False,
    hold: bool = False,
) -> SparkResult:
    """Find the clusters of versions in a collection on Spark and write them to `outdir`.

    Args:
        paths: files and folders, local or any Hadoop path (hdfs://, s3a://, ...).
        outdir: the folder for clusters.jsonl and clusters.parquet (any Hadoop path).
        options: thresholds and limits, as for the local engine (`jobs` is not used: the
            session's executors decide).
        read: field names and the size limit.
        spark: the session (default: `session()`).
        single_file: write each output as one file (else as a folder of part files).
        largest: clusters, largest first, brought back for the summary and the report
            (None: all of them, and every document in one).
        graph_stats: also count the degrees of the graph clusters are found on (one more job).
        hold: keep the documents cached for `SparkResult.documents` until `close`.

    Raises:
        InputError: a path does not exist, or with `options.strict` the first skipped item.
        ConfigError: an input kind the engine does not read, or an option out of range.
        DependencyError: pyspark is not installed.
    """

    from redline.find import FindOptions, Stats  # noqa: PLC0415

    options = options or FindOptions()
    discovery = options.discovery
    read = read or ReadOptions(max_bytes=options.max_bytes)
    spark = spark or session()
    lsh = discovery.banding()
    stats = Stats(jobs=spark.sparkContext.defaultParallelism, bands=lsh.bands, rows=lsh.rows)
    started = time.perf_counter()
    files = _files(_FileSystem(spark), paths, read)
    clock = _Clock(stats, spark)
    restore = _fit_shuffle(spark, sum(f.size for f in files))
    try:
        # Node ids are fixed once, on the signed rows as cached (recomputing a cached
        # partition reads the same split in the same order, so it gives the same ids).
        signed = clock.persist(
            _records(spark, files, read, _signer(options)).withColumn(
                "nid", sf.monotonically_increasing_id()
            )
        )
        marked, docs = _first_by_id(signed, clock)
        skips = marked.where("reason is not null").select(
            "id",
            sf.when(sf.col("later"), None).otherwise(sf.col("position")).alias("position"),
            "rank",
            "text",
            "reason",
        )
        _count(marked, skips, stats, strict=options.strict)
        clock.lap("read and sign")
        if stats.documents == 0:
            # Nothing to report: no output is written (the caller says why).
            stats.seconds = time.perf_counter() - started
            return SparkResult(stats=stats, clusters=[], documents={}, outputs=[])

        copies, reps = _exact_copies(docs, clock)
        copies = clock.persist(copies)
        stats.exact_copies = copies.count()
        # Each candidate keeps the first rule that proposed it (0 bands, 1 anchors, 2
        # sentence anchors), for the counts of `Stats`.
        candidates = _band_pairs(reps, discovery.max_bucket).withColumn("rule", sf.lit(0))
        if discovery.modulus is not None:
            anchored = _anchor_pairs(
                reps,
                "anchors",
                min_shared=discovery.anchor_min_shared,
                max_df=discovery.anchor_max_df,
                min_share=discovery.anchor_min_share,
            ).withColumn("rule", sf.lit(1))
            candidates = candidates.unionByName(anchored)
        if discovery.sentences:
            sentenced = _anchor_pairs(
                reps,
                "sentence_anchors",
                min_shared=discovery.sentence_min_shared,
                max_df=discovery.sentence_max_df,
                min_share=discovery.sentence_min_share,
            ).withColumn("rule", sf.lit(2))
            candidates = candidates.unionByName(sentenced)
        candidates = clock.persist(candidates.groupBy("lo", "hi").agg(sf.min("rule").alias("rule")))
        found = candidates.agg(
            sf.count("*").alias("all"),
            sf.count_if(sf.col("rule") == 1).alias("anchored"),
            sf.count_if(sf.col("rule") == 2).alias("sentenced"),
        ).first()
        assert found is not None
        stats.candidates, stats.anchor_candidates = int(found["all"]), int(found["anchored"])
        stats.sentence_candidates = int(found["sentenced"])
        clock.lap("band")

        verified = clock.persist(_verify(candidates.select("lo", "hi"), docs, options))
        stats.verified = verified.count()
        pairs = verified.unionByName(copies)
        clock.lap("verify")

        edges = _cluster_edges(pairs, options)
        labels, rounds, degrees = _components(edges, clock, graph_stats=graph_stats)
        clock.lap("components")
        clusters = clock.persist(_clusters(pairs, labels, docs, options))
        sizes = clusters.groupBy("size").count().collect()
        stats.clusters = sum(r["count"] for r in sizes)
        stats.clustered = sum(r["size"] * r["count"] for r in sizes)
        clock.lap("cluster")

        written = _write(spark, clusters, docs, outdir, single_file=single_file)
        clock.lap("write")
        kept, documents = _largest(clusters, docs, largest)
        preferred = _clustered_among(clusters, options.prefer)
        stats.seconds = time.perf_counter() - started
        return SparkResult(
            stats=stats,
            clusters=kept,
            documents=documents,
            outputs=written,
            rounds=rounds,
            degrees=degrees,
            sizes=sorted((int(r["size"]), int(r["count"])) for r in sizes),
            preferred=preferred,
            _docs=docs if hold else None,
            _release=clock.release if hold else None,
        )
    except BaseException:
        hold = False
        raise
    finally:
        restore()
        if not hold:
            clock.release()


# Shuffle partitions on a local master when the session does not set them: one per core,
# and more only when the input is large (Spark's 200 suit clusters; locally each costs a
# task per shuffle).
_LOCAL_PARTITION_BYTES = 64 * 2**20
# The most rows joined by broadcast (duplicated ids, exact-copy groups): below this, the
# signed rows are marked where they are instead of being shuffled to meet them.
_BROADCAST_ROWS = 500_000


def _fit_shuffle(spark: SparkSession, input_bytes: int) -> Callable[[], None]:
    """Fewer shuffle partitions for a local run of this size; returns what restores them."""
    context = spark.sparkContext
    key = "spark.sql.shuffle.partitions"
    if not str(context.master).startswith("local") or context.getConf().contains(key):
        return _nothing
    before = spark.conf.get(key)
    cores = context.defaultParallelism
    wanted = max(cores, min(4 * cores, -(-input_bytes // _LOCAL_PARTITION_BYTES)))
    spark.conf.set(key, str(wanted))

    def restore() -> None:
        if before is None:
            spark.conf.unset(key)
        else:
            spark.conf.set(key, before)

    return restore


def _nothing() -> None:
    return None


def _small(frame: DataFrame, rows: int) -> DataFrame:
    """`frame` hinted for a broadcast join when it has at most `_BROADCAST_ROWS` rows."""
    return sf.broadcast(frame) if rows <= _BROADCAST_ROWS else frame


def _first_by_id(signed: DataFrame, clock: _Clock) -> tuple[DataFrame, DataFrame]:
    """(every row, later documents of an id made "duplicate id" skips; the documents kept).

    The document kept for an id is its first by input order, as the local engine keeps it;
    skips never claim an id. Only (id, rank, position) are shuffled to find the duplicated
    ids; the signed rows stay where they were signed and meet them in a broadcast join.
    Marks rows to drop with the column `later`.
    """
    first = clock.persist(
        signed.where(sf.col("reason").isNull())
        .groupBy("id")
        .agg(sf.count("*").alias("n"), sf.min(sf.struct("rank", "position")).alias("first"))
        .where("n > 1")
        .select("id", "first")
    )
    duplicated = first.count()  # the job that signs every document
    if duplicated == 0:
        marked = signed.withColumn("later", sf.lit(False))
    else:
        later = (
            sf.col("reason").isNull()
            & sf.col("first").isNotNull()
            & (sf.struct("rank", "position") != sf.col("first"))
        )
        message = "an earlier document has this id; kept that one"
        marked = (
            signed.join(_small(first, duplicated), "id", "left")
            .withColumn("later", sf.coalesce(later, sf.lit(False)))
            .withColumn(
                "reason",
                sf.when(sf.col("later"), sf.lit("duplicate id")).otherwise(sf.col("reason")),
            )
            .withColumn("text", sf.when(sf.col("later"), sf.lit(message)).otherwise(sf.col("text")))
            .drop("first")
        )
    docs = marked.where("reason is null").drop("later", "reason")
    if duplicated > _BROADCAST_ROWS:
        docs = clock.persist(docs)  # a shuffle join: computed once
    return marked, docs


def _clustered_among(clusters: DataFrame, ids: Sequence[str]) -> frozenset[str]:
    """Which of `ids` (the `--canonical` choices) are in a cluster."""
    if not ids:
        return frozenset()
    members = clusters.select(sf.explode("members.id").alias("id"))
    found = members.where(sf.col("id").isin(list(ids))).distinct().collect()
    return frozenset(r["id"] for r in found)
