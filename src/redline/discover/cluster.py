"""Clusters of versions from verified pairs: union-find with a guard on containment edges.

Edges by Jaccard join their documents outright. An edge by containment (a shorter text inside
a longer one) joins the contained text to its container only if the text covers at least
`Thresholds.min_cover` of the container, or if that container is its best one (highest
containment, then highest Jaccard, then smallest id). So a wire story inside several
newspaper rewrites joins them all, while a short quoted passage found in many unrelated
articles joins only one of them instead of chaining them into a giant cluster.

Evidence: every verified pair inside the cluster, or, past `MAX_PAIRS`, the pairs that joined
it (a maximum spanning tree by Jaccard), so a cluster of a thousand near-copies does not carry
half a million pairs.

Everything here depends only on the set of pairs and member facts, never on their order, so
the same collection gives the same clusters and cluster ids whatever the file order or the
number of workers.

Canonical version, in order: the earliest date (ISO 8601 strings; undated documents come
after dated ones), else the longest text, else the smallest id.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Literal

import xxhash

from redline.discover.verify import Thresholds
from redline.models import Cluster, Pair

OrderBy = Literal["date", "mtime", "name"]

# Evidence pairs kept for a cluster before falling back to its spanning tree: all pairs of a
# 15-document cluster fit.
MAX_PAIRS = 105


@dataclass(frozen=True, slots=True)
class Member:
    """What the canonical rule needs to know about a document."""

    id: str
    date: str | None = None
    length: int = 0


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, x: str) -> str:
        parent = self.parent
        root = parent.setdefault(x, x)
        while root != parent[root]:
            root = parent[root]
        while x != root:  # path compression
            parent[x], x = root, parent[x]
        return root

    def union(self, a: str, b: str) -> bool:
        """Join the sets of a and b; True when they were apart."""
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return False
        # The smaller id becomes the root: roots do not depend on edge order.
        if rb < ra:
            ra, rb = rb, ra
        self.parent[rb] = ra
        return True


@dataclass(frozen=True, slots=True)
class Link:
    """How a verified pair may join its two documents.

    `outright`: by Jaccard, or by containment covering at least `min_cover` of the container.
    Otherwise the contained text `inner` joins `outer` only if it is its best container
    (`container_rank`). `share` is the share of `inner` found in `outer`, `cover` the reverse.
    """

    outright: bool
    inner: str
    outer: str
    share: float
    cover: float


def link(pair: Pair, thresholds: Thresholds) -> Link:
    """The joining rule of one verified pair (the side with the higher share is contained)."""
    if pair.a_in_b >= pair.b_in_a:
        inner, outer, share, cover = pair.a, pair.b, pair.a_in_b, pair.b_in_a
    else:
        inner, outer, share, cover = pair.b, pair.a, pair.b_in_a, pair.a_in_b
    outright = pair.jaccard >= thresholds.jaccard or cover >= thresholds.min_cover
    return Link(outright, inner, outer, share, cover)


def container_rank(share: float, jaccard: float, container: str) -> tuple[float, float, str]:
    """Sort key of a contained text's containers, best first: share, then Jaccard, then id."""
    return (-share, -jaccard, container)


def cluster_id(documents: Iterable[str]) -> str:
    """Deterministic id of a cluster: a hash of its sorted member ids."""
    joined = "\n".join(sorted(documents)).encode()
    return f"c{xxhash.xxh3_64_hexdigest(joined)[:12]}"


def canonical(members: Iterable[Member]) -> str:
    """The canonical version: earliest date, else longest, else smallest id."""

    def rank(m: Member) -> tuple[int, str, int, str]:
        return (0 if m.date else 1, m.date or "", -m.length, m.id)

    return min(members, key=rank).id


