"""What the web UI shows of a cluster and a pair: word-level marks, furniture apart, moves."""

from __future__ import annotations

import re
from pathlib import Path

from server_helpers import Client

from redline.models import Document
from redline.server.app import create_app
from redline.store import Index

# Invented story; the syndicated copy rewords one number, moves the traders' paragraph to the
# top and carries its own byline and promo line.
TITLE = "Harbour tunnel toll to rise in May"
PARAS = [
    "The toll on the Kelvery harbour tunnel will rise from three to four crowns in May, the "
    "port authority said on Wednesday, the first increase since the tunnel opened.",
    "The authority said the money would pay for new ventilation fans and a second control room "
    "at the northern portal of the tunnel.",
    "About 21,000 vehicles use the tunnel on a weekday, most of them lorries heading for the "
    "container terminal on the eastern quay.",
    "Hauliers said the increase would add hundreds of crowns a month to the cost of each truck.",
    "Traders in the old market said they feared fewer shoppers would drive in from the islands "
    "once the new toll applied at weekends.",
]
COPY = [
    PARAS[4],
    PARAS[0].replace("four crowns", "five crowns"),
    *PARAS[1:4],
]


def _client(tmp_path: Path) -> Client:
    store = Index(tmp_path / "ui.db")
    store.add(Document(id="ledger/toll.txt", text="\n\n".join([TITLE, "By Rhona Vass", *PARAS])))
    store.add(
        Document(
            id="wire/toll.txt",
            text="\n\n".join(
                [TITLE, "By Rhona Vass, Kelvery Post", *COPY, "Read more at kelverypost.example"]
            ),
        )
    )
    return Client(create_app(store))


def _cluster_page(client: Client) -> str:
    listing = client.get("/ui/clusters").text
    cluster = re.search(r'href="/ui/clusters/([^"]+)"', listing)
    assert cluster is not None
    page = client.get(f"/ui/clusters/{cluster.group(1)}")
    assert page.status_code == 200
    return page.text


def test_cluster_collation_marks_the_changed_words(tmp_path: Path) -> None:
    page = _cluster_page(_client(tmp_path))
    story = page.split('id="collation"', 1)[1].split("</table>", 1)[0]
    # The other version's word is marked against the canonical one, never both sides.
    assert ("<mark>five</mark>" in story) != ("<mark>four</mark>" in story)
    assert story.count("<mark>") == 1


def test_cluster_furniture_stands_apart_from_the_story(tmp_path: Path) -> None:
    page = _cluster_page(_client(tmp_path))
    story = page.split('id="collation"', 1)[1].split("</table>", 1)[0]
    furniture = page.split('id="furniture"', 1)[1].split("</table>", 1)[0]
    assert "Read more at kelverypost.example" in furniture
    assert "Read more" not in story
    assert "By Rhona Vass" in furniture
    assert "By Rhona Vass" not in story


def test_a_moved_sentence_says_where_it_came_from(tmp_path: Path) -> None:
    client = _client(tmp_path)
    page = client.get("/ui/diff", params={"a": "ledger/toll.txt", "b": "wire/toll.txt"})
    assert page.status_code == 200
    row = re.search(r'<tr class="moved">(.*?)</tr>', page.text, flags=re.S)
    assert row is not None
    assert "moved from ¶" in row.group(1)
    assert "Traders in the old market" in row.group(1)
