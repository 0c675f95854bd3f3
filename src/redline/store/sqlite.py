"""The default index: one SQLite file holding documents, signatures, LSH bands and clusters.

Invariants the code below keeps:

- Every change happens inside one `BEGIN IMMEDIATE` transaction (one document, or a small
  batch), so a process killed at any instant leaves the file as of its last commit, and running
  the same `add` again completes the job: adds are idempotent.
- A document is known by its id. Re-adding an id with the same text changes nothing
  ("present"). A new id with a text already indexed is a new document, an exact duplicate:
  two outlets printing the same wire copy are both listed, in one cluster, with a Jaccard 1.0
  pair (as `redline find` keeps them). An id already holding a different text (a file edited
  since it was added) keeps its old text, and the new text is added as `ID@HASH` (the first
  ten hex digits of its content hash), a version in the same cluster; adding that edit again
  is "present".
- `BEGIN IMMEDIATE` takes the write lock before reading candidates, so two writers never
  cluster against a stale view; the other writer waits up to `timeout` seconds (busy timeout).
  Readers never block in WAL mode.
- A cluster id is never renamed or reused. A document that joins documents of several clusters
  merges them into the oldest (lowest sequence number); the others are recorded in `merges`
  with the documents they held then (`merge_members`), and resolve to the survivor.
- Removing a document may split its cluster into parts (lone documents leave it). Ids go to
  the parts of two or more documents by this rule, so a split undoes a merge predictably:
  1. the cluster's own id stays with the part holding the earliest-added of its own
     documents (those no recorded merge brought in; if none is left, of all documents);
  2. each cluster merged in earlier comes back to life on the other part holding the most of
     the documents it held when merged (at least one); pairs of merged-in cluster and part
     are matched greedily, most shared documents first, ties to the earlier merge, then to
     the part with the earliest-added document;
  3. any other part gets a new id. Every part that does not keep the id is recorded in
     `splits`. A merged-in id that did not come back resolves to the part holding most of
     its documents.
- Only clusters of two or more documents exist; a lone document has no cluster.
- Candidates come from two sources, as in `redline find`: shared LSH band keys (similar
  texts) and shared anchors (`discover.anchors`: sampled shingles that keep containment, so a
  short excerpt of a long article is found though their Jaccard is low). An anchor held by
  `anchor_max_df` or more indexed documents is not looked up (boilerplate). Unlike `find`,
  which counts an anchor's documents over the whole collection, the index counts those added
  before, so a pair found while an anchor was still rare stays found when it later grows
  common; and exact copies count as documents of their own. Opening a schema 2 file (bands
  only) replays its documents in the order added to store their anchors and link the
  versions only anchors find.
- With sentence verification on (`DiscoveryConfig.sentences`: `--mode versions` and `reuse`
  of indexes made since it exists), sentence anchors (`discover.sentences`) are a third source,
  looked up like anchors (`sentence_anchors` table, counts in `sentence_counts`), and a
  candidate is also a version by the aligned share of its sentences, computed from the stored
  texts. Indexes made before it have `aligned` None in their meta and match as they did.
"""

from __future__ import annotations

import hashlib
import os
import re
import sqlite3
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, suppress
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from redline.discover.anchors import anchors
from redline.discover.candidates import anchor_threshold, sentence_threshold
from redline.discover.cluster import Member, canonical, container_rank, link
from redline.discover.config import DiscoveryConfig
from redline.discover.fingerprint import fingerprint, shingle_batch
from redline.discover.lsh import LSHConfig, band_keys_batch
from redline.discover.minhash import MinHashConfig
from redline.discover.sentences import SentenceSketch, aligned_share, sentence_anchors, sketch
from redline.discover.shingle import U64Array, overlap
from redline.discover.tokens import word_hashes
from redline.discover.verify import classify
from redline.errors import ConfigError, DiskFullError, NotFoundError, StoreError
from redline.models import Cluster, Document, Pair
from redline.store import retrieval
from redline.store.base import (
    AddResult,
    ClusterOrder,
    ClusterPage,
    ClusterSummary,
    Match,
    Merge,
    Stats,
    StoredDocument,
)
from redline.store.workers import ahead, batched

SCHEMA_VERSION = 3
# Readers hitting a version of a popular band (boilerplate, very short texts) verify at most
# this many candidates, those sharing the most bands first; it bounds query latency.
MAX_CANDIDATES = 1000
_SHINGLE_CACHE = 8192
# Connections an Index has open at most (each a file and its WAL); a transaction past them
# waits for one to come free. Query work between SQL statements holds the GIL, so more
# connections than this only add contention (bench/bench_serve_load.py).
MAX_CONNECTIONS = 8
# Retrieval profiles of stored documents (about 8 KB each for a 500-word article).
_PROFILE_CACHE = 4096
# The id a text being added takes in the pairs ruled on by `cluster.link` (no file id holds NUL).
_NEW = "\x00new"

# Verified pairs between two documents of one cluster (a join, not an IN list: a cluster can
# hold more documents than SQLite allows parameters).
_EDGES_WITHIN = (
    "SELECT e.a, e.b, e.jaccard, e.a_in_b, e.b_in_a FROM edges e"
    " JOIN documents x ON x.doc = e.a JOIN documents y ON y.doc = e.b"
    " WHERE x.cluster = ? AND y.cluster = ?"
)

# Full-text search over titles and texts (an external-content FTS5 table: the text is stored
# once, in documents). Made on the first search, so files from before it open unchanged.
_FTS = (
    "CREATE VIRTUAL TABLE docs_fts USING fts5(title, text, content='documents',"
    " content_rowid='doc')",
    "INSERT INTO docs_fts(docs_fts) VALUES ('rebuild')",
    "CREATE TRIGGER docs_fts_add AFTER INSERT ON documents BEGIN"
    " INSERT INTO docs_fts(rowid, title, text) VALUES (new.doc, new.title, new.text); END",
    "CREATE TRIGGER docs_fts_remove AFTER DELETE ON documents BEGIN"
    " INSERT INTO docs_fts(docs_fts, rowid, title, text)"
    " VALUES ('delete', old.doc, old.title, old.text); END",
    "CREATE TRIGGER docs_fts_change AFTER UPDATE OF title, text ON documents BEGIN"
    " INSERT INTO docs_fts(docs_fts, rowid, title, text)"
    " VALUES ('delete', old.doc, old.title, old.text);"
    " INSERT INTO docs_fts(rowid, title, text) VALUES (new.doc, new.title, new.text); END",
)
_WORD = re.compile(r"\w+")
_SQLITE_MAX_INT = 2**63 - 1
# The lowest Jaccard among a cluster's verified pairs (both ends inside it).
_SIMILARITY = (
    "(SELECT min(e.jaccard) FROM documents x JOIN edges e ON e.a = x.doc"
    " JOIN documents y ON y.doc = e.b WHERE x.cluster = ? AND y.cluster = x.cluster)"
)
_ORDERS: dict[str, str] = {
    "size": "c.size DESC, c.seq",
    "date": "c.last_date DESC, c.seq",
    "similarity": f"coalesce({_SIMILARITY.replace('= ?', '= c.seq', 1)}, 2), c.seq",
}

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS clusters (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    size INTEGER NOT NULL,
    state TEXT NOT NULL DEFAULT 'live' CHECK (state IN ('live', 'merged', 'dissolved')),
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL,
    last_date TEXT
);
CREATE INDEX IF NOT EXISTS clusters_size ON clusters(state, size DESC, seq);
CREATE INDEX IF NOT EXISTS clusters_date ON clusters(state, last_date DESC, seq);
CREATE TABLE IF NOT EXISTS documents (
    doc INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    -- Not unique: the same text under two ids is two documents (exact duplicates).
    hash TEXT NOT NULL,
    title TEXT, url TEXT, date TEXT, byline TEXT,
    text TEXT NOT NULL,
    added_at REAL NOT NULL,
    cluster INTEGER REFERENCES clusters(seq)
);
CREATE INDEX IF NOT EXISTS documents_cluster ON documents(cluster) WHERE cluster IS NOT NULL;
CREATE INDEX IF NOT EXISTS documents_hash ON documents(hash);
CREATE INDEX IF NOT EXISTS documents_cluster_hash ON documents(cluster, hash)
    WHERE cluster IS NOT NULL;
