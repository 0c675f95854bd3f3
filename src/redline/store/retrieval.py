"""Query is retrieval: which indexed documents a text comes from, ranked, each with a verdict.

A newspaper article rewritten from a wire story shares its names and many of its phrases but
few of its 5-word shingles, so the clustering rule alone answers "nothing". Retrieval ranks
instead, in two bounded stages:

1. Candidates from the database. A postings table holds each document's distinct word hashes,
   one word in `term_modulus` by hash value (a consistent sample: two texts keep the same
   words, so overlaps stay unbiased, at half the rows). The query reads only the postings of
   its own sampled words and skips words held by more than `max_df` documents (long postings
   that say little). A document scores the idf-weighted sum of the words it shares with the
   query, over the square root of both word counts: containment both ways (their geometric
   mean), weighted by rarity. The best `rerank` documents go on.
2. Rerank: the word score plus the geometric mean of the word 3-gram containments both ways,
   computed exactly from the texts (3-grams survive rewording better than 5-shingles). Answers
   under `floor` are dropped.

Each answer carries a verdict: `version` when the pair passes the clustering rule of
`redline find`; else `derived` when at least `derived` of one text's 3-grams are in the
other, `partial reuse` at `partial`; else `related`. The evidence is the sentences of the
query that have a partner in the answer (sharing `evidence_share` of the shorter sentence's
3-grams), longest first. All weights and cut-offs live in data/retrieval.json, with the data
they were chosen on.

The module holds no connection: the store passes in its transaction. It must not decide what
a version is (that is `discover.verify`), only rank and label.
"""

from __future__ import annotations

import json
import math
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from redline.discover.fingerprint import shingle_batch
from redline.discover.shingle import U64Array, overlap, sorted_unique
from redline.discover.tokens import word_hashes
from redline.discover.verify import Thresholds, classify
from redline.store.base import Passage, Verdict
from redline.text.segment import segment

SCHEMA = """
CREATE TABLE IF NOT EXISTS terms (
    term INTEGER NOT NULL,
    doc INTEGER NOT NULL,
    PRIMARY KEY (term, doc)
) WITHOUT ROWID;
-- `norm` is 1 / sqrt(number of sampled words): the document's side of the word score.
CREATE TABLE IF NOT EXISTS term_docs (
    doc INTEGER PRIMARY KEY,
    terms INTEGER NOT NULL,
    norm REAL NOT NULL
);
"""
# Bumped when the rows above change meaning; an index without it is backfilled on open.
VERSION = "1"
TRIGRAM = 3
FloatArray = np.ndarray[Any, np.dtype[np.float64]]
TermArray = np.ndarray[Any, np.dtype[np.int64]]


