"""The HTML report in real headless Chromium: navigation works and no payload ever runs."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from report_fixtures import build

from redline.models import Facts, Redline
from redline.report.html import to_html

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
