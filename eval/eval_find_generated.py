"""Generated corpus from real articles: does `redline find` recover every story's versions?

    .venv/bin/python eval/eval_find_generated.py [--stories 300] [--unrelated 1400] [--seed 7]

From Reuters C50 and BBC articles (leaving out every article that shares a passage with another
one of its corpus, so that every unplanned match is an error: see `pool`), `--stories` per
corpus each appear as an
original (its own furniture, plain paragraphs) and three versions made by `eval/versions.py`,
of three different kinds drawn from:

- layout: new layout and typography only;
- boilerplate: furniture (title, byline, dateline, credit, bio, promos) added or changed;
- edits: the full newsroom profile without truncation (rewording, numbers, cuts, insertions
  from another article, splits, merges, moves, furniture);
- truncated: the first 50-80% of paragraphs, with furniture;
- excerpt: 30-60% of the paragraphs from inside the article, with furniture;
- heavy: every transformation of the full profile, truncation included.

`--unrelated` articles per corpus join as they are. Truth: a story's original and versions are
one cluster; every unrelated article is alone. Scores: pair precision, recall and F1 over all
same-cluster document pairs, adjusted Rand index, and per version kind the share that lands in
its original's cluster. Same-run baselines over the same shingles: datasketch MinHashLSH at
redline's Jaccard threshold (candidates taken as matches, as MinHashLSH dedup does) and exact
hashing of the normalized words.
"""

from __future__ import annotations

import argparse
import random
import shlex
import sys
import time
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import find_corpus as fc
import versions as v

from redline.discover.shingle import shingles

NONE = replace(v.LAYOUT_ONLY, layouts=("paragraphs",), typography=0.0)  # every transformation off
KINDS: dict[str, v.Profile] = {
    "layout": v.LAYOUT_ONLY,
    "boilerplate": replace(v.LAYOUT_ONLY, furniture=1.0),
    "edits": replace(v.FULL, truncate=0.0, excerpt=0.0),
    "truncated": replace(NONE, truncate=1.0, furniture=0.7, layouts=v.LAYOUTS),
    "excerpt": replace(NONE, excerpt=1.0, furniture=0.7, layouts=v.LAYOUTS),
    "heavy": v.FULL,
}


def pool(corpus: str) -> list[tuple[str, str]]:
    """Articles of a corpus that share no passage with another article of it.

    The computed near-duplicate lists stop at Jaccard 0.5 / containment 0.8; re-filed stories
    below that (one article's excerpt is then inside the other) would count as false matches.
    So every article in a library-pipeline cluster at Jaccard 0.2 / containment 0.3 is left out.
    """
    arts = fc.c50_articles() if corpus == "c50" else fc.bbc_articles()
    related = fc.run_library(arts, ["--threshold", "0.2", "--containment", "0.3"])
    dup = {d for c in fc.cluster_groups(related) for d in c}
    return [(f"{corpus}/{d}", t) for d, t in arts if d not in dup]


def build(
    n_stories: int, n_unrelated: int, seed: int
) -> tuple[list[tuple[str, str]], list[str], dict[str, str]]:
    """(documents, story label per document, version kind per document id)."""
    rng = random.Random(seed)
    docs: list[tuple[str, str]] = []
    story: list[str] = []
    kind_of: dict[str, str] = {}
    for corpus in ("c50", "bbc"):
        arts = pool(corpus)
        rng.shuffle(arts)
        stories = arts[:n_stories]
        unrelated = arts[n_stories : n_stories + n_unrelated]
        donors = arts[n_stories + n_unrelated :] or arts
        title = corpus == "bbc"
        for sid, text in stories:
            donor = rng.choice(donors)[1]
            made = [("original", v.ORIGINAL), *((k, KINDS[k]) for k in rng.sample(list(KINDS), 3))]
            for i, (kind, prof) in enumerate(made):
                new, _ = v.make_version(text, rng, profile=prof, donor=donor, has_title=title)
                doc_id = f"{sid}#{i}-{kind}"
                docs.append((doc_id, new))
                story.append(sid)
                kind_of[doc_id] = kind
        for uid, text in unrelated:
            docs.append((uid, text))
            story.append(uid)
            kind_of[uid] = "unrelated"
    return docs, story, kind_of


