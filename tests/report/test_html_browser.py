"""The HTML report in real headless Chromium: navigation works and no payload ever runs."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from report_fixtures import build

from redline.discover.shingle import overlap, shingles
from redline.models import Cluster, Document, Facts, Pair, Redline
from redline.report.html import to_html
from redline.report.site import write_site

pytestmark = pytest.mark.browser


@pytest.fixture
def browser_page(chromium: str) -> Iterator[tuple[Any, list[str]]]:
    """A Chromium page, and the console errors and dialogs it produced."""
    from playwright import sync_api

    problems: list[str] = []
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1200, "height": 700})
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.on("dialog", lambda d: (problems.append(f"dialog: {d.message}"), d.dismiss()))
        # Anything the page tries to load from outside is a failure of self-containment.
        page.route(
            "**/*",
            lambda r: (
                r.continue_()
                if r.request.url.startswith("file:")
                else (problems.append(f"request: {r.request.url}"), r.abort())
            ),
        )
        yield page, problems
        browser.close()


def test_jump_list_keys_and_unfolding(
    tmp_path: Path, redline: Redline, browser_page: tuple[Any, list[str]]
) -> None:
    page, problems = browser_page
    path = tmp_path / "report.html"
    path.write_text(to_html(redline), encoding="utf-8")
    page.goto(path.as_uri())

    page.click("nav#jump a[href='#c2']")
    assert page.evaluate("location.hash") == "#c2"
    assert page.locator("#c2").is_visible()

    page.keyboard.press("j")
    page.keyboard.press("j")
    assert page.evaluate("document.activeElement.id") == "c2"
    page.keyboard.press("k")
    assert page.evaluate("document.activeElement.id") == "c1"

    folded = page.locator("details.fold .row").first
    assert not folded.is_visible()
    page.click("#unfold")
    assert folded.is_visible()
    assert page.inner_text("#unfold") == "Fold unchanged text"
    assert problems == []


def test_hostile_text_never_runs(tmp_path: Path, browser_page: tuple[Any, list[str]]) -> None:
    page, problems = browser_page
    payloads = [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(2)>",
        '" onmouseover="alert(3)" x="',
        "<svg onload=alert(4)>",
    ]
    text = " ".join(f"Sentence {i} {p}." for i, p in enumerate(payloads))
    sentences = [f"Sentence {i} {p}." for i, p in enumerate(payloads)]
    redline = build(
        text,
        text.replace("Sentence 0", "Line 0"),
        [("reworded", sentences[0], sentences[0].replace("Sentence", "Line"), None)]
        + [("same", s, s, None) for s in sentences[1:]],
        titles=(payloads[0], payloads[2]),
        facts=Facts(added=(payloads[1],), removed=(payloads[3],)),
    )
    path = tmp_path / "hostile.html"
    path.write_text(to_html(redline), encoding="utf-8")
    page.goto(path.as_uri())
    page.click("#unfold")
    for row in page.locator(".row").all():
        row.hover()
    assert page.locator("img, svg").count() == 0
    assert page.title() == f"Redline: {payloads[2]}"
    assert payloads[0] in page.inner_text("header")
    assert payloads[1] in page.inner_text("main")
    assert problems == []


def _site_of_many_clusters(tmp_path: Path) -> Path:
    """A find report of 130 invented two-version clusters: dated, undated, exact copies."""
    docs: dict[str, Document] = {}
    clusters = []
    for n in range(130):
        town = f"Town{n:03d}"
        body = (
            f"The {town} council voted on Monday to rebuild the harbour wall after the storm. "
            f"Repairs in {town} will cost {n + 10} thousand crowns and take a year. "
            "Residents have asked for a footpath along the top of the new wall."
        )
        date = f"2026-{1 + n % 12:02d}-{1 + n % 28:02d}" if n % 3 else None
        a = Document(id=f"{town}/a.txt", text=f"{town} harbour wall\n\n{body}", date=date)
        exact = n % 10 == 0
        b_text = a.text if exact else a.text.replace("a year", "two years")
        b = Document(id=f"{town}/b.txt", text=b_text)
        docs[a.id], docs[b.id] = a, b
        pair = Pair(a.id, b.id, *overlap(shingles(a.text), shingles(b.text)))
        clusters.append(Cluster(f"c{n:04d}", a.id, (a.id, b.id), (pair,)))
    return write_site(tmp_path, clusters, docs.__getitem__)


def test_report_index_sorts_filters_searches_and_pages(
    tmp_path: Path, browser_page: tuple[Any, list[str]]
) -> None:
    page, problems = browser_page
    page.goto(_site_of_many_clusters(tmp_path).as_uri())
    rows = "table#clusters tbody tr:not([hidden])"
    info = page.locator("#page-info")
    assert page.locator("#controls").is_visible()  # the script ran: CSP allowed its hash
    assert info.inner_text() == "130 of 130 clusters, page 1 of 2"
    assert page.locator(rows).count() == 100
    page.click("#next")
    assert page.locator(rows).count() == 30
    assert info.inner_text() == "130 of 130 clusters, page 2 of 2"

    page.fill("#q", "town042")
    assert page.locator(rows).count() == 1
    assert "Town042 harbour wall" in page.locator(rows).first.inner_text()
    page.fill("#q", "")

    page.select_option("#sort", "newest")
    newest = page.locator(rows).first.get_attribute("data-date")
    dates = page.eval_on_selector_all(
        "table#clusters tbody tr", "rs => rs.map(r => r.dataset.date).filter(d => d)"
    )
    assert newest == max(dates)

    page.check("#hide-exact")
    assert info.inner_text().startswith("117 of 130 clusters")
    assert page.locator("table#clusters tbody tr[data-exact='1']:not([hidden])").count() == 0
    assert problems == []
