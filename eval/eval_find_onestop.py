"""Rewritten versions: does `redline find` group OneStopEnglish's three reading levels?

    .venv/bin/python eval/eval_find_onestop.py [--half A|B|both] [--find-args "..."]

OneStopEnglish (REDLINE_DATA/onestopenglish_rewrites): each Guardian article rewritten by
teachers at three reading levels; the three files of a title are one true cluster. The titles
are split into two halves by sorted position (even: A, for choosing thresholds; odd: B, for
reporting), and each half is run on its own, so a threshold chosen on A is judged on B.

Per half and mode: pair precision, recall and F1 over same-cluster document pairs, and the
adjusted Rand index. Same-run baseline: datasketch MinHashLSH at redline's Jaccard threshold
over the same shingles (candidates taken as matches, as MinHashLSH dedup does).
"""

from __future__ import annotations

import argparse
import shlex
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import find_corpus as fc

from redline.discover.config import MODES
from redline.discover.shingle import shingles


def halves() -> dict[str, list[tuple[str, str]]]:
    """Documents (id, text) of each half: A the even titles in sorted order, B the odd."""
    root = fc.data_root() / "onestopenglish_rewrites" / "texts"
    if not root.is_dir():
        sys.exit(f"no {root}: set REDLINE_DATA to the folder holding onestopenglish_rewrites")
    by_title: dict[str, list[Path]] = {}
    for path in sorted(root.glob("*.txt")):
        by_title.setdefault(path.stem.rsplit("-", 1)[0], []).append(path)
    out: dict[str, list[tuple[str, str]]] = {"A": [], "B": []}
    for k, title in enumerate(sorted(by_title)):
        for path in by_title[title]:
            out["A" if k % 2 == 0 else "B"].append((path.stem, fc.read_text(path)))
    return out


def truth_of(docs: list[tuple[str, str]]) -> np.ndarray:
    """The true cluster of each document: its title."""
    _, truth = np.unique(np.array([d.rsplit("-", 1)[0] for d, _ in docs]), return_inverse=True)
    return truth


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--half", choices=["A", "B", "both"], default="both")
    ap.add_argument(
        "--find-args", default="", help="extra `redline find` options for every mode, one string"
    )
    ap.add_argument("--modes", default="versions,reuse", help="modes to run, comma-separated")
    args = ap.parse_args()
    extra = shlex.split(args.find_args)
    docs_of = halves()
    chosen = ["A", "B"] if args.half == "both" else [args.half]
    print(f"{'half':4} {'method':52} {'P':>6} {'R':>6} {'F1':>6} {'ARI':>6} {'pairs':>6} {'s':>5}")
    for half in chosen:
        docs = docs_of[half]
        ids = [d for d, _ in docs]
        truth = truth_of(docs)
        for mode in args.modes.split(","):
            clusters, seconds = fc.run_find(docs, ["--mode", mode, *extra])
            pred = fc.labels_from_groups(ids, fc.cluster_groups(clusters))
            _row(half, f"redline find --mode {mode} {args.find_args}", truth, pred, seconds)
        jaccard = MODES["versions"].jaccard
        if "--threshold" in extra:
            jaccard = float(extra[extra.index("--threshold") + 1])
        t0 = time.perf_counter()
        sets = [shingles(t) for _, t in docs]
        pred = fc.components(len(docs), fc.datasketch_edges(sets, jaccard))
        _row(
            half,
            f"datasketch MinHashLSH (threshold {jaccard}, same shingles)",
            truth,
            pred,
            time.perf_counter() - t0,
        )
        print(
            f"{half:4} ({len(docs)} documents, {int(fc.pair_scores(truth, truth)['truth_pairs'])}"
            " true pairs)"
        )


def _row(half: str, name: str, truth: np.ndarray, pred: np.ndarray, seconds: float) -> None:
    s = fc.pair_scores(truth, pred)
    print(
        f"{half:4} {name:52} {s['precision']:6.3f} {s['recall']:6.3f} {s['f1']:6.3f}"
        f" {s['ari']:6.3f} {int(s['pred_pairs']):6} {seconds:5.1f}"
    )


if __name__ == "__main__":
    main()