def kind_recall(
    docs: list[tuple[str, str]], story: list[str], kind_of: dict[str, str], pred: np.ndarray
) -> dict[str, float]:
    """Per version kind, the share of versions in the same predicted cluster as the original."""
    original = {story[i]: pred[i] for i, (d, _) in enumerate(docs) if kind_of[d] == "original"}
    hit: dict[str, list[bool]] = defaultdict(list)
    for i, (d, _) in enumerate(docs):
        k = kind_of[d]
        if k not in ("original", "unrelated"):
            hit[k].append(bool(pred[i] == original[story[i]]))
    return {k: float(np.mean(hit[k])) for k in KINDS if hit[k]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--stories", type=int, default=300, help="stories per corpus")
    ap.add_argument("--unrelated", type=int, default=1400, help="unrelated articles per corpus")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--find-args", default="", help="extra `redline find` options, one string")
    ap.add_argument(
        "--threshold",
        type=float,
        default=None,
        help="Jaccard for the baseline (default: the one redline runs with)",
    )
    args = ap.parse_args()
    if args.threshold is None:
        # The baseline gets redline's own Jaccard threshold: --threshold in --find-args, else
        # the engine's default.
        from redline.discover.verify import Thresholds

        opts = shlex.split(args.find_args)
        given = opts[opts.index("--threshold") + 1] if "--threshold" in opts else None
        args.threshold = float(given) if given else Thresholds().jaccard

    t0 = time.perf_counter()
    docs, story, kind_of = build(args.stories, args.unrelated, args.seed)
    ids = [d for d, _ in docs]
    _, truth = np.unique(np.array(story), return_inverse=True)
    built = time.perf_counter() - t0
    print(
        f"# generated corpus: {len(docs)} documents, {2 * args.stories} stories x 4,"
        f" {2 * args.unrelated} unrelated, seed {args.seed} (built in {built:.0f}s)"
    )

    results: list[tuple[str, dict[str, float], dict[str, float], float]] = []
    clusters, seconds = fc.run_find(docs, shlex.split(args.find_args))
    pred = fc.labels_from_groups(ids, fc.cluster_groups(clusters))
    redline_pred = pred
    name = f"redline find {args.find_args or '(defaults)'}"
    results.append(
        (name, fc.pair_scores(truth, pred), kind_recall(docs, story, kind_of, pred), seconds)
    )

    t1 = time.perf_counter()
    sets = [shingles(t) for _, t in docs]
    edges = fc.datasketch_edges(sets, args.threshold)
    pred = fc.components(len(docs), edges)
    results.append(
        (
            f"datasketch MinHashLSH (threshold {args.threshold}, same shingles)",
            fc.pair_scores(truth, pred),
            kind_recall(docs, story, kind_of, pred),
            time.perf_counter() - t1,
        )
    )
    t1 = time.perf_counter()
    pred = fc.components(len(docs), fc.exact_edges([t for _, t in docs]))
    results.append(
        (
            "exact hash of normalized words",
            fc.pair_scores(truth, pred),
            kind_recall(docs, story, kind_of, pred),
            time.perf_counter() - t1,
        )
    )

    print(f"\n{'method':58} {'P':>6} {'R':>6} {'F1':>6} {'ARI':>6} {'pairs':>7} {'s':>6}")
    for name, s, _, sec in results:
        print(
            f"{name:58} {s['precision']:6.3f} {s['recall']:6.3f} {s['f1']:6.3f} {s['ari']:6.3f}"
            f" {int(s['pred_pairs']):7} {sec:6.1f}"
        )
    print(f"(true same-story pairs: {int(results[0][1]['truth_pairs'])})")
    print("\nshare of versions in their original's cluster, per kind:")
    print(f"{'method':58} " + " ".join(f"{k:>11}" for k in KINDS))
    for name, _, per_kind, _ in results:
        print(f"{name:58} " + " ".join(f"{per_kind.get(k, float('nan')):11.3f}" for k in KINDS))
    misses(docs, story, kind_of, redline_pred)
    merges(clusters, dict(zip(ids, story, strict=True)))


def merges(clusters: list[dict[str, object]], story_of: dict[str, str]) -> None:
    """Verified pairs that join two different stories: the causes of lost precision."""
    wrong = [
        p for p in fc.iter_cluster_pairs(clusters) if story_of[str(p["a"])] != story_of[str(p["b"])]
    ]
    print(f"\nverified pairs across stories (redline): {len(wrong)}")
    for p in wrong[:8]:
        print(f"  {p['a']} ~ {p['b']}  J {p['jaccard']} a_in_b {p['a_in_b']} b_in_a {p['b_in_a']}")


def misses(
    docs: list[tuple[str, str]], story: list[str], kind_of: dict[str, str], pred: np.ndarray
) -> None:
    """Scores against the original of the versions redline left out of its story's cluster."""
    from redline.discover.shingle import overlap

    original = {story[i]: i for i, (d, _) in enumerate(docs) if kind_of[d] == "original"}
    rows = []
    for i, (d, text) in enumerate(docs):
        o = original.get(story[i])
        if o is None or o == i or pred[i] == pred[o]:
            continue
        jac, v_in_o, o_in_v = overlap(shingles(text), shingles(docs[o][1]))
        rows.append((kind_of[d], jac, v_in_o, o_in_v, d))
    print(f"\nversions not in their original's cluster (redline): {len(rows)}")
    if not rows:
        return
    print(f"{'kind':12} {'jaccard':>8} {'v_in_orig':>9} {'orig_in_v':>9}  (quartiles)")
    for kind in KINDS:
        sel = np.array([r[1:4] for r in rows if r[0] == kind])
        if len(sel):
            q = np.percentile(sel, [25, 50, 75], axis=0)
            cells = ["/".join(f"{x:.2f}" for x in q[:, c]) for c in range(3)]
            print(
                f"{kind:12} {len(sel):3} missed  J {cells[0]}  v-in-o {cells[1]}  o-in-v {cells[2]}"
            )


if __name__ == "__main__":
    main()
