"""Response shapes of the JSON API, for the OpenAPI document at /docs.

Handlers build plain dicts from the library's `to_dict()` methods; these models only describe
(and check) them, so the JSON contracts stay defined in one place: the library.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field


class PassageOut(BaseModel):
    """A sentence of the submitted text and its partner in the match."""

    query: str
    match: str
    share: float = Field(description="Share of the shorter sentence's word 3-grams in the other.")


class MatchOut(BaseModel):
    """An indexed document the text comes from or shares text with, with the evidence."""

    id: str
    cluster: str | None
    title: str | None
    url: str | None
    date: str | None
    verdict: Literal["version", "derived", "partial reuse", "related"] = Field(
        description="version: passes the clustering rule; derived: most of one text is in the"
        " other; partial reuse: a substantial share is; related: shared rare words only."
    )
    score: float = Field(description="Rank score (shared rare words and word 3-grams).")
    jaccard: float = Field(description="Shingle Jaccard similarity.")
    a_in_b: float = Field(description="Share of the submitted text found in this document.")
    b_in_a: float = Field(description="Share of this document found in the submitted text.")
    trigram_a_in_b: float = Field(
        description="Share of the submitted text's word 3-grams found in this document."
    )
    trigram_b_in_a: float = Field(
        description="Share of this document's word 3-grams found in the submitted text."
    )
    shared_sentences: int = Field(
        description="Sentences of the submitted text with a partner in this document."
    )
    evidence: list[PassageOut] = Field(description="The longest shared sentence pairs.")
    same_text: bool = Field(
        False, description="This document holds exactly the submitted text (already indexed)."
    )


class AddOut(BaseModel):
    """What adding a document did."""

    status: Literal["added", "present", "skipped"]
    reason: str | None
    id: str = Field(description="The stored id (the existing one when already present).")
    cluster: str | None
    renamed_from: str | None = Field(
        description="Set when the id held a different text and this one was stored as id@hash."
    )
    merged: list[str] = Field(description="Clusters folded into `cluster` by this document.")
    matches: list[MatchOut]


class DocumentOut(BaseModel):
    """A stored document."""

    id: str
    title: str | None
    url: str | None
    date: str | None
    byline: str | None
    cluster: str | None
    added_at: float
    hash: str
    text: str | None = None


class QueryOut(BaseModel):
    """Versions of the submitted text, best first."""

    indexed_as: list[str] = Field(
        default_factory=list,
        description="Ids of indexed documents holding exactly the submitted text (first among"
        " the matches); empty when the text is not in the index.",
    )
    matches: list[MatchOut]
    diff: dict[str, Any] | None = Field(
        None, description="With `diff`: the redline.diff/1 JSON against the best other version."
    )


class ClusterSummaryOut(BaseModel):
    """One line of the cluster listing."""

    id: str
    size: int
    canonical: str
    title: str | None
    created_at: float
    updated_at: float
    last_date: str | None
    similarity: float | None = Field(
        None, description="The lowest Jaccard among the cluster's verified pairs."
    )
    exact: bool = Field(False, description="Every version holds the same text.")


class ClusterPageOut(BaseModel):
    """A page of clusters."""

    clusters: list[ClusterSummaryOut]
    total: int
    limit: int
    offset: int


class PairOut(BaseModel):
    """A verified pair (redline.clusters/1)."""

    a: str
    b: str
    jaccard: float
    a_in_b: float
    b_in_a: float


class MergeOut(BaseModel):
    """A cluster folded into this one (its id resolves here)."""

    absorbed: str
    survivor: str
    at: float
    document: str | None = Field(description="The document whose arrival bridged the two.")


class ClusterOut(BaseModel):
    """A cluster (redline.clusters/1) with its members and collation table."""

    cluster: str
    canonical: str
    documents: list[str]
    pairs: list[PairOut]
    members: list[DocumentOut]
    merged: list[MergeOut] = Field(description="Clusters merged into this one, oldest first.")
    collation: dict[str, Any] | None = Field(
        description="redline.collation/1, or null for clusters too large to collate on request."
    )


class RemovedOut(BaseModel):
    """A removal."""

    removed: str
    cluster: str | None


class HealthOut(BaseModel):
    """Liveness and size."""

    status: Literal["ok"]
    documents: int
    clusters: int
    writes: bool | Literal["token"]