def choose_canonical(
    clusters: Iterable[Cluster],
    members: Mapping[str, Member],
    *,
    order_by: OrderBy = "date",
    prefer: Iterable[str] = (),
) -> list[Cluster]:
    """The clusters with the canonical version a user asked for; ids and members unchanged.

    A cluster holding one of `prefer` (the originals a user names) takes it as canonical;
    otherwise `order_by` decides: "date" is the documented rule (`canonical`), "name" takes the
    smallest id (numbered drafts: draft-01 before draft-02). Dates that came from file
    modification times (`--order-by mtime` at reading) are dates here like any other.
    """
    wanted = frozenset(prefer)
    out = []
    for c in clusters:
        head = _head(c.documents, members, order_by, wanted)
        ordered = (head, *sorted(d for d in c.documents if d != head))
        out.append(replace(c, canonical=head, documents=ordered))
    return out


def _head(
    documents: Iterable[str],
    members: Mapping[str, Member],
    order_by: OrderBy,
    wanted: frozenset[str],
) -> str:
    """The canonical version of one cluster's documents (see `choose_canonical`)."""
    docs = list(documents)
    chosen = sorted(wanted.intersection(docs))
    if chosen:
        return chosen[0]
    if order_by == "name":
        return min(docs)
    return canonical(members.get(d) or Member(d) for d in docs)


def cluster(
    pairs: Iterable[Pair],
    members: Mapping[str, Member] | None = None,
    thresholds: Thresholds | None = None,
    *,
    max_pairs: int = MAX_PAIRS,
    order_by: OrderBy = "date",
    prefer: Iterable[str] = (),
) -> list[Cluster]:
    """Clusters of two or more documents from verified pairs, largest first, then by id.

    Args:
        pairs: verified edges (`verify.verify`); their order does not matter.
        members: date and length per document id, for the canonical rule; documents not in it
            count as undated and of length 0.
        thresholds: the rules the pairs were verified with (tells Jaccard edges from
            containment edges).
        max_pairs: a cluster with more verified pairs than this keeps as evidence only the
            pairs that joined it: a maximum spanning tree (strongest Jaccard first).
        order_by, prefer: which version is canonical, as `choose_canonical` takes them (the
            default is the documented rule, `canonical`).
    """
    thresholds = thresholds or Thresholds()
    members = members or {}
    # Strongest first (Kruskal): the edges that join components form a maximum spanning tree.
    edges = sorted({(p.a, p.b): p for p in pairs}.values(), key=lambda p: (-p.jaccard, p.a, p.b))
    uf = _UnionFind()
    joining: set[tuple[str, str]] = set()
    # contained id -> (share, jaccard, container) of its best container so far.
    best: dict[str, tuple[float, float, str]] = {}
    for p in edges:
        uf.find(p.a)
        uf.find(p.b)
        rule = link(p, thresholds)
        if rule.outright:
            if uf.union(p.a, p.b):
                joining.add((p.a, p.b))
            continue
        current = best.get(rule.inner)
        candidate = container_rank(rule.share, p.jaccard, rule.outer)
        if current is None or candidate < container_rank(*current):
            best[rule.inner] = (rule.share, p.jaccard, rule.outer)
    for inner, (_, _, outer) in sorted(best.items()):
        if uf.union(inner, outer):
            joining.add((min(inner, outer), max(inner, outer)))

    groups: dict[str, list[str]] = {}
    for doc in uf.parent:
        groups.setdefault(uf.find(doc), []).append(doc)
    inside: dict[str, list[Pair]] = {}
    for p in sorted(edges, key=lambda p: (p.a, p.b)):
        root = uf.find(p.a)
        if root == uf.find(p.b):
            inside.setdefault(root, []).append(p)
    evidence: dict[str, list[Pair]] = {}
    for root, found in inside.items():
        # A large cluster of near-copies has quadratically many verified pairs; its joining
        # edges alone (one fewer than its documents) are the evidence then.
        if len(found) > max_pairs:
            evidence[root] = [p for p in found if (p.a, p.b) in joining]
        else:
            evidence[root] = found

    wanted = frozenset(prefer)
    out: list[Cluster] = []
    for root, docs in groups.items():
        if len(docs) < 2:
            continue
        head = _head(docs, members, order_by, wanted)
        ordered = (head, *sorted(d for d in docs if d != head))
        out.append(
            Cluster(
                id=cluster_id(docs),
                canonical=head,
                documents=ordered,
                pairs=tuple(evidence.get(root, ())),
            )
        )
    out.sort(key=lambda c: (-len(c.documents), c.id))
    return out
