"""How many sentences of a heavy human rewrite find their partner? OneStopEnglish adv -> int.

    .venv/bin/python eval/eval_align_onestop.py               # counts, both halves, + sample
    .venv/bin/python eval/eval_align_onestop.py --sample 50 --seed 1 --context-only

Data: `$REDLINE_DATA/onestopenglish_rewrites/texts/<Title>-{adv,int}.txt` (95 Guardian articles,
each rewritten by teachers from the advanced to the intermediate reading level). There is no
gold sentence alignment, so two figures are reported:

- coverage: how many advanced sentences `align` puts in a unit with an intermediate partner
  (same, reworded or moved), against the difflib baseline of bench/bench_diff.py on the same
  segmentation (SequenceMatcher over sentences, replace blocks paired by ratio >= 0.5);
- precision by reading: `--sample N --seed S` draws N of redline's pairs and writes them to
  out/eval/onestop_sample.md (outside the repository: the texts are research-only) for a person
  to judge; the judging rule and the count are in docs/quality.md.

Titles are split in two halves by sorted title (odd / even position). Nothing in `align` was
tuned on this set; both halves are reported so that stays checkable.
"""

from __future__ import annotations

import argparse
import difflib
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from find_corpus import data_root

from redline.diff.align import REWORD_THRESHOLD, align
from redline.text.normalize import normalize
from redline.text.segment import segment

REPO = Path(__file__).resolve().parent.parent


def titles() -> list[str]:
    folder = data_root() / "onestopenglish_rewrites" / "texts"
    if not folder.is_dir():
        sys.exit(f"corpus not found: {folder} (set REDLINE_DATA)")
    return sorted(p.name[: -len("-adv.txt")] for p in folder.glob("*-adv.txt"))


def sentences(title: str, level: str) -> list[str]:
    path = data_root() / "onestopenglish_rewrites" / "texts" / f"{title}-{level}.txt"
    return [s.text for s in segment(path.read_text(encoding="utf-8-sig"))]


def difflib_partnered(a: list[str], b: list[str]) -> set[int]:
    """Old sentences the difflib baseline gives a partner (as bench/bench_diff.py pairs them)."""
    na, nb = [normalize(s) for s in a], [normalize(s) for s in b]
    out: set[int] = set()
    matcher = difflib.SequenceMatcher(None, na, nb, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            out.update(range(i1, i2))
            continue
        used: set[int] = set()
        for i in range(i1, i2):
            best, best_j = 0.5, -1
            for j in range(j1, j2):
                if j not in used:
                    ratio = difflib.SequenceMatcher(None, na[i], nb[j]).ratio()
                    if ratio >= best:
                        best, best_j = ratio, j
            if best_j >= 0:
                used.add(best_j)
                out.add(i)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", type=int, default=50, help="pairs to draw for reading")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--context-only",
        action="store_true",
        help="draw only pairs scored under the reword threshold (made by the context rules)",
    )
    args = parser.parse_args()

    halves: dict[str, list[int]] = {"odd": [0, 0, 0, 0], "even": [0, 0, 0, 0]}
    kinds: dict[str, int] = {}
    pairs: list[tuple[str, str, list[str], list[str], float | None]] = []
    all_titles = titles()
    for k, title in enumerate(all_titles):
        a, b = sentences(title, "adv"), sentences(title, "int")
        units = align(a, b)
        partnered = {i for u in units if u.a and u.b for i in u.a}
        for u in units:
            if u.a:
                kinds[u.kind] = kinds.get(u.kind, 0) + len(u.a)
            if u.a and u.b and u.kind != "same":
                pairs.append((title, u.kind, [a[i] for i in u.a], [b[j] for j in u.b], u.score))
        half = halves["odd" if k % 2 == 0 else "even"]
        half[0] += 1
        half[1] += len(a)
        half[2] += len(partnered)
        half[3] += len(difflib_partnered(a, b))

    print(f"{len(all_titles)} articles, advanced -> intermediate ({data_root()})")
    print()
    print(
        "| titles (sorted position) | articles | advanced sentences | redline partnered"
        " | difflib partnered |"
    )
    print("|---|---:|---:|---:|---:|")
    total = [0, 0, 0, 0]
    for name, (n, sents, red, dif) in halves.items():
        total = [t + v for t, v in zip(total, (n, sents, red, dif), strict=True)]
        print(
            f"| {name} | {n} | {sents:,} | {red:,} ({red / sents:.3f}) | {dif:,}"
            f" ({dif / sents:.3f}) |"
        )
    n, sents, red, dif = total
    print(f"| all | {n} | {sents:,} | {red:,} ({red / sents:.3f}) | {dif:,} ({dif / sents:.3f}) |")
    print()
    print(
        "advanced sentences by unit kind:",
        ", ".join(f"{k} {v:,}" for k, v in sorted(kinds.items())),
    )

    if args.sample:
        if args.context_only:
            pairs = [p for p in pairs if p[4] is not None and p[4] < REWORD_THRESHOLD]
            print(f"pairs under the reword threshold {REWORD_THRESHOLD}: {len(pairs):,}")
        rnd = random.Random(args.seed)
        drawn = rnd.sample(pairs, min(args.sample, len(pairs)))
        name = "onestop_sample_context.md" if args.context_only else "onestop_sample.md"
        out = REPO / "out" / "eval" / name
        out.parent.mkdir(parents=True, exist_ok=True)
        lines = [f"# {len(drawn)} of {len(pairs)} changed pairs, seed {args.seed}", ""]
        for k, (title, kind, old, new, score) in enumerate(drawn, 1):
            lines.append(f"## {k}. {title} ({kind}, score {score:.2f})")
            lines.extend(f"- adv: {s}" for s in old)
            lines.extend(f"- int: {s}" for s in new)
            lines.append("")
        out.write_text("\n".join(lines), encoding="utf-8")
        print(f"sample of {len(drawn)} changed pairs for reading: {out}")


if __name__ == "__main__":
    main()