class Executor(Protocol):
    """What retrieval needs of a transaction."""

    def execute(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Cursor: ...

    def executemany(self, sql: str, params: Iterable[Sequence[Any]]) -> sqlite3.Cursor: ...


@dataclass(frozen=True, slots=True)
class Settings:
    """Weights and cut-offs of retrieval (data/retrieval.json)."""

    term_modulus: int
    max_df_share: float
    max_df_floor: int
    max_df_ceiling: int
    max_postings: int
    rerank: int
    trigram_weight: float
    floor: float
    partial: float
    derived: float
    evidence_share: float

    def max_df(self, documents: int) -> int:
        """Words held by more documents than this are not looked up."""
        share = int(self.max_df_share * documents)
        return max(self.max_df_floor, min(self.max_df_ceiling, share))


@cache
def settings() -> Settings:
    """The shipped settings, read once."""
    raw = json.loads(
        resources.files("redline.store").joinpath("data/retrieval.json").read_text("utf-8")
    )
    return Settings(**{k: v for k, v in raw.items() if not k.startswith("_")})


@dataclass(frozen=True, slots=True)
class Profile:
    """What retrieval compares of one text: sampled words, 3-grams and clustering shingles."""

    terms: TermArray
    trigrams: U64Array
    shingles: U64Array


def sample_terms(hashes: U64Array, modulus: int) -> TermArray:
    """Distinct sampled word hashes, sorted, as the signed values SQLite stores."""
    kept = sorted_unique(hashes[hashes % np.uint64(modulus) == 0])
    return np.sort(kept.view(np.int64))


def profile(text: str, shingle: int, modulus: int) -> Profile:
    """The profile of a text (one tokenization for all three sets)."""
    hashes = word_hashes(text)
    return Profile(
        sample_terms(hashes, modulus),
        shingle_batch([hashes], TRIGRAM)[0],
        shingle_batch([hashes], shingle)[0],
    )


def put(db: Executor, docs: Sequence[tuple[int, Sequence[int]]]) -> None:
    """Store the sampled words of a batch of documents, in one statement.

    The postings are sorted by (term, doc) first: each B-tree page they land on is then visited
    once per batch, in key order, instead of once per document at random (at 100,000 documents
    the table is far larger than SQLite's page cache, and per-document inserts touched as many
    pages as they wrote rows).
    """
    if not docs:
        return
    sizes = [len(terms) for _, terms in docs]
    term = np.fromiter((t for _, terms in docs for t in terms), dtype=np.int64, count=sum(sizes))
    doc = np.repeat(np.array([d for d, _ in docs], dtype=np.int64), sizes)
    order = np.lexsort((doc, term))
    db.executemany(
        "INSERT OR IGNORE INTO terms VALUES (?, ?)",
        zip(term[order].tolist(), doc[order].tolist(), strict=True),
    )
    db.executemany(
        "INSERT OR REPLACE INTO term_docs VALUES (?, ?, ?)",
        ((d, n, 1.0 / math.sqrt(n) if n else 0.0) for (d, _), n in zip(docs, sizes, strict=True)),
    )


def drop(db: Executor, doc: int, terms: Sequence[int]) -> None:
    """Forget a document's words (recomputed from its text: no index on doc is kept)."""
    for i in range(0, len(terms), 500):
        chunk = list(terms[i : i + 500])
        marks = ",".join("?" * len(chunk))
        db.execute(f"DELETE FROM terms WHERE doc = ? AND term IN ({marks})", [doc, *chunk])
    db.execute("DELETE FROM term_docs WHERE doc = ?", (doc,))


def weights(db: Executor, terms: TermArray, how: Settings) -> tuple[FloatArray, TermArray]:
    """The idf of each query word (0 for words no document holds or too many do), and its
    document count (capped at `max_df` + 1)."""
    # The highest document number stands for the count: one index step instead of a scan;
    # removed documents make rare words look a little rarer, for every document alike.
    documents = int(db.execute("SELECT coalesce(max(doc), 0) FROM term_docs").fetchone()[0])
    out = np.zeros(len(terms), dtype=np.float64)
    counts = np.zeros(len(terms), dtype=np.int64)
    if not documents or not len(terms):
        return out, counts
    cap = how.max_df(documents)
    values = terms.tolist()
    df: dict[int, int] = {}
    for i in range(0, len(values), 500):
        chunk = values[i : i + 500]
        marks = ",".join(["(?)"] * len(chunk))
        # The inner LIMIT bounds the count: a common word costs `cap` steps, not its df.
        df.update(
            db.execute(
                f"WITH v(t) AS (VALUES {marks}) SELECT t, (SELECT count(*) FROM"
                " (SELECT 1 FROM terms p WHERE p.term = v.t LIMIT ?)) FROM v",
                [*chunk, cap + 1],
            ).fetchall()
        )
    for i, t in enumerate(values):
        n = df.get(t, 0)
        counts[i] = n
        if 0 < n <= cap:
            out[i] = math.log((documents + 1) / n)
    return out, counts


def lookups(idf: FloatArray, df: TermArray, how: Settings) -> npt.NDArray[np.intp]:
    """The query words whose postings are read: the rarest first, while their postings fit
    the `max_postings` budget (one word at least), so a long or common query reads a bounded
    number of rows. The rarest words carry most of the score (idf) and all of the evidence
    that tells a source from a text on the same subject."""
    useful = np.flatnonzero(idf > 0)
    if not len(useful):
        return useful
    # Stable by df, then position: equal counts keep the query's (sorted term) order.
    order = useful[np.argsort(df[useful], kind="stable")]
    within = np.cumsum(df[order]) <= how.max_postings
    within[0] = True
    return order[within]


def candidates(
    db: Executor,
    terms: TermArray,
    idf: FloatArray,
    df: TermArray,
    how: Settings,
) -> list[int]:
    """The `rerank` documents with the best word scores, best first (ties: lower doc)."""
    useful = lookups(idf, df, how)
    if not len(useful):
        return []
    params: list[Any] = []
    for i in useful.tolist():
        params += [int(terms[i]), float(idf[i])]
    marks = ",".join(["(?, ?)"] * len(useful))
    return [
        row[0]
        for row in db.execute(
            f"WITH v(term, w) AS (VALUES {marks})"
            " SELECT p.doc FROM v JOIN terms p ON p.term = v.term"
            " JOIN term_docs c ON c.doc = p.doc"
            " GROUP BY p.doc ORDER BY sum(v.w) * max(c.norm) DESC, p.doc LIMIT ?",
            [*params, how.rerank],
        )
    ]


@dataclass(frozen=True, slots=True)
class Scored:
    """A candidate's scores against the query."""

    score: float
    words: float
    jaccard: float
    a_in_b: float
    b_in_a: float
    trigram_a_in_b: float
    trigram_b_in_a: float
    verdict: Verdict


def score(
    query: Profile,
    idf: FloatArray,
    other: Profile,
    *,
    thresholds: Thresholds,
    how: Settings,
) -> Scored:
    """Rank score and verdict of one candidate (see the module docstring)."""
    words = 0.0
    if len(query.terms) and len(other.terms):
        shared = np.isin(query.terms, other.terms, assume_unique=True)
        words = float(idf[shared].sum()) / math.sqrt(len(query.terms) * len(other.terms))
    _, tri_a, tri_b = overlap(query.trigrams, other.trigrams)
    trigrams = math.sqrt(tri_a * tri_b)
    jac, a_in_b, b_in_a = overlap(query.shingles, other.shingles)
    rule = classify(
        jac,
        a_in_b,
        b_in_a,
        len_a=len(query.shingles),
        len_b=len(other.shingles),
        thresholds=thresholds,
    )
    verdict: Verdict
    if rule is not None:
        verdict = "version"
    elif max(tri_a, tri_b) >= how.derived:
        verdict = "derived"
    elif max(tri_a, tri_b) >= how.partial:
        verdict = "partial reuse"
    else:
        verdict = "related"
    return Scored(
        words + how.trigram_weight * trigrams, words, jac, a_in_b, b_in_a, tri_a, tri_b, verdict
    )


IntArray = npt.NDArray[np.intp]


@dataclass(frozen=True, slots=True)
class Sentences:
    """The sentences of a text with words, and their word 3-gram sets, flattened."""

    texts: list[str]
    grams: U64Array  # each sentence's sorted unique 3-grams, one sentence after the other
    owner: IntArray  # the sentence of each gram
    sizes: IntArray  # grams per sentence


def sentences(text: str) -> Sentences:
    """The sentences of `text` that hold a word (one 3-gram pass over all of them)."""
    texts, hashes = [], []
    for s in segment(text):
        h = word_hashes(s.text)
        if len(h):  # a sentence of one or two words is one shorter gram, as in shingle_hashes
            texts.append(s.text)
            hashes.append(h)
    sets = shingle_batch(hashes, TRIGRAM)
    sizes = np.fromiter(map(len, sets), dtype=np.intp, count=len(sets))
    grams = np.concatenate(sets) if sets else np.empty(0, dtype=np.uint64)
    return Sentences(texts, grams, np.repeat(np.arange(len(sets)), sizes), sizes)


def partners(query: Sentences, other: Sentences, share: float) -> list[tuple[int, float, int, int]]:
    """(shared grams, share, query sentence, its partner) for every query sentence whose best
    partner in `other` shares at least `share` of the shorter sentence's 3-grams.

    The best partner has the highest share (ties: the first). Best first: most shared grams,
    then query order. Counted in numpy over all sentence pairs that share a gram at once.
    """
    if not len(query.grams) or not len(other.grams):
        return []
    order = np.argsort(other.grams, kind="stable")
    sorted_grams, sorted_owner = other.grams[order], other.owner[order]
    lo = np.searchsorted(sorted_grams, query.grams, side="left")
    hi = np.searchsorted(sorted_grams, query.grams, side="right")
    hits = hi - lo
    total = int(hits.sum())
    if not total:
        return []
    # Every (query gram, other gram) pair with equal values: a gram held by several sentences
    # of `other` counts once for each of them.
    first = np.repeat(lo, hits)
    step = np.arange(total) - np.repeat(np.cumsum(hits) - hits, hits)
    pair_j = sorted_owner[first + step]
    pair_i = np.repeat(query.owner, hits)
    width = len(other.texts)
    codes, shared = np.unique(pair_i * width + pair_j, return_counts=True)
    qi, oj = np.divmod(codes, width)
    shares = shared / np.minimum(query.sizes[qi], other.sizes[oj])
    # Per query sentence: highest share first, then the lowest partner.
    ranked = np.lexsort((oj, -shares, qi))
    lead = ranked[np.r_[True, qi[ranked][1:] != qi[ranked][:-1]]]
    lead = lead[shares[lead] >= share]
    found = [(int(shared[k]), float(shares[k]), int(qi[k]), int(oj[k])) for k in lead.tolist()]
    found.sort(key=lambda f: (-f[0], f[2]))
    return found


class Evidence:
    """Shared sentences between one query and the texts it is compared with."""

    def __init__(self, query_text: str, how: Settings) -> None:
        self._query = sentences(query_text)
        self._how = how

    def shared(self, text: str, *, limit: int) -> tuple[int, tuple[Passage, ...]]:
        """How many query sentences have a partner in `text`, and the `limit` longest pairs."""
        other = sentences(text)
        found = partners(self._query, other, self._how.evidence_share)
        passages = tuple(
            Passage(self._query.texts[i], other.texts[j], round(share, 4))
            for _, share, i, j in found[:limit]
        )
        return len(found), passages
