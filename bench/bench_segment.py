"""Compare redline's sentence segmenter with pysbd, syntok and blingfire.

Accuracy: boundary precision/recall/F1 on bench/data/segment_gold.txt (an invented set of
tricky sentences with gold boundaries), in five layouts: paragraphs (sentences joined by
spaces), one sentence per line, hard-wrapped at 70 columns, hard-wrapped at 38 columns (a
newspaper column), and hard-wrapped at every width from 30 to 100 in steps of 5 (pooled). A
boundary is the offset where a sentence starts (after the first of its case); a tool scores it
when one of its sentences starts there.

Speed: words per second on real newswire text (reuters_c50_authorship under $REDLINE_DATA,
default ../shared/data, read by path and never copied), best of --repeat runs.

    .venv/bin/python bench/bench_segment.py [--words 100000] [--repeat 3]
    .venv/bin/python bench/bench_segment.py --stages   # furniture and facts on real text

--stages also times the later text stages on the same text and counts the furniture roles
assigned to Reuters C50 (no headlines, no page furniture: every role is a false positive) and to
BBC News (line 1 of every file is the headline: it should be the only "title").
"""

from __future__ import annotations

import argparse
import itertools
import os
import sys
import textwrap
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "bench" / "data" / "segment_gold.txt"

Splitter = Callable[[str], list[int]]  # text -> sentence start offsets


def load_cases() -> list[tuple[str | None, list[str]]]:
    """(heading or None, sentences) for each case of the gold file."""
    cases: list[tuple[str | None, list[str]]] = []
    for block in GOLD.read_text(encoding="utf-8").split("\n\n"):
        lines = [ln for ln in block.splitlines() if ln.strip() and not ln.startswith("# ")]
        if not lines:
            continue
        heading = lines[0][3:] if lines[0].startswith("## ") else None
        cases.append((heading, lines[1:] if heading else lines))
    return cases


# Layout name -> wrap widths it pools (0: not wrapped).
LAYOUTS = {
    "paragraphs": (0,),
    "lines": (0,),
    "wrapped70": (70,),
    "wrapped38": (38,),
    "wrapped30-100": tuple(range(30, 101, 5)),
}


def render(
    heading: str | None, sentences: list[str], layout: str, width: int = 0
) -> tuple[str, list[int]]:
    """The case's text in `layout` and the gold start offsets of its sentences after the first."""
    if layout == "paragraphs":
        body = " ".join(sentences)
    elif layout == "lines":
        body = "\n".join(sentences)
    else:
        body = textwrap.fill(" ".join(sentences), width=width, break_long_words=False)
    text = f"{heading}\n{body}" if heading else body
    units = ([heading] if heading else []) + sentences
    starts: list[int] = []
    pos = 0
    flat = " ".join(text.split())  # the wrapped layout only turns spaces into newlines
    for unit in units:
        pos = flat.index(unit, pos)
        starts.append(pos)
        pos += len(unit)
    # Offsets in `flat` equal offsets in `text`: every whitespace run there is one character.
    assert len(flat) == len(text)
    return text, starts[1:]


def _first_visible(text: str, start: int) -> int:
    while start < len(text) and text[start].isspace():
        start += 1
    return start


def redline_splitter() -> Splitter:
    from redline.text.segment import segment

    return lambda text: [s.span.start for s in segment(text)]


def pysbd_splitter() -> Splitter:
    import pysbd

    seg = pysbd.Segmenter(language="en", clean=False, char_span=True)
    return lambda text: [_first_visible(text, s.start) for s in seg.segment(text)]


def syntok_splitter() -> Splitter:
    from syntok import segmenter

    def split(text: str) -> list[int]:
        return [sent[0].offset for para in segmenter.analyze(text) for sent in para if sent]

    return split


def blingfire_splitter() -> Splitter:
    import blingfire

    def split(text: str) -> list[int]:
        _, offsets = blingfire.text_to_sentences_and_offsets(text)
        return [_first_visible(text, start) for start, _ in offsets]

    return split


SPLITTERS: dict[str, Callable[[], Splitter]] = {
    "redline": redline_splitter,
    "pysbd": pysbd_splitter,
    "syntok": syntok_splitter,
    "blingfire": blingfire_splitter,
}


def accuracy(split: Splitter, layout: str) -> tuple[float, float, float, list[str]]:
    """Boundary precision, recall, F1 over all cases in `layout`, and the missed/extra cases."""
    tp = fp = fn = 0
    errors: list[str] = []
    for (heading, sentences), width in itertools.product(load_cases(), LAYOUTS[layout]):
        text, gold = render(heading, sentences, layout, width)
        predicted = {s for s in split(text) if s > 0}
        hits = predicted & set(gold)
        tp += len(hits)
        fp += len(predicted - hits)
        fn += len(set(gold) - hits)
        if hits != predicted or hits != set(gold):
            errors.append(text.replace("\n", " / ")[:90])
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f, errors


