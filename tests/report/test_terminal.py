"""The terminal report: what a reader sees, with and without colour."""

from __future__ import annotations

import io
import re

from report_fixtures import build
from rich.console import Console

from redline.models import Redline
from redline.report.terminal import render


def plain(redline: Redline, width: int = 80) -> str:
    console = Console(file=io.StringIO(), width=width, color_system=None)
    render(redline, console)
    return console.file.getvalue()  # type: ignore[attr-defined,no-any-return]


def coloured(redline: Redline) -> str:
    console = Console(
        file=io.StringIO(), width=80, color_system="truecolor", force_terminal=True, no_color=False
    )
    render(redline, console)
    return console.file.getvalue()  # type: ignore[attr-defined,no-any-return]


def test_summary_gives_similarity_counts_and_facts(redline: Redline) -> None:
    out = plain(redline, width=120)
    assert "50% shared (Jaccard) · 80% of old is in new · 65% of new is in old" in out
    assert "~ 1 reworded · > 1 moved · + 1 added · - 1 removed · 5 unchanged" in out
    assert "Facts added    12%, Blue Water Lines" in out
    assert "Facts removed  10%" in out


def test_plain_markers_spell_every_kind(redline: Redline) -> None:
    lines = plain(redline, width=200).splitlines()
    reworded = (
        "Fares will rise by [-10-]{+12+}% from April 1{+, the operator Blue Water Lines said+}."
    )
    assert f"~ {reworded}" in lines
    assert "+ A petition has 2,000 signatures." in lines
    assert "- Others will drive." in lines
    assert "> Regular passengers were angry.  (moved from ¶2, sentence 7)" in lines


def test_long_runs_of_unchanged_sentences_are_folded(redline: Redline) -> None:
    out = plain(redline)
    assert "… 3 unchanged sentences …" in out
    assert "Unions were not consulted." not in out
    # The sentences next to the change stay visible as context.
    assert "The company blamed fuel costs." in out
    assert "A strike is possible." in out


def test_boilerplate_is_grouped_by_role_after_the_text(redline: Redline) -> None:
    out = plain(redline)
    body, _, tail = out.partition("Boilerplate ---")
    assert "Ana Reyes covers transport" not in body
    assert "Read more" not in body
    lines = tail.splitlines()
    assert lines.index("bio") < lines.index("- Ana Reyes covers transport.")
    assert lines.index("promo") < lines.index("+ Read more: transport news.")


def test_text_wraps_to_the_width_without_trailing_spaces(redline: Redline) -> None:
    for line in plain(redline, width=40).splitlines():
        assert len(line) <= 40
        assert line == line.rstrip()


def test_colour_uses_strike_and_underline_instead_of_markers(redline: Redline) -> None:
    out = coloured(redline)
    assert "[-10-]" not in out
    assert "{+12+}" not in out
    assert "\x1b[9;31m10" in out  # red strikethrough
    assert "\x1b[4;32m12" in out  # green underline
    assert "−" in out  # a real minus sign marks removed sentences


def test_document_text_is_not_read_as_rich_markup() -> None:
    text = "He typed [bold]not bold[/bold] and [link=x]y[/link] here."
    out = plain(build(text, text, [("same", text, text, None)]))
    assert "[bold]not bold[/bold]" in out
    assert "[link=x]y[/link]" in out


def test_hard_wrapped_source_lines_do_not_show_through() -> None:
    old = "The ferry will\nleave at noon\nfrom pier 4."
    new = "The ferry will\nleave at one\nfrom pier 4."
    out = plain(build(old, new, [("reworded", old, new, None)]), width=200)
    assert "~ The ferry will leave at [-noon-]{+one+} from pier 4." in out.splitlines()


def test_what_changed_opens_the_report_with_fact_pairs_first(redline: Redline) -> None:
    import dataclasses

    from redline.models import FactChange, FactCount, Facts

    facts = Facts(
        added=("Blue Water Lines",),
        removed=("29",),
        changed=(
            FactChange("four", "five", "suspension cables"),
            FactChange("29", "30", "degrees", 2),
        ),
        counts=(FactCount("29", 3, 1),),
    )
    out = plain(dataclasses.replace(redline, facts=facts), width=120)
    lines = out.splitlines()
    assert lines[0] == "What changed"
    assert lines[1] == "Facts changed  four → five (suspension cables) · 29 → 30 (degrees) ×2"
    assert lines[2] == "Facts added    Blue Water Lines"
    assert lines[3] == "Facts removed  29 (3 → 1)"
    assert out.index("What changed") < out.index("Similarity")


def test_colour_keeps_a_replaced_value_apart_from_its_replacement() -> None:
    from redline.diff.redline import compare

    red = compare("About 18,000 vehicles a day cross.", "About 18,500 vehicles a day cross.")
    out = coloured(red)
    visible = re.sub(r"\x1b\[[0-9;]*m", "", out)
    assert "18,000 18,500 vehicles" in visible
    assert "18,00018,500" not in visible


def test_a_rewritten_pair_is_shown_as_old_then_new_text() -> None:
    from redline.diff.redline import compare

    old = "The board met on Monday about fares. Members agreed to a rise.\n\nThe pier will wait."
    new = "Fares go up, a meeting decided this week.\n\nNobody on the board objected at all."
    out = plain(compare(old, new), width=120)
    assert "Substantially rewritten: 0% of the story's sentences kept" in out
    body = out[out.index("Old text") :]
    assert body.index("- The board met on Monday about fares. Members agreed to a rise.") < (
        body.index("New text")
    )
    assert "+ Fares go up, a meeting decided this week." in body
    assert "+ Nobody on the board objected at all." in body
    assert "[-" not in body and "{+" not in body
