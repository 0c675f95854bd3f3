"""Where does the "substantially rewritten" verdict fall on real pairs?

For each pair, the share of story sentences kept (unchanged, moved as they were, or reworded
with word similarity >= LIGHT_EDIT; of the longer side) that `Redline.verdict` is read from,
and how many pairs fall below REWRITTEN_BELOW. Sets ($REDLINE_DATA): onestopenglish_rewrites
(advanced -> intermediate and intermediate -> elementary rewrites by teachers), METER
(a seeded sample of 60 newspaper articles against the first PA text of their story group), and
the edited versions in examples/. `--half dev` (every second file in sorted order, starting
with the first) is the half the threshold was chosen on; `--half test` the other.

Usage: .venv/bin/python eval/eval_verdict.py --half test
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from find_corpus import data_root

from redline.diff.redline import REWRITTEN_BELOW, compare
from redline.ingest.files import read_document
from redline.models import Verdict

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = [
    ("harbour-bridge/civic-ledger.txt", "harbour-bridge/the-coastal-post.html"),
    ("harbour-bridge/civic-ledger.txt", "harbour-bridge/bayside-wire.txt"),
    ("ferry-fares/island-herald.txt", "ferry-fares/mainland-mercury.txt"),
    ("marathon-heat/city-pulse.txt", "marathon-heat/riverside-echo.txt"),
    ("library-flood/millbrook-courier.md", "library-flood/valley-gazette.txt"),
    ("orchard-frost/aldervale-times.txt", "orchard-frost/farm-weekly.md"),
]


def _read(path: Path) -> str:
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--half", choices=("dev", "test"), default="test")
    args = parser.parse_args()
    start = 0 if args.half == "dev" else 1
    root = data_root()
    ose = sorted((root / "onestopenglish_rewrites" / "texts").glob("*-adv.txt"))[start::2]
    groups: dict[str, list[tuple[str, str]]] = {
        "onestopenglish adv->int": [
            (_read(p), _read(p.with_name(p.name.replace("-adv", "-int")))) for p in ose
        ],
        "onestopenglish int->ele": [
            (
                _read(p.with_name(p.name.replace("-adv", "-int"))),
                _read(p.with_name(p.name.replace("-adv", "-ele"))),
            )
            for p in ose
        ],
    }
    news_root = root / "meter_pa_newspapers" / "newspapers" / "rawtexts"
    pa_root = root / "meter_pa_newspapers" / "PA" / "rawtexts"
    meter = sorted(news_root.rglob("*.txt"))[start::2]
    pairs = []
    for path in random.Random(1).sample(meter, 60):
        pa_dir = pa_root / path.relative_to(news_root).parent
        pas = sorted(pa_dir.glob("*.txt")) if pa_dir.is_dir() else []
        if pas:
            pairs.append((_read(pas[0]), _read(path)))
    groups["METER PA->newspaper"] = pairs
    for name, texts in groups.items():
        _line(name, [compare(a, b).verdict for a, b in texts])
    verdicts = []
    for a, b in EXAMPLES:
        doc_a = read_document(REPO / "examples" / a)
        doc_b = read_document(REPO / "examples" / b)
        verdicts.append(compare(doc_a, doc_b).verdict)
    _line("examples (edited)", verdicts)


def _line(name: str, verdicts: list[Verdict | None]) -> None:
    kept = sorted(v.kept for v in verdicts if v is not None)
    if not kept:
        return
    n = len(kept)
    below = sum(k < REWRITTEN_BELOW for k in kept)
    print(
        f"{name:26} n={n:3}  kept: min {kept[0]:.2f}  median {kept[n // 2]:.2f}"
        f"  max {kept[-1]:.2f}  rewritten (< {REWRITTEN_BELOW}): {below}/{n}"
    )


if __name__ == "__main__":
    main()
