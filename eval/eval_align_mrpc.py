"""Which sentence similarity tells a reworded sentence from a different one (MRPC).

    .venv/bin/python eval/eval_align_mrpc.py

Data: `$REDLINE_DATA/mrpc_paraphrase/msr_paraphrase_train.txt` (4,080 human-judged pairs of
news sentences). Rows are split in two halves by line number: thresholds are chosen on the
first (development) half and reported on both.

Two questions, each an ROC AUC per candidate score:
- paraphrase vs not: MRPC's own labels. Its negatives are related sentences on one story, so
  this is the hard end of the reword decision.
- reworded vs unrelated: MRPC paraphrases against pairs of sentences drawn from two different
  rows (a fixed seed), which is what the aligner must not pair inside a gap.

Candidates: Indel similarity over word keys (the aligner's score), containment of the shorter
sentence's words in order (LCS / shorter), their maximum with containment discounted (the
aligner's gap score), word-set Jaccard, RapidFuzz token_set_ratio, and character 3-gram
cosine.
"""

from __future__ import annotations

import csv
import math
import os
import random
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from rapidfuzz import fuzz
from rapidfuzz.distance import Indel, LCSseq

from redline.diff.align import GAP_THRESHOLD, REWORD_THRESHOLD, gap_similarity
from redline.text.normalize import word_key, words

DATA = Path(
    os.environ.get("REDLINE_DATA", Path(__file__).resolve().parents[1] / ".." / "shared" / "data")
)


def load() -> list[tuple[int, str, str]]:
    path = DATA / "mrpc_paraphrase" / "msr_paraphrase_train.txt"
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
        next(reader)
        return [(int(r[0]), r[3], r[4]) for r in reader if len(r) == 5]


def keys(text: str) -> list[str]:
    return [word_key(w) for w in words(text)]


def encode(a: list[str], b: list[str]) -> tuple[str, str]:
    vocab: dict[str, str] = {}
    enc = ["".join(vocab.setdefault(k, chr(0x21 + len(vocab))) for k in side) for side in (a, b)]
    return enc[0], enc[1]


def indel(a: str, b: str) -> float:
    x, y = encode(keys(a), keys(b))
    return float(Indel.normalized_similarity(x, y))


def contained(a: str, b: str) -> float:
    x, y = encode(keys(a), keys(b))
    shorter = min(len(x), len(y)) or 1
    return LCSseq.similarity(x, y) / shorter


def jaccard(a: str, b: str) -> float:
    x, y = set(keys(a)), set(keys(b))
    return len(x & y) / (len(x | y) or 1)


def token_set(a: str, b: str) -> float:
    return fuzz.token_set_ratio(" ".join(keys(a)), " ".join(keys(b))) / 100


def char3(a: str, b: str) -> float:
    def grams(t: str) -> Counter[str]:
        s = " ".join(keys(t))
        return Counter(s[i : i + 3] for i in range(len(s) - 2))

    x, y = grams(a), grams(b)
    dot = sum(v * y[k] for k, v in x.items())
    return dot / (
        math.sqrt(sum(v * v for v in x.values())) * math.sqrt(sum(v * v for v in y.values())) or 1
    )


def gap(a: str, b: str) -> float:
    return gap_similarity(a, b)


SCORES: dict[str, Callable[[str, str], float]] = {
    "indel (aligner)": indel,
    "containment": contained,
    "gap score (aligner)": gap,
    "word-set Jaccard": jaccard,
    "token_set_ratio": token_set,
    "char 3-gram cosine": char3,
}


def auc(pos: list[float], neg: list[float]) -> float:
    """ROC AUC by ranks (ties count half)."""
    ranked = sorted([(s, 1) for s in pos] + [(s, 0) for s in neg])
    rank_sum, i = 0.0, 0
    while i < len(ranked):
        j = i
        while j < len(ranked) and ranked[j][0] == ranked[i][0]:
            j += 1
        mid = (i + j + 1) / 2
        rank_sum += mid * sum(label for _, label in ranked[i:j])
        i = j
    n_pos, n_neg = len(pos), len(neg)
    return (rank_sum - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg)


def best_threshold(pos: list[float], neg: list[float]) -> tuple[float, float]:
    """The cut with the best accuracy on these scores, and that accuracy."""
    cuts = sorted(set(pos) | set(neg))
    best = (0.0, 0.0)
    for c in cuts:
        acc = (sum(s >= c for s in pos) + sum(s < c for s in neg)) / (len(pos) + len(neg))
        best = max(best, (acc, c))
    return best[1], best[0]


def accuracy(pos: list[float], neg: list[float], cut: float) -> float:
    return (sum(s >= cut for s in pos) + sum(s < cut for s in neg)) / (len(pos) + len(neg))


def main() -> None:
    rows = load()
    half = len(rows) // 2
    halves = {"dev (rows 1-2040)": rows[:half], "held-out (rows 2041-4080)": rows[half:]}
    rng = random.Random(13)
    print(f"MRPC train: {len(rows)} pairs ({sum(r[0] for r in rows)} paraphrases)", file=sys.stderr)
    cuts: dict[str, float] = {}
    print(
        "| score | half | AUC paraphrase vs not | AUC reworded vs unrelated | cut (dev) |"
        " accuracy vs unrelated at cut |"
    )
    print("|---|---|---|---|---|---|")
    for name, score in SCORES.items():
        for label, part in halves.items():
            para = [score(a, b) for y, a, b in part if y == 1]
            nonpara = [score(a, b) for y, a, b in part if y == 0]
            firsts = [a for _, a, _ in part]
            seconds = [b for _, _, b in part]
            unrelated = []
            for k in range(len(para)):
                i, j = rng.randrange(len(part)), rng.randrange(len(part))
                while i == j:
                    j = rng.randrange(len(part))
                unrelated.append(score(firsts[i], seconds[j]))
                del k
            if label.startswith("dev"):
                cuts[name] = best_threshold(para, unrelated)[0]
            print(
                f"| {name} | {label} | {auc(para, nonpara):.3f} | {auc(para, unrelated):.3f} |"
                f" {cuts[name]:.3f} | {accuracy(para, unrelated, cuts[name]):.3f} |"
            )


def at_thresholds() -> None:
    """Share of each kind of pair the aligner accepts at its two cuts, per half."""
    rows = load()
    half = len(rows) // 2
    rng = random.Random(29)
    print()
    print("| half | cut | paraphrases accepted | non-paraphrases accepted | unrelated accepted |")
    print("|---|---|---|---|---|")
    for label, part in (("dev", rows[:half]), ("held-out", rows[half:])):
        unrelated_pairs = []
        for _ in range(len(part)):
            i, j = rng.randrange(len(part)), rng.randrange(len(part))
            if i != j:
                unrelated_pairs.append((part[i][1], part[j][2]))
        for name, cut, score in (
            ("reword (anywhere)", REWORD_THRESHOLD, indel),
            ("gap (between matched neighbours)", GAP_THRESHOLD, gap),
        ):
            para = [score(a, b) >= cut for y, a, b in part if y == 1]
            non = [score(a, b) >= cut for y, a, b in part if y == 0]
            unrel = [score(a, b) >= cut for a, b in unrelated_pairs]
            print(
                f"| {label} | {name} {cut} | {sum(para) / len(para):.3f} |"
                f" {sum(non) / len(non):.3f} | {sum(unrel) / len(unrel):.4f} |"
            )


if __name__ == "__main__":
    main()
    at_thresholds()
