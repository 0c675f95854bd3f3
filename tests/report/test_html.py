"""The HTML report: one self-contained page where document text can never become markup."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from report_fixtures import build

from redline.models import Facts, Redline
from redline.report.html import to_html

SCRIPT = "<script>alert(1)</script>"
ATTR = '" onmouseover="alert(2)" x="'
IMG = "<img src=x onerror=alert(3)>"


class Page(HTMLParser):
    """Every start tag with its attributes, and the text of <script> elements."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts.append(data)


def parse(page: str) -> Page:
    parser = Page()
    parser.feed(page)
    return parser


def hostile() -> Redline:
    """Payloads in sentences, word-level edits, titles and facts."""
    old = f"Old text {SCRIPT} here. Second {IMG} sentence. Gone {SCRIPT}."
    new = f"New text {SCRIPT} here{ATTR}. Second {IMG} sentence. Fresh {IMG}{ATTR}."
    first_a, first_b = old[: old.index(" Second")], new[: new.index(" Second")]
    second = f"Second {IMG} sentence."
    return build(
        old,
        new,
        [
            ("reworded", first_a, first_b, None),
            ("same", second, second, None),
            ("removed", f"Gone {SCRIPT}.", None, None),
            ("added", None, f"Fresh {IMG}{ATTR}.", "promo"),
        ],
        titles=(f"Title {SCRIPT}", f"Title{ATTR}"),
        facts=Facts(added=(SCRIPT,), removed=(ATTR,)),
    )


def test_every_piece_of_document_text_is_escaped() -> None:
    page = to_html(hostile())
    assert SCRIPT not in page
    assert "<img" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    parsed = parse(page)
    # Only the page's own script element, and no attribute a document could have injected.
    assert [t for t, _ in parsed.tags].count("script") == 1
    for tag, attrs in parsed.tags:
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
        assert tag != "img"
    assert "alert" not in "".join(parsed.scripts)


def test_titles_are_escaped_in_title_and_heading() -> None:
    page = to_html(hostile())
    title = re.search(r"<title>(.*?)</title>", page, re.DOTALL)
    assert title is not None
    # The new version's title names the page; both titles are in the summary table.
    assert title.group(1) == "Redline: Title&#34; onmouseover=&#34;alert(2)&#34; x=&#34;"
    assert "<td>Title &lt;script&gt;alert(1)&lt;/script&gt;</td>" in page


def test_page_is_self_contained(redline: Redline) -> None:
    page = to_html(redline)
    parsed = parse(page)
    for tag, attrs in parsed.tags:
        for name in ("src", "href"):
            value = attrs.get(name) or ""
            assert not value.startswith(("http:", "https:", "//")), (tag, attrs)
        assert not (tag == "link" and attrs.get("rel") == "stylesheet")
    assert "<style>" in page
    assert "@import" not in page


def test_side_by_side_with_word_level_highlights(redline: Redline) -> None:
    page = to_html(redline)
    assert "Fares will rise by <del>10</del>% from April 1.</div>" in page
    assert (
        "Fares will rise by <ins>12</ins>% from April 1<ins>, the operator Blue Water Lines "
        "said</ins>.</div>" in page
    )
    assert '<div class="cell a empty"></div>' in page  # an added sentence has no old side


def test_jump_list_links_to_every_change(redline: Redline) -> None:
    parsed = parse(to_html(redline))
    ids = {attrs["id"] for _, attrs in parsed.tags if attrs.get("id")}
    links = [
        attrs["href"]
        for tag, attrs in parsed.tags
        if tag == "a" and attrs.get("href") and attrs.get("class") != "link"
    ]
    changes = sum(1 for s in redline.segments if s.kind != "same")
    assert len(links) == changes == 6
    assert all(href is not None and href[1:] in ids for href in links)


def test_every_sentence_has_an_anchor_and_a_link_to_itself(redline: Redline) -> None:
    parsed = parse(to_html(redline))
    rows = [a for tag, a in parsed.tags if tag == "div" and "row" in (a.get("class") or "").split()]
    permalinks = [a["href"] for tag, a in parsed.tags if tag == "a" and a.get("class") == "link"]
    assert len(rows) == len(redline.segments)
    assert permalinks == [f"#{row['id']}" for row in rows]
    assert len(set(permalinks)) == len(permalinks)


def test_pages_follow_a_dark_colour_scheme(redline: Redline) -> None:
    page = to_html(redline)
    assert "@media (prefers-color-scheme: dark)" in page
    assert "color-scheme: light dark" in page


def test_unchanged_runs_fold_behind_details(redline: Redline) -> None:
    page = to_html(redline)
    assert '<details class="fold"><summary>… 3 unchanged sentences …</summary>' in page
    assert "Unions were not consulted." in page  # folded, not dropped


def test_summary_is_on_the_page(redline: Redline) -> None:
    page = to_html(redline)
    assert "50% shared (Jaccard) · 80% of old is in new · 65% of new is in old" in page
    assert '<span class="fact-added">Blue Water Lines</span>' in page


def test_a_rewritten_pair_shows_old_and_new_text_blocks() -> None:
    from redline.diff.redline import compare

    old = "The board met on Monday about fares. Members agreed to a rise.\n\nThe pier will wait."
    new = "Fares go up, a meeting decided this week.\n\nNobody on the board objected at all."
    page = to_html(compare(old, new))
    assert "Substantially rewritten: 0% of the story&#39;s sentences kept" in page
    block = page[page.index('id="rewritten"') :]
    assert "<p>The board met on Monday about fares. Members agreed to a rise.</p>" in block
    assert "<p>Nobody on the board objected at all.</p>" in block
    assert "<del>" not in block and "<ins>" not in block
