"""What `redline find` writes: clusters.jsonl, clusters.parquet and the deduplicated collection.

The outputs of a run are one set (`OutputSet`): clusters.jsonl, clusters.parquet and report/
are written into a hidden staging folder inside the output folder, and only when all of them
are complete are they swapped into place together, with Ctrl-C and SIGTERM held off for the few
renames of the swap. An interrupted run leaves the previous set as it was; it never leaves a
new clusters.jsonl beside an old report/, and a run that writes no report/ (--no-report)
removes the previous one in the same swap. A --dedup-out file outside the output folder is
written under a temporary name beside it and renamed in the same swap.

Files:

- `clusters.jsonl`: contract `redline.clusters/1`, one cluster per line, largest first.
- `clusters.parquet`: one row per document read, clustered or not; columns in `PARQUET_COLUMNS`.
- `--dedup-out FILE`: every document that is not clustered plus the canonical version
  of each cluster, in input order, as `{"id", "text", "title", "url", "date", "byline"}` lines
  under the field names the input was read with (`--id-field body` writes `body`), so the kept
  collection reads back like the input; and `FILE.map.jsonl` beside it (`kept.jsonl` gives
  `kept.jsonl.map.jsonl`, as the README says): one `{"id", "kept", "cluster"}` line per dropped
  document, naming the canonical version kept in its place.
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
import shutil
import signal
import tempfile
import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from redline.errors import ConfigError
from redline.ingest.jsonl import Fields
from redline.models import Cluster, Document

PARQUET_COLUMNS = (
    "id",  # document id
    "cluster",  # cluster id, null when the document has no other version
    "canonical",  # id of the cluster's canonical version, null when unclustered
    "is_canonical",  # true for the canonical version itself
    "cluster_size",  # documents in the cluster (1 when unclustered)
    "best_match",  # the other version with the highest Jaccard
    "jaccard",  # that Jaccard
    "containment",  # the highest share of this document found in another version
    "title",
    "url",
    "date",
    "chars",  # length of the extracted text
)


def map_path(dedup_path: Path) -> Path:
    """Where the dropped-to-kept mapping of a deduplicated output goes (FILE.map.jsonl)."""
    return dedup_path.with_name(f"{dedup_path.name}.map.jsonl")


@contextlib.contextmanager
def claim(outdir: Path, extra: Sequence[Path] = ()) -> Iterator[None]:
    """Hold `outdir` for one run and first remove what killed runs left in it.

    A run killed outright (SIGKILL, power loss) cannot delete its temporary files: hidden
    `.clusters.jsonl.*.tmp` files and `.report-*.tmp` folders would pile up. They are removed
    here, under a lock on the folder, so a run never deletes the temporary files of another run
    still writing to the same folder. `extra`: other outputs (--dedup-out) whose leftovers go
    too.
    """
    outdir.mkdir(parents=True, exist_ok=True)
    try:
        import fcntl  # noqa: PLC0415 - POSIX only
    except ImportError:  # elsewhere runs are not guarded, and leftovers are not removed
        yield
        return
    # The lock is on the folder itself, so no lock file is left among the outputs.
    fd = os.open(outdir, os.O_RDONLY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ConfigError(
                f"another `redline find` is writing to {outdir}; wait for it or pass another -o"
            ) from None
        _remove_stale(outdir, extra)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def _remove_stale(outdir: Path, extra: Sequence[Path]) -> None:
    stale_folders = (
        *outdir.glob(".report-*.tmp"),
        *outdir.glob(".report-*.old"),
        *outdir.glob(f"{_STAGE_PREFIX}*.tmp"),
        *outdir.glob(f"{_STAGE_PREFIX}*.old"),
    )
    for stale in stale_folders:
        if stale.is_dir():
            shutil.rmtree(stale, ignore_errors=True)
    finals = [outdir / "clusters.jsonl", outdir / "clusters.parquet"]
    finals += [p for path in extra for p in (path, map_path(path))]
    for final in finals:
        # The names `Outputs` gives its temporary files.
        for stale in final.parent.glob(f".{final.name}.*.tmp"):
            if stale.is_file():
                stale.unlink(missing_ok=True)


_STAGE_PREFIX = ".find-"
# Signals held off while an output set is swapped into place.
_DEFERRED = {signal.SIGINT, signal.SIGTERM}


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Hold off Ctrl-C and SIGTERM; one that arrives meanwhile is delivered at the end."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, _DEFERRED)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


class OutputSet:
    """The outputs of one run, written apart and swapped into place together (see above)."""

    def __init__(self, outdir: Path) -> None:
        outdir.mkdir(parents=True, exist_ok=True)
        self.outdir = outdir
        self.stage = outdir / f"{_STAGE_PREFIX}{uuid.uuid4().hex[:12]}.tmp"
        self.stage.mkdir()
        self._names: list[str] = []
        self._gone: list[str] = []
        self._outside = Outputs()

    def path(self, final: Path) -> Path:
        """Where to write what becomes `final` (a file or a folder) on commit."""
        if final.parent.resolve() == self.outdir.resolve():
            self._names.append(final.name)
            return self.stage / final.name
        return self._outside.reserve(final)

    def remove(self, final: Path) -> None:
        """Delete `final` (inside the output folder) on commit: an earlier run's output that
        this run does not write (report/ under --no-report) must not outlive its clusters."""
        if final.parent.resolve() != self.outdir.resolve():
            raise ValueError(f"{final} is not in the output folder {self.outdir}")
        if final.name not in self._names:
            self._gone.append(final.name)

    def open(self, final: Path) -> IO[str]:
        """A text file (UTF-8, \\n line ends) that becomes `final` on commit."""
        return self.path(final).open("w", encoding="utf-8", newline="\n")

    def commit(self) -> list[Path]:
        """Swap the whole set into place; on failure the previous set is put back."""
        old = self.stage.with_suffix(".old")
        old.mkdir()
        moved: list[str] = []
        placed: list[str] = []
        with _signals_held():
            try:
                for name in [*self._names, *self._gone]:
                    if (self.outdir / name).exists():
                        (self.outdir / name).rename(old / name)
                        moved.append(name)
                for name in self._names:
                    (self.stage / name).rename(self.outdir / name)
                    placed.append(name)
                outside = self._outside.commit()
            except BaseException:
                for name in placed:
                    (self.outdir / name).rename(self.stage / name)
                for name in moved:
                    (old / name).rename(self.outdir / name)
                raise
            finally:
                shutil.rmtree(old, ignore_errors=True)
        shutil.rmtree(self.stage, ignore_errors=True)
        return [*(self.outdir / n for n in self._names), *outside]

    def discard(self) -> None:
        """Delete everything written (after an error or an interrupt)."""
        shutil.rmtree(self.stage, ignore_errors=True)
        self._outside.discard()


class Outputs:
    """A set of files written under temporary names and renamed into place together."""

    def __init__(self) -> None:
        self._pending: list[tuple[Path, Path]] = []

    def create(self, path: Path) -> tuple[Path, IO[str]]:
        """A temporary text file that will become `path` on commit."""
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        self._pending.append((Path(tmp), path))
        return Path(tmp), os.fdopen(fd, "w", encoding="utf-8", newline="\n")

    def reserve(self, path: Path) -> Path:
        """A temporary path (for writers that open files themselves) renamed to `path` on commit."""
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        os.close(fd)
        self._pending.append((Path(tmp), path))
        return Path(tmp)

    def commit(self) -> list[Path]:
        """Rename every temporary file to its final name."""
        done = []
        umask = os.umask(0)
        os.umask(umask)
        for tmp, final in self._pending:
            # mkstemp creates files readable by the owner only; outputs are ordinary files.
            tmp.chmod(0o666 & ~umask)
            tmp.replace(final)
            done.append(final)
        self._pending.clear()
        return done

    def discard(self) -> None:
        """Delete the temporary files (after an error or Ctrl-C)."""
        for tmp, _ in self._pending:
            tmp.unlink(missing_ok=True)
        self._pending.clear()


def write_clusters_jsonl(fh: IO[str], clusters: Iterable[Cluster]) -> None:
    """One `redline.clusters/1` line per cluster."""
    for c in clusters:
        fh.write(json.dumps(c.to_dict(), ensure_ascii=False, sort_keys=False))
        fh.write("\n")


@dataclass(frozen=True, slots=True)
class Membership:
    """What a document is in its cluster: the columns of its clusters.parquet row."""

    cluster: Cluster
    best_match: str | None
    jaccard: float | None
    containment: float | None


def memberships(clusters: Sequence[Cluster]) -> dict[str, Membership]:
    """Each clustered document's membership by id (every engine writes its rows from these)."""
    found: dict[str, Membership] = {}
    for c in clusters:
        best: dict[str, tuple[float, str]] = {}
        contained: dict[str, float] = {}
        for p in c.pairs:
            for me, other, share in ((p.a, p.b, p.a_in_b), (p.b, p.a, p.b_in_a)):
                if me not in best or (p.jaccard, other) > best[me]:
                    best[me] = (p.jaccard, other)
                contained[me] = max(contained.get(me, 0.0), share)
        for doc_id in c.documents:
            score = best.get(doc_id)
            found[doc_id] = Membership(
                c,
                score[1] if score else None,
                score[0] if score else None,
                contained.get(doc_id),
            )
    return found


