"""What a persistent index of versions promises, whatever holds it.

The CLI and the HTTP service speak only to `Store`; `redline.store.sqlite.Index` (one SQLite
file) is the default implementation.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol, runtime_checkable

from redline.models import Cluster, Document

AddStatus = Literal["added", "present", "skipped"]
# similarity: least similar first (the lowest Jaccard among a cluster's verified pairs), so the
# clusters whose versions changed most come first.
ClusterOrder = Literal["size", "date", "similarity"]
# What a query answer is to the queried text: a version (the clustering rule of `redline find`
# holds), derived (most of one text is in the other), partial reuse (a substantial share of one
# is in the other), or related (shared rare words and a few phrases).
Verdict = Literal["version", "derived", "partial reuse", "related"]


@dataclass(frozen=True, slots=True)
class Passage:
    """A sentence of the queried text and its partner in a match: evidence of reuse.

    `share` is the share of the shorter sentence's word 3-grams found in the other.
    """

    query: str
    match: str
    share: float

    def to_dict(self) -> dict[str, Any]:
        return {"query": self.query, "match": self.match, "share": self.share}


@dataclass(frozen=True, slots=True)
class Match:
    """A known document that a text is a version of, with the evidence.

    `a_in_b` is the share of the queried text found in the match, `b_in_a` the share of the match
    found in the queried text (shingle containment, as in `redline find`). A query answer also
    has its rank `score`, its `verdict`, the same containments over word 3-grams (which survive
    rewording better) and the evidence: how many sentences of the query have a partner in the
    match, and the longest such pairs. Matches reported by `add` are versions by definition.
    """

    id: str
    jaccard: float
    a_in_b: float
    b_in_a: float
    cluster: str | None
    title: str | None = None
    url: str | None = None
    date: str | None = None
    verdict: Verdict = "version"
    score: float = 0.0
    trigram_a_in_b: float = 0.0
    trigram_b_in_a: float = 0.0
    shared_sentences: int = 0
    evidence: tuple[Passage, ...] = ()
    # A query answer holding exactly the queried text: it is already in the index as this id.
    same_text: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "cluster": self.cluster,
            "title": self.title,
            "url": self.url,
            "date": self.date,
            "verdict": self.verdict,
            "score": round(self.score, 4),
            "jaccard": round(self.jaccard, 4),
            "a_in_b": round(self.a_in_b, 4),
            "b_in_a": round(self.b_in_a, 4),
            "trigram_a_in_b": round(self.trigram_a_in_b, 4),
            "trigram_b_in_a": round(self.trigram_b_in_a, 4),
            "shared_sentences": self.shared_sentences,
            "evidence": [p.to_dict() for p in self.evidence],
            "same_text": self.same_text,
        }


@dataclass(frozen=True, slots=True)
class AddResult:
    """What adding one document did: added (with the versions it joined), present or skipped."""

    status: AddStatus
    id: str
    cluster: str | None
    matches: tuple[Match, ...] = ()
    # Set when the id was taken by a different text and the document was stored under a new one.
    renamed_from: str | None = None
    # Clusters folded into `cluster` because this document joined them.
    merged: tuple[str, ...] = ()
    # Why a document was skipped (status "skipped"), in words a user can act on.
    reason: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "reason": self.reason,
            "id": self.id,
            "cluster": self.cluster,
            "renamed_from": self.renamed_from,
            "merged": list(self.merged),
            "matches": [m.to_dict() for m in self.matches],
        }


@dataclass(frozen=True, slots=True)
class StoredDocument:
    """A document as the index holds it."""

    document: Document
    cluster: str | None
    added_at: float
    content_hash: str
    # Position in the order added (documents added in one batch share `added_at`).
    order: int = 0

    def to_dict(self, *, text: bool = True) -> dict[str, Any]:
        d = self.document
        out: dict[str, Any] = {
            "id": d.id,
            "title": d.title,
            "url": d.url,
            "date": d.date,
            "byline": d.byline,
            "cluster": self.cluster,
            "added_at": self.added_at,
            "hash": self.content_hash,
        }
        if text:
            out["text"] = d.text
        return out


def oldest_first(a: StoredDocument, b: StoredDocument) -> tuple[StoredDocument, StoredDocument]:
    """Two versions as (older, newer): by date when both carry a different one, else as added.

    Dates are compared as ISO 8601 strings, which sort in time order for one format.
    """
    da, db = a.document.date, b.document.date
    if da and db and da != db:
        return (a, b) if da < db else (b, a)
    return (a, b) if (a.added_at, a.order) <= (b.added_at, b.order) else (b, a)


@dataclass(frozen=True, slots=True)
class ClusterSummary:
    """One line of the cluster listing."""

    id: str
    size: int
    canonical: str
    title: str | None
    created_at: float
    updated_at: float
    last_date: str | None
    # The lowest Jaccard among the cluster's verified pairs (None: no pair recorded).
    similarity: float | None = None
    # Every version holds the same text (exact copies, nothing to redline).
    exact: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "size": self.size,
            "canonical": self.canonical,
            "title": self.title,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
            "last_date": self.last_date,
            "similarity": None if self.similarity is None else round(self.similarity, 4),
            "exact": self.exact,
        }


@dataclass(frozen=True, slots=True)
class ClusterPage:
    """A page of the cluster listing and the total it was cut from."""

    clusters: tuple[ClusterSummary, ...]
    total: int
    limit: int
    offset: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "clusters": [c.to_dict() for c in self.clusters],
            "total": self.total,
            "limit": self.limit,
            "offset": self.offset,
        }


@dataclass(frozen=True, slots=True)
class Merge:
    """A recorded merge: `absorbed` now lives on as `survivor`; `document` bridged them."""

    absorbed: str
    survivor: str
    at: float
    document: str | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "absorbed": self.absorbed,
            "survivor": self.survivor,
            "at": self.at,
            "document": self.document,
        }


@dataclass(frozen=True, slots=True)
class Stats:
    """Counts and sizes for `redline index stats` and GET /health."""

    documents: int
    clusters: int
    clustered_documents: int
    largest_cluster: int
    edges: int
    merges: int
    bytes_on_disk: int
    settings: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "documents": self.documents,
            "clusters": self.clusters,
            "clustered_documents": self.clustered_documents,
            "largest_cluster": self.largest_cluster,
            "edges": self.edges,
            "merges": self.merges,
            "bytes_on_disk": self.bytes_on_disk,
            "settings": self.settings,
        }


@runtime_checkable
class Store(Protocol):
    """A persistent index of versions: add, query, browse, remove."""

    def add(self, document: Document) -> AddResult:
        """Add one document (idempotent by content) and cluster it with its versions."""
        ...

    def add_many(
        self, documents: Iterable[Document], *, batch: int = 32, jobs: int = 0
    ) -> Iterator[AddResult]:
        """Add documents in small transactions, yielding one result per committed document."""
        ...

    def query(self, document: Document | str, *, limit: int = 10, evidence: int = 3) -> list[Match]:
        """The indexed documents this text comes from or shares text with, best first.

        `evidence` caps the shared sentence pairs listed per match (0: none).
        """
        ...

    def get(self, doc_id: str) -> StoredDocument:
        """One stored document; NotFoundError when absent."""
        ...

    def remove(self, doc_id: str) -> str | None:
        """Remove a document; returns the cluster it left (None if it was alone)."""
        ...

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
        """Clusters of two or more documents, largest (most recent, least similar) first.

        `search` keeps clusters with a document whose title or text holds every word given;
        `hide_exact` leaves out clusters whose versions are all the same text.
        """
        ...

    def cluster(self, cluster_id: str) -> Cluster:
        """A cluster with its documents and verified pairs; follows recorded merges."""
        ...

    def resolve_cluster(self, cluster_id: str) -> str:
        """The id a cluster lives on as now (itself, or the survivor of its merges)."""
        ...

    def merges(self, into: str | None = None) -> list[Merge]:
        """Recorded merges (all, or those into one cluster), oldest first."""
        ...

    def documents(self) -> Iterator[StoredDocument]:
        """Every stored document in the order added (for export)."""
        ...

    def stats(self) -> Stats:
        """Counts and sizes."""
        ...

    def close(self) -> None:
        """Release connections and files."""
        ...
