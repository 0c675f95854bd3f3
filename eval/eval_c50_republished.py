"""What redline says about real Reuters re-publications (C50 near-duplicate pairs).

$REDLINE_DATA/reuters_c50_authorship/computed_near_duplicate_pairs.tsv lists 657 pairs of
stories found by shingle overlap (computed, not labelled by people). Two checks:

- pairs with identical shingle sets (Jaccard 1.0: re-filed copies that differ in whitespace or
  punctuation only) must redline as all `same`;
- pairs with 0.5 <= Jaccard < 0.9 are real edited re-publications: how their sentences split
  over the kinds, and which one-edit rewordings are most common (what real copy editing looks
  like, for judging whether each should count as a change).

Usage: .venv/bin/python eval/eval_c50_republished.py [--top 25]
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from find_corpus import data_root, read_text

from redline.diff.redline import compare


def _article(root: Path, rel: str) -> str:
    """A C50 story with its one-paragraph-per-line layout made explicit."""
    lines = [ln.strip() for ln in read_text(root / rel).split("\n")]
    return "\n\n".join(ln for ln in lines if ln)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--top", type=int, default=25, help="most common one-edit rewordings to list")
    args = ap.parse_args()
    root = data_root() / "reuters_c50_authorship"
    with (root / "computed_near_duplicate_pairs.tsv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))

    t0 = time.perf_counter()
    identical = identical_clean = 0
    not_same: list[str] = []
    kinds: Counter[str] = Counter()
    one_edit: Counter[tuple[str, str | None, str | None]] = Counter()
    edited = 0
    for row in rows:
        jaccard = float(row["jaccard_w5"])
        if jaccard == 1.0:
            red = compare(_article(root, row["doc_a"]), _article(root, row["doc_b"]))
            identical += 1
            off = [s for s in red.segments if s.kind != "same"]
            identical_clean += not off
            if off and len(not_same) < 5:
                not_same.append(f"{row['doc_a']} {row['doc_b']}: {off[0].kind} {off[0].a!r}")
        elif 0.5 <= jaccard < 0.9:
            red = compare(_article(root, row["doc_a"]), _article(root, row["doc_b"]))
            edited += 1
            for seg in red.segments:
                kinds[seg.kind] += 1
                if seg.kind == "reworded" and len(seg.changes) == 1:
                    ch = seg.changes[0]
                    one_edit[(ch.op, ch.a, ch.b)] += 1
    seconds = time.perf_counter() - t0

    print(f"C50 computed near-duplicate pairs: {len(rows)}; compared {identical + edited} "
          f"in {seconds:.1f} s")  # fmt: skip
    print(f"identical shingle sets: {identical_clean}/{identical} pairs redline as all same")
    for line in not_same:
        print("  not all same:", line[:160])
    total = sum(kinds.values())
    shares = ", ".join(f"{k} {n} ({n / total:.1%})" for k, n in kinds.most_common())
    print(f"edited re-publications (0.5 <= J < 0.9): {edited} pairs, {total} segments: {shares}")
    single = sum(one_edit.values())
    print(f"reworded segments with a single word-level edit: {single}; most common:")
    for (op, a, b), n in one_edit.most_common(args.top):
        print(f"  {n:4}  {op:7} {a!r} -> {b!r}")


if __name__ == "__main__":
    main()
