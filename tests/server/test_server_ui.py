"""The web UI: every page renders, and no document text can inject markup or script."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote

import pytest
from invented import article, version
from server_helpers import STORIES, Client

from redline.models import Document
from redline.server.app import create_app
from redline.store import Index

SCRIPT = '<script>alert("owned")</script>'
ATTRIBUTE = '" onmouseover="alert(1)" x="'
IMG = "'><img src=x onerror=alert(2)>"
PAYLOADS = (SCRIPT, ATTRIBUTE, IMG)


@pytest.fixture
def hostile(store: Index) -> Client:
    """An index holding two versions of an article whose text, title and id carry payloads."""
    text = f"{article(800)}\n\n{SCRIPT} {ATTRIBUTE} {IMG} closing words of the invented piece."
    store.add(
        Document(id=f"evil{IMG}.txt", text=text, title=SCRIPT, url=f"https://x.example/{ATTRIBUTE}")
    )
    store.add(Document(id=f"evil-2{ATTRIBUTE}.txt", text=version(text, 1), title=ATTRIBUTE))
    return Client(create_app(store))


def _assert_clean(html: str) -> None:
    for payload in PAYLOADS:
        assert payload not in html
    assert "<script" not in html.lower()
    assert "onerror=alert" not in html.replace("onerror=alert(2)&gt;", "")
    assert 'onmouseover="alert' not in html


def test_home_page_has_the_paste_form(client: Client) -> None:
    page = client.get("/")
    assert page.status_code == 200
    assert '<textarea id="text" name="text"' in page.text
    assert 'type="file"' in page.text
    assert "9 documents" in page.text
    assert "script-src" not in page.headers["content-security-policy"]
    assert "default-src 'none'" in page.headers["content-security-policy"]


def test_pasting_a_version_lists_its_versions_and_the_redline(client: Client) -> None:
    page = client.post("/ui/query", data={"text": version(STORIES["s1v0"], 3)})
    assert page.status_code == 200
    for v in range(3):
        assert f"news/s1v{v}.txt" in page.text
    assert 'id="redline"' in page.text
    assert "<ins>" in page.text or "<del>" in page.text


def test_pasting_an_indexed_text_says_it_is_already_in_the_index(client: Client) -> None:
    page = client.post("/ui/query", data={"text": STORIES["s1v0"]})
    assert 'id="indexed-as"' in page.text
    assert "already in the index as" in page.text
    assert "news/s1v0.txt" in page.text.split('id="indexed-as"')[1].split("</p>")[0]
    page = client.post("/ui/query", data={"text": version(STORIES["s1v0"], 3)})
    assert 'id="indexed-as"' not in page.text


def test_choosing_another_version_redlines_against_it(client: Client) -> None:
    page = client.post("/ui/query", data={"text": STORIES["s1v0"], "against": "news/s1v2.txt"})
    assert "Redline: news/s1v2.txt → pasted text" in page.text


def test_uploading_a_file_works_like_pasting(client: Client) -> None:
    files = {"file": ("upload.txt", STORIES["s2v1"].encode(), "text/plain")}
    page = client.post("/ui/query", files=files, data={"text": ""})
    assert "Where upload.txt comes from" in page.text
    assert "news/s2v0.txt" in page.text


def test_a_pasted_rewrite_shows_its_source_the_verdict_and_shared_sentences(
    client: Client,
) -> None:
    from wire import REWRITE, WIRE

    client.post("/documents", json={"id": "pa/tamblyn.txt", "text": WIRE})
    page = client.post("/ui/query", data={"text": REWRITE})
    assert page.status_code == 200
    first = page.text.index('<tr class="version"')
    row = page.text[first : page.text.index("</tr>", first)]
    assert "pa/tamblyn.txt" in row
    assert "partial reuse" in row or "derived" in row
    assert 'class="evidence"' in page.text
    assert "Judge Petra Okonkwo said he had betrayed men" in page.text


def test_an_empty_paste_is_a_readable_error_page(client: Client) -> None:
    page = client.post("/ui/query", data={"text": "   "})
    assert page.status_code == 422
    assert page.headers["content-type"].startswith("text/html")
    assert "paste a text" in page.text


def test_an_unknown_text_has_no_versions(client: Client) -> None:
    page = client.post("/ui/query", data={"text": article(901)})
    assert 'id="no-versions"' in page.text


def test_clusters_by_size_and_date(client: Client) -> None:
    by_size = client.get("/ui/clusters?order=size")
    assert by_size.text.count('href="/ui/clusters/c0000') == 3
    assert client.get("/ui/clusters?order=date").status_code == 200
    assert client.get("/ui/clusters?page=0").status_code == 422


def test_cluster_page_has_the_collation_and_pair_links(client: Client) -> None:
    page = client.get("/ui/clusters/c000001")
    assert page.status_code == 200
    assert 'id="collation"' in page.text
    assert page.text.count('class="pair"') == 3
    assert "canonical" in page.text


def test_a_pair_redline_side_by_side(client: Client) -> None:
    page = client.get("/ui/diff", params={"a": "news/s0v0.txt", "b": "news/s0v2.txt"})
    assert page.status_code == 200
    assert '<tr class="added">' in page.text
    assert "<th>news/s0v0.txt</th><th>news/s0v2.txt</th>" in page.text


def test_unknown_things_are_404_pages(client: Client) -> None:
    for url in ("/ui/documents/nope", "/ui/clusters/c000404", "/ui/diff?a=nope&b=news/s0v0.txt"):
        page = client.get(url)
        assert page.status_code == 404, url
        assert page.headers["content-type"].startswith("text/html")


def test_document_page_shows_text_and_versions(client: Client) -> None:
    page = client.get("/ui/documents/news/s0v1.txt")
    assert STORIES["s0v1"].split("\n\n")[0] in page.text
    assert "news/s0v0.txt" in page.text


def test_every_page_escapes_hostile_documents(hostile: Client) -> None:
    evil, evil2 = f"evil{IMG}.txt", f"evil-2{ATTRIBUTE}.txt"
    cluster = hostile.get(f"/documents/{evil}").json()["cluster"]
    pages = [
        hostile.get("/"),
        hostile.get("/ui/clusters"),
        hostile.get("/ui/clusters?order=date"),
        hostile.get(f"/ui/clusters/{cluster}"),
        hostile.get(f"/ui/documents/{evil}"),
        hostile.get("/ui/diff", params={"a": evil, "b": evil2}),
        hostile.get("/ui/report", params={"a": evil, "b": evil2}),
        hostile.post("/ui/query", data={"text": hostile.get(f"/documents/{evil}").json()["text"]}),
        hostile.post("/ui/query", data={"text": f"{SCRIPT} {ATTRIBUTE}"}),
        hostile.get("/ui/documents/" + SCRIPT),
    ]
    for page in pages:
        assert page.status_code in (200, 404), page.url
        _assert_clean(page.text.replace("<script>\n(function", ""))  # the report's own script
    # The payload is shown to the reader as text, escaped.
    assert "&lt;script&gt;alert(&#34;owned&#34;)&lt;/script&gt;" in pages[4].text


def test_an_upload_over_the_document_limit_is_413(store: Index) -> None:
    from server_helpers import SMALL

    c = Client(create_app(store, limits=SMALL))
    files = {"file": ("big.txt", b"word " * 5000, "text/plain")}
    page = c.post("/ui/query", files=files)
    assert page.status_code == 413
    assert "cannot read big.txt: the document is 24.4 KiB, over the limit of 16.0 KiB" in page.text


def test_the_full_report_runs_only_its_own_script(client: Client) -> None:
    page = client.get("/ui/report", params={"a": "news/s0v0.txt", "b": "news/s0v2.txt"})
    assert page.status_code == 200
    policy = page.headers["content-security-policy"]
    assert "script-src 'sha256-" in policy
    assert "unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]
    assert page.text.count("<script>") == 1


def _pair_links(html: str, link: str = "pair") -> list[tuple[str, str]]:
    """(old, new) of every redline link of class `link` on a page."""
    found = re.findall(f'class="{link}" href="/ui/diff\\?a=([^&"]*)&amp;b=([^"]*)"', html)
    return [(unquote(a), unquote(b)) for a, b in found]


@pytest.mark.parametrize(
    ("first", "second", "older", "canonical"),
    [
        # Undated: the order added decides, although the later, longer one is canonical.
        ({}, {}, "early.txt", "late.txt"),
        # Only one dated: the order added decides, although the dated one is canonical.
        ({}, {"date": "2026-03-01"}, "early.txt", "late.txt"),
        # Both dated: the earlier date is the old side, whatever the order added.
        ({"date": "2026-03-02"}, {"date": "2026-03-01"}, "late.txt", "late.txt"),
    ],
)
def test_pair_pages_read_from_the_older_version_to_the_newer(
    tmp_path: Path, first: dict[str, str], second: dict[str, str], older: str, canonical: str
) -> None:
    text = article(810)
    extra = "Officials confirmed the invented bridge would reopen on the first of next month."
    with Index(tmp_path / "order.db") as store:
        store.add(Document(id="early.txt", text=text, **first))
        cluster = store.add(Document(id="late.txt", text=f"{text}\n\n{extra}", **second)).cluster
        assert cluster is not None
        assert store.cluster(cluster).canonical == canonical
        client = Client(create_app(store))
        newer = "late.txt" if older == "early.txt" else "early.txt"
        page = client.get(f"/ui/clusters/{cluster}")
        assert _pair_links(page.text) == [(older, newer)]
        for doc_id in ("early.txt", "late.txt"):
            html = client.get(f"/ui/documents/{doc_id}").text
            assert _pair_links(html, link="redline") == [(older, newer)]
        diff = client.get("/ui/diff", params={"a": older, "b": newer}).text
        counts = re.search(r'(\d+) added</span>\s*<span class="pill">(\d+) removed', diff)
        assert counts is not None
        # The sentence only late.txt has: added when it is the newer side, else removed.
        assert counts.groups() == (("1", "0") if newer == "late.txt" else ("0", "1"))
