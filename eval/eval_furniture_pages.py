"""Furniture roles on real news pages, as a reader would copy their text.

Each page's visible text is built with an HTML-to-text library that keeps block layout
(inscriptis by default; `--reader html2text` for the alternative), segmented, and every sentence
is labelled from the gold:

- `news_pages_fundus` (131 pages): body paragraphs, standfirst and section headlines are
  content; the title is title; a short sentence naming a gold author is byline; the rest of
  what the page shows is furniture.
- `news_pages_zyte_benchmark` (181 pages): articleBody is content; the page's og:title (or
  <title>) is title; the rest is furniture (no author gold: byline is not scored there).

Scored inside the article's zone: from the headline (or the first content sentence) to 12
lines past the last content sentence. Roles are mapped to four classes: content (role None),
title, byline, furniture (dateline, credit, bio, promo, other). Reported per class: precision
and recall; "content kept" is content recall, "furniture recognised" furniture recall with any
furniture role (title and byline included, since none of them is story).

Pages are split by publisher (fundus: the publisher file; zyte: the URL host) with a stable
hash into a development half (rules and thresholds were tuned on it) and a held-out half.

Usage: .venv/bin/python eval/eval_furniture_pages.py [--reader inscriptis|html2text]
       [--set fundus|zyte|both] [--zones | --learned] [--failures N]
Page text never leaves this process; only figures (and, with --failures, sentences of the
development half for the developer's eyes, never written to the repo) are printed.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import re
import sys
import unicodedata
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

from redline.diff.redline import CompareOptions, compare
from redline.ingest.files import read_document
from redline.models import Document, Role
from redline.text.facts import extract_facts, fact_key
from redline.text.learned import LearnedFurniture
from redline.text.roles import Furniture, PageFurniture, with_roles
from redline.text.segment import segment

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(os.environ.get("REDLINE_DATA", ROOT.parent / "shared" / "data"))
CLASSES = ("content", "title", "byline", "furniture")
# Lines past the last content sentence that still belong to the article's zone.
_ZONE_TAIL = 12


@dataclass(frozen=True)
class Page:
    set: str
    publisher: str
    html: str
    title: str | None
    authors: tuple[str, ...]
    content: tuple[str, ...]


def _key(text: str) -> str:
    """Letters and digits only, case folded: how gold and page text are matched."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return re.sub(r"[\W_]+", "", text)


def _half(publisher: str) -> str:
    digest = hashlib.sha256(publisher.encode()).digest()
    return "dev" if digest[0] % 2 == 0 else "held-out"


def fundus_pages() -> Iterator[Page]:
    root = DATA / "news_pages_fundus"
    for gold_path in sorted(root.glob("*/*.json")):
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        pages = sorted(gold_path.parent.glob(gold_path.stem + "_*.html.gz"))
        versions = sorted(gold)
        if len(pages) != len(versions):
            continue  # the few pages that need meta.info to pair are left out
        for page, version in zip(pages, versions, strict=True):
            g = gold[version]
            body = g.get("body") or {}
            content = list(body.get("summary") or [])
            for section in body.get("sections") or []:
                content += section.get("headline") or []
                content += section.get("paragraphs") or []
            if not content:
                continue
            yield Page(
                "fundus",
                f"{gold_path.parent.name}/{gold_path.stem}",
                gzip.decompress(page.read_bytes()).decode("utf-8", "replace"),
                g.get("title"),
                tuple(g.get("authors") or ()),
                tuple(content),
            )


def zyte_pages() -> Iterator[Page]:
    root = DATA / "news_pages_zyte_benchmark"
    gold = json.loads((root / "ground-truth.json").read_text(encoding="utf-8"))
    for page_id in sorted(gold):
        html = gzip.decompress((root / "html" / f"{page_id}.html.gz").read_bytes())
        text = html.decode("utf-8", "replace")
        host = urlparse(gold[page_id]["url"]).hostname or page_id
        host = host.removeprefix("www.")
        yield Page("zyte", host, text, _og_title(text), (), (gold[page_id]["articleBody"],))


_OG_TITLE = re.compile(
    r"<meta[^>]+property=[\"']og:title[\"'][^>]+content=[\"']([^\"']+)|<title[^>]*>([^<]+)",
    re.IGNORECASE,
)


def _og_title(html: str) -> str | None:
    import html as html_lib

    m = _OG_TITLE.search(html)
    if not m:
        return None
    return html_lib.unescape(m.group(1) or m.group(2)).strip() or None


