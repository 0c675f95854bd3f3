"""Clough-Stevenson short answers: does `redline find` join reused answers to their source?

    .venv/bin/python eval/eval_find_clough.py

95 student answers, each written from one of 5 Wikipedia sources, labelled by the corpus
authors: cut (copy-paste), light (minor edits), heavy (paraphrased), non (written
independently, from other material). Two measurements:

1. Clustering by the real `redline find` (default thresholds) over the 100 files: per category,
   the share of answers that land in their source's cluster (wanted for cut/light/heavy, not
   for non), and answers clustered with the wrong source.
2. ROC AUC of the pair score over the 95 labelled (answer, source) pairs: containment of the
   answer in the source (`a_in_b` of `shingle.overlap`, what find verifies) and Jaccard; each
   reuse category against non, and all reuse against non.
"""

from __future__ import annotations

import argparse
import csv
import shlex
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import find_corpus as fc

from redline.discover.shingle import overlap, shingles

CATEGORIES = ("cut", "light", "heavy", "non")


def auc(pos: list[float], neg: list[float]) -> float:
    """ROC AUC as the Mann-Whitney probability that a positive outscores a negative (ties 1/2)."""
    p = np.asarray(pos)[:, None]
    n = np.asarray(neg)[None, :]
    return float(((p > n).sum() + 0.5 * (p == n).sum()) / (p.size * n.size))


def load() -> tuple[dict[str, str], list[tuple[str, str, str]]]:
    """Texts by file name, and (answer, source, category) rows of the label sheet."""
    root = fc.data_root() / "clough_stevenson_short_answers"
    texts = {p.name: fc.read_text(p) for p in sorted((root / "corpus-20090418").glob("*.txt"))}
    with (root / "file_list.csv").open(newline="") as fh:
        rows = [
            (rec["File"], f"orig_task{rec['Task']}.txt", rec["Category"])
            for rec in csv.DictReader(fh)
        ]
    return texts, rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--find-args", default="", help="extra `redline find` options, one string")
    args = ap.parse_args()
    texts, rows = load()
    print(f"# Clough-Stevenson: {len(texts)} files, {len(rows)} labelled answers")

    # 1. clustering by the real CLI
    clusters, seconds = fc.run_find(sorted(texts.items()), shlex.split(args.find_args))
    groups = fc.cluster_groups(clusters)
    where = {d: i for i, g in enumerate(groups) for d in g}
    joined: dict[str, int] = defaultdict(int)
    wrong: dict[str, int] = defaultdict(int)
    total: dict[str, int] = defaultdict(int)
    misses: list[str] = []
    for answer, source, cat in rows:
        total[cat] += 1
        c = where.get(answer)
        if c is not None and where.get(source) == c:
            joined[cat] += 1
        elif cat != "non":
            misses.append(f"{answer} ({cat})")
        members = groups[c] if c is not None else []
        others = {d for d in members if d.startswith("orig_") and d != source}
        if others:
            wrong[cat] += 1
    label = args.find_args or "(defaults)"
    print(f"\n## redline find {label}: {len(clusters)} clusters, {seconds:.1f} s")
    print(f"{'category':8} {'answers':>7} {'joined':>7} {'share':>6} {'with wrong source':>18}")
    for cat in CATEGORIES:
        print(
            f"{cat:8} {total[cat]:7} {joined[cat]:7} {joined[cat] / total[cat]:6.2f}"
            f" {wrong[cat]:18}"
        )
    print("sizes of clusters:", sorted((len(g) for g in groups), reverse=True))
    print(f"reused answers not joined to their source: {len(misses)}, e.g. {misses[:4]}")

    # 2. ROC AUC of the pair scores
    sh = {name: shingles(t) for name, t in texts.items()}
    scores: dict[str, dict[str, list[float]]] = {
        "containment": defaultdict(list),
        "jaccard": defaultdict(list),
    }
    for answer, source, cat in rows:
        jac, a_in_b, _ = overlap(sh[answer], sh[source])
        scores["containment"][cat].append(a_in_b)
        scores["jaccard"][cat].append(jac)
    print("\n## ROC AUC of the pair score (answer vs its source), positives against non")
    print(f"{'score':12} {'cut':>6} {'light':>6} {'heavy':>6} {'all reuse':>9}")
    for name, by_cat in scores.items():
        neg = by_cat["non"]
        row = [auc(by_cat[c], neg) for c in ("cut", "light", "heavy")]
        row.append(auc(by_cat["cut"] + by_cat["light"] + by_cat["heavy"], neg))
        print(f"{name:12} " + " ".join(f"{v:6.3f}" for v in row[:3]) + f" {row[3]:9.3f}")
    print("\nshare of answers whose containment in their source is >= t:")
    print(f"{'t':>5} " + " ".join(f"{c:>6}" for c in CATEGORIES))
    for t in (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.8):
        shares = [np.mean(np.array(scores["containment"][c]) >= t) for c in CATEGORIES]
        print(f"{t:5.1f} " + " ".join(f"{v:6.2f}" for v in shares))
    print("\nmedian score per category:")
    for name, by_cat in scores.items():
        print(f"{name:12} " + "  ".join(f"{c} {np.median(by_cat[c]):.3f}" for c in CATEGORIES))


if __name__ == "__main__":
    main()
