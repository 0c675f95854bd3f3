"""METER: is each newspaper article's Press Association source found, and what comes with it?

    .venv/bin/python eval/eval_find_meter.py [--find-args "--containment 0.5"]

All PA wire texts and UK newspaper articles of the METER corpus, as raw files (PA header lines
and "<" line ends kept: what a user would feed in), go through the real `redline find`. A
newspaper article and the PA texts of the same domain/date/catchline folder cover the same
story (the corpus design; the human derivation labels are missing). For each newspaper article:

- found: its cluster holds at least one PA text of its story;
- direct: a verified pair (evidence edge) joins it to a PA text of its story;
- wrong: PA texts of other stories in its cluster.

Results are split by the corpus's computed proxy, word-trigram containment of the article in
all PA texts of its story (NOT a human label): low values are mostly articles written
independently of the wire, which should not be joined. Same-run baselines: datasketch
MinHashLSH at redline's default Jaccard threshold over the same shingles, and exact hashing.
Last, the containment of each article in its best own-story PA text vs in the best
other-story PA text, at several thresholds: where a containment threshold would have to sit.
"""

from __future__ import annotations

import argparse
import math
import shlex
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import find_corpus as fc

from redline.discover.shingle import overlap, shingles

# The proxy is rounded to one decimal in the corpus README's own summary; same bands here.
BUCKETS = (
    (0.0, 0.15, "0.0-0.1"),
    (0.15, 0.35, "0.2-0.3"),
    (0.35, 0.65, "0.4-0.6"),
    (0.65, 1.01, "0.7-0.9"),
)


def story(doc_id: str) -> str:
    """domain/date/catchline of a METER path."""
    parts = doc_id.split("/")
    return "/".join(parts[2:5])


def load() -> tuple[list[tuple[str, str]], dict[str, float]]:
    """(id, text) of every PA and newspaper file; proxy containment per newspaper id."""
    root = fc.data_root() / "meter_pa_newspapers"
    docs = [
        (str(p.relative_to(root)), fc.read_text(p))
        for top in ("PA", "newspapers")
        for p in sorted((root / top / "rawtexts").rglob("*"))
        if p.is_file() and p.name.lower() != "readme.txt"  # two folder notes, not articles
    ]
    proxy = {}
    lines = (root / "story_groups_computed_overlap.tsv").read_text().splitlines()
    head = lines[0].split("\t")
    for line in lines[1:]:
        rec = dict(zip(head, line.split("\t"), strict=True))
        value = float(rec["trigram_containment_vs_all_pa_in_group"])
        if not math.isnan(value):  # nan: the article whose story has no PA text
            proxy[rec["newspaper_file"]] = value
    return docs, proxy


def bucket(value: float) -> str:
    return next(name for lo, hi, name in BUCKETS if lo <= value < hi)


def report(
    name: str,
    docs: list[tuple[str, str]],
    groups: list[list[str]],
    edges: set[tuple[str, str]],
    proxy: dict[str, float],
) -> None:
    cluster_of = {d: i for i, g in enumerate(groups) for d in g}
    stats: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])
    for doc_id, _ in docs:
        if not doc_id.startswith("newspapers/") or doc_id not in proxy:
            continue  # one article has no PA folder (proxy nan), hence no story to find
        row = stats[bucket(proxy[doc_id])]
        row[0] += 1
        c = cluster_of.get(doc_id)
        members = groups[c] if c is not None else []
        pa = [m for m in members if m.startswith("PA/")]
        own = [m for m in pa if story(m) == story(doc_id)]
        row[1] += bool(own)
        row[2] += any((min(doc_id, m), max(doc_id, m)) in edges for m in own)
        row[3] += len(pa) - len(own)
        row[4] += bool(len(pa) - len(own))
    sizes = sorted((len(g) for g in groups), reverse=True)
    print(f"\n## {name}: {len(groups)} clusters, largest {sizes[:5]}")
    print(
        f"{'proxy':8} {'articles':>8} {'found':>6} {'share':>6} {'direct':>6}"
        f" {'wrong PA':>8} {'articles w/ wrong':>17}"
    )
    total = [0, 0, 0, 0, 0]
    for _, _, b in BUCKETS:
        row = stats[b]
        total = [x + y for x, y in zip(total, row, strict=True)]
        print(
            f"{b:8} {row[0]:8} {row[1]:6} {row[1] / max(row[0], 1):6.2f} {row[2]:6}"
            f" {row[3]:8} {row[4]:17}"
        )
    print(
        f"{'all':8} {total[0]:8} {total[1]:6} {total[1] / total[0]:6.2f} {total[2]:6}"
        f" {total[3]:8} {total[4]:17}"
    )


def containment_table(docs: list[tuple[str, str]]) -> None:
    sh = {d: shingles(t) for d, t in docs}
    pa = [d for d, _ in docs if d.startswith("PA/")]
    own_best, other_best = [], []
    for d, _ in docs:
        if not d.startswith("newspapers/") or len(sh[d]) == 0:
            continue
        own = other = 0.0
        for p in pa:
            c = overlap(sh[d], sh[p])[1]
            if story(p) == story(d):
                own = max(own, c)
            else:
                other = max(other, c)
        own_best.append(own)
        other_best.append(other)
    own_a, other_a = np.array(own_best), np.array(other_best)
    print("\n## containment of each article in its best PA text (5-word shingles)")
    print(f"{'threshold':>9} {'own story >= t':>15} {'other story >= t':>17}")
    for t in (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8):
        print(f"{t:9.1f} {np.mean(own_a >= t):15.3f} {np.mean(other_a >= t):17.3f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--find-args", default="", help="extra `redline find` options, one string")
    ap.add_argument("--skip-baselines", action="store_true")
    args = ap.parse_args()
    docs, proxy = load()
    n_pa = sum(d.startswith("PA/") for d, _ in docs)
    print(f"# METER: {n_pa} PA texts, {len(docs) - n_pa} newspaper articles")
    find_args = shlex.split(args.find_args)
    clusters, seconds = fc.run_find(docs, find_args)
    edges = {
        (min(str(p["a"]), str(p["b"])), max(str(p["a"]), str(p["b"])))
        for p in fc.iter_cluster_pairs(clusters)
    }
    report(
        f"redline find {args.find_args or '(defaults)'} ({seconds:.1f} s)",
        docs,
        fc.cluster_groups(clusters),
        edges,
        proxy,
    )
    if not args.skip_baselines:
        from redline.discover.verify import Thresholds

        jac = Thresholds().jaccard  # redline's default, which the baseline shares
        ids = [d for d, _ in docs]
        sh = [shingles(t) for _, t in docs]
        for name, pairs in (
            (
                f"datasketch MinHashLSH, threshold {jac}, same shingles",
                fc.datasketch_edges(sh, jac),
            ),
            ("exact hash of normalized words", fc.exact_edges([t for _, t in docs])),
        ):
            labels = fc.components(len(ids), pairs)
            by_label: dict[int, list[str]] = defaultdict(list)
            for i, lab in enumerate(labels.tolist()):
                by_label[lab].append(ids[i])
            groups = [g for g in by_label.values() if len(g) > 1]
            named = {(min(ids[a], ids[b]), max(ids[a], ids[b])) for a, b in pairs}
            report(name, docs, groups, named, proxy)
    containment_table(docs)


if __name__ == "__main__":
    main()