def visible_text(html: str, reader: str) -> str:
    """The page's text as a reader would copy it, block layout kept."""
    if reader == "html2text":
        import html2text

        conv = html2text.HTML2Text()
        conv.ignore_links = True
        conv.ignore_images = True
        conv.body_width = 0
        return str(conv.handle(html))
    from inscriptis import get_text
    from inscriptis.css_profiles import CSS_PROFILES
    from inscriptis.model.config import ParserConfig

    config = ParserConfig(css=CSS_PROFILES["strict"].copy(), display_images=False)
    return str(get_text(html, config))


def gold_labels(page: Page, sentences: list[str]) -> list[str]:
    """The gold class of every sentence of the page's visible text."""
    content_key = "\n".join(_key(c) for c in page.content)
    # A short sentence is content only as a whole gold paragraph ("Wirtschaft" in a menu is
    # not content because the story uses the word); a longer one anywhere inside one.
    whole = {_key(line) for c in page.content for line in c.splitlines()}
    title_key = _key(page.title) if page.title else ""
    author_keys = [_key(a) for a in page.authors if _key(a)]
    out = []
    for text in sentences:
        k = _key(text)
        if not k:
            out.append("furniture")
        elif title_key and (k == title_key or (len(k) > 20 and k in title_key)):
            out.append("title")
        elif (len(k) >= 25 and k in content_key) or k in whole:
            out.append("content")
        elif author_keys and len(text.split()) <= 16 and any(a in k for a in author_keys):
            out.append("byline")
        else:
            out.append("furniture")
    return out


def predicted(role: Role | None) -> str:
    if role is None:
        return "content"
    if role in ("title", "byline"):
        return role
    return "furniture"


def zone(labels: list[str], lines: list[int]) -> range:
    """Indices of the sentences from the headline to 12 lines past the story's end."""
    content = [i for i, lab in enumerate(labels) if lab == "content"]
    if not content:
        return range(0)
    first = content[0]
    titles = [i for i, lab in enumerate(labels) if lab == "title" and i < first]
    start = titles[-1] if titles else first
    last_line = lines[content[-1]] + _ZONE_TAIL
    end = content[-1] + 1
    while end < len(labels) and lines[end] <= last_line:
        end += 1
    return range(start, end)


def evaluate(
    pages: list[Page], reader: str, failures: int, furniture: Furniture
) -> dict[str, dict[str, float]]:
    by_half: dict[str, Counter[tuple[str, str]]] = {"dev": Counter(), "held-out": Counter()}
    counts = Counter()
    shown = 0
    for page in pages:
        text = visible_text(page.html, reader)
        sents = segment(text)
        if not sents:
            continue
        line_starts = [m.start() for m in re.finditer(r"^", text, re.MULTILINE)]
        lines = [_line_of(line_starts, s.span.start) for s in sents]
        labels = gold_labels(page, [s.text for s in sents])
        roles = with_roles(Document(page.publisher, text), sents, furniture)
        half = _half(page.publisher)
        counts[half] += 1
        for i in zone(labels, lines):
            pred = predicted(roles[i].role)
            by_half[half][labels[i], pred] += 1
            if failures and half == "dev" and shown < failures and pred != labels[i] != "x":
                shown += 1
                print(f"  [{page.publisher}] gold={labels[i]} got={pred}: {sents[i].text[:110]!r}")
    out: dict[str, dict[str, float]] = {}
    for half, cm in by_half.items():
        row: dict[str, float] = {"pages": counts[half]}
        for c in CLASSES:
            tp = cm[c, c]
            gold_n = sum(v for (g, _), v in cm.items() if g == c)
            pred_n = sum(v for (_, p), v in cm.items() if p == c)
            row[f"{c} P"] = tp / pred_n if pred_n else float("nan")
            row[f"{c} R"] = tp / gold_n if gold_n else float("nan")
            row[f"{c} n"] = gold_n
        furn = sum(v for (g, p), v in cm.items() if g == "furniture" and p != "content")
        n_furn = sum(v for (g, _), v in cm.items() if g == "furniture")
        row["furniture recognised"] = furn / n_furn if n_furn else float("nan")
        out[half] = row
    return out


def _listed(red: object) -> list[str]:
    facts = red.facts  # type: ignore[attr-defined]
    return [*facts.added, *facts.removed, *(c.old for c in facts.changed)]


