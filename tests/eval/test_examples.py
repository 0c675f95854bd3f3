"""The sample corpus in examples/: what `make demo` and a first-time user see."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from redline.diff.redline import compare
from redline.discover.shingle import overlap, shingles
from redline.discover.verify import Thresholds
from redline.ingest.files import read_document
from redline.models import Redline

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
FILES = sorted(p for p in EXAMPLES.rglob("*") if p.is_file() and p.name != "README.md")
PAGES = [p for p in FILES if p.suffix == ".html"]
STORIES = sorted(p for p in EXAMPLES.iterdir() if p.is_dir() and p.name != "unrelated")


def _id(path: Path) -> str:
    return str(path.relative_to(EXAMPLES))


def test_corpus_has_the_promised_shape() -> None:
    assert len(STORIES) >= 5
    for story in STORIES:
        assert 2 <= len(list(story.iterdir())) <= 4, story.name
    assert 4 <= len(list((EXAMPLES / "unrelated").iterdir())) <= 6
    assert {p.suffix for p in FILES} == {".txt", ".md", ".html"}


@pytest.mark.parametrize("path", FILES, ids=_id)
def test_every_example_reads_as_an_article(path: Path) -> None:
    doc = read_document(path)
    assert 300 <= len(doc.text.split()) <= 700


@pytest.mark.parametrize("path", PAGES, ids=_id)
def test_html_pages_keep_title_and_drop_page_chrome(path: Path) -> None:
    raw = path.read_text(encoding="utf-8")
    h1 = re.search(r"<h1>(.*?)</h1>", raw, re.S)
    assert h1 is not None
    title = html.unescape(h1.group(1)).strip()
    doc = read_document(path)
    assert doc.title == title
    assert doc.text.startswith(title)
    for chrome in ("cookie", "Advertisement", "ADVERTISEMENT", "©", "Privacy"):
        assert chrome not in doc.text, chrome


@pytest.fixture(scope="module")
def harbour() -> Redline:
    return compare(
        read_document(EXAMPLES / "harbour-bridge" / "civic-ledger.txt"),
        read_document(EXAMPLES / "harbour-bridge" / "the-coastal-post.html"),
    )


def _segments(red: Redline, kind: str, words: str) -> list[str]:
    return [
        (s.a or "") + (s.b or "")
        for s in red.segments
        if s.kind == kind and words in (s.a or "") + (s.b or "")
    ]


def test_demo_pair_shows_the_edits_the_readme_lists(harbour: Redline) -> None:
    # Each line below is an edit examples/README.md says was made.
    assert _segments(harbour, "moved", "Nobody is going to sit in traffic")
    assert _segments(harbour, "added", "expected to finish ahead of schedule")
    assert _segments(harbour, "removed", "opened in 1964")
    assert _segments(harbour, "reworded", "4.5 million crowns")
    pairs = {(c.old, c.new): c.context for c in harbour.facts.changed}
    assert pairs[("4.2 million", "4.5 million")] == "crowns"
    assert pairs[("18,000", "18,500")] == "vehicles a day"
    assert pairs[("four", "five")] == "suspension cables"


def test_demo_pair_sets_furniture_apart(harbour: Redline) -> None:
    roles = {(s.b or s.a or "")[:24]: s.boilerplate for s in harbour.segments}
    assert roles["Click here to get The Co"] == "promo"
    assert roles["Read more: Selby Street "] == "promo"
    assert roles["Marta Ellingsen is a tra"] == "bio"
    assert "Port Calloway's Harbour " in roles
    assert roles["Port Calloway's Harbour "] == "title"


def test_unrelated_articles_share_no_passage_with_the_stories() -> None:
    stories = [read_document(p).text for p in FILES if "unrelated" not in p.parts]
    for path in (EXAMPLES / "unrelated").iterdir():
        mine = shingles(read_document(path).text)
        for text in stories:
            jaccard, _, _ = overlap(mine, shingles(text))
            assert jaccard < 0.02, path.name


ORIGINALS = {
    "harbour-bridge": "civic-ledger.txt",
    "library-flood": "millbrook-courier.md",
    "ferry-fares": "island-herald.txt",
    "orchard-frost": "aldervale-times.txt",
    "marathon-heat": "riverside-echo.txt",
}


@pytest.mark.parametrize("story", STORIES, ids=lambda p: p.name)
def test_every_version_is_close_enough_for_find_defaults(story: Path) -> None:
    # `make demo` runs `redline find examples` with its defaults: each version must pass them
    # against its original, or the demo shows a story split in two.
    defaults = Thresholds()
    original = shingles(read_document(story / ORIGINALS[story.name]).text)
    for path in sorted(story.iterdir()):
        if path.name == ORIGINALS[story.name]:
            continue
        jaccard, a_in_b, b_in_a = overlap(original, shingles(read_document(path).text))
        contained = defaults.containment is not None and max(a_in_b, b_in_a) >= defaults.containment
        assert jaccard >= defaults.jaccard or contained, path.name


# (old, new, kind, words of the sentence): one line per edit examples/README.md documents.
DOCUMENTED_EDITS = [
    ("harbour-bridge/civic-ledger.txt", "harbour-bridge/bayside-wire.txt", "removed",
     "We did not take this decision lightly"),
    ("harbour-bridge/civic-ledger.txt", "harbour-bridge/bayside-wire.txt", "removed",
     "a clean bill of health"),
    ("library-flood/millbrook-courier.md", "library-flood/valley-gazette.txt", "moved",
     "lending library and children's room will reopen"),
    ("library-flood/millbrook-courier.md", "library-flood/valley-gazette.txt", "added",
     "A previous flood in the library's basement"),
    ("library-flood/millbrook-courier.md", "library-flood/valley-gazette.txt", "reworded",
     "1,300 boxes"),
    ("library-flood/millbrook-courier.md", "library-flood/northfield-daily.html", "moved",
     "had formed a human chain up the basement stairs"),
    ("library-flood/millbrook-courier.md", "library-flood/northfield-daily.html", "added",
     "all but about 90 boxes"),
    ("library-flood/millbrook-courier.md", "library-flood/northfield-daily.html", "removed",
     "Donations can be made"),
    ("ferry-fares/island-herald.txt", "ferry-fares/mainland-mercury.txt", "moved",
     "is being built at a yard in"),
    ("ferry-fares/island-herald.txt", "ferry-fares/mainland-mercury.txt", "reworded",
     "420,000 passengers"),
    ("ferry-fares/island-herald.txt", "ferry-fares/mainland-mercury.txt", "removed",
     "drop-in sessions"),
    ("ferry-fares/island-herald.txt", "ferry-fares/skerrin-voice.md", "added",
     "public meeting in Portnacrish village hall"),
    ("ferry-fares/island-herald.txt", "ferry-fares/skerrin-voice.md", "removed",
     "A family of four with a car"),
    ("orchard-frost/aldervale-times.txt", "orchard-frost/farm-weekly.md", "reworded",
     "48 hectares"),
    ("orchard-frost/aldervale-times.txt", "orchard-frost/farm-weekly.md", "added",
     "Crop insurance is rare"),
    ("orchard-frost/aldervale-times.txt", "orchard-frost/farm-weekly.md", "removed",
     "Plums and cherries"),
    ("orchard-frost/aldervale-times.txt", "orchard-frost/regional-observer.html", "moved",
     "every flower you cut open is brown"),
    ("orchard-frost/aldervale-times.txt", "orchard-frost/regional-observer.html", "reworded",
     "1,200 seasonal pickers"),
    ("orchard-frost/aldervale-times.txt", "orchard-frost/regional-observer.html", "removed",
     "Pears, which flowered slightly later"),
    ("marathon-heat/riverside-echo.txt", "marathon-heat/city-pulse.txt", "added",
     "Marek Zielinski"),
    ("marathon-heat/riverside-echo.txt", "marathon-heat/city-pulse.txt", "moved",
     "sent an email to all entrants on Friday"),
    ("marathon-heat/riverside-echo.txt", "marathon-heat/city-pulse.txt", "removed",
     "colour-coded flag system"),
    ("marathon-heat/riverside-echo.txt", "marathon-heat/the-sports-desk.html", "added",
     "Joel Kiprotich"),
    ("marathon-heat/riverside-echo.txt", "marathon-heat/the-sports-desk.html", "removed",
     "Ravi Menon"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("old", "new", "kind", "words"),
    DOCUMENTED_EDITS,
    ids=[f"{n.split('/')[1]}-{k}-{w[:20]}" for _, n, k, w in DOCUMENTED_EDITS],
)
def test_redline_shows_each_documented_edit(old: str, new: str, kind: str, words: str) -> None:
    red = compare(read_document(EXAMPLES / old), read_document(EXAMPLES / new))
    assert _segments(red, kind, words), f"{kind}: {words}"