CREATE TABLE IF NOT EXISTS signatures (
    doc INTEGER PRIMARY KEY REFERENCES documents(doc) ON DELETE CASCADE,
    minhash BLOB NOT NULL,
    -- How many anchors the document has: the share rule of anchor candidates needs it.
    anchors INTEGER NOT NULL DEFAULT 0
);
-- No foreign key here: a cascade would need a second index on doc. remove() deletes a
-- document's band rows by recomputing its keys from the stored signature instead.
CREATE TABLE IF NOT EXISTS bands (
    key INTEGER NOT NULL,
    doc INTEGER NOT NULL,
    PRIMARY KEY (key, doc)
) WITHOUT ROWID;
-- Anchors (discover.anchors) as signed 64-bit values. Like bands, no foreign key: remove()
-- recomputes a document's anchors from its text.
CREATE TABLE IF NOT EXISTS anchors (
    value INTEGER NOT NULL,
    doc INTEGER NOT NULL,
    PRIMARY KEY (value, doc)
) WITHOUT ROWID;
-- Sentence anchors (discover.sentences) likewise, and how many each document has.
CREATE TABLE IF NOT EXISTS sentence_anchors (
    value INTEGER NOT NULL,
    doc INTEGER NOT NULL,
    PRIMARY KEY (value, doc)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS sentence_counts (
    doc INTEGER PRIMARY KEY REFERENCES documents(doc) ON DELETE CASCADE,
    anchors INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS edges (
    a INTEGER NOT NULL REFERENCES documents(doc) ON DELETE CASCADE,
    b INTEGER NOT NULL REFERENCES documents(doc) ON DELETE CASCADE,
    jaccard REAL NOT NULL, a_in_b REAL NOT NULL, b_in_a REAL NOT NULL,
    PRIMARY KEY (a, b)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS edges_b ON edges(b);
CREATE TABLE IF NOT EXISTS merges (
    absorbed INTEGER PRIMARY KEY REFERENCES clusters(seq),
    survivor INTEGER NOT NULL REFERENCES clusters(seq),
    at REAL NOT NULL,
    document TEXT
);
-- The documents an absorbed cluster held when it was merged: a later split gives its id back
-- to the part holding them. No foreign key: rows of removed documents simply never match.
CREATE TABLE IF NOT EXISTS merge_members (
    absorbed INTEGER NOT NULL REFERENCES clusters(seq),
    doc INTEGER NOT NULL,
    PRIMARY KEY (absorbed, doc)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS splits (
    created INTEGER PRIMARY KEY REFERENCES clusters(seq),
    source INTEGER NOT NULL REFERENCES clusters(seq),
    at REAL NOT NULL,
    document TEXT
);
"""


def cluster_name(seq: int) -> str:
    """The public id of a cluster sequence number."""
    return f"c{seq:06d}"


def cluster_seq(cluster_id: str) -> int:
    """The sequence number behind a public cluster id; NotFoundError when malformed."""
    digits = cluster_id[1:]
    # ASCII digits only ("²".isdigit() is true), and within SQLite's 64-bit integers.
    if cluster_id[:1] == "c" and digits.isascii() and digits.isdigit() and len(digits) <= 18:
        return int(digits)
    raise NotFoundError(f"no cluster {cluster_id!r}: cluster ids look like c000042")


def content_hash(text: str) -> str:
    """The identity of a text for idempotent adds (exact text, SHA-256)."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


class _Hit(NamedTuple):
    """A verified indexed version; `a_in_b` is the share of the new text found in `doc`."""

    doc: int
    id: str
    cluster: int | None
    jaccard: float
    a_in_b: float
    b_in_a: float


@dataclass(frozen=True, slots=True)
class _Signed:
    document: Document
    hash: str
    shingles: U64Array
    signature: bytes
    keys: list[int]
    anchors: U64Array
    # Sampled word hashes for retrieval (store.retrieval).
    terms: list[int]
    sentences: SentenceSketch | None = None
    sentence_anchors: U64Array | None = None


@dataclass(frozen=True, slots=True)
class _Signing:
    """What signing needs; small and picklable, so worker processes can sign too."""

    shingle: int
    minhash: MinHashConfig
    lsh: LSHConfig
    modulus: int | None
    term_modulus: int
    sentences: bool = False


def _anchors(shingle_set: U64Array, modulus: int | None) -> U64Array:
    return anchors(shingle_set, modulus) if modulus else np.empty(0, dtype=np.uint64)


def _shingle_sets(texts: Sequence[str], shingle: int) -> list[U64Array]:
    # The batched path of `redline find`: equal to `shingle.shingles`, several times faster.
    return shingle_batch([word_hashes(t) for t in texts], shingle)


def sign_documents(documents: Sequence[Document], how: _Signing) -> list[_Signed | AddResult]:
    """Shingles, signature and band keys of each document (a skip result when it has no words).

    The same per-batch stage as `redline find` (`fingerprint`), so both index the same sketches.
    """
    hashes = [word_hashes(d.text) for d in documents]
    fp = fingerprint(
        [d.text for d in documents],
        how.minhash,
        how.lsh,
        shingle_size=how.shingle,
        anchor_modulus=how.modulus,
        hashes=hashes,
    )
    keys = fp.keys.view(np.int64)
    ends = np.cumsum(fp.anchor_counts).tolist()
    out: list[_Signed | AddResult] = []
    for i, d in enumerate(documents):
        if not len(fp.sets[i]):
            out.append(AddResult("skipped", d.id, None, reason="no words to index"))
            continue
        held = sketch(d.text) if how.sentences else None
        out.append(
            _Signed(
                d,
                content_hash(d.text),
                fp.sets[i],
                fp.signatures[i].tobytes(),
                keys[i].tolist(),
                fp.anchor_values[ends[i] - int(fp.anchor_counts[i]) : ends[i]],
                retrieval.sample_terms(hashes[i], how.term_modulus).tolist(),
                held,
                None if held is None else sentence_anchors(held),
            )
        )
    return out


class Index:
    """A persistent index of versions in one SQLite file (the default `Store`).

    Safe to share between threads (each transaction takes a connection from a small pool) and
    between processes (SQLite locking). Open with `Index(path)`; the file is created on first
    use unless `create=False`. A file this process may not write (or whose folder it may not
    write, where SQLite keeps its WAL) opens read-only: reads work, writes raise StoreError.
    """

    def __init__(
        self,
        path: str | Path,
        *,
        config: DiscoveryConfig | None = None,
        create: bool = True,
        timeout: float = 60.0,
        read_only: bool | None = None,
    ) -> None:
        self.path = Path(path)
        if not create and not self.path.exists():
            raise NotFoundError(
                f"no index at {self.path}; create one with `redline index add PATH --db {path}`"
            )
        self.read_only = _not_writable(self.path) if read_only is None else read_only
        self._timeout = timeout
        self._local = threading.local()
        self._idle: list[sqlite3.Connection] = []
        self._open = 0  # connections open, idle or in use
        self._closed = False
        self._pool = threading.Condition(threading.Lock())
        self._lock = threading.Lock()
        self._cache: OrderedDict[int, U64Array] = OrderedDict()
        self.config = self._init(config)
        lsh = self.config.banding()
        self._bands, self._rows = lsh.bands, lsh.rows
        self._thresholds = self.config.thresholds
        self._modulus = self.config.modulus
        self._retrieval = retrieval.settings()
        self._signing = _Signing(
            self.config.shingle_size,
            self.config.minhash,
            lsh,
            self._modulus,
            self._retrieval.term_modulus,
            self.config.sentences,
        )
        self._profiles: OrderedDict[int, retrieval.Profile] = OrderedDict()
        self._fts = False  # the full-text table is known to exist
        if self._stale:
            self._upgrade_from_2()
        self._backfill_retrieval()
        self._index_cluster_texts()

    # -- connections -------------------------------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        try:
            if self.read_only:
                return self._connect_read_only()
            conn = sqlite3.connect(
                self.path, timeout=self._timeout, isolation_level=None, check_same_thread=False
            )
            conn.execute(f"PRAGMA busy_timeout = {int(self._timeout * 1000)}")
            conn.execute("PRAGMA foreign_keys = ON")
            # NORMAL in WAL mode: a commit survives the process being killed; only a power
            # loss may drop the last commits, and never corrupts the file.
            conn.execute("PRAGMA synchronous = NORMAL")
            mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        # A damaged file can make SQLite's own error message undecodable (bit flips found it).
        except (sqlite3.DatabaseError, UnicodeDecodeError) as exc:
            raise StoreError(_cannot_open(self.path, exc)) from exc
        if mode != "wal":
            conn.close()
            raise StoreError(f"cannot switch {self.path} to WAL mode (got {mode!r})")
        return conn

    def _connect_read_only(self) -> sqlite3.Connection:
        """A connection that never writes, for a file (or folder) this process may not write."""
        uri = self.path.resolve().as_uri()
        connect = partial(
            sqlite3.connect,
            timeout=self._timeout,
            isolation_level=None,
            check_same_thread=False,
            uri=True,
        )
        conn = connect(f"{uri}?mode=ro")
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlite3.OperationalError:
            # A WAL file whose -shm cannot be created here (a read-only folder): nothing can
            # write it either, so it is read as immutable.
            conn.close()
            conn = connect(f"{uri}?immutable=1")
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        conn.execute(f"PRAGMA busy_timeout = {int(self._timeout * 1000)}")
        return conn

    @contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        """A connection for one transaction, from the pool, returned to it after.

        Connections belong to transactions, not threads: however many threads come and go (a
        server's workers are recycled when idle), at most MAX_CONNECTIONS are open, and a
        transaction waits (up to the busy timeout) for one to come free. A nested use in the
        same thread gets the connection it already holds (its pragmas and its transaction).
        """
        held: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if held is not None:
            yield held
            return
        conn = self._checkout()
        self._local.conn = conn
        try:
            yield conn
        finally:
            self._local.conn = None
            self._checkin(conn)

    def _checkout(self) -> sqlite3.Connection:
        deadline = time.monotonic() + self._timeout
        with self._pool:
            while not self._idle and self._open >= MAX_CONNECTIONS:
                if not self._pool.wait(deadline - time.monotonic()):
                    raise StoreError(
                        f"all {MAX_CONNECTIONS} connections to {self.path} stayed busy for"
                        f" {self._timeout:.0f} s; try again"
                    )
            if self._idle:
                return self._idle.pop()
            self._open += 1
        try:
            return self._connect()
        except BaseException:
            with self._pool:
                self._open -= 1
                self._pool.notify()
            raise

    def _checkin(self, conn: sqlite3.Connection) -> None:
        with self._pool:
            # A connection left inside a transaction (a failed rollback) is not reused.
            reuse = not self._closed and not conn.in_transaction
            if reuse:
                self._idle.append(conn)
            else:
                self._open -= 1
            self._pool.notify()
        if not reuse:
            conn.close()

    def close(self) -> None:
        """Close every idle connection; those in use close when their transaction ends."""
        with self._pool:
            self._closed = True
            idle, self._idle = self._idle, []
            self._open -= len(idle)
        for conn in idle:
            conn.close()

    def __enter__(self) -> Index:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _write(self) -> _Transaction:
        if self.read_only:
            raise StoreError(
                f"index {self.path} is read-only here (this user may not write the file or its"
                " folder): stats, query and export work; to add or remove, make both writable"
                " or work on a copy"
            )
        return _Transaction(self._connection(), immediate=True, path=self.path)

    def _read(self) -> _Transaction:
        return _Transaction(self._connection(), immediate=False, path=self.path)

    def _init(self, config: DiscoveryConfig | None) -> DiscoveryConfig:
        # Opening an existing index only reads, so it never waits behind a busy writer.
        with self._read() as db:
            meta = _meta(db)
        self._stale = False
        if not meta and self.read_only:
            raise StoreError(f"{self.path} holds no redline index (and is read-only here)")
        if not meta:
            with self._write() as db:
                db.executescript_in_tx(_SCHEMA)
                meta = _meta(db)  # another process may have created it meanwhile
                if not meta:
                    config = config or DiscoveryConfig()
                    rows = {"schema": str(SCHEMA_VERSION), **config.to_meta()}
                    db.executemany("INSERT INTO meta VALUES (?, ?)", rows.items())
                    return config
        if meta.get("schema") == "1":
            self._upgrade_from_1()
            meta["schema"] = "2"
        if meta.get("schema") == "2":
            # Upgraded once the settings are known (__init__): it clusters with them.
            self._stale = True
            meta["schema"] = str(SCHEMA_VERSION)
        if meta.get("schema") != str(SCHEMA_VERSION):
            raise StoreError(
                f"index {self.path} has schema {meta.get('schema')!r}, this redline reads"
                f" {SCHEMA_VERSION}; export it with the redline that wrote it and re-add"
            )
        stored = DiscoveryConfig.from_meta(meta)
        if config is not None and config.mode != stored.mode:
            raise ConfigError(
                f"index {self.path} was made with --mode {stored.mode}, not {config.mode}; an"
                " index keeps its mode: use a new --db for the other one, or drop --mode"
            )
        if config is not None and config != stored:
            raise ConfigError(
                f"index {self.path} was created with {stored}, not {config}; signatures only"
                " compare under the same settings: use a new --db or drop the options"
            )
        return stored

    def _upgrade_from_1(self) -> None:
        """Schema 1 -> 2: document hashes no longer unique; merges remember their members.

        SQLite cannot drop a UNIQUE constraint, so the documents table is rebuilt (its
        documented 12-step way: foreign keys off, so dropping the old table cascades nothing).
        """
        with self._connection() as conn:
            self._rebuild_documents(conn)

    def _rebuild_documents(self, conn: sqlite3.Connection) -> None:
        conn.execute("PRAGMA foreign_keys = OFF")
        try:
            with self._write() as db:
                if _meta(db).get("schema") != "1":
                    return  # another process upgraded it meanwhile
                db.execute(
                    "CREATE TABLE documents_v2 (doc INTEGER PRIMARY KEY AUTOINCREMENT,"
                    " id TEXT NOT NULL UNIQUE, hash TEXT NOT NULL,"
                    " title TEXT, url TEXT, date TEXT, byline TEXT, text TEXT NOT NULL,"
                    " added_at REAL NOT NULL, cluster INTEGER REFERENCES clusters(seq))"
                )
                db.execute("INSERT INTO documents_v2 SELECT * FROM documents")
                db.execute("DROP TABLE documents")
                db.execute("ALTER TABLE documents_v2 RENAME TO documents")
                db.executescript_in_tx(_SCHEMA)
                if db.execute("PRAGMA foreign_key_check").fetchone() is not None:
                    raise StoreError(
                        f"cannot upgrade index {self.path}: its references do not hold; export"
                        " it with the redline that wrote it and re-add"
                    )
                db.execute("UPDATE meta SET value = '2' WHERE key = 'schema'")
        finally:
            conn.execute("PRAGMA foreign_keys = ON")

    def _upgrade_from_2(self) -> None:
        """Schema 2 -> 3: anchor candidates, and the versions only they find among old documents.

        Documents are replayed in the order added, as `add` would have seen them: each one's
        anchors are looked up against the earlier documents' (then stored), and versions found
        that way and not linked yet are verified, linked and clustered by the rules of `add`
        (joins merge into the oldest cluster, recorded as merges). One transaction: a process
        killed meanwhile leaves schema 2, upgraded again next time.
        """
        with self._write() as db:
            meta = _meta(db)
            if meta.get("schema") != "2":
                return  # another process upgraded it meanwhile
            db.executescript_in_tx(_SCHEMA)
            columns = {row[1] for row in db.execute("PRAGMA table_info(signatures)")}
            if "anchors" not in columns:
                db.execute("ALTER TABLE signatures ADD COLUMN anchors INTEGER NOT NULL DEFAULT 0")
            db.executemany(
                "INSERT OR IGNORE INTO meta VALUES (?, ?)",
                [(k, v) for k, v in self.config.to_meta().items() if k.startswith("anchor_")],
            )
            now = time.time()
            last = 0
            while self._modulus is not None:
                rows = db.execute(
                    "SELECT doc, id, text FROM documents WHERE doc > ? ORDER BY doc LIMIT 500",
                    (last,),
                ).fetchall()
                if not rows:
                    break
                sets = self._shingle_sets([text for _, _, text in rows])
                for (doc, doc_id, _), sh in zip(rows, sets, strict=True):
                    held = _anchors(sh, self._modulus)
                    self._link_by_anchors(db, doc, doc_id, sh, held, now=now)
                    db.execute("UPDATE signatures SET anchors = ? WHERE doc = ?", (len(held), doc))
                    self._put_anchors(db, doc, held)
                last = rows[-1][0]
            db.execute("UPDATE meta SET value = ? WHERE key = 'schema'", (str(SCHEMA_VERSION),))

    def _link_by_anchors(
        self,
        db: _Transaction,
        doc: int,
        doc_id: str,
        sh: U64Array,
        held: U64Array,
        *,
        now: float,
    ) -> None:
        """Link an old document to the earlier versions only its anchors find (upgrade only)."""
        candidates = self._anchor_candidates(db, held)
        if not candidates:
            return
        linked = {row[0] for row in db.execute("SELECT a FROM edges WHERE b = ?", (doc,))}
        found = self._scored(db, sh, [d for d in candidates if d not in linked], {})
        if not found:
            return
        db.executemany(
            "INSERT INTO edges VALUES (?, ?, ?, ?, ?)",
            ((h.doc, doc, h.jaccard, h.b_in_a, h.a_in_b) for h in found),
        )
        joined = self._joining(db, found, doc)
        if not joined:
            return
        own = db.execute("SELECT cluster FROM documents WHERE doc = ?", (doc,)).fetchone()[0]
        if own is not None:
            # Its own cluster takes part like the others, so it is merged, not left behind.
            joined.append(_Hit(doc, doc_id, own, 1.0, 1.0, 1.0))
        self._join(db, doc, doc_id, joined, now=now)

    def _index_cluster_texts(self) -> None:
        """Give an index from before it the (cluster, hash) index that `hide_exact` reads.

        Without it a listing that hides exact copies reads every member row of every cluster
        (seconds at 100,000 clusters); a read-only file lists correctly, only slower.
        """
        with self._read() as db:
            found = db.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?",
                ("documents_cluster_hash",),
            ).fetchone()
        if found or self.read_only:
            return
        with self._write() as db:
            db.execute(
                "CREATE INDEX IF NOT EXISTS documents_cluster_hash ON documents(cluster, hash)"
                " WHERE cluster IS NOT NULL"
            )

    def _backfill_retrieval(self) -> None:
        """Give an index written before retrieval existed its word postings (once, in one go).

        One transaction: a process killed meanwhile leaves the index as it was, backfilled
        again on the next open. A read-only file cannot be backfilled: its queries answer with
        versions only (the clustering rule), as before retrieval.
        """
        self._postings = True
        with self._read() as db:
            if _meta(db).get("retrieval") == retrieval.VERSION:
                return
        if self.read_only:
            self._postings = False
            return
        with self._write() as db:
            if _meta(db).get("retrieval") == retrieval.VERSION:
                return  # another process backfilled it meanwhile
            db.executescript_in_tx(retrieval.SCHEMA)
            db.execute("DELETE FROM terms")
            db.execute("DELETE FROM term_docs")
            last = 0
            while True:
                rows = db.execute(
                    "SELECT doc, text FROM documents WHERE doc > ? ORDER BY doc LIMIT 500",
                    (last,),
                ).fetchall()
                if not rows:
                    break
                retrieval.put(db, [(doc, self._terms_of(text)) for doc, text in rows])
                last = rows[-1][0]
            db.execute("INSERT OR REPLACE INTO meta VALUES ('retrieval', ?)", (retrieval.VERSION,))

    def _terms_of(self, text: str) -> list[int]:
        terms: list[int] = retrieval.sample_terms(
            word_hashes(text), self._retrieval.term_modulus
        ).tolist()
        return terms

    def _put_anchors(self, db: _Transaction, doc: int, values: U64Array) -> None:
        db.executemany(
            "INSERT OR IGNORE INTO anchors VALUES (?, ?)",
            ((v, doc) for v in values.view(np.int64).tolist()),
        )

    # -- signing -----------------------------------------------------------------------------

    def _shingle_sets(self, texts: Sequence[str]) -> list[U64Array]:
        return _shingle_sets(texts, self.config.shingle_size)

    def _sign(self, documents: Sequence[Document]) -> list[_Signed | AddResult]:
        return sign_documents(documents, self._signing)

    def _keys_of(self, signature: bytes) -> list[int]:
        sig = np.frombuffer(signature, dtype=np.uint32).reshape(1, -1)
        keys: list[int] = band_keys_batch(sig, self._bands, self._rows).view(np.int64)[0].tolist()
        return keys

    def _cached_shingles(
        self, db: _Transaction, docs: Sequence[int], fresh: dict[int, U64Array]
    ) -> dict[int, U64Array]:
        """Shingle sets of indexed documents: this transaction's, cached, else from the text."""
        found: dict[int, U64Array] = {}
        missing: list[int] = []
        with self._lock:
            for doc in docs:
                if doc in fresh:
                    found[doc] = fresh[doc]
                elif doc in self._cache:
                    self._cache.move_to_end(doc)
                    found[doc] = self._cache[doc]
                else:
                    missing.append(doc)
        for chunk in _chunks(missing, 500):
            marks = ",".join("?" * len(chunk))
            rows = db.execute(
                f"SELECT doc, text FROM documents WHERE doc IN ({marks})", chunk
            ).fetchall()
            sets = self._shingle_sets([text for _, text in rows])
            read = {doc: sh for (doc, _), sh in zip(rows, sets, strict=True)}
            found.update(read)
            # Rows not in `fresh` were committed before this transaction: safe to cache.
            self._remember(read)
        return found

    def _remember(self, sets: dict[int, U64Array]) -> None:
        with self._lock:
            self._cache.update(sets)
            while len(self._cache) > _SHINGLE_CACHE:
                self._cache.popitem(last=False)

    def _verified(
        self,
        db: _Transaction,
        sh: U64Array,
        keys: Sequence[int],
        anchor_values: U64Array,
        fresh: dict[int, U64Array] | None = None,
        *,
        sentences: SentenceSketch | None = None,
        sentence_values: U64Array | None = None,
    ) -> list[_Hit]:
        """The indexed versions of a shingle set, verified by the rules of `redline find`.

        With sentence verification on, `sentences` and `sentence_values` are the text's
        sentence sketch and anchors (`_Signed`).
        """
        marks = ",".join("?" * len(keys))
        candidates = [
            row[0]
            for row in db.execute(
                f"SELECT doc FROM bands WHERE key IN ({marks}) GROUP BY doc"
                " ORDER BY count(*) DESC, doc LIMIT ?",
                [*keys, MAX_CANDIDATES],
            )
        ]
        banded = set(candidates)
        candidates.extend(d for d in self._anchor_candidates(db, anchor_values) if d not in banded)
        if self.config.sentences and sentence_values is not None:
            known = set(candidates)
            candidates.extend(
                d for d in self._sentence_candidates(db, sentence_values) if d not in known
            )
        return self._scored(db, sh, candidates, fresh or {}, sentences)

    def _scored(
        self,
        db: _Transaction,
        sh: U64Array,
        candidates: Sequence[int],
        fresh: dict[int, U64Array],
        sentences: SentenceSketch | None = None,
    ) -> list[_Hit]:
        """The candidates that are versions of a shingle set, with their scores."""
        if not candidates:
            return []
        sets = self._cached_shingles(db, candidates, fresh)
        others = self._sketches(db, candidates) if sentences is not None else {}
        scored: dict[int, tuple[float, float, float]] = {}
        for doc in candidates:
            other = sets.get(doc)
            if other is None:
                continue  # removed since its band rows were read
            jac, a_in_b, b_in_a = overlap(sh, other)
            aligned, count = None, 0
            theirs = others.get(doc)
            if sentences is not None and theirs is not None:
                aligned = aligned_share(sentences, theirs)
                count = min(sentences.count, theirs.count)
            # The same rule as `redline find`, so both agree on what counts as a version.
            rule = classify(
                jac,
                a_in_b,
                b_in_a,
                len_a=len(sh),
                len_b=len(other),
                thresholds=self._thresholds,
                aligned=aligned,
                sentences=count,
            )
            if rule is not None:
                scored[doc] = (jac, a_in_b, b_in_a)
        if not scored:
            return []
        out = []
        marks = ",".join("?" * len(scored))
        for doc, doc_id, cluster in db.execute(
            f"SELECT doc, id, cluster FROM documents WHERE doc IN ({marks})", list(scored)
        ):
            out.append(_Hit(doc, doc_id, cluster, *scored[doc]))
        return out

    def _sketches(self, db: _Transaction, docs: Sequence[int]) -> dict[int, SentenceSketch]:
        """Sentence sketches of indexed documents, from their stored texts."""
        out: dict[int, SentenceSketch] = {}
        for chunk in _chunks(list(docs), 500):
            marks = ",".join("?" * len(chunk))
            for doc, text in db.execute(
                f"SELECT doc, text FROM documents WHERE doc IN ({marks})", list(chunk)
            ):
                out[doc] = sketch(text)
        return out

    def _sentence_candidates(self, db: _Transaction, values: U64Array) -> list[int]:
        """Indexed documents sharing sentence anchors with a text (candidates rule 3b).

        Counted as `_anchor_candidates` counts anchors: over the documents added before.
        """
        if not len(values):
            return []
        cfg = self.config
        shared: dict[int, int] = {}
        for chunk in _chunks(values.view(np.int64).tolist(), 500):
            marks = ",".join(["(?)"] * len(chunk))
            rows = db.execute(
                f"WITH v(value) AS (VALUES {marks})"
                " SELECT a.doc FROM v JOIN sentence_anchors a ON a.value = v.value"
                " WHERE (SELECT count(*) FROM"
                "  (SELECT 1 FROM sentence_anchors b WHERE b.value = v.value LIMIT ?)) < ?",
                [*chunk, cfg.sentence_max_df, cfg.sentence_max_df],
            )
            for (doc,) in rows:
                shared[doc] = shared.get(doc, 0) + 1
        many = [doc for doc, n in shared.items() if n >= cfg.sentence_min_shared]
        out: list[int] = []
        for chunk in _chunks(many, 500):
            marks = ",".join("?" * len(chunk))
            for doc, count in db.execute(
                f"SELECT doc, anchors FROM sentence_counts WHERE doc IN ({marks})", list(chunk)
            ):
                if shared[doc] >= sentence_threshold(cfg, len(values), count):
                    out.append(doc)
        return sorted(out, key=lambda d: (-shared[d], d))

    def _anchor_candidates(self, db: _Transaction, values: U64Array) -> list[int]:
        """Indexed documents sharing anchors with a text, by the rules of `anchor_candidates`.

        The text counts as one of each anchor's documents, as it would in `redline find`: an
        anchor already held by `anchor_max_df` documents is boilerplate and not looked up.
        """
        if not len(values):
            return []
        cfg = self.config
        shared: dict[int, int] = {}
        for chunk in _chunks(values.view(np.int64).tolist(), 500):
            marks = ",".join(["(?)"] * len(chunk))
            # The inner LIMIT bounds the count, so a common anchor costs max_df steps, not df.
            rows = db.execute(
                f"WITH v(value) AS (VALUES {marks})"
                " SELECT a.doc FROM v JOIN anchors a ON a.value = v.value"
                " WHERE (SELECT count(*) FROM"
                "  (SELECT 1 FROM anchors b WHERE b.value = v.value LIMIT ?)) < ?",
                [*chunk, cfg.anchor_max_df, cfg.anchor_max_df],
            )
            for (doc,) in rows:
                shared[doc] = shared.get(doc, 0) + 1
        many = [doc for doc, n in shared.items() if n >= cfg.anchor_min_shared]
        if not many:
            return []
        out: list[int] = []
        for chunk in _chunks(many, 500):
            marks = ",".join("?" * len(chunk))
            for doc, count in db.execute(
                f"SELECT doc, anchors FROM signatures WHERE doc IN ({marks})", list(chunk)
            ):
                if shared[doc] >= anchor_threshold(cfg, len(values), count):
                    out.append(doc)
        # Most shared anchors first, like band candidates, so the order is reproducible.
        return sorted(out, key=lambda d: (-shared[d], d))

    # -- adding ------------------------------------------------------------------------------

    def add(self, document: Document) -> AddResult:
        """Add one document (idempotent by content) and cluster it with its versions.

        Returns:
            What happened: "added" (with the versions it joined), "present" (same text already
            indexed; nothing changed) or "skipped" (with the reason, e.g. no words).
        """
        return self._add_batch([document], self._sign([document]))[0]

    def add_many(
        self, documents: Iterable[Document], *, batch: int = 32, jobs: int = 0
    ) -> Iterator[AddResult]:
        """Add documents, committing every `batch` documents; yields results after each commit.

        A result is yielded only once its transaction is committed, so a consumer that records
        progress never counts a document the file does not hold.

        Args:
            documents: the documents, in the order they are to be added.
            batch: documents per transaction.
            jobs: worker processes that shingle and sign ahead of the writer (0: sign here).
                This process writes, in input order; the pool starts only for a second batch.
                Workers are spawned, so a script using them needs the usual
                `if __name__ == "__main__":` guard.

        Raises:
            StoreError: a signing worker died (the batches committed so far stay committed).
        """
        if batch < 1 or jobs < 0:
            raise ConfigError(f"batch must be >= 1 and jobs >= 0, got {batch} and {jobs}")
        batches = batched(documents, batch)
        first = next(batches, None)
        if first is None:
            return
        yield from self._add_batch(first, self._sign(first))
        if jobs == 0:
            for docs in batches:
                yield from self._add_batch(docs, self._sign(docs))
            return
        for docs, signed in ahead(batches, partial(sign_documents, how=self._signing), jobs):
            yield from self._add_batch(docs, signed)

    def _add_batch(
        self, documents: Sequence[Document], signed: Sequence[_Signed | AddResult]
    ) -> list[AddResult]:
        # Shingling and signing (the costly part) happened before taking the write lock.
        fresh: dict[int, U64Array] = {}
        postings: list[tuple[int, Sequence[int]]] = []
        with self._write() as db:
            now = time.time()
            results = [
                item
                if isinstance(item, AddResult)
                else self._insert(db, item, now, fresh, postings)
                for item in signed
            ]
            # Word postings are read by queries only, never while adding: one sorted write.
            retrieval.put(db, postings)
        # Cached only once committed: a rolled-back row id may be handed out again.
        self._remember(fresh)
        return results

    def _insert(
        self,
        db: _Transaction,
        item: _Signed,
        now: float,
        fresh: dict[int, U64Array],
        postings: list[tuple[int, Sequence[int]]],
    ) -> AddResult:
        doc = item.document
        doc_id, renamed = doc.id, None
        held = db.execute("SELECT hash, cluster FROM documents WHERE id = ?", (doc_id,)).fetchone()
        if held is not None and held[0] != item.hash:
            # Same id, different text: an updated file. Keep both; the new one is a version.
            doc_id, renamed = f"{doc.id}@{item.hash[:10]}", doc.id
            held = db.execute(
                "SELECT hash, cluster FROM documents WHERE id = ?", (doc_id,)
            ).fetchone()
            if held is not None and held[0] != item.hash:
                # Ten hex digits collided: the full hash cannot.
                doc_id = f"{doc.id}@{item.hash}"
                held = db.execute(
                    "SELECT hash, cluster FROM documents WHERE id = ?", (doc_id,)
                ).fetchone()
        if held is not None:
            return AddResult("present", doc_id, _name(held[1]))
        found = self._verified(
            db,
            item.shingles,
            item.keys,
            item.anchors,
            fresh,
            sentences=item.sentences,
            sentence_values=item.sentence_anchors,
        )
        cur = db.execute(
            "INSERT INTO documents (id, hash, title, url, date, byline, text, added_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (doc_id, item.hash, doc.title, doc.url, doc.date, doc.byline, doc.text, now),
        )
        new = cur.lastrowid
        assert new is not None
        db.execute(
            "INSERT INTO signatures VALUES (?, ?, ?)", (new, item.signature, len(item.anchors))
        )
        db.executemany("INSERT OR IGNORE INTO bands VALUES (?, ?)", ((k, new) for k in item.keys))
        self._put_anchors(db, new, item.anchors)
        if item.sentence_anchors is not None:
            db.executemany(
                "INSERT OR IGNORE INTO sentence_anchors VALUES (?, ?)",
                ((v, new) for v in item.sentence_anchors.view(np.int64).tolist()),
            )
            db.execute(
                "INSERT INTO sentence_counts VALUES (?, ?)", (new, len(item.sentence_anchors))
            )
        postings.append((new, item.terms))
        db.executemany(
            "INSERT INTO edges VALUES (?, ?, ?, ?, ?)",
            ((h.doc, new, h.jaccard, h.b_in_a, h.a_in_b) for h in found),
        )
        fresh[new] = item.shingles
        joined = self._joining(db, found, new)
        cluster, merged = self._join(db, new, doc_id, joined, now=now)
        joined_docs = {h.doc for h in joined}
        matches = tuple(
            Match(
                h.id,
                h.jaccard,
                h.a_in_b,
                h.b_in_a,
                _name(cluster if h.doc in joined_docs or h.cluster in merged else h.cluster),
            )
            for h in sorted(found, key=lambda h: (-h.jaccard, h.id))
        )
        return AddResult(
            "added",
            doc_id,
            _name(cluster),
            matches=matches,
            renamed_from=renamed,
            merged=tuple(cluster_name(m) for m in merged),
        )

    def _joining(self, db: _Transaction, found: Sequence[_Hit], new: int) -> list[_Hit]:
        """The verified versions a new document clusters with (the guard of `redline find`).

        Jaccard edges and containment edges that cover at least `min_cover` of the container
        join outright. A new text contained in several articles with little cover joins only
        its best container, so a quoted passage cannot chain unrelated articles together; an
        indexed short text contained in the new one with little cover joins it only if it had
        no container yet (its first container is its best one so far). A cluster it is in by
        outright links does not count: `redline find` joins it to its best container all the
        same.
        """
        joined: list[_Hit] = []
        best: _Hit | None = None
        for h in found:
            # As a pair of (new text, indexed document), ruled on as `redline find` rules.
            rule = link(Pair(_NEW, h.id, h.jaccard, h.a_in_b, h.b_in_a), self._thresholds)
            if rule.outright:
                joined.append(h)
            elif rule.inner == _NEW:  # the new text is the contained one
                if best is None or container_rank(h.a_in_b, h.jaccard, h.id) < container_rank(
                    best.a_in_b, best.jaccard, best.id
                ):
                    best = h
            elif h.cluster is None or not self._has_container(db, h.doc, new):
                joined.append(h)
        if best is not None:
            joined.append(best)
        return joined

    def _has_container(self, db: _Transaction, doc: int, new: int) -> bool:
        """Whether an indexed text is the contained side of a guarded edge to a text but `new`."""
        for a, b, jac, a_in_b, b_in_a in db.execute(
            "SELECT a, b, jaccard, a_in_b, b_in_a FROM edges WHERE a = ? AND b != ?"
            " UNION ALL SELECT a, b, jaccard, a_in_b, b_in_a FROM edges WHERE b = ? AND a != ?",
            (doc, new, doc, new),
        ):
            rule = link(Pair(str(a), str(b), jac, a_in_b, b_in_a), self._thresholds)
            if not rule.outright and rule.inner == str(doc):
                return True
        return False

    def _join(
        self,
        db: _Transaction,
        new: int,
        doc_id: str,
        joined: Sequence[_Hit],
        *,
        now: float,
    ) -> tuple[int | None, list[int]]:
        """Put a new document into the cluster of its versions, merging clusters it bridges."""
        if not joined:
            return None, []
        existing = sorted({h.cluster for h in joined if h.cluster is not None})
        if existing:
            # The oldest cluster survives: its id is the one users have seen longest.
            survivor, absorbed = existing[0], existing[1:]
        else:
            created = db.execute(
                "INSERT INTO clusters (size, created_at, updated_at) VALUES (0, ?, ?)", (now, now)
            ).lastrowid
            assert created is not None
            survivor, absorbed = created, []
        for seq in absorbed:
            db.execute(
                "INSERT OR IGNORE INTO merge_members"
                " SELECT ?, doc FROM documents WHERE cluster = ?",
                (seq, seq),
            )
            db.execute("UPDATE documents SET cluster = ? WHERE cluster = ?", (survivor, seq))
            db.execute(
                "UPDATE clusters SET state = 'merged', size = 0, updated_at = ? WHERE seq = ?",
                (now, seq),
            )
            db.execute("INSERT INTO merges VALUES (?, ?, ?, ?)", (seq, survivor, now, doc_id))
            # Earlier merges into the absorbed cluster now resolve to the survivor directly.
            db.execute("UPDATE merges SET survivor = ? WHERE survivor = ?", (survivor, seq))
        loners = [h.doc for h in joined if h.cluster is None]
        db.executemany(
            "UPDATE documents SET cluster = ? WHERE doc = ?",
            [(survivor, d) for d in [*loners, new]],
        )
        self._refresh_cluster(db, survivor, now)
        return survivor, absorbed

    def _refresh_cluster(self, db: _Transaction, seq: int, now: float) -> None:
        size, last = db.execute(
            "SELECT count(*), max(coalesce(date, strftime('%Y-%m-%dT%H:%M:%S', added_at,"
            " 'unixepoch'))) FROM documents WHERE cluster = ?",
            (seq,),
        ).fetchone()
        db.execute(
            "UPDATE clusters SET size = ?, updated_at = ?, last_date = ? WHERE seq = ?",
            (size, now, last, seq),
        )

    # -- removing ----------------------------------------------------------------------------

    def remove(self, doc_id: str) -> str | None:
        """Remove a document, its bands and edges; returns the cluster it was in.

        Raises:
            NotFoundError: no document with this id.
        """
        with self._write() as db:
            row = db.execute(
                "SELECT d.doc, d.cluster, s.minhash, s.anchors, d.text FROM documents d"
                " JOIN signatures s USING (doc) WHERE d.id = ?",
                (doc_id,),
            ).fetchone()
            if row is None:
                raise NotFoundError(f"no document {doc_id!r} in {self.path}")
            doc, seq, signature, anchor_count, text = row
            keys = self._keys_of(signature)
            marks = ",".join("?" * len(keys))
            db.execute(f"DELETE FROM bands WHERE doc = ? AND key IN ({marks})", [doc, *keys])
            if anchor_count:
                held = _anchors(self._shingle_sets([text])[0], self._modulus)
                for chunk in _chunks(held.view(np.int64).tolist(), 500):
                    marks = ",".join("?" * len(chunk))
                    db.execute(
                        f"DELETE FROM anchors WHERE doc = ? AND value IN ({marks})", [doc, *chunk]
                    )
            if self.config.sentences:
                held = sentence_anchors(sketch(text))
                for chunk in _chunks(held.view(np.int64).tolist(), 500):
                    marks = ",".join("?" * len(chunk))
                    db.execute(
                        f"DELETE FROM sentence_anchors WHERE doc = ? AND value IN ({marks})",
                        [doc, *chunk],
                    )
            retrieval.drop(db, doc, self._terms_of(text))
            db.execute("DELETE FROM documents WHERE doc = ?", (doc,))
            if seq is not None:
                self._split(db, seq, doc_id, time.time())
        with self._lock:
            self._cache.pop(doc, None)
            self._profiles.pop(doc, None)
        return _name(seq)

    def _split(self, db: _Transaction, seq: int, doc_id: str, now: float) -> None:
        members = [r[0] for r in db.execute("SELECT doc FROM documents WHERE cluster = ?", (seq,))]
        parent = {m: m for m in members}

        def find(x: int) -> int:
            while parent[x] != x:
                parent[x] = parent[parent[x]]
                x = parent[x]
            return x

        for a, b, *_ in db.execute(_EDGES_WITHIN, (seq, seq)):
            ra, rb = find(a), find(b)
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)
        parts: dict[int, list[int]] = {}
        for m in members:
            parts.setdefault(find(m), []).append(m)
        for part in parts.values():
            if len(part) < 2:
                db.execute("UPDATE documents SET cluster = NULL WHERE doc = ?", (part[0],))
        big = sorted((p for p in parts.values() if len(p) >= 2), key=min)
        if not big:
            db.execute(
                "UPDATE clusters SET state = 'dissolved', size = 0, updated_at = ? WHERE seq = ?",
                (now, seq),
            )
            return
        placed: list[int] = []
        for part, chosen in zip(big, self._split_ids(db, seq, big), strict=True):
            if chosen == seq:
                placed.append(seq)
                continue
            if chosen is None:
                created = db.execute(
                    "INSERT INTO clusters (size, created_at, updated_at) VALUES (0, ?, ?)",
                    (now, now),
                ).lastrowid
                assert created is not None
                target = created
            else:
                # A merged-in cluster comes back: live again, no longer a merge.
                target = chosen
                db.execute("UPDATE clusters SET state = 'live' WHERE seq = ?", (target,))
                db.execute("DELETE FROM merges WHERE absorbed = ?", (target,))
                db.execute("DELETE FROM merge_members WHERE absorbed = ?", (target,))
            db.execute(
                "INSERT OR REPLACE INTO splits VALUES (?, ?, ?, ?)", (target, seq, now, doc_id)
            )
            for chunk in _chunks(part, 500):
                marks = ",".join("?" * len(chunk))
                db.execute(
                    f"UPDATE documents SET cluster = ? WHERE doc IN ({marks})", [target, *chunk]
                )
            self._refresh_cluster(db, target, now)
            placed.append(target)
        self._refresh_cluster(db, seq, now)
        # Merged-in ids that stayed merged lead to the part holding most of their documents.
        for absorbed, docs in self._merged_members(db, seq).items():
            shared, _, target = max(
                (len(docs.intersection(part)), -min(part), t)
                for part, t in zip(big, placed, strict=True)
            )
            if shared > 0 and target != seq:
                db.execute("UPDATE merges SET survivor = ? WHERE absorbed = ?", (target, absorbed))

    def _merged_members(self, db: _Transaction, seq: int) -> dict[int, set[int]]:
        """The clusters merged into `seq` and the documents each held when merged."""
        recorded: dict[int, set[int]] = {}
        for absorbed, doc in db.execute(
            "SELECT mm.absorbed, mm.doc FROM merge_members mm"
            " JOIN merges m ON m.absorbed = mm.absorbed WHERE m.survivor = ?",
            (seq,),
        ):
            recorded.setdefault(absorbed, set()).add(doc)
        return recorded

    def _split_ids(self, db: _Transaction, seq: int, big: Sequence[list[int]]) -> list[int | None]:
        """The cluster each part of a split goes on as (None: a new id); see the module rule."""
        recorded = self._merged_members(db, seq)
        merge_order = {
            absorbed: n
            for n, (absorbed,) in enumerate(
                db.execute(
                    "SELECT absorbed FROM merges WHERE survivor = ? ORDER BY at, absorbed", (seq,)
                )
            )
        }
        brought: set[int] = set()
        for docs in recorded.values():
            brought |= docs
        # Rule 1: the id stays with the part holding the earliest-added own document.
        keep = min(
            range(len(big)),
            key=lambda i: min((0 if d not in brought else 1, d) for d in big[i]),
        )
        targets: list[int | None] = [None] * len(big)
        targets[keep] = seq
        claims = sorted(
            (
                (len(docs.intersection(big[i])), absorbed, i)
                for absorbed, docs in recorded.items()
                for i in range(len(big))
                if i != keep
            ),
            key=lambda c: (-c[0], merge_order.get(c[1], len(merge_order)), min(big[c[2]])),
        )
        used: set[int] = set()
        # Rule 2: merged-in clusters take back the parts holding their documents.
        for shared, absorbed, i in claims:
            if shared == 0:
                break
            if targets[i] is None and absorbed not in used:
                targets[i] = absorbed
                used.add(absorbed)
        return targets

    # -- reading -----------------------------------------------------------------------------

    def query(self, document: Document | str, *, limit: int = 10, evidence: int = 3) -> list[Match]:
        """The indexed documents this text comes from or shares text with, best first.

        Retrieval (store.retrieval): candidates by shared rare words from the word postings,
        plus the versions the clustering rule finds; ranked by word score and word 3-gram
        containment both ways; answers under the floor dropped.

        Args:
            document: the text (or Document) to look up; it is not added.
            limit: at most this many matches.
            evidence: at most this many shared sentence pairs per match (0: none, faster).

        Returns:
            Matches best first, each with its verdict ("version", "derived", "partial reuse"
            or "related") and evidence; empty when nothing in the index shares enough with
            the text (or it has no words). Documents holding exactly this text come first,
            marked `same_text`: the text is already in the index under their ids.
        """
        if limit < 1 or evidence < 0:
            raise ConfigError(f"limit must be >= 1 and evidence >= 0, got {limit} and {evidence}")
        text = document.text if isinstance(document, Document) else document
        signed = self._sign([Document(id="<query>", text=text)])[0]
        if isinstance(signed, AddResult):
            return []
        how = self._retrieval
        if limit > how.rerank:
            # Asked for more answers than are reranked by default: rerank that many.
            how = replace(how, rerank=limit)
        mine = retrieval.profile(text, self.config.shingle_size, how.term_modulus)
        with self._read() as db:
            idf = np.zeros(len(mine.terms), dtype=np.float64)
            found: list[int] = []
            if self._postings:
                idf, df = retrieval.weights(db, mine.terms, how)
                found = retrieval.candidates(db, mine.terms, idf, df, how)
            seen = set(found)
            # Versions by the clustering rule are answers even when their words are common.
            found += [
                h.doc
                for h in self._verified(
                    db,
                    signed.shingles,
                    signed.keys,
                    signed.anchors,
                    sentences=signed.sentences,
                    sentence_values=signed.sentence_anchors,
                )
                if h.doc not in seen
            ]
            # The same text stored already (any id) is an answer whatever the ranking says.
            same = {
                row[0]
                for row in db.execute("SELECT doc FROM documents WHERE hash = ?", (signed.hash,))
            }
            found += sorted(same - set(found))
            rows = self._rows_of(db, found)
        scored = []
        for doc, (doc_id, cluster, title, url, date, other_text) in rows.items():
            s = retrieval.score(
                mine,
                idf,
                self._profile(doc, other_text),
                thresholds=self._thresholds,
                how=how,
            )
            if s.score >= how.floor or s.verdict == "version":
                scored.append((s, doc, doc_id, cluster, title, url, date, other_text))
        scored.sort(key=lambda r: (r[1] not in same, -r[0].score, r[2]))
        shared = retrieval.Evidence(text, how) if evidence else None
        out = []
        for s, doc, doc_id, cluster, title, url, date, other_text in scored[:limit]:
            count, passages = shared.shared(other_text, limit=evidence) if shared else (0, ())
            out.append(
                Match(
                    doc_id,
                    s.jaccard,
                    s.a_in_b,
                    s.b_in_a,
                    _name(cluster),
                    title,
                    url,
                    date,
                    verdict=s.verdict,
                    score=s.score,
                    trigram_a_in_b=s.trigram_a_in_b,
                    trigram_b_in_a=s.trigram_b_in_a,
                    shared_sentences=count,
                    evidence=passages,
                    same_text=doc in same,
                )
            )
        return out

    def _rows_of(self, db: _Transaction, docs: Sequence[int]) -> dict[int, tuple[Any, ...]]:
        """id, cluster, title, url, date and text of documents (those still present)."""
        out: dict[int, tuple[Any, ...]] = {}
        for chunk in _chunks(docs, 500):
            marks = ",".join("?" * len(chunk))
            for doc, *rest in db.execute(
                f"SELECT doc, id, cluster, title, url, date, text FROM documents"
                f" WHERE doc IN ({marks})",
                list(chunk),
            ):
                out[doc] = tuple(rest)
        return out

    def _profile(self, doc: int, text: str) -> retrieval.Profile:
        """A stored document's retrieval profile, cached (documents never change text)."""
        with self._lock:
            hit = self._profiles.get(doc)
            if hit is not None:
                self._profiles.move_to_end(doc)
                return hit
        made = retrieval.profile(text, self.config.shingle_size, self._retrieval.term_modulus)
        with self._lock:
            self._profiles[doc] = made
            while len(self._profiles) > _PROFILE_CACHE:
                self._profiles.popitem(last=False)
        return made

    def get(self, doc_id: str) -> StoredDocument:
        """One stored document.

        Raises:
            NotFoundError: no document with this id.
        """
        with self._read() as db:
            row = db.execute(
                "SELECT id, text, title, url, date, byline, cluster, added_at, hash, doc"
                " FROM documents WHERE id = ?",
                (doc_id,),
            ).fetchone()
        if row is None:
            raise NotFoundError(f"no document {doc_id!r} in {self.path}")
        return _stored(row)

    def documents(self) -> Iterator[StoredDocument]:
        """Every stored document in the order added."""
        last = 0
        while True:
            with self._read() as db:
                rows = db.execute(
                    "SELECT id, text, title, url, date, byline, cluster, added_at, hash, doc"
                    " FROM documents WHERE doc > ? ORDER BY doc LIMIT 500",
                    (last,),
                ).fetchall()
            if not rows:
                return
            for row in rows:
                yield _stored(row)
            last = rows[-1][9]

    def resolve_cluster(self, cluster_id: str) -> str:
        """The id a cluster lives on as now: itself, or the survivor of the merges it went into.

        Raises:
            NotFoundError: no such cluster, or it dissolved (fewer than two documents left).
        """
        seq = cluster_seq(cluster_id)
        with self._read() as db:
            row = db.execute("SELECT state FROM clusters WHERE seq = ?", (seq,)).fetchone()
            if row is None:
                raise NotFoundError(f"no cluster {cluster_id!r} in {self.path}")
            if row[0] == "merged":
                seq = db.execute(
                    "SELECT survivor FROM merges WHERE absorbed = ?", (seq,)
                ).fetchone()[0]
            elif row[0] == "dissolved":
                raise NotFoundError(
                    f"cluster {cluster_id!r} no longer exists: documents were removed and fewer"
                    " than two versions are left"
                )
        return cluster_name(seq)

    def cluster(self, cluster_id: str) -> Cluster:
        """A cluster with its documents (canonical first) and its verified pairs.

        An id absorbed by a merge resolves to the surviving cluster.

        Raises:
            NotFoundError: no such cluster.
        """
        seq = cluster_seq(self.resolve_cluster(cluster_id))
        with self._read() as db:
            members = db.execute(
                "SELECT doc, id, date, length(text) FROM documents WHERE cluster = ?", (seq,)
            ).fetchall()
            ids = {doc: doc_id for doc, doc_id, _, _ in members}
            edges = db.execute(_EDGES_WITHIN, (seq, seq)).fetchall()
        head = canonical(Member(doc_id, date, length) for _, doc_id, date, length in members)
        pairs = sorted(
            (Pair(ids[a], ids[b], jac, ab, ba) for a, b, jac, ab, ba in edges),
            key=lambda p: (p.a, p.b),
        )
        return Cluster(
            id=cluster_name(seq),
            canonical=head,
            documents=(head, *sorted(m[1] for m in members if m[1] != head)),
            pairs=tuple(pairs),
        )

    def clusters(
        self,
        *,
        order: ClusterOrder = "size",
        limit: int = 50,
        offset: int = 0,
        min_size: int = 2,
        search: str | None = None,
        hide_exact: bool = False,
    ) -> ClusterPage:
        """A page of live clusters: largest, most recent or least similar first.

        `search` keeps clusters with a document whose title or text holds every word given
        (SQLite FTS5, built on first use); `hide_exact` drops clusters of one text only.
        """
        if order not in _ORDERS:
            raise ConfigError(f"order must be one of {', '.join(_ORDERS)}, got {order!r}")
        if limit < 1 or offset < 0:
            raise ConfigError(f"limit must be >= 1 and offset >= 0, got {limit} and {offset}")
        where: list[str] = ["c.state = 'live'", "c.size >= ?"]
        params: list[object] = [min_size]
        words = _WORD.findall(search or "")
        if words:
            if self._search_table():
                where.append(
                    "c.seq IN (SELECT d.cluster FROM docs_fts JOIN documents d"
                    " ON d.doc = docs_fts.rowid WHERE docs_fts MATCH ?)"
                )
                params.append(" ".join('"' + w.replace('"', '""') + '"' for w in words))
            else:
                # A read-only index without the search table: substrings, slower but right.
                for w in words:
                    where.append(
                        "c.seq IN (SELECT cluster FROM documents WHERE cluster IS NOT NULL"
                        " AND (title LIKE ? ESCAPE '\\' OR text LIKE ? ESCAPE '\\'))"
                    )
                    like = "%" + re.sub(r"([%_\\])", r"\\\1", w) + "%"
                    params += [like, like]
        if hide_exact:
            # Distinct texts are counted from the (cluster, hash) index, not the rows.
            where.append(
                "(SELECT count(DISTINCT hash) FROM documents"
                " WHERE cluster = c.seq AND cluster IS NOT NULL) > 1"
            )
        sql_where = " AND ".join(where)
        sort = _ORDERS[order]
        with self._read() as db:
            total = db.execute(f"SELECT count(*) FROM clusters c WHERE {sql_where}", params)
            total = total.fetchone()[0]
            rows = db.execute(
                "SELECT c.seq, c.size, c.created_at, c.updated_at, c.last_date FROM clusters c"
                f" WHERE {sql_where} ORDER BY {sort} LIMIT ? OFFSET ?",
                # SQLite integers stop at 2**63 - 1 (larger ones raise OverflowError); no
                # table has that many rows, so the page is the same.
                [*params, min(limit, _SQLITE_MAX_INT), min(offset, _SQLITE_MAX_INT)],
            ).fetchall()
            out = []
            for seq, size, created, updated, last in rows:
                members = db.execute(
                    "SELECT id, date, length(text), title, hash FROM documents WHERE cluster = ?",
                    (seq,),
                ).fetchall()
                head = canonical(Member(i, date, length) for i, date, length, _, _ in members)
                title = next(t for i, _, _, t, _ in members if i == head)
                similarity = db.execute(f"SELECT {_SIMILARITY}", (seq,)).fetchone()[0]
                exact = len({h for *_, h in members}) == 1
                out.append(
                    ClusterSummary(
                        cluster_name(seq),
                        size,
                        head,
                        title,
                        created,
                        updated,
                        last,
                        similarity=similarity,
                        exact=exact,
                    )
                )
        return ClusterPage(tuple(out), total, limit, offset)

    def _search_table(self) -> bool:
        """Whether the full-text table exists, creating it (and filling it) on first use.

        Index files from before it have none; once made, triggers keep it in step with every
        add and remove. A read-only file without it answers False.
        """
        if self._fts:
            return True
        with self._read() as db:
            self._fts = _has_table(db, "docs_fts")
        if self._fts or self.read_only:
            return self._fts
        with self._write() as db:
            if not _has_table(db, "docs_fts"):  # another process may have made it meanwhile
                for statement in _FTS:
                    db.execute(statement)
        self._fts = True
        return True

    def merges(self, into: str | None = None) -> list[Merge]:
        """Recorded merges, oldest first, each pointing at the cluster it lives on as.

        Args:
            into: only the merges into this (live) cluster.
        """
        where, params = "", []
        if into is not None:
            where, params = " WHERE survivor = ?", [cluster_seq(into)]
        with self._read() as db:
            rows = db.execute(
                f"SELECT absorbed, survivor, at, document FROM merges{where} ORDER BY at, absorbed",
                params,
            ).fetchall()
        return [Merge(cluster_name(a), cluster_name(s), at, d) for a, s, at, d in rows]

    def stats(self) -> Stats:
        """Counts and sizes."""
        with self._read() as db:
            docs = db.execute("SELECT count(*) FROM documents").fetchone()[0]
            clusters, clustered, largest = db.execute(
                "SELECT count(*), coalesce(sum(size), 0), coalesce(max(size), 0)"
                " FROM clusters WHERE state = 'live'"
            ).fetchone()
            edges = db.execute("SELECT count(*) FROM edges").fetchone()[0]
            merges = db.execute("SELECT count(*) FROM merges").fetchone()[0]
        size = sum(
            p.stat().st_size
            for p in (self.path, Path(f"{self.path}-wal"), Path(f"{self.path}-shm"))
            if p.exists()
        )
        settings: dict[str, Any] = {
            **self.config.flat(),
            "bands": self._bands,
            "rows": self._rows,
        }
        return Stats(docs, clusters, clustered, largest, edges, merges, size, settings)

    def integrity(self) -> str:
        """SQLite's own integrity check of the file ("ok" when sound)."""
        with self._read() as db:
            return str(db.execute("PRAGMA integrity_check").fetchone()[0])


class _Transaction:
    """A transaction as a context manager; SQLite errors become StoreError with the path.

    It holds its connection (from `Index._connection`) from the BEGIN to the COMMIT or ROLLBACK.
    """

    def __init__(
        self,
        connection: AbstractContextManager[sqlite3.Connection],
        *,
        immediate: bool,
        path: Path,
    ) -> None:
        self._connection = connection
        self._immediate = immediate
        self._path = path

    def __enter__(self) -> _Transaction:
        self._conn = self._connection.__enter__()
        try:
            self._conn.execute("BEGIN IMMEDIATE" if self._immediate else "BEGIN")
        except sqlite3.OperationalError as exc:
            self._connection.__exit__(None, None, None)
            if _disk_full(exc):
                raise _full(self._path, exc) from exc
            raise StoreError(
                f"cannot start a transaction on {self._path}: {exc}; another process may hold"
                " the write lock for too long, try again"
            ) from exc
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: object, tb: object) -> None:
        try:
            self._finish(kind, exc)
        finally:
            self._connection.__exit__(None, None, None)

    def _finish(self, kind: type[BaseException] | None, exc: object) -> None:
        if kind is None:
            try:
                self._conn.execute("COMMIT")
            except sqlite3.Error as err:
                # SQLite may have rolled back already (a full disk does): ROLLBACK only when a
                # transaction is still open, and a failing one leaves the connection unused
                # (Index._checkin closes it).
                self._rollback()
                if _disk_full(err):
                    raise _full(self._path, err) from err
                raise StoreError(f"cannot commit to {self._path}: {err}") from err
        elif self._conn.in_transaction:
            self._rollback()
        if isinstance(exc, sqlite3.Error):
            if _disk_full(exc):
                raise _full(self._path, exc) from exc
            raise StoreError(f"index {self._path}: {exc}") from exc

    def _rollback(self) -> None:
        if self._conn.in_transaction:
            with suppress(sqlite3.Error):
                self._conn.execute("ROLLBACK")

    def execute(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Cursor:
        return self._conn.execute(sql, params)

    def executemany(self, sql: str, params: Iterable[Sequence[Any]]) -> sqlite3.Cursor:
        return self._conn.executemany(sql, params)

    def executescript_in_tx(self, script: str) -> None:
        # executescript() would commit first; statements run one by one keep the transaction.
        for statement in script.split(";"):
            if statement.strip():
                self._conn.execute(statement)


def _disk_full(exc: sqlite3.Error) -> bool:
    """True when SQLite failed for want of space (SQLITE_FULL, or an I/O error of ENOSPC)."""
    return getattr(exc, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL or "disk is full" in str(
        exc
    )


def _full(path: Path, exc: sqlite3.Error) -> DiskFullError:
    return DiskFullError(
        f"cannot write index {path}: the disk is full ({exc}); the last batch was not kept and"
        " the index is as it was before it: free some space and run the same command again"
    )


def _not_writable(path: Path) -> bool:
    """True when an existing index file, or the folder SQLite keeps its WAL in, is read-only."""
    if not path.exists():
        return False
    folder = path.parent if str(path.parent) else Path()
    return not (os.access(path, os.W_OK) and os.access(folder, os.W_OK | os.X_OK))


def _cannot_open(path: Path, exc: sqlite3.DatabaseError | UnicodeDecodeError) -> str:
    """Why an index did not open, and what to do."""
    reason = str(exc)
    if "readonly" in reason or "unable to open" in reason:
        return (
            f"cannot open index {path}: {reason}; check that this user may read it (and, to"
            " add documents, write it and its folder)"
        )
    return f"cannot open index {path}: {reason}; is it a redline index file?"


def _has_table(db: _Transaction, name: str) -> bool:
    row = db.execute("SELECT 1 FROM sqlite_master WHERE name = ?", (name,)).fetchone()
    return row is not None


def _meta(db: _Transaction) -> dict[str, str]:
    """The settings table, empty when the file holds no index yet."""
    if db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").fetchone():
        return dict(db.execute("SELECT key, value FROM meta").fetchall())
    return {}


def _name(seq: int | None) -> str | None:
    return None if seq is None else cluster_name(seq)


def _stored(row: Sequence[Any]) -> StoredDocument:
    doc_id, text, title, url, date, byline, cluster, added_at, doc_hash, order = row
    return StoredDocument(
        Document(id=doc_id, text=text, title=title, url=url, date=date, byline=byline),
        _name(cluster),
        added_at,
        doc_hash,
        order,
    )


def _chunks(items: Sequence[int], size: int) -> Iterator[Sequence[int]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]
