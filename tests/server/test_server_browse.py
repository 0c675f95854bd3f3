"""Browsing clusters like a data browser: sort, hide exact copies, search, pages (issue 10).

Over a real socket (`redline serve` in its own process) and in headless Chromium.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from conftest import serving
from invented import article, version
from server_helpers import LiveServer
from test_server_browser import ARGS

from redline.models import Document
from redline.store import Index

HARBOUR = article(101)
KEEPERS = article(202) + "\n\nThe quayside vigil ended at dawn near Marrowby."
FERRY = article(303)


def _fill(db: Path) -> None:
    with Index(db) as index:
        # Much reworded: the least similar cluster.
        index.add(Document("harbour/a.txt", HARBOUR, title="Harbour pier closes"))
        index.add(
            Document("harbour/b.txt", version(HARBOUR, 7, edits=5), title="Harbour pier closes")
        )
        index.add(Document("keepers/a.txt", KEEPERS, title="Keepers march"))
        index.add(Document("keepers/b.txt", version(KEEPERS, 8, edits=1), title="Keepers march"))
        # Exact copies under two names.
        index.add(Document("ferry/a.txt", FERRY, title="Ferry timetable"))
        index.add(Document("ferry/b.txt", FERRY, title="Ferry timetable"))


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    db = tmp_path_factory.mktemp("browse") / "browse.db"
    _fill(db)
    with serving(db) as live:
        yield live


def _listing(server: LiveServer, **params: object) -> dict[str, object]:
    r = httpx.get(f"{server.url}/clusters", params=params, timeout=30)  # type: ignore[arg-type]
    assert r.status_code == 200, r.text
    body: dict[str, object] = r.json()
    return body


def _titles(body: dict[str, object]) -> list[str]:
    return [c["title"] for c in body["clusters"]]  # type: ignore[attr-defined, index]


def test_sort_by_similarity_puts_the_most_changed_first(server: LiveServer) -> None:
    body = _listing(server, order="similarity")
    clusters = body["clusters"]
    assert [c["title"] for c in clusters] == [  # type: ignore[attr-defined]
        "Harbour pier closes",
        "Keepers march",
        "Ferry timetable",
    ]
    sims = [c["similarity"] for c in clusters]  # type: ignore[attr-defined]
    assert sims[0] < sims[1] < 1.0 == sims[2]
    assert [c["exact"] for c in clusters] == [False, False, True]  # type: ignore[attr-defined]
    # The figure listed is the cluster's own lowest pair.
    first = httpx.get(f"{server.url}/clusters/{clusters[0]['id']}", timeout=30).json()  # type: ignore[index]
    assert sims[0] == round(min(p["jaccard"] for p in first["pairs"]), 4)


def test_hide_exact_copies(server: LiveServer) -> None:
    body = _listing(server, hide_exact="true")
    assert body["total"] == 2
    assert "Ferry timetable" not in _titles(body)
    assert _listing(server)["total"] == 3


def test_search_titles_and_texts(server: LiveServer) -> None:
    # A word only in a title, a word only in one story's text, and two words that must both be.
    assert _titles(_listing(server, q="harbour")) == ["Harbour pier closes"]
    assert _titles(_listing(server, q="Marrowby")) == ["Keepers march"]
    assert _titles(_listing(server, q="quayside marrowby")) == ["Keepers march"]
    assert _listing(server, q="quayside harbour")["total"] == 0
    # Search syntax is not passed through: quotes and operators are words or nothing.
    assert _listing(server, q='"ferry" OR NEAR(*')["total"] == 0
    assert _titles(_listing(server, q="ferry", hide_exact="1")) == []


def test_pages_cover_every_cluster_once(server: LiveServer) -> None:
    seen = []
    for offset in range(3):
        body = _listing(server, order="date", limit=1, offset=offset)
        assert body["total"] == 3
        seen += [c["id"] for c in body["clusters"]]  # type: ignore[attr-defined]
    assert len(set(seen)) == 3
    assert _listing(server, limit=1, offset=3)["clusters"] == []
    too_big = httpx.get(f"{server.url}/clusters", params={"limit": 501}, timeout=30)
    assert too_big.status_code == 422


@pytest.mark.browser
@pytest.mark.slow
def test_browse_in_a_browser(chromium: str, server: LiveServer) -> None:
    from playwright import sync_api

    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=ARGS, headless=True)
        page = browser.new_page()
        page.goto(server.url + "/ui/clusters")
        rows = page.locator("table#clusters tbody tr")
        assert rows.count() == 3
        assert "exact copies" in page.inner_text("table#clusters")

        page.click("text=by similarity")
        page.wait_for_url("**order=similarity**")
        first = page.locator("table#clusters tbody tr").first.inner_text()
        assert "Harbour pier closes" in first

        page.check("input[name=hide_exact]")
        page.click("#browse button")
        page.wait_for_url("**hide_exact=1**")
        assert page.locator("table#clusters tbody tr").count() == 2
        assert "Ferry timetable" not in page.inner_text("table#clusters")
        # The sort chosen before survives filtering.
        assert page.locator("h1").inner_text().endswith("by similarity")

        page.fill("input[name=q]", "marrowby")
        page.click("#browse button")
        page.wait_for_url("**q=marrowby**")
        assert page.locator("table#clusters tbody tr").count() == 1
        assert "Keepers march" in page.inner_text("table#clusters")
        assert "1 clusters matching" in page.inner_text("main")
        browser.close()
