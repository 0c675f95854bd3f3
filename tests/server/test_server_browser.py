"""The web UI in real headless Chromium: paste an article, see its versions, open a redline."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from invented import version
from server_helpers import STORIES, LiveServer

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def browser(chromium: str) -> Iterator[object]:
    from playwright import sync_api

    with sync_api.sync_playwright() as pw:
        launched = pw.chromium.launch(executable_path=chromium, args=ARGS, headless=True)
        yield launched
        launched.close()


def test_paste_see_versions_open_a_redline(browser: object, live_server: LiveServer) -> None:
    page = browser.new_page()  # type: ignore[attr-defined]
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(live_server.url + "/")
    page.fill("textarea#text", version(STORIES["s2v0"], 42))
    page.click("button#find-versions")
    page.wait_for_selector("table#versions")
    rows = page.locator("table#versions tr.version")
    assert rows.count() == 3
    listed = page.inner_text("table#versions")
    for v in range(3):
        assert f"news/s2v{v}.txt" in listed
    # The redline against the best version is on the results page.
    assert page.locator("#redline").count() == 1
    assert page.locator("table.redline ins, table.redline del, table.redline tr.added").count() > 0

    # Open the cluster, then one pair's side-by-side redline.
    page.locator("table#versions tr.version a[href^='/ui/clusters/']").first.click()
    page.wait_for_selector("table#collation")
    # One column per version, after the row-number column.
    assert page.locator("table#collation thead th:not(.num)").count() == 3
    page.locator("a.pair").first.click()
    page.wait_for_selector("table.redline")
    assert page.locator("h1").inner_text().startswith("Redline:")
    changed = "table.redline tr.added, table.redline tr.removed, table.redline tr.reworded"
    assert page.locator(changed).count() >= 1
    # The full report (the page `redline diff --format html` writes) runs its own script only.
    refused: list[str] = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security" in m.text else None)
    page.click("a#full-report")
    page.wait_for_load_state("load")
    assert page.locator("script").count() == 1
    assert refused == []
    assert dialogs == []
    page.close()


def test_a_hostile_article_runs_no_script(browser: object, live_server: LiveServer) -> None:
    page = browser.new_page()  # type: ignore[attr-defined]
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    payload = '<script>alert("x")</script> "><img src=x onerror=alert(2)> ' + STORIES["s0v0"]
    page.goto(live_server.url + "/")
    page.fill("textarea#text", payload)
    page.click("button#find-versions")
    page.wait_for_selector("table#versions")
    assert page.locator("img").count() == 0
    assert '<script>alert("x")</script>' in page.inner_text("#redline ~ table.redline")
    assert dialogs == []
    page.close()


def test_api_docs_list_the_endpoints_offline(browser: object, live_server: LiveServer) -> None:
    page = browser.new_page()  # type: ignore[attr-defined]
    outside: list[str] = []
    page.on(
        "request",
        lambda r: None if r.url.startswith(live_server.url) else outside.append(r.url),
    )
    page.goto(live_server.url + "/docs")
    # Swagger UI renders one block per operation once it has read the OpenAPI document.
    page.wait_for_selector(".opblock", timeout=15_000)
    text = page.inner_text("body")
    for path in ("/documents", "/query", "/clusters", "/diff", "/health"):
        assert path in text
    assert outside == []
