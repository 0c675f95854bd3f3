"""Diff speed: `redline.compare` against a difflib sentence matcher, side by side.

Version pairs are built from real Reuters articles ($REDLINE_DATA/reuters_c50_authorship,
default ../shared/data): articles are concatenated up to the target length (old version), then
the new version rewords, deletes, inserts, splits, merges and moves sentences and paragraphs
and changes the layout to one sentence per line. Both matchers get the same texts and do their
own sentence segmentation.

    python bench/bench_diff.py                  # speed table at 1k / 10k / 100k words
    python bench/bench_diff.py --sizes 1000     # one size
    python bench/bench_diff.py worst            # candidate search under stress
    python bench/bench_diff.py threshold        # how the reword threshold was chosen
    python bench/bench_diff.py stress           # growth of each stage on hostile shapes
    python bench/bench_diff.py facts            # the facts diff: postings walk vs n-gram table

Corpus text never leaves this process; only timings are printed.
"""

from __future__ import annotations

import argparse
import difflib
import gc
import itertools
import json
import os
import random
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from functools import partial
from pathlib import Path

from redline.diff.align import Unit, align, similarity
from redline.diff.redline import compare
from redline.text.normalize import normalize, words
from redline.text.segment import segment

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(os.environ.get("REDLINE_DATA", ROOT.parent / "shared" / "data"))
KINDS = ("added", "removed", "reworded")
REPEATS = {1_000: 21, 10_000: 7, 100_000: 3}


def articles() -> list[list[list[str]]]:
    """Reuters articles as paragraphs of sentences, in a fixed order."""
    folder = DATA / "reuters_c50_authorship"
    if not folder.is_dir():
        sys.exit(f"corpus not found: {folder} (set REDLINE_DATA)")
    out = []
    for path in sorted(folder.glob("C50train/*/*.txt")):
        text = path.read_text(encoding="latin-1")
        paras: dict[int, list[str]] = {}
        for s in segment(text):
            paras.setdefault(s.paragraph, []).append(s.text)
        out.append(list(paras.values()))
    return out


def reword(sentence: str, rnd: random.Random) -> str:
    """Replace, drop or add one to three words."""
    ws = sentence.split()
    for _ in range(rnd.randint(1, 3)):
        if len(ws) < 4:
            break
        k = rnd.randrange(1, len(ws) - 1)
        op = rnd.choice(("replace", "drop", "add"))
        if op == "replace":
            ws[k] = rnd.choice(("several", "officials", "reported", "sharply", "about"))
        elif op == "drop":
            del ws[k]
        else:
            ws.insert(k, rnd.choice(("also", "still", "recently", "widely")))
    return " ".join(ws)