def _rows(documents: Iterable[Document], clusters: Sequence[Cluster]) -> Iterator[dict[str, Any]]:
    by_id = memberships(clusters)
    for doc in documents:
        role = by_id.get(doc.id)
        yield {
            "id": doc.id,
            "cluster": role.cluster.id if role else None,
            "canonical": role.cluster.canonical if role else None,
            "is_canonical": bool(role and role.cluster.canonical == doc.id),
            "cluster_size": len(role.cluster.documents) if role else 1,
            "best_match": role.best_match if role else None,
            "jaccard": None if role is None or role.jaccard is None else round(role.jaccard, 4),
            "containment": None
            if role is None or role.containment is None
            else round(role.containment, 4),
            "title": doc.title,
            "url": doc.url,
            "date": doc.date,
            "chars": len(doc.text),
        }


CSV_COLUMNS = (
    "cluster",  # cluster id (as in clusters.jsonl)
    "cluster_size",
    "canonical",  # id of the cluster's canonical version
    "is_canonical",
    "id",  # document id: its path for files, relative to the folder given
    "title",
    "date",
    "best_match",  # the other version with the highest Jaccard
    "similarity",  # that Jaccard
    "containment",  # the highest share of this document found in another version
)


def write_clusters_csv(
    fh: IO[str], documents: Iterable[Document], clusters: Sequence[Cluster]
) -> None:
    """clusters.csv: one row per clustered document, cluster by cluster, canonical first.

    Documents without another version are left out (clusters.parquet has every document).
    """
    rows = {r["id"]: r for r in _rows(documents, clusters) if r["cluster"] is not None}
    writer = csv.writer(fh)
    writer.writerow(CSV_COLUMNS)
    for c in clusters:
        for doc_id in c.documents:
            r = rows.get(doc_id)
            if r is None:
                continue
            writer.writerow(
                (
                    r["cluster"],
                    r["cluster_size"],
                    r["canonical"],
                    "yes" if r["is_canonical"] else "no",
                    doc_id,
                    r["title"] or "",
                    r["date"] or "",
                    r["best_match"] or "",
                    "" if r["jaccard"] is None else r["jaccard"],
                    "" if r["containment"] is None else r["containment"],
                )
            )


