"""Large-star / small-star on generated graphs shaped like a measured run: rounds and shuffle.

    .venv/bin/python bench/sim_spark_scale.py /tmp/redline-bench/spark/spark_graph-100000.json \\
        --nodes 100000 1000000 10000000

The input is what bench/bench_spark.py wrote for one real Spark run: the (degree, nodes)
histogram of the graph the engine ran connected components on, its (cluster size, clusters)
histogram, and the rounds it took. For each `--nodes` (documents in clusters), the simulation
draws components from the size histogram, links each with a random tree plus extra random
edges until the mean degree matches the measured one, labels nodes by a random permutation (on
Spark node ids are `monotonically_increasing_id`, unrelated to clusters), and runs exactly the
engine's algorithm in numpy: large-star, small-star, until the graph is a forest of stars.

It reports rounds and rows shuffled per document for the stage (each large-star shuffles its
2E directed edges for the window and its output for the distinct; small-star the same for E;
the convergence check 2E), so the 1-billion-page plan in docs/benchmarks.md can quote
per-document figures instead of guesses. At the measured size it also prints the engine's own
rounds, which the simulation must reproduce in distribution, not exactly (the labels differ).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
import numpy.typing as npt

I64 = npt.NDArray[np.int64]


def _graph(
    sizes: list[tuple[int, int]],
    mean_degree: float,
    nodes: int,
    rng: np.random.Generator,
) -> tuple[I64, I64, I64]:
    """Edges (u < v) of a random graph with the measured component sizes and mean degree, and
    the component of every node (each is connected: it holds a spanning tree)."""
    size_values = np.array([s for s, _ in sizes], dtype=np.int64)
    weights = np.array([s * c for s, c in sizes], dtype=np.float64)
    # Draw components in proportion to the documents they hold, until `nodes` are placed.
    drawn: list[int] = []
    placed = 0
    probs = weights / weights.sum()
    while placed < nodes:
        batch = rng.choice(size_values, size=max(1, (nodes - placed) // 3), p=probs)
        for s in batch.tolist():
            if placed >= nodes:
                break
            drawn.append(s)
            placed += s
    comp_sizes = np.array(drawn, dtype=np.int64)
    total = int(comp_sizes.sum())
    starts = np.concatenate(([0], np.cumsum(comp_sizes)[:-1]))
    comp_of = np.repeat(np.arange(len(comp_sizes)), comp_sizes)
    local = np.arange(total) - starts[comp_of]
    # A random recursive tree per component: node k > 0 links to a random earlier node.
    child = np.flatnonzero(local > 0)
    parent = starts[comp_of[child]] + (rng.random(len(child)) * local[child]).astype(np.int64)
    us, vs = [parent], [child]
    # Extra edges inside components, as many as the measured mean degree asks for.
    extra = int(max(0.0, mean_degree * total / 2 - len(child)))
    if extra:
        big = np.flatnonzero(comp_sizes > 2)
        w = comp_sizes[big].astype(np.float64)
        pick = rng.choice(big, size=extra, p=w / w.sum())
        a = starts[pick] + (rng.random(extra) * comp_sizes[pick]).astype(np.int64)
        b = starts[pick] + (rng.random(extra) * comp_sizes[pick]).astype(np.int64)
        us.append(a)
        vs.append(b)
    u, v = np.concatenate(us), np.concatenate(vs)
    labels = rng.permutation(total).astype(np.int64)
    u, v = labels[u], labels[v]
    keep = u != v
    lo, hi = np.minimum(u[keep], v[keep]), np.maximum(u[keep], v[keep])
    pairs = np.unique(np.stack([lo, hi], axis=1), axis=0)
    component = np.empty(total, dtype=np.int64)
    component[labels] = comp_of
    return pairs[:, 0], pairs[:, 1], component


def _norm(u: I64, v: I64) -> tuple[I64, I64]:
    keep = u != v
    lo, hi = np.minimum(u[keep], v[keep]), np.maximum(u[keep], v[keep])
    if len(lo) == 0:
        return lo, hi
    pairs = np.unique(np.stack([lo, hi], axis=1), axis=0)
    return pairs[:, 0], pairs[:, 1]


def _large_star(u: I64, v: I64, n: int) -> tuple[I64, I64]:
    src, dst = np.concatenate([u, v]), np.concatenate([v, u])
    m = np.arange(n, dtype=np.int64)
    np.minimum.at(m, src, dst)
    up = dst > src
    return _norm(m[src[up]], dst[up])


def _small_star(u: I64, v: I64, n: int) -> tuple[I64, I64]:
    m = np.arange(n, dtype=np.int64)
    np.minimum.at(m, v, u)
    mv = m[v]
    a, b = np.concatenate([mv, mv]), np.concatenate([u, v])
    return _norm(a, b)


def _is_star_forest(u: I64, v: I64, n: int) -> bool:
    parents = np.bincount(v, minlength=n)
    children = np.bincount(u, minlength=n) > 0
    return not bool(((parents > 1) | ((parents > 0) & children)).any())


def simulate(u: I64, v: I64, component: I64) -> dict[str, float]:
    """Rounds to convergence and rows shuffled by the engine's DataFrame plan.

    Raises:
        AssertionError: the stars found are not the components the graph was made of.
    """
    n = len(component)
    rounds = 0
    rows = 2 * len(u)  # the first convergence check
    peak_edges = len(u)
    while not _is_star_forest(u, v, n):
        rounds += 1
        rows += 2 * len(u)  # large-star window over both directions
        u, v = _large_star(u, v, n)
        rows += len(u)  # its distinct
        rows += len(u)  # small-star window
        u, v = _small_star(u, v, n)
        rows += len(u)  # its distinct
        rows += 2 * len(u)  # convergence check
        peak_edges = max(peak_edges, len(u))
    # Every node's label is its star's centre; a component must be exactly one star.
    label = np.arange(n, dtype=np.int64)
    label[v] = u
    first = np.full(component.max() + 1, n, dtype=np.int64)
    np.minimum.at(first, component, np.arange(n, dtype=np.int64))
    assert np.array_equal(label, first[component]), "stars differ from the components"
    return {"rounds": rounds, "rows": rows, "peak_edges": peak_edges}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("graph", type=Path, help="spark_graph-N.json from bench/bench_spark.py")
    ap.add_argument("--nodes", type=float, nargs="+", default=[1e5, 1e6])
    ap.add_argument("--seeds", type=int, default=3)
    args = ap.parse_args()
    measured = json.loads(args.graph.read_text())
    degrees = [(int(d), int(c)) for d, c in measured["degrees"]]
    sizes = [(int(s), int(c)) for s, c in measured["sizes"]]
    nodes_measured = sum(c for _, c in degrees)
    mean_degree = sum(d * c for d, c in degrees) / nodes_measured
    print(
        f"measured ({measured['docs']:,} documents): {nodes_measured:,} nodes in"
        f" {sum(c for _, c in sizes):,} clusters, mean degree {mean_degree:.2f},"
        f" max degree {max(d for d, _ in degrees)}, largest cluster"
        f" {max(s for s, _ in sizes)}, {measured['rounds']} rounds"
    )
    print("| nodes | edges | rounds (seeds) | shuffled rows per node | peak edges per node |")
    print("|---:|---:|---|---:|---:|")
    for target in args.nodes:
        found = []
        for seed in range(args.seeds):
            rng = np.random.default_rng(seed)
            u, v, component = _graph(sizes, mean_degree, int(target), rng)
            result = simulate(u, v, component)
            found.append((len(component), len(u), result))
        rounds = ", ".join(str(int(r["rounds"])) for _, _, r in found)
        n0, e0 = found[0][0], found[0][1]
        per = np.mean([r["rows"] / n for n, _, r in found])
        peak = np.mean([r["peak_edges"] / n for n, _, r in found])
        print(f"| {n0:,} | {e0:,} | {rounds} | {per:.2f} | {peak:.2f} |")


if __name__ == "__main__":
    main()
