"""The cluster page's collation table as a reader meets it: titles, headers, row numbers."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

from redline.discover.shingle import overlap, shingles
from redline.models import Cluster, Document, Pair
from redline.report.site import write_site

# Invented story; each version is a plain text file with its headline on the first line and a
# byline, as `redline find` reads a folder of .txt files (no title metadata).
HEAD = "Inchmore ferry timetable cut for the winter"
BODY = [
    "The Inchmore ferry will sail four times a day from November, the operator said on Monday.",
    "The summer service ran seven crossings a day.",
    "Islanders have asked the council to keep an evening boat for shift workers.",
    "The operator blamed rising fuel costs and a shortage of deckhands.",
    "A review of the timetable is due in March.",
]


def _text(head: str, byline: str, body: list[str]) -> str:
    return "\n\n".join([head, byline, *body])


def _site(tmp_path: Path) -> str:
    docs = [
        Document(id="ferry/ledger.txt", text=_text(HEAD, "By Ailsa Brodie", BODY)),
        Document(
            id="ferry/post.txt",
            text=_text(
                "Winter cuts for the Inchmore ferry",
                "By Ailsa Brodie",
                [BODY[0], "The summer service ran nine crossings a day.", *BODY[2:]],
            ),
        ),
    ]
    a, b = docs
    pair = Pair(a.id, b.id, *overlap(shingles(a.text), shingles(b.text)))
    cluster = Cluster("c-ferry", a.id, (a.id, b.id), (pair,))
    by_id = {d.id: d for d in docs}
    write_site(tmp_path, [cluster], by_id.__getitem__)
    page = next((tmp_path / "report" / "clusters").glob("*.html"))
    return page.read_text()


def _tables(page: str) -> list[str]:
    return re.findall(r'<table class="collation">(.*?)</table>', page, flags=re.S)


def _numbers(table: str) -> list[int]:
    return [int(n) for n in re.findall(r'<td class="n">(\d+)', table)]


def _headers(table: str) -> list[str]:
    cells = re.findall(r'<th scope="col">(.*?)</th>', table, flags=re.S)
    return [" ".join(unescape(re.sub(r"<[^>]+>", " ", c)).split()) for c in cells]


def test_text_files_get_their_headline_as_column_title_and_the_path_once(tmp_path: Path) -> None:
    story = _tables(_site(tmp_path))[0]
    first, second = _headers(story)
    assert first.startswith(f"{HEAD} ferry/ledger.txt")
    assert first.count("ferry/ledger.txt") == 1
    assert second.startswith("Winter cuts for the Inchmore ferry ferry/post.txt")
    assert second.count("ferry/post.txt") == 1


def test_rows_are_numbered_one_by_one_in_each_table(tmp_path: Path) -> None:
    story, boilerplate = _tables(_site(tmp_path))
    assert _numbers(story) == list(range(1, len(BODY) + 1))
    assert _numbers(boilerplate) == list(range(1, len(_numbers(boilerplate)) + 1))
    assert len(_numbers(boilerplate)) >= 2  # the headline and the byline


def test_timeline_orders_versions_by_date_and_says_what_each_changed(tmp_path: Path) -> None:
    first = Document(id="a.txt", text=_text(HEAD, "By Ailsa Brodie", BODY), date="2026-10-02")
    second = Document(
        id="b.txt",
        text=_text(HEAD, "By Ailsa Brodie", [*BODY[:4], "The review is now due in April."]),
        date="2026-10-05",
    )
    undated = Document(id="0-undated.txt", text=_text(HEAD, "By Ailsa Brodie", BODY[:4]))
    docs = {d.id: d for d in (first, second, undated)}
    pairs = tuple(
        Pair(x.id, y.id, *overlap(shingles(x.text), shingles(y.text)))
        for x, y in ((undated, first), (first, second), (undated, second))
    )
    # The canonical version is the undated one here, so time order differs from column order.
    cluster = Cluster("c-t", undated.id, (undated.id, first.id, second.id), pairs)
    write_site(tmp_path, [cluster], docs.__getitem__)
    page = next((tmp_path / "report" / "clusters").glob("*.html"))
    html = page.read_text()
    timeline = html.split('<ol class="timeline">', 1)[1].split("</ol>", 1)[0]
    steps = re.findall(r"<li>(.*?)</li>", timeline, flags=re.S)
    ids = [re.search(r'<span class="id">([^<]+)</span>', s).group(1) for s in steps]  # type: ignore[union-attr]
    assert ids == ["a.txt", "b.txt", "0-undated.txt"]
    assert "first version" in steps[0]
    text = " ".join(unescape(re.sub(r"<[^>]+>", " ", steps[1])).split())
    assert "1 reworded" in text and "0 added" in text
    link = re.search(r'href="\.\./([^"]+)">redline against the version before', steps[1])
    assert link is not None
    assert (tmp_path / "report" / link.group(1)).is_file()
