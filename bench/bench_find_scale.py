"""End-to-end scaling of the real `redline find` on generated JSONL corpora, 10k to 1M documents.

    .venv/bin/python bench/bench_find_scale.py generate      # once, into /tmp/redline-bench/find
    .venv/bin/python bench/bench_find_scale.py run --find-args="--no-report" 10000 30000
    .venv/bin/python bench/bench_find_scale.py plot          # docs/img/find_scaling.png

`run` records wall time, peak RSS and pair precision/recall per size in scale_results.jsonl.

The corpus: "stories" of 8-20 paragraphs sampled from the real C50 and BBC paragraph pool
(deduplicated, 8-80 words), about a third of them followed by 1-4 near-copies (a paragraph
dropped, words replaced, truncated to 60-90%, a boilerplate line added, or re-laid out).
Every line carries its true `story`, so precision and recall are checked at every size.
Smaller corpora are prefixes of the 1M file (stories are contiguous, so only the last one is cut).
The texts stay in the temp folder: research-only corpora are never copied into the repo.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shlex
import subprocess
import sys
import textwrap
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "eval"))
import find_corpus as fc

BENCH_DIR = Path(os.environ.get("REDLINE_BENCH_DIR", "/tmp/redline-bench/find"))
SIZES = (10_000, 30_000, 100_000, 300_000, 1_000_000)
RESULTS = BENCH_DIR / "scale_results.jsonl"
PLOT = fc.REPO / "docs" / "img" / "find_scaling.png"
BOILER = (
    "Follow us for the latest updates.",
    "Copyright 2026 The Morning Ledger. All rights reserved.",
    "Sign up to our daily newsletter.",
    "Additional reporting by staff writers.",
)
REPLACEMENTS = ("reportedly", "Tuesday", "officials", "percent", "billion", "spokeswoman")


def _pool() -> list[str]:
    paras = {p for _, t in fc.c50_articles() + fc.bbc_articles() for p in fc.paragraphs(t)}
    # Short lines are datelines and desk phone numbers shared by hundreds of stories; some BBC
    # files hold a whole article in one "paragraph", which would dominate any story drawing it.
    return sorted(p for p in paras if 8 <= len(p.split()) <= 80)


def _perturb(paras: list[str], rng: np.random.Generator) -> str:
    kind = int(rng.integers(5))
    out = list(paras)
    if kind == 0 and len(out) > 3:  # a paragraph cut
        del out[int(rng.integers(len(out)))]
    elif kind == 1:  # a few words replaced in a few paragraphs
        for _ in range(3):
            i = int(rng.integers(len(out)))
            words = out[i].split()
            words[int(rng.integers(len(words)))] = REPLACEMENTS[int(rng.integers(6))]
            out[i] = " ".join(words)
    elif kind == 2:  # truncated
        out = out[: max(2, int(len(out) * rng.uniform(0.6, 0.9)))]
    elif kind == 3:  # boilerplate added
        out.append(BOILER[int(rng.integers(len(BOILER)))])
    else:  # re-laid out as one block, hard-wrapped at spaces (words intact)
        return textwrap.fill(" ".join(out), width=72, break_long_words=False)
    return "\n\n".join(out)


def corpus_path(corpus: str, size: int) -> Path:
    """The JSONL file of a corpus kind ("reuse" or "unique") and size."""
    return BENCH_DIR / (f"docs-{size}.jsonl" if corpus == "reuse" else f"docs-u-{size}.jsonl")


class _Uniquify:
    """Every fifth whitespace token of a paragraph replaced by a token drawn from the pool's
    own token stream, at a random phase: every 5-word shingle window then holds a drawn token,
    so two stories drawing the same real paragraph share about as few shingles as two
    unrelated real articles do, while the words keep real frequencies and lengths."""

    def __init__(self, pool: list[str], rng: np.random.Generator) -> None:
        self.tokens = [p.split() for p in pool]
        self.stream = [t for toks in self.tokens for t in toks]
        self.rng = rng

    def __call__(self, index: int) -> str:
        toks = list(self.tokens[index])
        phase = int(self.rng.integers(5))
        spots = range(phase, len(toks), 5)
        for pos, j in zip(spots, self.rng.integers(len(self.stream), size=len(spots)), strict=True):
            toks[pos] = self.stream[j]
        return " ".join(toks)


def generate(total: int, seed: int, corpus: str = "reuse") -> Path:
    """Write the largest corpus once; smaller sizes are its prefixes.

    "reuse": stories are real paragraphs as they are, so at 1M documents each of the ~95k
    pool paragraphs recurs in about 150 unrelated stories (a stress test for candidate
    generation: far more shared passages than real collections have). "unique": the same with
    `_Uniquify` applied to every drawn paragraph.
    """
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    path = corpus_path(corpus, total)
    pool = _pool()
    rng = np.random.default_rng(seed)
    draw = _Uniquify(pool, rng) if corpus == "unique" else pool.__getitem__
    t0 = time.perf_counter()
    n = story = 0
    with path.open("w", encoding="utf-8") as fh:
        while n < total:
            k = int(rng.integers(8, 21))
            paras = [draw(int(i)) for i in rng.integers(len(pool), size=k)]
            texts = ["\n\n".join(paras)]
            if rng.random() < 1 / 3:
                texts += [_perturb(paras, rng) for _ in range(int(rng.integers(1, 5)))]
            for text in texts[: total - n]:
                rec = {"id": f"d{n:07d}", "story": f"s{story:07d}", "text": text}
                fh.write(json.dumps(rec) + "\n")
                n += 1
            story += 1
    print(f"wrote {n} documents ({story} stories) to {path} in {time.perf_counter() - t0:.0f}s")
    for size in SIZES:
        if size < total:
            prefix = corpus_path(corpus, size)
            with path.open(encoding="utf-8") as src, prefix.open("w", encoding="utf-8") as dst:
                for _, line in zip(range(size), src, strict=False):
                    dst.write(line)
    return path


def _tree_memory(proc: object, full: bool) -> tuple[int, int]:
    """(sum of RSS, sum of PSS or 0) over a psutil process and its children, in bytes.

    RSS sums count pages shared by forked workers once per process (an upper bound); PSS
    splits them fairly but reading it walks /proc/PID/smaps, so it is sampled less often.
    """
    import psutil

    rss = pss = 0
    procs = [proc, *proc.children(recursive=True)]  # type: ignore[attr-defined]
    for p in procs:
        try:
            rss += p.memory_info().rss
            if full:
                pss += getattr(p.memory_full_info(), "pss", 0)
        except psutil.Error:
            continue
    return rss, pss


def measure(size: int, extra: list[str], corpus: str) -> dict[str, object]:
    """Run `redline find` on the size's corpus; wall time, peak tree RSS/PSS, pair P/R."""
    import psutil

    src = corpus_path(corpus, size)
    out = BENCH_DIR / f"out-{corpus}-{size}"
    cmd = [str(fc.REDLINE), "find", str(src), "-o", str(out), *extra]
    log = (BENCH_DIR / f"log-{corpus}-{size}.txt").open("w")
    t0 = time.perf_counter()
    proc = psutil.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)
    peak_rss = peak_pss = polls = 0
    while proc.poll() is None:
        rss, pss = _tree_memory(proc, full=polls % 8 == 0)
        polls += 1
        peak_rss, peak_pss = max(peak_rss, rss), max(peak_pss, pss)
        time.sleep(0.25)
    seconds = time.perf_counter() - t0
    log.close()
    if proc.returncode != 0:
        sys.exit(f"redline find failed on {src}: see {log.name}")
    quality = _quality(src, out / "clusters.jsonl")
    return {
        "corpus": corpus,
        "docs": size,
        "summary": _summary(log.name),
        "seconds": round(seconds, 2),
        "docs_per_s": round(size / seconds, 1),
        "peak_rss_mb": round(peak_rss / 2**20),
        "peak_pss_mb": round(peak_pss / 2**20),
        "command": " ".join(cmd),
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.node()} {os.cpu_count()} cores",
        "load_avg_1m_at_end": round(os.getloadavg()[0], 2),
        **quality,
    }


