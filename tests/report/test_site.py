"""The static report site of `redline find`, browsed as a user would: follow every link."""

from __future__ import annotations

import re
import shutil
import uuid
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from redline.discover.shingle import overlap, shingles
from redline.errors import ConfigError, InputError
from redline.models import Cluster, Document, Pair
from redline.report.site import write_site

# Invented story in three versions: v2 rewords one sentence, v3 drops one and adds another.
STORY = [
    "Ferry timetable cut for the winter",
    "The Inchmore ferry will sail four times a day from November, the operator said on Monday.",
    "The summer service ran seven crossings a day.",
    "Islanders have asked the council to keep an evening boat for shift workers.",
    "The operator blamed rising fuel costs and a shortage of deckhands.",
    "A review of the timetable is due in March.",
]
V2 = [*STORY]
V2[2] = "The summer service ran nine crossings a day and two at night."
V3 = [*STORY[:3], *STORY[4:], "Tickets will cost the same as last year."]

XSS = "<script>alert(1)</script>"
ATTR = '" onmouseover="x'
HOSTILE = [
    f"Council row over {XSS} signage",
    f"Critics said the new signs read {ATTR} and worse, according to residents of Dunmore.",
    "The council will meet again next week to discuss the wording of the signs in the harbour.",
    "Officials declined to say who approved the design of the signs before they went up.",
]
HOSTILE_B = [*HOSTILE[:3], f"A spokesman said {XSS} was a test of the new display system."]


def _doc(doc_id: str, sentences: list[str], **meta: str) -> Document:
    return Document(id=doc_id, text="\n\n".join(sentences), title=sentences[0], **meta)


def _pair(a: Document, b: Document) -> Pair:
    return Pair(a.id, b.id, *overlap(shingles(a.text), shingles(b.text)))


def _cluster(cid: str, docs: list[Document]) -> Cluster:
    pairs = tuple(_pair(a, b) for i, a in enumerate(docs) for b in docs[i + 1 :])
    return Cluster(cid, docs[0].id, tuple(d.id for d in docs), pairs)


@pytest.fixture
def corpus() -> tuple[list[Cluster], dict[str, Document]]:
    story = [
        _doc("ferries/ledger.txt", STORY, date="2026-10-01", url="https://ledger.example/ferry"),
        _doc("ferries/post.html", V2, url="javascript:alert(1)"),
        _doc("https://wire.example/story?id=7&x=<b>", V3),
    ]
    hostile = [
        _doc(f'x"><img src=x>{XSS}.txt', HOSTILE),
        _doc(f"{ATTR}.txt", HOSTILE_B),
    ]
    docs = {d.id: d for d in [*story, *hostile]}
    # Given smallest first: the index must put the larger cluster first anyway.
    return [_cluster("c-signs", hostile), _cluster("c-ferry", story)], docs