def furniture_facts(pages: list[Page], reader: str, furniture: Furniture) -> dict[str, list[int]]:
    """Per half: [pages, pages with a furniture fact, facts taken from furniture].

    Each page's text is compared with its gold story alone: a fact listed as removed (or as
    the old side of a change) that the gold story does not hold came from the page's furniture.
    """
    out = {"dev": [0, 0, 0], "held-out": [0, 0, 0]}
    opts = CompareOptions(furniture=furniture)
    for page in pages:
        story = "\n\n".join(page.content)
        red = compare(
            Document("page", visible_text(page.html, reader)), Document("gold", story), options=opts
        )
        story_keys = {fact_key(f) for f in extract_facts(story)}
        bad = [f for f in _listed(red) if fact_key(f) not in story_keys]
        row = out[_half(page.publisher)]
        row[0] += 1
        row[1] += bool(bad)
        row[2] += len(bad)
    return out


def example_furniture_facts(furniture: Furniture) -> tuple[int, int]:
    """(pairs, facts taken from furniture) over every pair of examples/ in one folder.

    A listed fact taken from furniture is one that no story sentence (role None) of the side it
    is listed for holds.
    """
    from itertools import combinations

    from redline.text.roles import document_sentences

    pairs = bad = 0
    opts = CompareOptions(furniture=furniture)
    for folder in sorted(p for p in (ROOT / "examples").iterdir() if p.is_dir()):
        docs = [read_document(f) for f in sorted(folder.iterdir())]
        for a, b in combinations(docs, 2):
            red = compare(a, b, options=opts)
            pairs += 1
            story = {
                side: {
                    fact_key(f)
                    for f in extract_facts(
                        "\n\n".join(
                            s.text for s in document_sentences(doc, furniture) if s.role is None
                        )
                    )
                }
                for side, doc in (("a", a), ("b", b))
            }
            bad += sum(fact_key(f) not in story["b"] for f in red.facts.added)
            bad += sum(fact_key(f) not in story["a"] for f in red.facts.removed)
            for c in red.facts.changed:
                bad += fact_key(c.old) not in story["a"]
                bad += fact_key(c.new) not in story["b"]
    return pairs, bad


def _line_of(line_starts: list[int], pos: int) -> int:
    from bisect import bisect_right

    return bisect_right(line_starts, pos) - 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reader", choices=("inscriptis", "html2text"), default="inscriptis")
    parser.add_argument("--set", choices=("fundus", "zyte", "both"), default="both")
    parser.add_argument("--failures", type=int, default=0)
    parser.add_argument("--zones", action="store_true", help="PageFurniture(zones=True)")
    parser.add_argument(
        "--facts", action="store_true", help="count facts taken from furniture instead"
    )
    parser.add_argument(
        "--learned", action="store_true", help="LearnedFurniture() (eval/train_furniture.py)"
    )
    args = parser.parse_args()
    if not (DATA / "news_pages_fundus").is_dir():
        sys.exit(f"corpus not found under {DATA} (set REDLINE_DATA)")
    sets = ("fundus", "zyte") if args.set == "both" else (args.set,)
    furniture: Furniture = LearnedFurniture() if args.learned else PageFurniture(zones=args.zones)
    print(
        f"reader: {args.reader}; {furniture}; zone: headline to {_ZONE_TAIL} lines past the story"
    )
    if args.facts:
        pairs, bad = example_furniture_facts(furniture)
        print(f"examples/: {pairs} pairs, {bad} facts taken from furniture")
        print()
        print("| set | half | pages | pages with a furniture fact | facts from furniture |")
        print("|---|---|---:|---:|---:|")
        for name in sets:
            pages = list(fundus_pages() if name == "fundus" else zyte_pages())
            for half, (n, n_bad, facts) in furniture_facts(pages, args.reader, furniture).items():
                print(f"| {name} | {half} | {n} | {n_bad} | {facts} |", flush=True)
        return
    print()
    print(
        "| set | half | pages | content kept (R) | content P | furniture recognised"
        " | furniture P | title R | title P | byline R | byline P | sentences c/t/b/f |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for name in sets:
        pages = list(fundus_pages() if name == "fundus" else zyte_pages())
        for half, r in evaluate(pages, args.reader, args.failures, furniture).items():
            print(
                f"| {name} | {half} | {r['pages']:.0f} | {r['content R']:.3f}"
                f" | {r['content P']:.3f}"
                f" | {r['furniture recognised']:.3f} | {r['furniture P']:.3f}"
                f" | {r['title R']:.3f} | {r['title P']:.3f} | {r['byline R']:.3f}"
                f" | {r['byline P']:.3f} | {r['content n']:.0f}/{r['title n']:.0f}"
                f"/{r['byline n']:.0f}/{r['furniture n']:.0f} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
