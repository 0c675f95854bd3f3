"""Natural duplicates in Reuters C50 and BBC News: recall of the computed pairs, and extras.

    .venv/bin/python eval/eval_find_natural.py [--corpus c50|bbc|both] [--examples 6]

Each corpus as it is (5,000 and 2,225 articles) goes through the real `redline find`. The
corpora ship `computed_near_duplicate_pairs.tsv`: pairs with word 5-gram Jaccard >= 0.5 or
containment >= 0.8, found by hashing (hints, not human labels). Reported:

- recall of those pairs: both documents in one cluster, and joined by a verified pair
  (evidence edge) directly, split by the listed Jaccard;
- extras: same-cluster pairs and verified pairs that the list does not hold, with a few
  examples printed (ids, scores, openings) so that a person can judge what they are.
"""

from __future__ import annotations

import argparse
import shlex
import sys
from itertools import combinations
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import find_corpus as fc

CORPORA = {"c50": "reuters_c50_authorship", "bbc": "bbc_news_fulltext"}
BANDS = ((0.9, 1.01, "J >= 0.9"), (0.5, 0.9, "0.5 <= J < 0.9"), (0.0, 0.5, "J < 0.5 (containment)"))


def evaluate(corpus: str, find_args: str, examples: int) -> None:
    docs = fc.c50_articles() if corpus == "c50" else fc.bbc_articles()
    text = dict(docs)
    truth = fc.natural_pairs(CORPORA[corpus])
    clusters, seconds = fc.run_find(docs, shlex.split(find_args))
    cluster_of = {d: i for i, g in enumerate(fc.cluster_groups(clusters)) for d in g}
    edges = {(str(p["a"]), str(p["b"])): p for p in fc.iter_cluster_pairs(clusters)}

    def key(a: str, b: str) -> tuple[str, str]:
        return (min(a, b), max(a, b))

    edge_keys = {key(a, b) for a, b in edges}
    listed = {key(a, b) for a, b, *_ in truth}
    sizes = sorted((len(c["documents"]) for c in clusters), reverse=True)  # type: ignore[arg-type]
    print(
        f"\n## {corpus}: {len(docs)} articles, {len(truth)} listed pairs;"
        f" redline find {find_args or '(defaults)'}: {len(clusters)} clusters"
        f" (largest {sizes[:5]}), {seconds:.1f} s"
    )
    print(f"{'listed pairs':24} {'n':>5} {'same cluster':>12} {'direct edge':>11}")
    for lo, hi, name in BANDS:
        rows = [(a, b) for a, b, jac, *_ in truth if lo <= jac < hi]
        same = sum(a in cluster_of and cluster_of[a] == cluster_of.get(b) for a, b in rows)
        direct = sum(key(a, b) in edge_keys for a, b in rows)
        n = max(len(rows), 1)
        print(f"{name:24} {len(rows):5} {same:5} ({same / n:.3f}) {direct:4} ({direct / n:.3f})")
    same_total = sum(a in cluster_of and cluster_of[a] == cluster_of.get(b) for a, b, *_ in truth)
    print(f"{'all':24} {len(truth):5} {same_total:5} ({same_total / len(truth):.3f})")
    missed = [
        (a, b, jac, cont)
        for a, b, jac, cont, _ in truth
        if not (a in cluster_of and cluster_of[a] == cluster_of.get(b))
    ]
    for a, b, jac, cont in missed[:examples]:
        print(f"  missed: {a} ~ {b} (listed J {jac:.2f}, containment {cont:.2f})")

    in_cluster = {key(a, b) for c in fc.cluster_groups(clusters) for a, b in combinations(c, 2)}
    extra_cluster = in_cluster - listed
    extra_edges = sorted(edge_keys - listed)
    print(
        f"extras: {len(extra_cluster)} same-cluster pairs and {len(extra_edges)} verified pairs"
        " not in the list"
    )
    for a, b in extra_edges[:examples]:
        p = edges.get((a, b)) or edges[(b, a)]
        print(
            f"  extra: {a} ~ {b}  J {float(p['jaccard']):.2f}"  # type: ignore[arg-type]
            f" a_in_b {float(p['a_in_b']):.2f} b_in_a {float(p['b_in_a']):.2f}"  # type: ignore[arg-type]
        )
        for d in (a, b):
            words = text[d].split()
            print(f"    {d} ({len(words)} words): {' '.join(words[:40])} ...")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--corpus", choices=("c50", "bbc", "both"), default="both")
    ap.add_argument("--examples", type=int, default=6)
    ap.add_argument("--find-args", default="", help="extra `redline find` options, one string")
    args = ap.parse_args()
    for corpus in ("c50", "bbc") if args.corpus == "both" else (args.corpus,):
        evaluate(corpus, args.find_args, args.examples)


if __name__ == "__main__":
    main()