def _summary(log_path: str) -> str:
    """The run's own summary lines (counts and per-stage times), joined into one line."""
    lines = Path(log_path).read_text(errors="replace").splitlines()
    keep = [ln.strip() for ln in lines if not ln.strip().startswith(("c", "…", "wrote", "report"))]
    return " ".join(keep)


def _quality(src: Path, clusters_path: Path) -> dict[str, float]:
    ids: list[str] = []
    stories: list[str] = []
    with src.open(encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            ids.append(rec["id"])
            stories.append(rec["story"])
    _, truth = np.unique(np.array(stories), return_inverse=True)
    pred = fc.labels_from_groups(ids, fc.cluster_groups(fc.read_clusters(clusters_path)))
    scores = fc.pair_scores(truth, pred)
    return {k: round(v, 4) for k, v in scores.items()}


LABELS = {
    "unique": "unique paragraphs (realistic overlap)",
    "reuse": "real paragraphs reused ~150x (stress)",
}


def plot() -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter, NullFormatter

    series: dict[str, dict[int, dict[str, object]]] = {}
    for line in RESULTS.read_text().splitlines():
        rec = json.loads(line)
        # The latest run of each corpus and size wins.
        series.setdefault(str(rec.get("corpus", "reuse")), {})[int(rec["docs"])] = rec
    plain = FuncFormatter(lambda v, _: f"{v:,.0f}")
    fig, (left, right) = plt.subplots(1, 2, figsize=(9.5, 4), dpi=120)
    all_docs: set[int] = set()
    top_secs = top_rss = 0.0
    for (corpus, rows), marker, dy in zip(
        sorted(series.items(), reverse=True), "os", (6, -12), strict=False
    ):
        docs = sorted(rows)
        all_docs |= set(docs)
        secs = [float(rows[d]["seconds"]) for d in docs]  # type: ignore[arg-type]
        rss = [float(rows[d]["peak_rss_mb"]) / 1024 for d in docs]  # type: ignore[arg-type]
        top_secs, top_rss = max(top_secs, *secs), max(top_rss, *rss)
        label = LABELS.get(corpus, corpus)
        left.plot(docs, secs, marker + "-", label=label)
        right.plot(docs, rss, marker + "-", label=label)
        for x, y1, y2 in zip(docs, secs, rss, strict=True):
            opts = {"textcoords": "offset points", "ha": "center", "fontsize": 7}
            left.annotate(f"{y1:,.0f} s", (x, y1), xytext=(0, dy), **opts)
            right.annotate(f"{y2:.2f}", (x, y2), xytext=(0, dy), **opts)
    ticks = sorted(all_docs)
    short = [f"{d // 1000:,}k" if d < 1_000_000 else f"{d / 1e6:g}M" for d in ticks]
    left.axhline(600, color="grey", ls=":", lw=1, label="goal: 1M documents in 600 s")
    left.set(xscale="log", yscale="log", xlabel="documents", ylabel="seconds, end to end")
    left.set_yticks([t for t in (3, 10, 30, 100, 300, 600, 1000, 3000) if t <= top_secs * 3])
    left.yaxis.set_major_formatter(plain)
    left.yaxis.set_minor_formatter(NullFormatter())
    right.axhline(4, color="grey", ls=":", lw=1, label="goal: 4 GB")
    right.set(xscale="log", xlabel="documents", ylabel="peak RSS, sum over processes (GB)")
    right.set_ylim(0, max(4.5, top_rss * 1.15))
    for ax in (left, right):
        ax.set_xticks(ticks, short)
        ax.xaxis.set_minor_formatter(NullFormatter())
        ax.grid(True, which="major", alpha=0.3)
        ax.legend(loc="upper left", fontsize=7)
    fig.suptitle("redline find on generated JSONL corpora, 2 cores (shared machine)", fontsize=10)
    fig.tight_layout()
    PLOT.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(PLOT)
    print(f"wrote {PLOT}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    g = sub.add_parser("generate")
    g.add_argument("--total", type=int, default=SIZES[-1])
    g.add_argument("--seed", type=int, default=20261122)
    g.add_argument("--corpus", choices=("reuse", "unique"), default="reuse")
    r = sub.add_parser("run")
    r.add_argument("sizes", type=int, nargs="*", default=list(SIZES))
    r.add_argument("--find-args", default="", help="extra `redline find` options, one string")
    r.add_argument("--corpus", choices=("reuse", "unique"), default="reuse")
    sub.add_parser("plot")
    args = ap.parse_args()
    if args.cmd == "generate":
        generate(args.total, args.seed, args.corpus)
    elif args.cmd == "run":
        for size in args.sizes:
            rec = measure(size, shlex.split(args.find_args), args.corpus)
            print(json.dumps(rec))
            with RESULTS.open("a") as fh:
                fh.write(json.dumps(rec) + "\n")
    else:
        plot()


if __name__ == "__main__":
    main()
