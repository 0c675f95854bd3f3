"""Do real human edits of numbers, dates and names show up as fact pairs?

Two sets of human-labelled edits ($REDLINE_DATA):

- `iterater_human_revisions` (document-level before/after revisions; Wikinews, Wikipedia,
  arXiv abstracts): every labelled replace edit whose old and new words each hold a fact (a
  number, date, amount, percentage or name, as `extract_facts` reads them) with different keys
  is a *fact edit*. The redline of the whole document should show it as a pair in
  `facts.changed`.
- `arxivedits_human_edits` (sentence pairs from successive arXiv versions): the same for every
  labelled substitution.

For each fact edit: shown as a pair (old and new key both match a reported pair), shown only as
facts added/removed, or missed. A *false pair* is a reported pair that no labelled edit
explains (no edit of any type whose old words hold a word the pair lost and whose new words
hold a word it gained): a pair the annotators did not mark as an edit.
Figures per split: the pair rules were written on invented texts and checked on the train
splits; the test splits are reported as the half nobody tuned on.

Also: `--sample N` prints the fact pairs of N seeded METER (PA -> newspaper) and N
onestopenglish (advanced -> intermediate) pairs for checking by hand.

Usage: .venv/bin/python eval/eval_facts.py [--sample 10]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from find_corpus import data_root

from redline.diff.redline import compare
from redline.models import Redline
from redline.text.facts import extract_facts, fact_key
from redline.text.normalize import words


def _keys(text: str) -> set[str]:
    return {fact_key(f) for f in extract_facts(text)}


def _kind(key: str) -> str:
    return "numeric" if any(ch.isdigit() for ch in key) else "name"


def _words(text: str) -> set[str]:
    return {w.casefold().replace(",", "") for w in words(text)}


def _explained(old: str, new: str, edits: list[tuple[str, str]]) -> bool:
    """Whether a labelled edit (of any type) changed the words that differ in the pair."""
    lost, gained = _words(old) - _words(new), _words(new) - _words(old)
    return any(
        (not lost or lost & _words(a)) and (not gained or gained & _words(b)) for a, b in edits
    )


def _score(
    redline: Redline,
    edits: list[tuple[str, str]],
    tally: Counter[str],
    all_edits: list[tuple[str, str]],
) -> None:
    """Count fact edits found as pairs, as added/removed only, or missed; and false pairs.

    `edits` are the labelled replacements; `all_edits` every labelled edit, (old, new) words.
    """
    pairs = [(fact_key(c.old), fact_key(c.new)) for c in redline.facts.changed]
    listed = {fact_key(f) for f in (*redline.facts.added, *redline.facts.removed)}
    edit_keys = [(_keys(old), _keys(new)) for old, new in edits]
    for ka, kb in edit_keys:
        only_a, only_b = ka - kb, kb - ka
        if not only_a or not only_b:
            continue
        kind = _kind(next(iter(only_a)))
        tally[f"{kind} edits"] += 1
        if any(o in only_a and n in only_b for o, n in pairs):
            tally[f"{kind} as pair"] += 1
        elif only_a & listed or only_b & listed:
            tally[f"{kind} as added/removed"] += 1
        else:
            tally[f"{kind} missed"] += 1
    for change, (o, _n) in zip(redline.facts.changed, pairs, strict=True):
        kind = _kind(o)
        tally[f"{kind} pairs reported"] += 1
        if not _explained(change.old, change.new, all_edits):
            tally[f"{kind} false pairs"] += 1


def iterater(split: str) -> Iterator[tuple[str, str, list[tuple[str, str]], list[tuple[str, str]]]]:
    path = data_root() / "iterater_human_revisions" / "human_doc_level" / f"{split}.json"
    with path.open(encoding="utf-8") as f:
        for line in f:
            row = json.loads(line)
            every = [(e.get("before") or "", e.get("after") or "") for e in row["edit_actions"]]
            replaced = [
                pair for pair, e in zip(every, row["edit_actions"], strict=True) if e["type"] == "R"
            ]
            yield row["before_revision"], row["after_revision"], replaced, every


def arxivedits(
    split: str,
) -> Iterator[tuple[str, str, list[tuple[str, str]], list[tuple[str, str]]]]:
    path = data_root() / "arxivedits_human_edits" / f"{split}.json"
    rows: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    for row in rows.values():
        a, b = row["sentence-1"], row["sentence-2"]
        ta, tb = a.split(" "), b.split(" ")
        edits, every = [], []
        for edit in (row.get("edits-combination-0") or {}).values():
            ia, ib = edit.get("sentence-1-token-indices"), edit.get("sentence-2-token-indices")
            old = " ".join(ta[ia[0] : ia[1]]) if ia else ""
            new = " ".join(tb[ib[0] : ib[1]]) if ib else ""
            every.append((old, new))
            if edit.get("type") == "Substitute" and old and new:
                edits.append((old, new))
        yield a, b, edits, every


def _report(name: str, tally: Counter[str]) -> None:
    print(f"{name}:")
    for kind in ("numeric", "name"):
        n = tally[f"{kind} edits"]
        reported = tally[f"{kind} pairs reported"]
        false = tally[f"{kind} false pairs"]
        print(
            f"  {kind:8} fact edits {n:4}: as pair {tally[f'{kind} as pair']:4}"
            f"  as added/removed only {tally[f'{kind} as added/removed']:4}"
            f"  missed {tally[f'{kind} missed']:4} | pairs reported {reported:4},"
            f" false {false:4}"
        )


def _sample(n: int) -> None:
    rng = random.Random(7)
    root = data_root()
    meter = sorted((root / "meter_pa_newspapers" / "newspapers").rglob("*.txt"))
    print(f"\nMETER sample ({n} newspaper articles against their first PA text):")
    for path in rng.sample(meter, n):
        rel = path.relative_to(root / "meter_pa_newspapers" / "newspapers" / "rawtexts")
        pa_dir = root / "meter_pa_newspapers" / "PA" / "rawtexts" / rel.parent
        pas = sorted(pa_dir.glob("*.txt")) if pa_dir.is_dir() else []
        if not pas:
            continue
        red = compare(_read(pas[0]), _read(path))
        print(f"  {rel}: {list(red.facts.changed)}")
    ose = sorted((root / "onestopenglish_rewrites" / "texts").glob("*-adv.txt"))
    print(f"\nonestopenglish sample ({n} advanced -> intermediate):")
    for path in rng.sample(ose, n):
        other = path.with_name(path.name.replace("-adv.txt", "-int.txt"))
        red = compare(_read(path), _read(other))
        print(f"  {path.name}: {list(red.facts.changed)}")


def _read(path: Path) -> str:
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", type=int, default=0, help="hand-check sample size")
    args = parser.parse_args()
    for label, reader, splits in (
        ("iterater_human_revisions", iterater, ("train", "dev", "test")),
        ("arxivedits_human_edits", arxivedits, ("train", "dev", "test")),
    ):
        for split in splits:
            tally: Counter[str] = Counter()
            for a, b, edits, every in reader(split):
                _score(compare(a, b), edits, tally, every)
            _report(f"{label} {split}", tally)
    if args.sample:
        _sample(args.sample)


if __name__ == "__main__":
    main()
