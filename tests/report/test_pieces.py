"""Word-level pieces and folding: the decisions every report shares."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from report_fixtures import build

from redline.models import Change, Segment, Side, Span
from redline.report.pieces import (
    Fold,
    Paragraphs,
    fold,
    inline,
    moved_from,
    paragraph_starts,
    percent,
    side,
    title,
)


def pair(a: str, b: str, changes: tuple[Change, ...] = ()) -> Segment:
    return Segment("reworded", a, b, Span(0, len(a)), Span(0, len(b)), changes=changes)


def test_inline_shows_deletion_before_insertion_where_the_words_were() -> None:
    seg = pair("Fares rise by 10% in April.", "Fares rise by 12% in April.")
    assert inline(seg) == [
        ("same", "Fares rise by "),
        ("delete", "10"),
        ("insert", "12"),
        ("same", "% in April."),
    ]


def test_the_segment_changes_are_used_when_they_fit() -> None:
    a, b = "The mayor spoke.", "The new mayor spoke."
    # A hand-placed edit the word diff would not make on its own: the report must follow it.
    changes = (Change("replace", "mayor", "new mayor", Span(4, 9), Span(4, 13)),)
    assert inline(pair(a, b, changes)) == [
        ("same", "The "),
        ("delete", "mayor"),
        ("insert", "new mayor"),
        ("same", " spoke."),
    ]


def test_changes_with_spans_outside_the_sentence_fall_back_to_a_word_diff() -> None:
    changes = (Change("replace", "x", "y", Span(400, 401), Span(400, 401)),)
    pieces = inline(pair("A red door.", "A blue door.", changes))
    assert ("delete", "red") in pieces
    assert ("insert", "blue") in pieces


def test_a_pure_deletion_keeps_words_apart() -> None:
    # The aligner marks a deletion with a zero-width point at the next word of the new text.
    seg = pair(
        "the quick fox",
        "the fox",
        (Change("delete", "quick", None, Span(4, 9), Span(4, 4)),),
    )
    text = "".join(f"[-{t}-]" if k == "delete" else t for k, t in inline(seg))
    assert text == "the [-quick-] fox"


VOCAB = ["the", "ferry", "fare", "12%", "rose,", "in", "May."]
words = st.lists(st.sampled_from(VOCAB), max_size=12)


@given(words, words)
def test_each_side_reads_back_as_its_own_sentence(wa: list[str], wb: list[str]) -> None:
    a, b = " ".join(wa), " ".join(wb)
    seg = pair(a, b)
    assert "".join(t for _, t in side(seg, "a")) == a
    assert "".join(t for _, t in side(seg, "b")) == b
    assert all(k != "insert" for k, _ in side(seg, "a"))
    # The merged line holds every word of the new sentence outside deletions.
    assert "".join(t for k, t in inline(seg) if k != "delete").split() == b.split()


def same(i: int) -> Segment:
    return Segment("same", f"s{i}.", f"s{i}.", None, None)


def test_fold_keeps_context_around_changes_and_folds_the_rest() -> None:
    change = Segment("added", None, "new.", None, None)
    segs = [*(same(i) for i in range(5)), change, *(same(i) for i in range(5, 11))]
    rows = fold(segs, context=1)
    kinds = ["fold" if isinstance(r, Fold) else r.a for r in rows]
    # Leading run: context only next to the change; trailing run likewise.
    assert kinds == ["fold", "s4.", None, "s5.", "fold"]
    assert isinstance(rows[0], Fold)
    assert rows[0].label == "… 4 unchanged sentences …"
    assert isinstance(rows[-1], Fold)
    assert len(rows[-1].segments) == 5


def test_short_runs_are_not_folded() -> None:
    change = Segment("removed", "gone.", None, None, None)
    segs = [change, same(1), same(2), same(3), change]
    assert fold(segs, context=1) == segs


def test_moved_from_names_paragraph_and_sentence() -> None:
    old = Side("old", None, 3, "One.\n\nTwo. Three.\n\nFour.")
    seg = Segment("moved", "Three.", "Three.", Span(12, 18), Span(0, 6), a_sentences=(2,))
    assert moved_from(seg, Paragraphs(old)) == "moved from ¶2, sentence 3"


def test_percent_never_rounds_a_difference_away() -> None:
    assert percent(1.0) == "100%"
    assert percent(0.996) == "99.6%"
    assert percent(0.004) == "<1%"
    assert percent(0.5) == "50%"


def test_paragraph_starts_follow_the_new_text_and_the_old_for_removed_sentences() -> None:
    old = "A one. A two.\n\nB one.\n\nC one. C two."
    new = "A one. A two.\n\nC one."
    redline = build(
        old,
        new,
        [
            ("same", "A one.", "A one.", None),
            ("same", "A two.", "A two.", None),
            ("removed", "B one.", None, None),  # a whole paragraph cut
            ("same", "C one.", "C one.", None),
            ("removed", "C two.", None, None),  # cut from a kept paragraph
        ],
    )
    segs = list(redline.segments)
    starts = paragraph_starts(segs, Paragraphs(redline.a), Paragraphs(redline.b))
    assert starts == [False, False, True, True, False]


def test_title_falls_back_to_the_sentence_with_the_title_role() -> None:
    text = "Ferry fares rise\n\nBody text."
    redline = build(
        text,
        text,
        [
            ("same", "Ferry fares rise", "Ferry fares rise", "title"),
            ("same", "Body text.", "Body text.", None),
        ],
        titles=(None, "From metadata"),
    )
    assert title(redline, "a") == "Ferry fares rise"
    assert title(redline, "b") == "From metadata"
