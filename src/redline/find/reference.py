"""The reference discovery: documents in, clusters out, written to be read, not to be fast.

Every engine and the index are tested against `discover`: for the same documents and config
they must give the same clusters (and the engines the same candidate pairs). It follows the
record policies of `ingest.records` and the candidate policy of `discover.candidates` with
plain dicts, sets and sorting: no processes, no spool, no vectorized pairing. Only the
per-document functions are shared with the engines (`shingle.shingles`, `minhash.sign`,
`lsh.band_keys`, `anchors.anchors`, `sentences.sketch`,
`sentences.sentence_anchors`, `verify.verify`) and the clustering of verified pairs
(`cluster.cluster`), which is already a pure function of the pairs.

Use it on small collections (hundreds of documents): it is quadratic in bucket sizes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import combinations

from redline.discover.anchors import anchors
from redline.discover.candidates import anchor_threshold, sentence_threshold
from redline.discover.cluster import Member, OrderBy, cluster
from redline.discover.config import DiscoveryConfig
from redline.discover.lsh import band_keys
from redline.discover.minhash import sign
from redline.discover.sentences import SentenceSketch, sentence_anchors, sketch
from redline.discover.shingle import shingles
from redline.discover.verify import verify
from redline.ingest.records import Reason
from redline.models import Cluster, Document, Pair


@dataclass(slots=True)
class Discovery:
    """What the reference found: clusters, and the steps that led there, keyed by id."""

    clusters: list[Cluster]
    # Ids kept, in input order, and the reason each other input was skipped (first skip of
    # an id wins; a duplicate id lists the position of the skipped copy).
    kept: list[str] = field(default_factory=list)
    skipped: list[tuple[str, Reason]] = field(default_factory=list)
    # Exact copy -> its representative (the smallest id of its equal shingle set).
    copies: dict[str, str] = field(default_factory=dict)
    # Candidate pairs (lower id first) by where they came from; `verified` the pairs kept.
    banded: set[tuple[str, str]] = field(default_factory=set)
    anchored: set[tuple[str, str]] = field(default_factory=set)
    sentenced: set[tuple[str, str]] = field(default_factory=set)
    verified: list[Pair] = field(default_factory=list)

    @property
    def candidates(self) -> set[tuple[str, str]]:
        """Every pair that was verified: from bands, anchors or sentence anchors."""
        return self.banded | self.anchored | self.sentenced


def discover(
    documents: Iterable[Document],
    config: DiscoveryConfig | None = None,
    *,
    order_by: OrderBy = "date",
    prefer: Iterable[str] = (),
) -> Discovery:
    """The clusters of versions among documents given in input order (see module docstring).

    `order_by` and `prefer` choose the canonical version, as `FindOptions` has them.
    """
    config = config or DiscoveryConfig()
    found = Discovery(clusters=[])

    # Record policies: empty documents claim no id; of the rest, the first of an id is kept.
    sets: dict[str, frozenset[int]] = {}
    arrays = {}
    docs: dict[str, Document] = {}
    for doc in documents:
        held = shingles(doc.text, config.shingle_size) if doc.text.strip() else None
        if held is None or len(held) == 0:
            found.skipped.append((doc.id, "empty"))
            continue
        if doc.id in docs:
            found.skipped.append((doc.id, "duplicate id"))
            continue
        docs[doc.id] = doc
        arrays[doc.id] = held
        sets[doc.id] = frozenset(held.tolist())
        found.kept.append(doc.id)

    # Rule 1: exact copies join the smallest id of their shingle set.
    groups: dict[frozenset[int], list[str]] = {}
    for doc_id in found.kept:
        groups.setdefault(sets[doc_id], []).append(doc_id)
    reps: list[str] = []
    pairs: list[Pair] = []
    for members in groups.values():
        rep = min(members)
        reps.append(rep)
        for other in members:
            if other != rep:
                found.copies[other] = rep
                a, b = sorted((rep, other))
                pairs.append(Pair(a=a, b=b, jaccard=1.0, a_in_b=1.0, b_in_a=1.0))

    # Rule 2: band buckets; neighbours fewer than max_bucket apart by (shingle count, id).
    lsh = config.banding()
    buckets: dict[tuple[int, int], list[str]] = {}
    for rep in reps:
        keys = band_keys(sign(arrays[rep], config.minhash), lsh.bands, lsh.rows)
        for band, key in enumerate(keys.tolist()):
            buckets.setdefault((band, key), []).append(rep)
    for members in buckets.values():
        ordered = sorted(members, key=lambda d: (len(sets[d]), d))
        for i, j in combinations(range(len(ordered)), 2):
            if j - i < config.max_bucket:
                found.banded.add(_ordered(ordered[i], ordered[j]))

    # Rule 3: anchors held by 2..max_df representatives, enough of them shared.
    if config.modulus is not None:
        held_anchors = {rep: set(anchors(arrays[rep], config.modulus).tolist()) for rep in reps}
        postings: dict[int, list[str]] = {}
        for rep in reps:
            for value in held_anchors[rep]:
                postings.setdefault(value, []).append(rep)
        shared: dict[tuple[str, str], int] = {}
        for owners in postings.values():
            if 2 <= len(owners) <= config.anchor_max_df:
                for a, b in combinations(sorted(owners), 2):
                    shared[(a, b)] = shared.get((a, b), 0) + 1
        for (a, b), count in shared.items():
            need = anchor_threshold(config, len(held_anchors[a]), len(held_anchors[b]))
            if count >= need:
                found.anchored.add((a, b))

    # Rule 3b: sentence anchors, by the same counting as rule 3.
    sketches: dict[str, SentenceSketch] = {}
    if config.sentences:
        sketches = {rep: sketch(docs[rep].text) for rep in reps}
        held_sentences = {rep: set(sentence_anchors(sketches[rep]).tolist()) for rep in reps}
        sentence_postings: dict[int, list[str]] = {}
        for rep in reps:
            for value in held_sentences[rep]:
                sentence_postings.setdefault(value, []).append(rep)
        common: dict[tuple[str, str], int] = {}
        for owners in sentence_postings.values():
            if 2 <= len(owners) <= config.sentence_max_df:
                for a, b in combinations(sorted(owners), 2):
                    common[(a, b)] = common.get((a, b), 0) + 1
        for (a, b), count in common.items():
            need = sentence_threshold(config, len(held_sentences[a]), len(held_sentences[b]))
            if count >= need:
                found.sentenced.add((a, b))

    # Rule 4: verify each candidate once, then cluster every verified pair.
    for a, b in sorted(found.candidates):
        pair = verify(
            arrays[a],
            arrays[b],
            config.thresholds,
            a_id=a,
            b_id=b,
            a_sentences=sketches.get(a),
            b_sentences=sketches.get(b),
        )
        if pair is not None:
            found.verified.append(pair)
    pairs.extend(found.verified)
    linked = {p.a for p in pairs} | {p.b for p in pairs}
    members_of = {d: Member(d, docs[d].date, len(docs[d].text)) for d in linked}
    found.clusters = cluster(pairs, members_of, config.thresholds, order_by=order_by, prefer=prefer)
    return found


def _ordered(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a < b else (b, a)