def write_clusters_parquet(
    path: Path, documents: Iterable[Document], clusters: Sequence[Cluster], *, batch: int = 50_000
) -> None:
    """One row per document read (columns: `PARQUET_COLUMNS`), streamed in row groups."""
    # Imported here: pyarrow is slow to import and only this writer needs it.
    import pyarrow as pa  # noqa: PLC0415
    import pyarrow.parquet as pq  # noqa: PLC0415

    schema = pa.schema(
        [
            ("id", pa.string()),
            ("cluster", pa.string()),
            ("canonical", pa.string()),
            ("is_canonical", pa.bool_()),
            ("cluster_size", pa.int32()),
            ("best_match", pa.string()),
            ("jaccard", pa.float64()),
            ("containment", pa.float64()),
            ("title", pa.string()),
            ("url", pa.string()),
            ("date", pa.string()),
            ("chars", pa.int64()),
        ]
    )
    with pq.ParquetWriter(str(path), schema) as writer:
        rows: list[dict[str, Any]] = []
        for row in _rows(documents, clusters):
            rows.append(row)
            if len(rows) >= batch:
                writer.write_table(pa.Table.from_pylist(rows, schema=schema))
                rows = []
        if rows:
            writer.write_table(pa.Table.from_pylist(rows, schema=schema))


def write_dedup(
    out: IO[str],
    mapping: IO[str],
    documents: Iterable[Document],
    clusters: Sequence[Cluster],
    fields: Fields | None = None,
) -> tuple[int, int]:
    """Write the deduplicated collection and the dropped-to-kept map; returns (kept, dropped).

    `fields` names the keys of the kept records (the names the input was read with).
    """
    fields = fields or Fields()
    names = (
        fields.id,
        fields.text,
        fields.title or "title",
        fields.url or "url",
        fields.date or "date",
        "byline",
    )
    kept_for: dict[str, tuple[str, str]] = {}
    for c in clusters:
        for doc_id in c.documents:
            if doc_id != c.canonical:
                kept_for[doc_id] = (c.canonical, c.id)
    kept = dropped = 0
    for doc in documents:
        target = kept_for.get(doc.id)
        if target is not None:
            mapping.write(
                json.dumps(
                    {"id": doc.id, "kept": target[0], "cluster": target[1]}, ensure_ascii=False
                )
                + "\n"
            )
            dropped += 1
            continue
        record: dict[str, str | None] = {}
        values = (doc.id, doc.text, doc.title, doc.url, doc.date, doc.byline)
        for name, value in zip(names, values, strict=True):
            record.setdefault(name, value)  # a name given twice keeps its first (id, text) value
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
        kept += 1
    return kept, dropped
