"""Do real human edits show up in a redline? IteraTeR before/after revisions.

IteraTeR-HUMAN ($REDLINE_DATA/iterater_human_revisions) pairs a document before and after a
human revision and labels every edit span with its intent (clarity, fluency, coherence, style,
meaning-changed, others). For each pair this runs `redline.compare(before, after)` and asks,
for every labelled edit, whether it lands in a segment the redline marks as changed: `reworded`,
`added`, `removed`, or `moved` with different words. An edit that touches only punctuation,
spacing or hyphenation ("large scale" -> "large-scale") leaves the words equal; by the diff
contract it belongs in `same`, so those edits are counted apart.

Also reported: how many changed segments no labelled edit touches (changes the redline shows
that the annotators did not mark).

Usage: .venv/bin/python eval/eval_iterater.py [--domains news] [--show 5]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from find_corpus import data_root

from redline.diff.redline import compare
from redline.models import Segment
from redline.text.normalize import words

REPO = Path(__file__).resolve().parent.parent


def revisions(domains: set[str]) -> Iterator[dict[str, Any]]:
    """Document-level revision pairs of the chosen domains, all splits."""
    root = data_root() / "iterater_human_revisions" / "human_doc_level"
    for split in ("train", "dev", "test"):
        with (root / f"{split}.json").open(encoding="utf-8") as f:
            for line in f:
                row = json.loads(line)
                if (row.get("domain") or "arxiv") in domains:
                    yield row


def _nonspace_positions(text: str) -> list[int]:
    return [i for i, ch in enumerate(text) if not ch.isspace()]


def edit_spans(
    row: dict[str, Any],
) -> list[tuple[dict[str, Any], tuple[int, int], tuple[int, int]]]:
    """Each edit with its span in the before text and in the after text.

    The dataset gives offsets into the before text only. Applying the edits rebuilds the after
    text up to whitespace, so after-offsets are found by counting non-space characters.
    """
    before, after = row["before_revision"], row["after_revision"]
    edits = sorted(row["edit_actions"], key=lambda e: e["start_char_pos"])
    rebuilt: list[str] = []
    spans_rebuilt = []
    pos = length = 0
    for e in edits:
        s, t = e["start_char_pos"], e["end_char_pos"]
        rebuilt.append(before[pos:s])
        length += s - pos
        new = e["after"] or ""
        spans_rebuilt.append((length, length + len(new)))
        rebuilt.append(new)
        length += len(new)
        pos = t
    rebuilt.append(before[pos:])
    text = "".join(rebuilt)
    in_after = _nonspace_positions(after)
    # Number of non-space characters before each offset of the rebuilt text.
    count = [0] * (len(text) + 1)
    for i, ch in enumerate(text):
        count[i + 1] = count[i] + (not ch.isspace())
    out = []
    for e, (rs, rt) in zip(edits, spans_rebuilt, strict=True):
        ns, nt = count[rs], count[rt]
        start = in_after[ns] if ns < len(in_after) else len(after)
        end = in_after[nt - 1] + 1 if nt > ns else start
        out.append((e, (e["start_char_pos"], e["end_char_pos"]), (start, end)))
    return out


def marked(seg: Segment) -> bool:
    """Does the redline show this segment as a change of words?"""
    if seg.kind in ("reworded", "added", "removed"):
        return True
    return seg.kind == "moved" and (seg.score or 0.0) < 1.0


def _touches(span: tuple[int, int], seg_span: tuple[int, int] | None) -> bool:
    if seg_span is None:
        return False
    s, t = span
    a, b = seg_span
    if s == t:  # an insertion point touches the sentence it falls in or borders
        return a <= s <= b
    return s < b and a < t


def _pinned(
    seg: Segment, span_a: tuple[int, int], span_b: tuple[int, int], edit: dict[str, Any]
) -> bool:
    """Is the edit inside an added/removed sentence or covered by a word-level change?"""
    if seg.kind in ("added", "removed"):
        return True
    if not marked(seg):
        return False
    for ch in seg.changes:
        on_a = (ch.a_span.start, ch.a_span.end) if ch.a_span else None
        on_b = (ch.b_span.start, ch.b_span.end) if ch.b_span else None
        if (edit["before"] and _touches(span_a, on_a)) or (
            edit["after"] and _touches(span_b, on_b)
        ):
            return True
    return False


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--domains", default="news", help="comma list of news,wiki,arxiv")
    ap.add_argument("--show", type=int, default=5, help="missed edits to print")
    ap.add_argument("--out", type=Path, default=REPO / "out" / "eval")
    args = ap.parse_args()
    domains = set(args.domains.split(","))

    by_intent: dict[str, Counter[str]] = defaultdict(Counter)
    landed: Counter[str] = Counter()
    seg_total = seg_explained = 0
    docs = 0
    missed: list[dict[str, Any]] = []
    t0 = time.perf_counter()
    for row in revisions(domains):
        docs += 1
        red = compare(row["before_revision"], row["after_revision"])
        segs = [
            (
                seg,
                (seg.a_span.start, seg.a_span.end) if seg.a_span else None,
                (seg.b_span.start, seg.b_span.end) if seg.b_span else None,
            )
            for seg in red.segments
        ]
        explained = [False] * len(segs)
        for e, span_a, span_b in edit_spans(row):
            intent = e.get("major_intent") or "none"
            wordy = words(e["before"] or "") != words(e["after"] or "")
            hits = [
                k
                for k, (_, sa, sb) in enumerate(segs)
                if (e["before"] and _touches(span_a, sa)) or (e["after"] and _touches(span_b, sb))
            ]
            for k in hits:
                explained[k] = True
            caught = any(marked(segs[k][0]) for k in hits)
            # Finer: the word-level changes of a reworded segment cover the edit itself.
            pinned = any(_pinned(segs[k][0], span_a, span_b, e) for k in hits)
            if wordy:
                by_intent[intent]["edits"] += 1
                by_intent[intent]["caught"] += caught
                by_intent["all"]["edits"] += 1
                by_intent["all"]["caught"] += caught
                by_intent[intent]["pinned"] += pinned
                by_intent["all"]["pinned"] += pinned
                kinds = {segs[k][0].kind for k in hits if marked(segs[k][0])}
                for kind in kinds:
                    landed[kind] += 1
                if not caught and len(missed) < args.show:
                    missed.append(
                        {
                            "doc": row["doc_id"],
                            "intent": intent,
                            "before": e["before"],
                            "after": e["after"],
                            "segments": [
                                {"kind": segs[k][0].kind, "a": segs[k][0].a, "b": segs[k][0].b}
                                for k in hits
                            ],
                        }
                    )
            else:
                by_intent[intent]["punct_only"] += 1
                by_intent[intent]["punct_in_same"] += not caught
                by_intent["all"]["punct_only"] += 1
                by_intent["all"]["punct_in_same"] += not caught
        for k, (seg, _, _) in enumerate(segs):
            if marked(seg):
                seg_total += 1
                seg_explained += explained[k]
    seconds = time.perf_counter() - t0

    print(f"IteraTeR-HUMAN, domains {sorted(domains)}: {docs} revision pairs, {seconds:.1f} s")
    head = ("intent", "edits", "in change", "share", "word-level", "share", "punct", "in same")
    print(f"{head[0]:16}" + "".join(f"{h:>11}" for h in head[1:]))
    for intent in sorted(by_intent, key=lambda k: (k == "all", k)):
        c = by_intent[intent]
        n = c["edits"] or 1
        cells = (c["edits"], c["caught"], f"{c['caught'] / n:.1%}", c["pinned"],
                 f"{c['pinned'] / n:.1%}", c["punct_only"], c["punct_in_same"])  # fmt: skip
        print(f"{intent:16}" + "".join(f"{x:>11}" for x in cells))
    print(f"word-changing edits by the kind of segment they landed in: {dict(landed)}")
    share = seg_explained / seg_total if seg_total else 1.0
    print(f"changed segments touched by a labelled edit: {seg_explained}/{seg_total} ({share:.1%})")
    for m in missed:
        print("missed:", json.dumps(m, ensure_ascii=False)[:600])
    args.out.mkdir(parents=True, exist_ok=True)
    result = {
        "domains": sorted(domains),
        "documents": docs,
        "by_intent": {k: dict(v) for k, v in by_intent.items()},
        "landed": dict(landed),
        "changed_segments": seg_total,
        "changed_segments_explained": seg_explained,
    }
    path = args.out / f"iterater_{'_'.join(sorted(domains))}.json"
    path.write_text(json.dumps(result, indent=2))
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