def real_text(n_words: int) -> str:
    """About `n_words` of Reuters C50 articles, one article after another."""
    folder = data_dir() / "reuters_c50_authorship" / "C50train"
    if not folder.is_dir():
        sys.exit(f"no corpus at {folder}: set REDLINE_DATA to the shared data folder")
    parts: list[str] = []
    count = 0
    for path in sorted(folder.glob("*/*.txt")):
        article = path.read_text(encoding="utf-8", errors="replace")
        parts.append(article)
        count += len(article.split())
        if count >= n_words:
            break
    return "\r\n\r\n".join(parts)


def data_dir() -> Path:
    return Path(os.environ.get("REDLINE_DATA", ROOT.parent / "shared" / "data"))


def stages(text: str, repeat: int) -> None:
    """Time furniture and facts on `text`; count roles on whole corpora."""
    from collections import Counter

    from redline.text.facts import diff_facts, extract_facts
    from redline.text.furniture import assign_roles
    from redline.text.segment import segment

    n_words = len(text.split())
    half = text[: len(text) // 2]
    sentences = segment(text)
    timed = {
        "segment": lambda: segment(text),
        "assign_roles": lambda: assign_roles(sentences, text),
        "extract_facts": lambda: extract_facts(text),
        "diff_facts (vs its first half)": lambda: diff_facts(text, half),
    }
    for name, run in timed.items():
        best = float("inf")
        for _ in range(repeat):
            t0 = time.perf_counter()
            run()
            best = min(best, time.perf_counter() - t0)
        print(f"{name:32} {best * 1000:8.1f} ms for {n_words:,} words")
    corpora = {
        "reuters_c50 (C50train+C50test)": sorted(
            (data_dir() / "reuters_c50_authorship").glob("C50*/*/*.txt")
        ),
        "bbc_news_fulltext": sorted((data_dir() / "bbc_news_fulltext" / "bbc").glob("*/*.txt")),
    }
    for name, paths in corpora.items():
        roles: Counter[str] = Counter()
        first_title = 0
        for path in paths:
            doc = path.read_bytes().decode("utf-8", errors="replace")
            got = assign_roles(segment(doc), doc)
            roles.update(s.role for s in got if s.role)
            first_title += bool(got) and got[0].role == "title"
        print(
            f"{name}: {len(paths)} files, roles {dict(roles)}, "
            f"first sentence is title: {first_title}"
        )


def speed(split: Splitter, text: str, repeat: int) -> tuple[float, int]:
    """Best words/s over `repeat` runs, and the sentence count."""
    n_words = len(text.split())
    best = float("inf")
    count = 0
    for _ in range(repeat):
        t0 = time.perf_counter()
        count = len(split(text))
        best = min(best, time.perf_counter() - t0)
    return n_words / best, count


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--words", type=int, default=100_000, help="words of real text for speed")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--slow-words", type=int, default=20_000, help="words for pysbd (slow)")
    ap.add_argument("--errors", action="store_true", help="print the cases each tool gets wrong")
    ap.add_argument("--stages", action="store_true", help="furniture and facts on real text")
    ap.add_argument(
        "--tools", default=",".join(SPLITTERS), help="comma-separated tools to run (default: all)"
    )
    args = ap.parse_args()
    if args.stages:
        stages(real_text(args.words), args.repeat)
        return

    layouts = tuple(LAYOUTS)
    cases = load_cases()
    n_bound = sum(len(render(h, s, "lines")[1]) for h, s in cases)
    print(f"gold: {len(cases)} cases, {n_bound} boundaries per layout ({GOLD.relative_to(ROOT)})")
    text = real_text(args.words)
    slow_text = real_text(args.slow_words)
    header = f"{'tool':10} " + " ".join(f"{lay:>19}" for lay in layouts)
    print(header + f" {'words/s':>12} {'sentences':>10}   (cells: P/R/F1)")
    for name in args.tools.split(","):
        split = SPLITTERS[name]()
        cells = []
        all_errors: list[str] = []
        for layout in layouts:
            p, r, f, errors = accuracy(split, layout)
            cells.append(f"{p:.3f}/{r:.3f}/{f:.3f}")
            all_errors += [f"[{layout}] {e}" for e in errors]
        sample = slow_text if name == "pysbd" else text
        wps, count = speed(split, sample, 1 if name == "pysbd" else args.repeat)
        note = f" (on {len(sample.split()):,} words)" if name == "pysbd" else ""
        print(
            f"{name:10} "
            + " ".join(f"{c:>19}" for c in cells)
            + f" {wps:>12,.0f} {count:>10}{note}"
        )
        if args.errors:
            for e in all_errors:
                print(f"    {e}")


if __name__ == "__main__":
    main()
