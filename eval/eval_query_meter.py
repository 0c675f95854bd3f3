"""METER: does `redline index query` answer "which wire story is this article from?"

    .venv/bin/python eval/eval_query_meter.py

The Press Association texts of the METER corpus ($REDLINE_DATA/meter_pa_newspapers, research
use only) are indexed as raw files; each of the 944 newspaper articles that has a PA folder is
then queried. The right answer is any PA text of the article's story group (same
domain/date/catchline folder: the corpus design, the human derivation labels are missing).

Reported per half of the story groups (crc32 of the group name, even: the half the retrieval
weights, floor and verdict cut-offs in store/data/retrieval.json were chosen on; odd: not
tuned on), and for all:

- top-1 and MRR (rank of the first right PA text among the answers, 0 when absent);
- same-run baseline: plain word-trigram containment ranking (the share of the article's word
  3-grams found in each PA text, over every PA text in memory);
- the floor: how many right answers and how many wrong-story answers pass each candidate
  floor (answers listed with the floor off);
- verdicts of the first right answer and of wrong-story answers, and the 3-gram containment
  of wrong-story answers (where the `partial reuse` cut-off has to sit).
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import sys
import tempfile
import time
import zlib
from collections import Counter
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import eval_find_meter as em

from redline.discover.shingle import shingle_hashes
from redline.discover.tokens import word_hashes
from redline.models import Document
from redline.store import Index
from redline.store.base import Match

HALVES = ("tuned", "held out")


def half(doc_id: str) -> str:
    return HALVES[zlib.crc32(em.story(doc_id).encode()) % 2]


def reciprocal_rank(story: str, ranked: list[str]) -> float:
    return next((1 / (r + 1) for r, d in enumerate(ranked) if em.story(d) == story), 0.0)


def summary(name: str, rr: dict[str, list[float]]) -> None:
    cells = []
    for h in (*HALVES, "all"):
        a = np.array(rr[h] if h != "all" else rr[HALVES[0]] + rr[HALVES[1]])
        cells.append(f"{h} (n={len(a)}) top-1 {np.mean(a == 1):.3f} MRR {a.mean():.3f}")
    print(f"{name:34} " + " | ".join(cells))


def trigram_baseline(
    pa: list[tuple[str, str]], news: list[tuple[str, str]]
) -> dict[str, list[float]]:
    """Rank every PA text by the share of the article's word 3-grams it holds."""
    grams = [shingle_hashes(word_hashes(t), 3) for _, t in pa]
    rr: dict[str, list[float]] = {h: [] for h in HALVES}
    for d, t in news:
        q = shingle_hashes(word_hashes(t), 3)
        scores = [len(np.intersect1d(q, g, assume_unique=True)) / max(len(q), 1) for g in grams]
        order = sorted(range(len(pa)), key=lambda i: (-scores[i], pa[i][0]))
        ranked = [pa[i][0] for i in order if scores[i] > 0]
        rr[half(d)].append(reciprocal_rank(em.story(d), ranked))
    return rr


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--limit", type=int, default=10, help="answers per query (default 10)")
    ap.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="override a retrieval setting (data/retrieval.json), e.g. --set rerank=20",
    )
    args = ap.parse_args()
    docs, proxy = em.load()
    pa = [(d, t) for d, t in docs if d.startswith("PA/")]
    news = [(d, t) for d, t in docs if d.startswith("newspapers/") and d in proxy]
    print(f"# METER: {len(pa)} PA texts indexed, {len(news)} newspaper articles queried")
    with tempfile.TemporaryDirectory() as tmp, Index(Path(tmp) / "meter.db") as index:
        for _ in index.add_many(Document(id=d, text=t) for d, t in pa):
            pass
        # The eval lists answers under the floor too, to show where the floor has to sit.
        changes = {
            k: type(getattr(index._retrieval, k))(v) for k, v in (a.split("=", 1) for a in args.set)
        }
        shipped = dataclasses.replace(index._retrieval, **changes)
        if changes:
            print(f"settings changed: {changes}")
        index._retrieval = dataclasses.replace(shipped, floor=0.0)
        answers: dict[str, list[Match]] = {}
        took = []
        for d, t in news:
            start = time.perf_counter()
            answers[d] = index.query(t, limit=args.limit, evidence=0)
            took.append(time.perf_counter() - start)
    print(f"query: median {statistics.median(took) * 1000:.1f} ms over {len(took)} queries")

    rr: dict[str, list[float]] = {h: [] for h in HALVES}
    for d, _ in news:
        kept = [m.id for m in answers[d] if m.score >= shipped.floor]
        rr[half(d)].append(reciprocal_rank(em.story(d), kept))
    summary(f"redline index query (floor {shipped.floor})", rr)
    summary("word-trigram containment", trigram_baseline(pa, news))

    print("\n## floor: right first answers kept, wrong-story answers kept per query (tuned half)")
    right = [
        next((m.score for m in answers[d] if em.story(m.id) == em.story(d)), None)
        for d, _ in news
        if half(d) == HALVES[0]
    ]
    found = [s for s in right if s is not None]
    wrong = [
        m.score
        for d, _ in news
        if half(d) == HALVES[0]
        for m in answers[d]
        if em.story(m.id) != em.story(d)
    ]
    n = len(right)
    print(f"{'floor':>6} {'right kept':>10} {'wrong/query':>11}")
    for floor in (0.0, 0.05, 0.1, 0.15, 0.2, 0.22, 0.24, 0.26, 0.28, 0.3, 0.4):
        kept = sum(s >= floor for s in found) / max(len(found), 1)
        print(f"{floor:6.2f} {kept:10.3f} {sum(s >= floor for s in wrong) / n:11.2f}")
    print(f"right answer listed at all (floor 0): {len(found)}/{n}")
    # The rule the shipped floor was chosen by: the highest grid value keeping every one.
    grid = [round(0.01 * i, 2) for i in range(61)]
    best = max(f for f in grid if all(s >= f for s in found))
    print(f"highest floor keeping every right answer (0.01 steps): {best}")

    for h in HALVES:
        print(f"\n## verdicts, {h} half, floor {shipped.floor}")
        first: Counter[str] = Counter()
        by_bucket: dict[str, Counter[str]] = {}
        others: Counter[str] = Counter()
        other_tri = []
        for d, _ in news:
            if half(d) != h:
                continue
            ms = [m for m in answers[d] if m.score >= shipped.floor]
            own = next((m for m in ms if em.story(m.id) == em.story(d)), None)
            verdict = own.verdict if own else "(not found)"
            first[verdict] += 1
            by_bucket.setdefault(em.bucket(proxy[d]), Counter())[verdict] += 1
            for m in ms:
                if em.story(m.id) != em.story(d):
                    others[m.verdict] += 1
                    other_tri.append(max(m.trigram_a_in_b, m.trigram_b_in_a))
        print("first right answer:", dict(first.most_common()))
        for b in sorted(by_bucket):
            print(f"  proxy {b}: {dict(by_bucket[b].most_common())}")
        print("wrong-story answers:", dict(others.most_common()))
        if other_tri:
            med, p90, p99, top = np.quantile(other_tri, [0.5, 0.9, 0.99, 1.0])
            print(
                f"  their max 3-gram containment: median {med:.3f} p90 {p90:.3f}"
                f" p99 {p99:.3f} max {top:.3f}"
            )


if __name__ == "__main__":
    main()