def make_pair(pool: list[list[list[str]]], n_words: int, seed: int) -> tuple[str, str]:
    """An old text of about `n_words` words and an edited new version of it."""
    rnd = random.Random(seed)
    order = list(range(len(pool)))
    rnd.shuffle(order)
    paras: list[list[str]] = []
    count = 0
    picked = iter(order)
    while count < n_words:
        for p in pool[next(picked)]:
            paras.append(p)
            count += sum(len(s.split()) for s in p)
    spare = [s for i in itertools.islice(picked, 50) for p in pool[i] for s in p]
    old = "\n\n".join(" ".join(p) for p in paras)
    new_paras = []
    for p in paras:
        q: list[str] = []
        for s in p:
            r = rnd.random()
            if r < 0.05:
                continue  # deleted
            if r < 0.15:
                q.append(reword(s, rnd))
            elif r < 0.17 and ", " in s:
                left, right = s.split(", ", 1)
                q.extend([left + ".", right[:1].upper() + right[1:]])  # split
            else:
                q.append(s)
            if rnd.random() < 0.05:
                q.append(rnd.choice(spare))  # inserted from another article
        if q:
            new_paras.append(q)
    for _ in range(max(1, len(new_paras) // 20)):  # move paragraphs
        i, j = rnd.randrange(len(new_paras)), rnd.randrange(len(new_paras))
        new_paras.insert(j, new_paras.pop(i))
    # One sentence per line: a layout change that must not read as a change.
    new = "\n\n".join("\n".join(p) for p in new_paras)
    return old, new


def difflib_matcher(old: str, new: str) -> list[tuple[str, int, int]]:
    """The baseline: SequenceMatcher over sentences, replace blocks paired by ratio >= 0.5."""
    a = [normalize(s.text) for s in segment(old)]
    b = [normalize(s.text) for s in segment(new)]
    out: list[tuple[str, int, int]] = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            out.extend(("same", i1 + k, j1 + k) for k in range(i2 - i1))
            continue
        used: set[int] = set()
        for i in range(i1, i2):
            best, best_j = 0.5, -1
            for j in range(j1, j2):
                if j not in used:
                    ratio = difflib.SequenceMatcher(None, a[i], b[j]).ratio()
                    if ratio >= best:
                        best, best_j = ratio, j
            if best_j >= 0:
                used.add(best_j)
                out.append(("reworded", i, best_j))
            else:
                out.append(("removed", i, -1))
        out.extend(("added", -1, j) for j in range(j1, j2) if j not in used)
    return out


def redline_matcher(old: str, new: str) -> list[Unit]:
    """The same work as the baseline: segmentation and sentence alignment only."""
    return align([s.text for s in segment(old)], [s.text for s in segment(new)])


def median_ms(fn: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        gc.collect()
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1000


def peak_mib(fn: Callable[[], object]) -> float:
    gc.collect()
    tracemalloc.start()
    fn()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 2**20


def speed(sizes: list[int]) -> None:
    pool = articles()
    print(f"corpus: {len(pool)} Reuters articles from {DATA / 'reuters_c50_authorship'}")
    print()
    print(
        "| words/side | sentences old/new | compare() median | redline align median"
        " | difflib median | difflib / redline align | compare() peak MiB | difflib peak MiB"
        " | redline added/removed/moved/reworded | difflib added/removed/reworded |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for n in sizes:
        old, new = make_pair(pool, n, seed=n)
        n_words = len(words(old))
        red = compare(old, new)  # also warms caches (word folding, regexes)
        base = difflib_matcher(old, new)
        repeats = REPEATS.get(n, 3)
        t_red = median_ms(partial(compare, old, new), repeats)
        t_ali = median_ms(partial(redline_matcher, old, new), repeats)
        t_dif = median_ms(partial(difflib_matcher, old, new), repeats)
        m_red = peak_mib(partial(compare, old, new))
        m_dif = peak_mib(partial(difflib_matcher, old, new))
        counts = red.counts()
        base_counts = {k: sum(1 for kind, _, _ in base if kind == k) for k in KINDS}
        print(
            f"| {n_words:,} | {red.a.sentences:,}/{red.b.sentences:,}"
            f" | {t_red:,.1f} ms | {t_ali:,.1f} ms | {t_dif:,.1f} ms | {t_dif / t_ali:.2f}x"
            f" | {m_red:.1f} | {m_dif:.1f}"
            f" | {counts['added']}/{counts['removed']}/{counts['moved']}/{counts['reworded']}"
            f" | {base_counts['added']}/{base_counts['removed']}/{base_counts['reworded']} |"
        )


def worst() -> None:
    """Inputs that defeat exact matching: every sentence must go through candidate search."""
    pool = articles()
    old, _ = make_pair(pool, 100_000, seed=1)
    other, _ = make_pair(pool, 100_000, seed=2)
    t_red = median_ms(partial(compare, old, other), 3)
    t_ali = median_ms(partial(redline_matcher, old, other), 3)
    print(f"two unrelated ~100k-word texts: compare() {t_red:,.0f} ms, align {t_ali:,.0f} ms")
    rnd = random.Random(3)
    sents = [s.text for s in segment(old)]
    changed = [reword(s, rnd) for s in sents]
    rnd.shuffle(changed)
    t_all = median_ms(partial(align, sents, changed), 3)
    counts = {k: sum(1 for u in align(sents, changed) if u.kind == k) for k in KINDS}
    print(
        f"every sentence of ~100k words reworded and shuffled: align {t_all:,.0f} ms,"
        f" {len(sents):,} sentences, added/removed/reworded (not moved) ="
        f" {counts['added']}/{counts['removed']}/{counts['reworded']}"
    )


def threshold() -> None:
    """Scores of real human rewordings (IteraTeR) against unrelated same-document pairs."""
    rnd = random.Random(1)
    root = DATA / "iterater_human_revisions"
    positives = []
    for path in sorted((root / "human_sent_level").glob("*.json")):
        for line in path.read_text(encoding="utf-8").splitlines():
            rec = json.loads(line)
            a, b = rec["before_sent"].strip(), rec["after_sent"].strip()
            # Only one sentence before and after, and words really changed: a rewording.
            if words(a) != words(b) and len(segment(a)) == 1 and len(segment(b)) == 1:
                positives.append(similarity(a, b))
    negatives = []
    sources = [
        json.loads(line)["before_revision"]
        for path in sorted((root / "human_doc_level").glob("*.json"))
        for line in path.read_text(encoding="utf-8").splitlines()
    ]
    reuters = sorted((DATA / "reuters_c50_authorship").glob("C50train/*/*.txt"))
    sources += [p.read_text(encoding="latin-1") for p in rnd.sample(reuters, 300)]
    for text in sources:
        sents = [s.text for s in segment(text)]
        pairs = list(itertools.combinations(range(len(sents)), 2))
        for i, j in rnd.sample(pairs, min(8, len(pairs))):
            negatives.append(similarity(sents[i], sents[j]))
    print(f"{len(positives)} human rewordings (IteraTeR sentence level, words changed);")
    print(f"{len(negatives)} pairs of different sentences of one document (IteraTeR, Reuters)")
    print()
    print("| threshold | rewordings kept (recall) | unrelated pairs let through |")
    print("|---:|---:|---:|")
    for t in (0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.7):
        recall = sum(x >= t for x in positives) / len(positives)
        leak = sum(x >= t for x in negatives) / len(negatives)
        print(f"| {t:.2f} | {recall:.4f} | {leak:.4f} |")


# Hostile shapes (issue 11): each is built at three sizes, each twice the last, so a stage whose
# time grows by much more than 2x per doubling is superlinear. The text is invented.
_SENTENCE = "The ferry left the harbour at dawn today."
_WORDS = ["ferry", "harbour", "bridge", "council", "cables", "tolls", "vehicles", "morning"]


def _copies(n: int) -> str:
    """`n` copies of one 8-word sentence: every sentence short, the tail zone the whole text."""
    return " ".join([_SENTENCE] * n)


def _distinct(n: int) -> str:
    """`n` different short sentences, ten to a paragraph."""
    sents = [f"Crossing {i} carried {i % 97} {_WORDS[i % 8]} loads." for i in range(n)]
    return "\n\n".join(" ".join(sents[k : k + 10]) for k in range(0, n, 10))


def _unpunctuated(n_bytes: int) -> str:
    """One sentence of `n_bytes` bytes: words and spaces, no stop, no line break."""
    rnd = random.Random(n_bytes)
    out: list[str] = []
    size = 0
    while size < n_bytes:
        word = rnd.choice(_WORDS)
        out.append(word)
        size += len(word) + 1
    return " ".join(out)


def _once_ms(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def stress(quick: bool) -> None:
    """Time of segmentation, furniture roles and all of `compare()` as each shape doubles."""
    from redline.models import Document
    from redline.text.roles import with_roles

    cases: list[tuple[str, Callable[[int], str], tuple[int, ...]]] = [
        ("copies of one 8-word sentence", _copies, (16_000, 32_000, 64_000)),
        ("distinct short sentences", _distinct, (25_000, 50_000, 100_000)),
        ("one unpunctuated sentence, bytes", _unpunctuated, (500_000, 1_000_000, 2_000_000)),
    ]
    print("| shape | size | segment ms | roles ms | compare() vs a 1-sentence text ms |")
    print("|---|---:|---:|---:|---:|")
    for name, build, sizes in cases:
        for size in sizes[:2] if quick else sizes:
            text = build(size)
            doc = Document("a", text)
            sents = segment(text)
            t_seg = _once_ms(lambda text=text: segment(text))  # type: ignore[misc]
            t_roles = _once_ms(lambda doc=doc, sents=sents: with_roles(doc, sents))  # type: ignore[misc]
            t_cmp = _once_ms(lambda text=text: compare(text, _SENTENCE))  # type: ignore[misc]
            print(
                f"| {name} | {size:,} | {t_seg:,.0f} | {t_roles:,.0f} | {t_cmp:,.0f} |", flush=True
            )


def _shared_first_word(n: int) -> str:
    """`n` sentences, each naming a different "New ..." company: one first word, n names."""
    return " ".join(f"New Harbour{i} Lines said {i} ferries sailed." for i in range(n))


def facts_stress() -> None:
    """CPU seconds of the facts diff of a text against a light edit of itself, both counters."""
    from redline.text import facts

    cases = [
        ("distinct short sentences", _distinct),
        ("one first word, n names", _shared_first_word),
    ]
    print("| shape | sentences | postings walk s | n-gram table s |")
    print("|---|---:|---:|---:|")
    for name, build in cases:
        for n in (12_500, 25_000, 50_000, 100_000):
            a = build(n)
            b = a.replace("9 ", "8 ")
            row = []
            for limit in (10**9, facts._SHORT_POSTING):
                saved, facts._SHORT_POSTING = facts._SHORT_POSTING, limit
                facts._found_cached.cache_clear()
                facts._occurrences.cache_clear()
                facts.diff_facts(a, b)  # warm: scans cached, only counting is timed below
                facts._occurrences.cache_clear()
                start = time.process_time()
                facts.diff_facts(a, b)
                row.append(time.process_time() - start)
                facts._SHORT_POSTING = saved
            print(f"| {name} | {n:,} | {row[0]:.2f} | {row[1]:.2f} |", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "what",
        nargs="?",
        choices=("speed", "worst", "threshold", "stress", "facts"),
        default="speed",
    )
    parser.add_argument("--quick", action="store_true", help="stress: the two smaller sizes")
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    args = parser.parse_args()
    if args.what == "threshold":
        threshold()
    elif args.what == "worst":
        worst()
    elif args.what == "facts":
        facts_stress()
    elif args.what == "stress":
        stress(args.quick)
    else:
        speed(args.sizes)


if __name__ == "__main__":
    main()
