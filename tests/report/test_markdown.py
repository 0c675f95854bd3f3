"""The Markdown report: pasted into a ticket, it must render the edits and nothing else."""

from __future__ import annotations

from report_fixtures import build

from redline.models import Redline
from redline.report.markdown import to_markdown


def test_summary_table_and_changes_list(redline: Redline) -> None:
    md = to_markdown(redline)
    assert md.startswith("## Redline: `old.txt` → `new.txt`\n")
    assert "| Changes | 1 reworded · 1 moved · 1 added · 1 removed · 5 unchanged |" in md
    assert "### What changed\n\n- **Facts added:** 12%, Blue Water Lines\n" in md
    assert (
        "- **~ reworded**: Fares will rise by ~~10~~ **12**% from April 1"
        "**, the operator Blue Water Lines said**." in md
    )
    assert "- **+ added**: A petition has 2,000 signatures." in md
    assert "- **− removed**: ~~Others will drive.~~" in md
    assert "- **> moved** (from ¶2, sentence 7): Regular passengers were angry." in md


def test_unchanged_sentences_are_folded_away(redline: Redline) -> None:
    md = to_markdown(redline)
    assert "- _… 5 unchanged sentences …_" in md
    assert "The company blamed fuel costs." not in md


def test_boilerplate_listed_apart_with_its_role(redline: Redline) -> None:
    md = to_markdown(redline)
    body, _, tail = md.partition("### Boilerplate")
    assert "Read more" not in body
    assert "- _promo_ · **+ added**: Read more: transport news." in tail
    assert "By Ana Reyes" not in md  # unchanged boilerplate is left out


def test_markup_in_document_text_stays_text() -> None:
    new = "Use *stars* and <script>x</script> | pipes [link](http://example.org)."
    md = to_markdown(build("", new, [("added", None, new, None)]))
    assert "\\*stars\\*" in md
    assert "<script>" not in md
    assert "\\<script\\>" in md
    assert "\\[link\\]" in md
    assert "\\| pipes" in md


def rendered(md: str) -> str:
    """The Markdown as a CommonMark renderer with GitHub's tables and strikethrough shows it."""
    from markdown_it import MarkdownIt  # installed with rich

    return MarkdownIt("commonmark").enable(["table", "strikethrough"]).render(md)


def test_rendered_edits_are_struck_and_bold(redline: Redline) -> None:
    html = rendered(to_markdown(redline))
    assert "rise by <s>10</s> <strong>12</strong>% from April 1" in html
    assert "<s>Others will drive.</s>" in html
    assert html.count("<table>") == 2


def test_rendered_document_markup_stays_literal() -> None:
    new = "Use *stars*, <b>tags</b>, [link](http://example.org), ~~no~~, _u_, `c` and | pipes."
    html = rendered(to_markdown(build("", new, [("added", None, new, None)])))
    literal = "Use *stars*, &lt;b&gt;tags&lt;/b&gt;, [link](http://example.org), ~~no~~, _u_, `c`"
    assert literal in html
    item = html[html.index("Changes</h3>") :]
    assert "<a href" not in item
    assert "<code>" not in item
