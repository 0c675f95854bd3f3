"""Real-article loaders, metrics and a `redline find` runner shared by the find benches and evals.

The corpora live outside the repository (research-only texts): `$REDLINE_DATA`, default
`../shared/data` relative to the repository root. Nothing here copies their text into the repo.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
REDLINE = Path(sys.executable).parent / "redline"


def data_root() -> Path:
    """The shared corpora folder, or exit with a message saying how to point at it."""
    root = Path(os.environ.get("REDLINE_DATA", REPO.parent / "shared" / "data"))
    if not root.is_dir():
        sys.exit(f"corpora not found at {root}: set REDLINE_DATA to the shared data folder")
    return root


def read_text(path: Path) -> str:
    """A corpus file as text: UTF-8, else latin-1 (BBC sport/199, METER newspapers, Clough)."""
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def c50_articles() -> list[tuple[str, str]]:
    """Reuters C50 stories as (id like 'C50train/Author/123newsML.txt', text), sorted by id."""
    root = data_root() / "reuters_c50_authorship"
    out = []
    for path in sorted(root.glob("C50*/*/*.txt")):
        # One paragraph per line in the files; blank lines make the paragraphs explicit.
        lines = [ln.strip() for ln in read_text(path).split("\n")]
        out.append((str(path.relative_to(root)), "\n\n".join(ln for ln in lines if ln)))
    return out


def bbc_articles() -> list[tuple[str, str]]:
    """BBC News articles as (id like 'business/001.txt', text with headline first), sorted."""
    root = data_root() / "bbc_news_fulltext" / "bbc"
    return [
        (str(p.relative_to(root)), read_text(p).strip())
        for p in sorted(root.glob("*/*.txt"))
        if p.name.lower() != "readme.txt"
    ]


def natural_pairs(corpus: str) -> list[tuple[str, str, float, float, int]]:
    """Computed near-duplicate pairs of 'reuters_c50_authorship' or 'bbc_news_fulltext'."""
    path = data_root() / corpus / "computed_near_duplicate_pairs.tsv"
    rows = []
    for line in path.read_text().splitlines()[1:]:
        a, b, jac, cont, exact = line.split("\t")
        rows.append((a, b, float(jac), float(cont), int(exact)))
    return rows


def paragraphs(text: str) -> list[str]:
    """Non-empty blank-line-separated paragraphs."""
    return [p.strip() for p in text.split("\n\n") if p.strip()]


def docs_of_words(articles: Sequence[str], n_words: int, count: int) -> list[str]:
    """`count` documents of exactly `n_words` words, each real article text (paragraphs of one
    article, topped up with the next article's paragraphs when it is shorter)."""
    out: list[str] = []
    i = 0
    while len(out) < count:
        paras: list[str] = []
        have = 0
        j = i
        while have < n_words:
            for p in paragraphs(articles[j % len(articles)]):
                words = p.split()
                take = words[: n_words - have]
                paras.append(" ".join(take))
                have += len(take)
                if have >= n_words:
                    break
            j += 1
        out.append("\n\n".join(paras))
        i += 1
    return out


# ---------------------------------------------------------------- clusters and metrics


def components(n: int, edges: Iterable[tuple[int, int]]) -> np.ndarray:
    """Connected-component label of each of n nodes (union-find with path halving)."""
    parent = list(range(n))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in edges:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    return np.array([find(i) for i in range(n)], dtype=np.int64)


def labels_from_groups(ids: Sequence[str], groups: Iterable[Iterable[str]]) -> np.ndarray:
    """Cluster label per id; ids in no group are singletons."""
    index = {d: i for i, d in enumerate(ids)}
    labels = np.arange(len(ids), dtype=np.int64)
    for g in groups:
        members = [index[d] for d in g if d in index]
        if members:
            labels[members] = min(members)
    return labels


def _comb2(x: np.ndarray) -> float:
    x = x.astype(np.float64)
    return float((x * (x - 1) / 2).sum())


def pair_scores(truth: np.ndarray, pred: np.ndarray) -> dict[str, float]:
    """Pair precision/recall/F1 over all same-cluster document pairs, and adjusted Rand index."""
    _, t = np.unique(truth, return_inverse=True)
    _, p = np.unique(pred, return_inverse=True)
    # Contingency counts via one combined key: cells, rows and columns of the table.
    cell = np.unique(t.astype(np.int64) * (p.max() + 1) + p, return_counts=True)[1]
    same_both = _comb2(cell)
    same_truth = _comb2(np.bincount(t))
    same_pred = _comb2(np.bincount(p))
    total = len(truth) * (len(truth) - 1) / 2
    precision = same_both / same_pred if same_pred else 1.0
    recall = same_both / same_truth if same_truth else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    expected = same_truth * same_pred / total if total else 0.0
    top = (same_truth + same_pred) / 2
    ari = (same_both - expected) / (top - expected) if top != expected else 1.0
    return {
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "ari": ari,
        "truth_pairs": same_truth,
        "pred_pairs": same_pred,
    }


# ---------------------------------------------------------------- running redline find


def write_jsonl(path: Path, docs: Iterable[tuple[str, str]]) -> None:
    """Write (id, text) documents as JSONL with fields id and text."""
    with path.open("w", encoding="utf-8") as fh:
        for doc_id, text in docs:
            fh.write(json.dumps({"id": doc_id, "text": text}, ensure_ascii=False) + "\n")


def read_clusters(path: Path) -> list[dict[str, object]]:
    """The records of a redline.clusters/1 file."""
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def run_find(
    docs: Sequence[tuple[str, str]], args: Sequence[str] = (), workdir: Path | None = None
) -> tuple[list[dict[str, object]], float]:
    """Run the real `redline find` on documents written as JSONL; (clusters, seconds).

    With REDLINE_EVAL_ENGINE=library the discover stages run in-process instead (`run_library`).
    """
    import time

    if os.environ.get("REDLINE_EVAL_ENGINE") == "library":
        t0 = time.perf_counter()
        clusters = run_library(docs, args)
        return clusters, time.perf_counter() - t0

    with tempfile.TemporaryDirectory(prefix="redline-eval-", dir=workdir) as tmp:
        src = Path(tmp) / "docs.jsonl"
        out = Path(tmp) / "out"
        write_jsonl(src, docs)
        # The HTML report is not scored here and costs most of a small run's time.
        cmd = [str(REDLINE), "find", str(src), "-o", str(out), "--no-report", "-q", *args]
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
        seconds = time.perf_counter() - t0
        if proc.returncode != 0:
            sys.exit(f"redline find failed ({proc.returncode}): {proc.stderr.strip()[-2000:]}")
        return read_clusters(out / "clusters.jsonl"), seconds


def cluster_groups(clusters: Sequence[dict[str, object]]) -> list[list[str]]:
    """The document lists of redline.clusters/1 records."""
    return [list(c["documents"]) for c in clusters]  # type: ignore[call-overload]


def iter_cluster_pairs(clusters: Sequence[dict[str, object]]) -> Iterator[dict[str, object]]:
    """Every verified pair (evidence edge) in redline.clusters/1 records."""
    for c in clusters:
        yield from c["pairs"]  # type: ignore[misc]


# ---------------------------------------------------------------- same-run baselines


def datasketch_edges(
    shingle_sets: Sequence[np.ndarray], threshold: float, num_perm: int = 128
) -> list[tuple[int, int]]:
    """Candidate pairs of datasketch MinHashLSH at `threshold` over the same shingle hashes.

    Every candidate is taken as a match (no exact verification): how MinHashLSH dedup is used.
    Documents with no shingles are left out, as redline leaves them out.
    """
    from datasketch import MinHash, MinHashLSH

    index = MinHashLSH(threshold=threshold, num_perm=num_perm)
    hashes: dict[int, MinHash] = {}
    for i, sh in enumerate(shingle_sets):
        if len(sh) == 0:
            continue
        m = MinHash(num_perm=num_perm, hashfunc=int)
        m.update_batch((sh & np.uint64(0xFFFFFFFF)).tolist())
        index.insert(i, m)
        hashes[i] = m
    edges = set()
    for i, m in hashes.items():
        for j in index.query(m):
            if j != i:
                edges.add((min(i, j), max(i, j)))
    return sorted(edges)


def exact_edges(texts: Sequence[str]) -> list[tuple[int, int]]:
    """Pairs of documents whose normalized word keys are identical (exact-hash dedup)."""
    import xxhash

    from redline.text.normalize import keys

    first: dict[int, int] = {}
    edges = []
    for i, t in enumerate(texts):
        k = keys(t)
        if not k:
            continue
        h = xxhash.xxh3_64_intdigest(" ".join(k).encode())
        if h in first:
            edges.append((first[h], i))
        else:
            first[h] = i
    return edges


def anchor_candidates(
    sets: Sequence[np.ndarray],
    modulus: int = 8,
    min_shared: int = 2,
    max_df: int = 50,
    min_share: float = 0.5,
) -> set[tuple[int, int]]:
    """Pairs sharing >= `min_shared` sampled shingles (hash % modulus == 0) that are at least
    `min_share` of the smaller document's samples (an estimate of its containment).

    Sampling by value keeps containment: every sampled shingle of an excerpt is a sampled
    shingle of its container, however short the excerpt is relative to it, which banded
    MinHash (a Jaccard estimate) cannot promise. Shingles in more than `max_df` documents are
    boilerplate and are dropped, which bounds the pairs each one yields.
    """
    mod = np.uint64(modulus)
    picked = [s[s % mod == 0] for s in sets]
    lengths = np.fromiter(map(len, picked), dtype=np.int64, count=len(picked))
    flat = np.concatenate(picked) if picked else np.empty(0, np.uint64)
    rows = np.repeat(np.arange(len(picked), dtype=np.int64), lengths)
    order = np.argsort(flat, kind="stable")
    flat, rows = flat[order], rows[order]
    starts = np.flatnonzero(np.r_[True, flat[1:] != flat[:-1]]) if len(flat) else flat
    sizes = np.diff(np.r_[starts, len(flat)])
    shared: dict[tuple[int, int], int] = {}
    for s, k in zip(starts.tolist(), sizes.tolist(), strict=True):
        if k < 2 or k > max_df:
            continue
        run = rows[s : s + k].tolist()
        for i in range(k):
            for j in range(i + 1, k):
                key = (run[i], run[j]) if run[i] < run[j] else (run[j], run[i])
                shared[key] = shared.get(key, 0) + 1
    return {
        (a, b)
        for (a, b), c in shared.items()
        if c >= min_shared and c >= min_share * min(lengths[a], lengths[b])
    }


def run_library(
    docs: Sequence[tuple[str, str]], args: Sequence[str] = ()
) -> list[dict[str, object]]:
    """The discover stages wired by hand (shingles, sign, band, verify, cluster): for checking a
    harness before, or beside, the real CLI. Understands `--threshold J` and `--containment C`
    (0 turns containment off) in `args`, and `--anchors` (add `anchor_candidates`, a prototype
    that the engine does not have); everything else stays at the library defaults."""
    from redline.discover import cluster, lsh, minhash, shingle, verify

    anchors = "--anchors" in args
    args = [a for a in args if a != "--anchors"]
    opts = dict(zip(args[::2], args[1::2], strict=False))
    jac = float(opts.get("--threshold", verify.DEFAULT_JACCARD))
    cont = float(opts.get("--containment", verify.DEFAULT_CONTAINMENT)) or None
    rules = verify.Thresholds(jaccard=jac, containment=cont)
    sets = [shingle.shingles(t) for _, t in docs]
    keep = [i for i, s in enumerate(sets) if len(s)]
    sigs = minhash.sign_batch([sets[i] for i in keep])
    cfg = lsh.derive(jac, cont)
    codes = lsh.candidates(lsh.band_keys_batch(sigs, cfg.bands, cfg.rows))
    n = np.uint64(len(keep))
    cands = set(zip((codes // n).tolist(), (codes % n).tolist(), strict=True))
    if anchors:
        cands |= anchor_candidates([sets[i] for i in keep])
    pairs = []
    for a, b in cands:
        i, j = keep[a], keep[b]
        p = verify.verify(sets[i], sets[j], rules, a_id=docs[i][0], b_id=docs[j][0])
        if p is not None:
            pairs.append(p)
    members = {d: cluster.Member(d, None, len(t)) for d, t in docs}
    return [c.to_dict() for c in cluster.cluster(pairs, members, rules)]
