"""How well does `redline.compare` align generated versions of real articles?

For each sampled article (Reuters C50 and BBC News, from $REDLINE_DATA) an "original" is made
with its own page furniture and a rewritten version with everything `versions.make_version`
does; the true alignment is known. `redline.compare` and a difflib baseline (SequenceMatcher
over normalized sentence lists, then ratio-based pairing inside replace blocks) are scored on
the same pairs:

- sentence-pair alignment precision / recall / F1 over content sentences (furniture excluded),
- kind accuracy (same / reworded / moved / added / removed) over content sentences,
- boilerplate role F1 over all sentences (strict: right role; detection: any role),
- an error breakdown by the transformation that touched each sentence.

Usage: .venv/bin/python eval/eval_diff_generated.py [--c50 300] [--bbc 300] [--seed 1]
Writes out/eval/diff_generated.json and out/eval/diff_failures.md.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import sys
import time
import unicodedata
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from find_corpus import bbc_articles, c50_articles
from versions import (
    FULL,
    HTML,
    LAYOUT_ONLY,
    LAYOUTS,
    ORIGINAL,
    STRESS,
    Profile,
    Truth,
    make_version,
    pair_truth,
    piece_of_words,
    present_only,
)

from redline.diff.align import similarity
from redline.ingest.files import document_from_bytes
from redline.models import Document, Facts, Sentence
from redline.text.normalize import normalize, word_spans, words
from redline.text.segment import segment

REPO = Path(__file__).resolve().parent.parent


@dataclass(frozen=True, slots=True)
class PredUnit:
    """One predicted unit: its kind, role and sentence indices on each side."""

    kind: str
    role: str | None
    a: tuple[int, ...]
    b: tuple[int, ...]


Run = tuple[list[PredUnit], list[Sentence], list[Sentence], Facts | None]
Matcher = Callable[[Document, Document], Run]


def redline_units(doc_a: Document, doc_b: Document) -> Run:
    """Units from `redline.compare`, with the sentences its indices refer to."""
    from redline.diff.redline import compare

    red = compare(doc_a, doc_b)
    sa, sb = segment(doc_a.text), segment(doc_b.text)
    if len(sa) != red.a.sentences or len(sb) != red.b.sentences:
        raise SystemExit("compare() no longer segments with redline.text.segment: update the eval")
    units = [PredUnit(s.kind, s.boilerplate, s.a_sentences, s.b_sentences) for s in red.segments]
    return units, sa, sb, red.facts


def difflib_units(doc_a: Document, doc_b: Document) -> Run:
    """The baseline: difflib over normalized sentences, ratio pairing in replace blocks."""
    sa, sb = segment(doc_a.text), segment(doc_b.text)
    wa = [words(s.text) for s in sa]
    wb = [words(s.text) for s in sb]
    ka = [" ".join(w).casefold() for w in wa]
    kb = [" ".join(w).casefold() for w in wb]
    out: list[PredUnit] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, ka, kb, autojunk=False).get_opcodes():
        if tag == "equal":
            out.extend(
                PredUnit("same" if wa[i] == wb[j] else "reworded", None, (i,), (j,))
                for i, j in zip(range(i1, i2), range(j1, j2), strict=True)
            )
            continue
        scored = sorted(
            (
                (SequenceMatcher(None, wa[i], wb[j], autojunk=False).ratio(), i, j)
                for i in range(i1, i2)
                for j in range(j1, j2)
            ),
            reverse=True,
        )
        used_a: set[int] = set()
        used_b: set[int] = set()
        for ratio, i, j in scored:
            if ratio < 0.5:
                break
            if i in used_a or j in used_b:
                continue
            used_a.add(i)
            used_b.add(j)
            out.append(PredUnit("same" if wa[i] == wb[j] else "reworded", None, (i,), (j,)))
        out.extend(PredUnit("removed", None, (i,), ()) for i in range(i1, i2) if i not in used_a)
        out.extend(PredUnit("added", None, (), (j,)) for j in range(j1, j2) if j not in used_b)
    return out, sa, sb, None


@dataclass
class Tally:
    """Running counts for one matcher over all pairs."""

    pair_tp: int = 0
    pair_fp: int = 0
    pair_fn: int = 0
    kind_ok: int = 0
    kind_n: int = 0
    role_tp: int = 0
    role_fp: int = 0
    role_fn: int = 0
    det_tp: int = 0
    det_fp: int = 0
    det_fn: int = 0
    docs: int = 0
    perfect: int = 0
    seconds: list[float] = field(default_factory=list)
    by_edit: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    by_role: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    confusion: Counter[tuple[str, str]] = field(default_factory=Counter)
    failures: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))
    checks: Counter[str] = field(default_factory=Counter)

    def summary(self) -> dict[str, Any]:
        def prf(tp: int, fp: int, fn: int) -> dict[str, float]:
            p = tp / (tp + fp) if tp + fp else 1.0
            r = tp / (tp + fn) if tp + fn else 1.0
            return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0}

        return {
            "pairs": prf(self.pair_tp, self.pair_fp, self.pair_fn),
            "kind_accuracy": self.kind_ok / self.kind_n if self.kind_n else 1.0,
            "boilerplate_role": prf(self.role_tp, self.role_fp, self.role_fn),
            "boilerplate_detect": prf(self.det_tp, self.det_fp, self.det_fn),
            "documents": self.docs,
            "perfect_documents": self.perfect,
            "median_ms": 1000 * statistics.median(self.seconds) if self.seconds else 0.0,
            "by_edit": {k: dict(v) for k, v in sorted(self.by_edit.items())},
            "by_role": {k: dict(v) for k, v in sorted(self.by_role.items())},
            "kind_confusion": {f"{t}->{p}": n for (t, p), n in self.confusion.most_common() if n},
            "checks": dict(self.checks),
        }


def _assign(
    text: str, truth: Truth, sents: Sequence[Sentence], units: Sequence[PredUnit], side: str
) -> list[int | None]:
    """For each truth piece, the predicted unit holding most of its words."""
    owners = piece_of_words(text, truth)
    starts = [s for _, s, _ in word_spans(text)]
    votes: list[Counter[int]] = [Counter() for _ in truth.pieces]
    for u, unit in enumerate(units):
        for i in unit.a if side == "a" else unit.b:
            span = sents[i].span
            for w in range(bisect_left(starts, span.start), bisect_left(starts, span.end)):
                if owners[w] >= 0:
                    votes[owners[w]][u] += 1
    return [v.most_common(1)[0][0] if v else None for v in votes]


@dataclass(frozen=True, slots=True)
class Pair:
    """An original and a rewritten version of one article, with their truths."""

    label: str
    doc_a: Document
    truth_a: Truth
    doc_b: Document
    truth_b: Truth

    @property
    def text_a(self) -> str:
        return self.doc_a.text

    @property
    def text_b(self) -> str:
        return self.doc_b.text


def score_pair(pair: Pair, matcher: Matcher, tallies: Sequence[Tally]) -> None:
    """Run one matcher on one pair and add what it got right and wrong to each tally."""
    t0 = time.perf_counter()
    units, sa, sb, facts = matcher(pair.doc_a, pair.doc_b)
    seconds = time.perf_counter() - t0
    for tally in tallies:
        tally.seconds.append(seconds)
        _account(pair, units, sa, sb, tally)
        if facts is not None:
            _account_facts(pair, facts, tally)


def _account(
    pair: Pair,
    units: Sequence[PredUnit],
    sa: Sequence[Sentence],
    sb: Sequence[Sentence],
    tally: Tally,
) -> None:
    """Add one scored pair to `tally`."""
    label, text_a, truth_a, text_b, truth_b = (
        pair.label, pair.text_a, pair.truth_a, pair.text_b, pair.truth_b
    )  # fmt: skip
    # The contract: every sentence of both versions is in exactly one segment.
    covered_a = sorted(i for u in units for i in u.a)
    covered_b = sorted(j for u in units for j in u.b)
    tally.checks["pairs_breaking_coverage"] += covered_a != list(
        range(len(sa))
    ) or covered_b != list(range(len(sb)))
    unit_a = _assign(text_a, truth_a, sa, units, "a")
    unit_b = _assign(text_b, truth_b, sb, units, "b")
    content_a = {i for i, p in enumerate(truth_a.pieces) if p.role is None}
    content_b = {j for j, p in enumerate(truth_b.pieces) if p.role is None}

    members_a: dict[int, list[int]] = defaultdict(list)
    for i, u in enumerate(unit_a):
        if u is not None:
            members_a[u].append(i)
    pred_partner: dict[int, set[int]] = defaultdict(set)
    pred_pairs: set[tuple[int, int]] = set()
    for j, u in enumerate(unit_b):
        if u is None:
            continue
        for i in members_a.get(u, []):
            pred_partner[j].add(i)
            if i in content_a and j in content_b:
                pred_pairs.add((i, j))

    truth = pair_truth(truth_a, truth_b)
    true_pairs: set[tuple[int, int]] = set()
    true_partner: dict[int, set[int]] = defaultdict(set)
    for tu in truth:
        for j in tu.b:
            true_partner[j].update(tu.a)
            true_pairs.update((i, j) for i in tu.a if i in content_a and j in content_b)
    tp = len(pred_pairs & true_pairs)
    tally.pair_tp += tp
    tally.pair_fp += len(pred_pairs) - tp
    tally.pair_fn += len(true_pairs) - tp

    def kind_of(u: int | None) -> str:
        return "-" if u is None else units[u].kind

    dropped = dict(truth_b.dropped)
    # Pieces without a word ("----") cannot be found by any word-based matcher: not scored.
    wordless_a = {i for i, p in enumerate(truth_a.pieces) if not words(p.text)}
    wordless_b = {j for j, p in enumerate(truth_b.pieces) if not words(p.text)}
    errors = 0
    for tu in truth:
        if tu.boilerplate:
            continue
        if tu.b:
            for j in tu.b:
                if j in wordless_b:
                    continue
                piece = truth_b.pieces[j]
                got = kind_of(unit_b[j])
                kind_right = got in tu.accept
                pair_right = pred_partner[j] & content_a == true_partner[j] & content_a
                tally.kind_n += 1
                tally.kind_ok += kind_right
                tally.confusion[(tu.kind, got)] += not kind_right
                tags = set(piece.edits or ("copy",)) | ({"moved"} if tu.kind == "moved" else set())
                if tu.a and "reworded" in tu.accept | {tu.kind} and tu.kind != "same":
                    tags.add(_similarity_bin(truth_a, tu.a, truth_b, tu.b))
                for tag in tags:
                    tally.by_edit[tag]["n"] += 1
                    tally.by_edit[tag]["kind_error"] += not kind_right
                    tally.by_edit[tag]["pair_error"] += not pair_right
                if not (kind_right and pair_right):
                    errors += 1
                    _example(
                        tally,
                        tags,
                        {
                            "pair": label,
                            "want": tu.kind,
                            "got": got,
                            "b": piece.text,
                            "true_partner": [truth_a.pieces[i].text for i in tu.a],
                            "predicted_partner": [
                                truth_a.pieces[i].text for i in sorted(pred_partner[j])
                            ],
                        },
                    )
        else:
            for i in tu.a:
                if i in wordless_a:
                    continue
                got = kind_of(unit_a[i])
                kind_right = got == "removed"
                tally.kind_n += 1
                tally.kind_ok += kind_right
                tally.confusion[("removed", got)] += not kind_right
                srcs = truth_a.pieces[i].sources
                tag = "removed-" + (dropped.get(srcs[0], "other") if srcs else "other")
                tally.by_edit[tag]["n"] += 1
                tally.by_edit[tag]["kind_error"] += not kind_right
                if not kind_right:
                    errors += 1
                    mates = {k for k, u in enumerate(unit_b) if u == unit_a[i]}
                    _example(
                        tally,
                        {tag},
                        {
                            "pair": label,
                            "want": "removed",
                            "got": got,
                            "a": truth_a.pieces[i].text,
                            "predicted_partner": [truth_b.pieces[k].text for k in sorted(mates)],
                        },
                    )

    for truth_v, assigned in ((truth_a, unit_a), (truth_b, unit_b)):
        for p, piece in enumerate(truth_v.pieces):
            u = assigned[p]
            role = None if u is None else units[u].role
            want = piece.role
            if want is not None:
                tally.by_role[want]["n"] += 1
                tally.by_role[want]["right"] += role == want
                if role != want:
                    tally.by_role[want][f"got-{role}"] += 1
            tally.role_tp += want is not None and role == want
            tally.role_fp += role is not None and role != want
            tally.role_fn += want is not None and role != want
            tally.det_tp += want is not None and role is not None
            tally.det_fp += want is None and role is not None
            tally.det_fn += want is not None and role is None
            if want is None and role is not None:
                tally.by_role["content"][f"got-{role}"] += 1
                if len(tally.failures["role-false-positive"]) < 12:
                    tally.failures["role-false-positive"].append(
                        {"pair": label, "text": piece.text, "got": role}
                    )
            elif want is not None and role != want and len(tally.failures[f"role-{want}"]) < 6:
                tally.failures[f"role-{want}"].append(
                    {"pair": label, "text": piece.text, "got": role}
                )
    tally.docs += 1
    tally.perfect += errors == 0


_DIGITS = re.compile(r"\d+(?:[.,]\d+)*")


def _fold(text: str) -> str:
    """Normalized, case- and accent-free text, thousands separators dropped."""
    decomposed = unicodedata.normalize("NFKD", normalize(text).casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r"(?<=\d),(?=\d{3})", "", plain)


def _occurs(needle: str, hay: str) -> bool:
    """Does `needle` occur in `hay` as written (folded), not inside a longer word or number?"""
    return re.search(rf"(?<![\w.]){re.escape(needle)}(?![\w]|[.,]\d)", hay) is not None


def _account_facts(pair: Pair, facts: Facts, tally: Tally) -> None:
    """Changed numbers must be listed; nothing listed as removed may occur in the new text."""
    text_a, text_b = _fold(pair.text_a), _fold(pair.text_b)
    for fact in facts.removed:
        tally.checks["removed_listed"] += 1
        tally.checks["removed_but_present"] += _occurs(_fold(fact), text_b)
    for fact in facts.added:
        tally.checks["added_listed"] += 1
        tally.checks["added_but_present"] += _occurs(_fold(fact), text_a)
    removed = " | ".join(_fold(f) for f in facts.removed)
    added = " | ".join(_fold(f) for f in facts.added)
    for piece in pair.truth_b.pieces:
        if "number" not in piece.edits:
            continue
        source = " ".join(pair.truth_b.sources[s] for s in piece.sources)
        old = Counter(_fold(n) for n in _DIGITS.findall(source))
        new = Counter(_fold(n) for n in _DIGITS.findall(piece.text))
        # A number still found elsewhere in the other version is rightly not listed.
        for number in old - new:
            if not _occurs(number, text_b):
                tally.checks["changed_old"] += 1
                listed = re.search(rf"(?<![\d.]){re.escape(number)}(?!\d)", removed) is not None
                tally.checks["changed_old_listed"] += listed
                if not listed and len(tally.failures["facts-missed"]) < 12:
                    tally.failures["facts-missed"].append({"pair": pair.label, "old": source})
        for number in new - old:
            if not _occurs(number, text_a):
                tally.checks["changed_new"] += 1
                listed = re.search(rf"(?<![\d.]){re.escape(number)}(?!\d)", added) is not None
                tally.checks["changed_new_listed"] += listed


def _similarity_bin(truth_a: Truth, ia: Sequence[int], truth_b: Truth, ib: Sequence[int]) -> str:
    """Which band of word similarity a truly reworded unit falls in."""
    a = " ".join(truth_a.pieces[i].text for i in ia)
    b = " ".join(truth_b.pieces[j].text for j in ib)
    sim = similarity(a, b)
    for edge in (0.9, 0.7, 0.5):
        if sim >= edge:
            return f"similarity>={edge}"
    return "similarity<0.5"


def _example(tally: Tally, tags: set[str], example: dict[str, Any]) -> None:
    """Keep a few failure examples per transformation, each under its first tag."""
    for tag in sorted(tags):
        if len(tally.failures[tag]) < 6:
            tally.failures[tag].append(example)
            return


def make_pairs(n_c50: int, n_bbc: int, seed: int, profile: Profile) -> list[Pair]:
    """Seeded (label, original, its truth, version, its truth) pairs from C50 and BBC."""
    pairs = []
    for corpus, n, has_title in (("c50", n_c50, False), ("bbc", n_bbc, True)):
        if n <= 0:
            continue
        articles = c50_articles() if corpus == "c50" else bbc_articles()
        articles = [(i, t) for i, t in articles if 150 <= len(t.split()) <= 1500]
        pick = random.Random(f"{seed}:{corpus}:pick")
        chosen = pick.sample(range(len(articles)), min(n, len(articles)))
        for k in chosen:
            doc_id, text = articles[k]
            rng = random.Random(f"{seed}:{corpus}:{doc_id}")
            donor = articles[rng.randrange(len(articles))][1]
            text_a, truth_a = make_version(
                text, rng, profile=ORIGINAL, donor=donor, has_title=has_title
            )
            text_b, truth_b = make_version(
                text, rng, profile=profile, donor=donor, has_title=has_title
            )
            label = f"{corpus}:{doc_id}"
            if truth_b.layout == HTML:
                doc_b = document_from_bytes(f"{label}.html", text_b.encode(), fmt="html")
                # What the extractor dropped (captions, say) is no longer in the version.
                truth_b = present_only(doc_b.text, truth_b)
            else:
                doc_b = Document(f"{label}#b", text_b)
            pairs.append(Pair(label, Document(f"{label}#a", text_a), truth_a, doc_b, truth_b))
    return pairs


def _fmt(s: dict[str, Any]) -> list[str]:
    p = s["pairs"]
    return [
        f"{p['precision']:.4f}",
        f"{p['recall']:.4f}",
        f"{p['f1']:.4f}",
        f"{s['kind_accuracy']:.4f}",
        f"{s['boilerplate_role']['f1']:.4f}",
        f"{s['boilerplate_detect']['f1']:.4f}",
        f"{s['perfect_documents']}/{s['documents']}",
        f"{s['median_ms']:.1f}",
    ]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--c50", type=int, default=300, help="pairs from Reuters C50")
    ap.add_argument("--bbc", type=int, default=300, help="pairs from BBC News")
    ap.add_argument("--layout", type=int, default=100, help="layout-only pairs (must be all same)")
    ap.add_argument("--stress", type=int, default=200, help="pairs with heavy rewording and moves")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--no-baseline", action="store_true")
    ap.add_argument("--out", type=Path, default=REPO / "out" / "eval")
    args = ap.parse_args()

    t0 = time.perf_counter()
    # Every fifth version is a whole web page, read back through the HTML extractor.
    web = (*LAYOUTS, HTML)
    pairs = make_pairs(args.c50, args.bbc, args.seed, replace(FULL, layouts=web))
    half = args.layout // 2
    layout_only = replace(LAYOUT_ONLY, layouts=web)
    layout_pairs = make_pairs(half, args.layout - half, args.seed + 1000, layout_only)
    half = args.stress // 2
    stress_pairs = make_pairs(
        half, args.stress - half, args.seed + 2000, replace(STRESS, layouts=web)
    )
    print(f"generated {len(pairs)} edited + {len(layout_pairs)} layout-only + "
          f"{len(stress_pairs)} stress pairs "
          f"in {time.perf_counter() - t0:.1f} s (seed {args.seed})")  # fmt: skip

    matchers: list[tuple[str, Matcher]] = [("redline", redline_units)]
    if not args.no_baseline:
        matchers.append(("difflib", difflib_units))
    results: dict[str, Any] = {"seed": args.seed, "pairs": len(pairs)}
    head = ["P", "R", "F1", "kind acc", "role F1", "detect F1", "perfect", "ms/pair"]
    rows = []
    for name, matcher in matchers:
        subsets = (("edited", pairs), ("layout-only", layout_pairs), ("stress", stress_pairs))
        for subset, items in subsets:
            tally = Tally()
            per_source = {"c50": Tally(), "bbc": Tally()}
            per_layout: dict[str, Tally] = defaultdict(Tally)
            for pair in items:
                source = per_source[pair.label.split(":", 1)[0]]
                score_pair(pair, matcher, [tally, source, per_layout[pair.truth_b.layout]])
            s = tally.summary()
            results[f"{name}/{subset}"] = s
            rows.append([f"{name} {subset}", *_fmt(s)])
            if subset == "stress":
                _write_failures(args.out / f"diff_failures_{name}_stress.md", name, tally)
            if subset == "edited":
                _write_failures(args.out / f"diff_failures_{name}.md", name, tally)
                by_source = {k: v.summary() for k, v in per_source.items()}
                rows.extend([f"  {k}", *_fmt(v)] for k, v in by_source.items())
                results[f"{name}/edited/by_source"] = by_source
                by_layout = {k: per_layout[k].summary() for k in sorted(per_layout)}
                rows.extend([f"  layout {k}", *_fmt(v)] for k, v in by_layout.items())
                results[f"{name}/edited/by_layout"] = by_layout
    width = max(len(r[0]) for r in rows)
    print(f"{'':{width}}  " + "  ".join(f"{h:>9}" for h in head))
    for r in rows:
        print(f"{r[0]:{width}}  " + "  ".join(f"{c:>9}" for c in r[1:]))
    for name, subset in ((m, sub) for m, _ in matchers for sub in ("edited", "stress")):
        s = results[f"{name}/{subset}"]
        print(
            f"\n{name} {subset}: errors by transformation (sentences: n, kind errors, pair errors)"
        )
        for tag, c in sorted(s["by_edit"].items(), key=lambda kv: -kv[1].get("kind_error", 0)):
            print(f"  {tag:24} {c.get('n', 0):6} {c.get('kind_error', 0):6} "
                  f"{c.get('pair_error', 0):6}")  # fmt: skip
        print(f"{name} {subset}: boilerplate by role")
        for role, c in s["by_role"].items():
            print(f"  {role:10} {dict(c)}")
        print(f"{name} {subset}: kind confusion (truth->predicted): {s['kind_confusion']}")
        print(f"{name} {subset}: pairs where a sentence is in no segment or in two: "
              f"{s['checks'].get('pairs_breaking_coverage', 0)}")  # fmt: skip
        if s["checks"].get("changed_old"):
            f = s["checks"]
            print(f"{name} {subset}: facts: changed numbers listed, old "
                  f"{f.get('changed_old_listed', 0)}/{f.get('changed_old', 0)}, new "
                  f"{f.get('changed_new_listed', 0)}/{f.get('changed_new', 0)}; listed as removed "
                  f"but present in the new text {f.get('removed_but_present', 0)}/"
                  f"{f.get('removed_listed', 0)}, as added but present in the old "
                  f"{f.get('added_but_present', 0)}/{f.get('added_listed', 0)}")  # fmt: skip
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "diff_generated.json").write_text(json.dumps(results, indent=2))
    print(f"\nwrote {args.out / 'diff_generated.json'} and failure examples in {args.out}")


def _write_failures(path: Path, name: str, tally: Tally) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [f"# {name}: failure examples by transformation\n"]
    for tag, items in sorted(tally.failures.items()):
        lines.append(f"\n## {tag}\n")
        lines.extend(
            "```json\n" + json.dumps(ex, indent=1, ensure_ascii=False) + "\n```" for ex in items
        )
    path.write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