class _Page(HTMLParser):
    """Collects what a browser would act on: links, asset references, scripts, handlers."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.assets: list[str] = []
        self.scripts: list[str | None] = []
        self.handlers: list[str] = []
        self.classes: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(values["id"] or "")
        self.handlers += [k for k in values if k.startswith("on")]
        if tag == "script":
            self.scripts.append(values.get("src"))
        if tag == "a" and values.get("href"):
            self.links.append(values["href"] or "")
        if tag in {"img", "link", "iframe", "embed", "object", "source", "video", "audio"}:
            self.assets.append(values.get("src") or values.get("href") or tag)
        if "class" in values:
            self.classes.append(f"{tag}.{values['class']}")


def _parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def _site(tmp_path: Path, corpus: tuple[list[Cluster], dict[str, Document]], **kw: Any) -> Path:
    clusters, docs = corpus
    return write_site(tmp_path / "out", clusters, docs.__getitem__, **kw)


def test_site_has_index_cluster_pages_and_pair_pages_whose_links_all_resolve(
    tmp_path: Path, corpus: tuple[list[Cluster], dict[str, Document]]
) -> None:
    index = _site(tmp_path, corpus)
    assert index == tmp_path / "out" / "report" / "index.html"
    root = index.parent
    pages = sorted(root.rglob("*.html"))
    assert len(list((root / "clusters").iterdir())) == 2
    # Ferry: canonical against each of 2 others, plus the v2-v3 evidence pair; signs: 1 pair.
    assert len(list((root / "pairs").iterdir())) == 4
    for page in pages:
        # Ids are paths and URLs; file names must not be.
        assert re.fullmatch(r"[a-z0-9-]+\.html", page.name), page
        for link in _parse(page).links:
            if link.startswith("https://"):
                assert link == "https://ledger.example/ferry"  # the source link of a version
                continue
            assert not re.match(r"[a-z]+:", link), f"{page.name} links to {link}"
            path, _, fragment = link.partition("#")
            target = (page.parent / path).resolve() if path else page
            assert target.is_file(), f"{page.name}: broken link {link}"
            if fragment:
                assert fragment in _parse(target).ids, f"{page.name}: no anchor for {link}"
    # Every pair page is reachable from a cluster page.
    linked = {
        (root / "clusters" / link).resolve()
        for page in (root / "clusters").iterdir()
        for link in _parse(page).links
    }
    assert {p.resolve() for p in (root / "pairs").iterdir()} <= linked


def test_index_lists_clusters_largest_first_with_scores(
    tmp_path: Path, corpus: tuple[list[Cluster], dict[str, Document]]
) -> None:
    html = _site(tmp_path, corpus).read_text(encoding="utf-8")
    assert html.index("Ferry timetable cut for the winter") < html.index("Council row over")
    ferry = corpus[0][1]
    best = max(p.jaccard for p in ferry.pairs)
    worst = min(p.jaccard for p in ferry.pairs)
    assert f"{best:.3f}" in html and f"{worst:.3f}" in html


def test_no_page_loads_or_runs_anything(
    tmp_path: Path, corpus: tuple[list[Cluster], dict[str, Document]]
) -> None:
    root = _site(tmp_path, corpus).parent
    for page in root.rglob("*.html"):
        parsed = _parse(page)
        assert parsed.assets == [], f"{page.name} references {parsed.assets}"
        assert parsed.handlers == [], page.name
        # Cluster pages run nothing; a redline page and the index (its sort and search) may
        # carry their own inline script, never one loaded from elsewhere.
        assert parsed.scripts == [] or (
            (page.parent.name == "pairs" or page.name == "index.html")
            and set(parsed.scripts) == {None}
        )
        assert not re.search(r"url\(|@import", page.read_text(encoding="utf-8")), page.name


def test_hostile_text_ids_and_urls_are_escaped_everywhere(
    tmp_path: Path, corpus: tuple[list[Cluster], dict[str, Document]]
) -> None:
    root = _site(tmp_path, corpus).parent
    seen_escaped = False
    for page in root.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert XSS not in html, page.name
        assert ATTR not in html, page.name
        assert "<img src=x>" not in html, page.name
        assert "javascript:" not in " ".join(_parse(page).links), page.name
        seen_escaped |= "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    # The payloads are shown as text, not dropped.
    assert seen_escaped


def test_cluster_page_collation_marks_reworded_missing_and_added_cells(
    tmp_path: Path, corpus: tuple[list[Cluster], dict[str, Document]]
) -> None:
    root = _site(tmp_path, corpus).parent
    page = next(p for p in (root / "clusters").iterdir() if p.name.startswith("c-ferry"))
    html = page.read_text(encoding="utf-8")
    classes = _parse(page).classes
    # v2's reworded sentence, with its new words highlighted against the canonical one.
    assert classes.count("td.reworded") == 1
    assert re.search(r"<mark>nine</mark>", html)
    assert "two at night" in html
    # v3 lacks the fourth sentence; v2 and the canonical version lack v3's addition.
    assert classes.count("td.missing") == 3
    assert "Tickets will cost the same as last year." in html
    # The title row is boilerplate, shown in its own table.
    assert html.index("Boilerplate") < html.rindex("Ferry timetable cut for the winter")


def test_pair_pages_are_bounded_per_cluster(tmp_path: Path) -> None:
    base = [f"Sentence {i} of the invented report about the Inchmore ferry." for i in range(8)]
    docs = [_doc(f"copy-{k:02d}.txt", [*base, f"Copy number {k}."]) for k in range(12)]
    cluster = _cluster("big", docs)
    assert len(cluster.pairs) == 66
    index = write_site(
        tmp_path,
        [cluster],
        {d.id: d for d in docs}.__getitem__,
        max_pairs_per_cluster=5,
        max_versions=4,
    )
    assert len(list((index.parent / "pairs").iterdir())) == 5
    page = next((index.parent / "clusters").iterdir())
    html = page.read_text(encoding="utf-8")
    assert "Showing 4 of 12 versions" in html
    # All evidence is still listed, with a redline link only where a page exists.
    assert html.count('class="id">copy-') >= 66 * 2
    assert sum(link.startswith("../pairs/") for link in _parse(page).links) >= 5


def test_clusters_beyond_the_limit_are_counted_not_paged(
    tmp_path: Path, corpus: tuple[list[Cluster], dict[str, Document]]
) -> None:
    index = _site(tmp_path, corpus, max_clusters=1)
    assert len(list((index.parent / "clusters").iterdir())) == 1
    assert "1 smaller cluster (2 documents)" in index.read_text(encoding="utf-8")


def test_a_version_that_cannot_be_loaded_is_named_and_left_out(
    tmp_path: Path, corpus: tuple[list[Cluster], dict[str, Document]]
) -> None:
    clusters, docs = corpus

    def load(doc_id: str) -> Document:
        if doc_id == "ferries/post.html":
            raise InputError(doc_id, "file vanished since the run started")
        return docs[doc_id]

    root = write_site(tmp_path, clusters, load).parent
    page = next(p for p in (root / "clusters").iterdir() if p.name.startswith("c-ferry"))
    html = page.read_text(encoding="utf-8")
    assert "could not be loaded" in html
    assert "file vanished since the run started" in html
    assert "nine crossings" not in html


def test_a_rerun_replaces_the_site_and_an_interrupted_run_leaves_nothing(
    tmp_path: Path, corpus: tuple[list[Cluster], dict[str, Document]]
) -> None:
    clusters, docs = corpus
    root = write_site(tmp_path, clusters, docs.__getitem__).parent
    write_site(tmp_path, clusters[1:], docs.__getitem__)
    assert len(list((root / "clusters").iterdir())) == 1  # no stale page from the first run

    def interrupted(doc_id: str) -> Document:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write_site(tmp_path / "second", clusters, interrupted)
    assert list((tmp_path / "second").iterdir()) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report", "second"]


def test_limits_below_one_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="max_pairs_per_cluster must be at least 1, got 0"):
        write_site(tmp_path, [], lambda doc_id: Document(doc_id, ""), max_pairs_per_cluster=0)


def test_an_empty_collection_still_gets_an_index(tmp_path: Path) -> None:
    index = write_site(tmp_path, [], lambda doc_id: Document(doc_id, ""))
    assert "0 clusters of versions" in index.read_text(encoding="utf-8")


@pytest.mark.browser
def test_a_reader_browses_from_the_index_to_a_redline_in_chromium(
    tmp_path: Path, corpus: tuple[list[Cluster], dict[str, Document]]
) -> None:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.skip("headless Chromium is not installed (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    index = _site(tmp_path, corpus)
    errors: list[str] = []
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        page = browser.new_page()
        page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
        page.on("dialog", lambda dialog: errors.append(f"dialog: {dialog.message}"))
        page.goto(index.as_uri())
        page.click("text=Ferry timetable cut for the winter")
        assert page.locator("td.reworded mark", has_text="nine").count() == 1
        rows = page.locator("table.collation").first.locator("tbody tr")
        unchanged = page.locator("table.collation").first.locator("tbody tr.unchanged")
        assert unchanged.count() > 0 and unchanged.first.is_visible()
        page.check("#changed")
        assert not unchanged.first.is_visible()
        assert rows.filter(has_text="nine crossings").first.is_visible()
        # The column heading of the second version opens its redline against the canonical one.
        page.locator('table.collation th a[href^="../pairs/"]').first.click()
        assert "pairs/" in page.url
        assert "nine crossings" in page.content()
        page.click("nav >> text=cluster c-ferry")
        assert page.locator("h1").inner_text() == "Ferry timetable cut for the winter"
        page.goto(index.as_uri())
        page.click("text=Council row over")
        assert page.locator("h1").inner_text() == f"Council row over {XSS} signage"
        browser.close()
    assert errors == []


def test_long_texts_get_fewer_collation_columns(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    base = [f"Sentence {i} of the invented report about the Inchmore ferry." for i in range(10)]
    docs = [_doc(f"copy-{k}.txt", [*base, f"Copy number {k}."]) for k in range(6)]
    monkeypatch.setattr("redline.report.site.MAX_CELLS", 33)  # 11 sentences: room for 3 columns
    index = write_site(tmp_path, [_cluster("long", docs)], {d.id: d for d in docs}.__getitem__)
    html = next((index.parent / "clusters").iterdir()).read_text(encoding="utf-8")
    assert "Showing 3 of 6 versions (3 more not shown)" in html


def test_when_the_canonical_version_cannot_be_loaded_the_next_one_leads_the_table(
    tmp_path: Path, corpus: tuple[list[Cluster], dict[str, Document]]
) -> None:
    clusters, docs = corpus

    def load(doc_id: str) -> Document:
        if doc_id == "ferries/ledger.txt":
            raise OSError(f"[Errno 2] No such file or directory: {doc_id!r}")
        return docs[doc_id]

    root = write_site(tmp_path, clusters, load).parent
    page = next(p for p in (root / "clusters").iterdir() if p.name.startswith("c-ferry"))
    html = page.read_text(encoding="utf-8")
    assert "No such file or directory" in html
    # post.html leads: the wire version lacks its fourth sentence and rewords its third.
    assert _parse(page).classes.count("td.reworded") == 1
    assert "<mark>seven</mark>" in html


def test_worker_processes_write_the_same_site(
    tmp_path: Path, corpus: tuple[list[Cluster], dict[str, Document]]
) -> None:
    done: list[tuple[int, int]] = []
    one = _site(tmp_path / "one", corpus).parent
    two = _site(tmp_path / "two", corpus, jobs=2, progress=lambda *a: done.append(a)).parent
    files = sorted(p.relative_to(one) for p in one.rglob("*.html"))
    assert files == sorted(p.relative_to(two) for p in two.rglob("*.html"))
    for name in files:
        assert (one / name).read_bytes() == (two / name).read_bytes(), name
    assert done == [(1, 2), (2, 2)]


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.text(min_size=1, max_size=30), min_size=2, max_size=3, unique=True))
@example(["../../etc/passwd", "\ud800 lone surrogate", "a\x00b"])
@example(["https://news.example/a?b=1", f"{ATTR}{XSS}"])
def test_any_ids_give_safe_file_names_and_a_complete_site(tmp_path: Path, ids: list[str]) -> None:
    # Ids as JSONL can carry them: slashes, dots, NUL, markup, lone surrogates.
    docs = [_doc(doc_id, [*STORY[:3], f"Filed as {doc_id}."]) for doc_id in ids]
    out = tmp_path / uuid.uuid4().hex
    index = write_site(out, [_cluster(ids[0], docs)], {d.id: d for d in docs}.__getitem__)
    pages = [p for p in index.parent.rglob("*") if p.is_file()]
    assert len(pages) == 2 + len(ids) - 1 + (1 if len(ids) == 3 else 0)
    for page in pages:
        assert re.fullmatch(r"[a-z0-9-]+\.html", page.name), page
        assert page.parent in {index.parent, index.parent / "clusters", index.parent / "pairs"}


def test_untitled_versions_are_named_by_their_first_line(tmp_path: Path) -> None:
    long_line = " ".join(["The Inchmore ferry timetable will change again next month"] * 3)
    docs = [
        Document(f"{k}", "\n\n".join([long_line, *STORY[1:]]), title=None) for k in ("17", "42")
    ]
    index = write_site(tmp_path, [_cluster("c", docs)], {d.id: d for d in docs}.__getitem__)
    html = index.read_text(encoding="utf-8")
    assert (
        ">The Inchmore ferry timetable will change again next month The Inchmore ferry timetable…<"
        in html
    )
