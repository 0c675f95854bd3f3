"""Sentence segmentation: exact spans, the classic traps, and layout independence."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from text_layouts import LAYOUTS, TRANSFORMS, stories

from redline.text.normalize import WORD_RE, normalize, words
from redline.text.segment import segment


def texts(text: str) -> list[str]:
    return [s.text for s in segment(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "The U.S. Senate voted on Tuesday. Mr. Okafor and Mrs. Ito abstained.",
            ["The U.S. Senate voted on Tuesday.", "Mr. Okafor and Mrs. Ito abstained."],
        ),
        (
            "Dr. Varga met St. Aldric officials, e.g. the mayor, i.e. Ms. Ito. Talks went well.",
            [
                "Dr. Varga met St. Aldric officials, e.g. the mayor, i.e. Ms. Ito.",
                "Talks went well.",
            ],
        ),
        (
            "The deal closes on Jan. 5. Acme Inc. will then own the port.",
            ["The deal closes on Jan. 5.", "Acme Inc. will then own the port."],
        ),
        (
            "Shares of Northgate Corp. The company denied it.",
            ["Shares of Northgate Corp.", "The company denied it."],
        ),
        ('He said "no." Then he left.', ['He said "no."', "Then he left."]),
        ("He said \u201cno.\u201d Then he left.", ["He said \u201cno.\u201d", "Then he left."]),
        ('"Why?" she asked. Nobody knew.', ['"Why?" she asked.', "Nobody knew."]),
        (
            "Costs rose 3.5 percent. Fees fell 0.25 points.",
            ["Costs rose 3.5 percent.", "Fees fell 0.25 points."],
        ),
        (
            "J. R. Mbeki spoke. Then A. B. Cole replied.",
            ["J. R. Mbeki spoke.", "Then A. B. Cole replied."],
        ),
        ("It was quiet... Then the siren went.", ["It was quiet...", "Then the siren went."]),
        ("It was quiet\u2026 Then the siren went.", ["It was quiet\u2026", "Then the siren went."]),
        ("They waited... and waited.", ["They waited... and waited."]),
        ("We met at 5 p.m. The room was full.", ["We met at 5 p.m.", "The room was full."]),
        ("We met at 5 p.m. Eastern time.", ["We met at 5 p.m. Eastern time."]),
        (
            "She moved to the U.S. The move was hard.",
            ["She moved to the U.S.", "The move was hard."],
        ),
        ("Wow! It worked. Really?", ["Wow!", "It worked.", "Really?"]),
        ("(See the map.) The pier is closed.", ["(See the map.)", "The pier is closed."]),
        ("Roe v. Wade was cited. No. 5 won.", ["Roe v. Wade was cited.", "No. 5 won."]),
        ('"... There is no reason," he said.', ['"... There is no reason," he said.']),
        (
            'He joined ADM. "It is settled," he said.',
            ["He joined ADM.", '"It is settled," he said.'],
        ),
        ("Adm. Okafor and Gen. Ito spoke.", ["Adm. Okafor and Gen. Ito spoke."]),
    ],
)
def test_tricky_sentences(text: str, expected: list[str]) -> None:
    assert texts(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Japanese (invented): full stops with no space after them, a quotation the sentence
        # goes on after, full-width ! and ?.
        (
            "港の新しい橋は来月開通する。工事は早く終わった。「良かった。」と住民は言う！次は何？",
            [
                "港の新しい橋は来月開通する。",
                "工事は早く終わった。",
                "「良かった。」と住民は言う！",
                "次は何？",
            ],
        ),
        ("「終わった。」 次の文。", ["「終わった。」", "次の文。"]),
        # Hindi (invented): the danda before a space.
        (
            "शहर में बारिश हुई। लोग घर पर रहे। The ferry ran.",
            ["शहर में बारिश हुई।", "लोग घर पर रहे।", "The ferry ran."],
        ),
    ],
)
def test_stops_of_other_scripts(text: str, expected: list[str]) -> None:
    assert texts(text) == expected


def test_heading_over_one_short_sentence_is_not_read_as_a_wrap() -> None:
    # Found by the layout property: a two-line block fits a 30-column wrap, yet its first line
    # is a title and its second a sentence of its own.
    text = "Harbour Plan Wins Approval\nWait for it..."
    assert texts(text) == ["Harbour Plan Wins Approval", "Wait for it..."]
    assert texts("Ferry Fares Rise Again\nWait for it... Then it fell.") == [
        "Ferry Fares Rise Again",
        "Wait for it...",
        "Then it fell.",
    ]


def test_heading_without_stop_is_its_own_sentence() -> None:
    text = "Harbour Plan Wins Approval\nThe board voted on Tuesday. It was close."
    assert texts(text) == [
        "Harbour Plan Wins Approval",
        "The board voted on Tuesday.",
        "It was close.",
    ]


def test_numbered_and_bulleted_lists_split_per_item() -> None:
    text = "Three steps follow:\n1. Drain the dock\n2. Repair the wall.\n- Refill it\n* Reopen"
    assert texts(text) == [
        "Three steps follow:",
        "1. Drain the dock",
        "2. Repair the wall.",
        "- Refill it",
        "* Reopen",
    ]


def test_hard_wrapped_sentence_is_joined_across_lines() -> None:
    text = (
        "The council agreed on Tuesday that the repairs to the north wall of the\n"
        "Harbour Authority pier would start in the spring, according to Ana\n"
        "Sousa. Work ends in May."
    )
    assert [normalize(t) for t in texts(text)] == [
        "The council agreed on Tuesday that the repairs to the north wall of the "
        "Harbour Authority pier would start in the spring, according to Ana Sousa.",
        "Work ends in May.",
    ]


def test_wrapped_line_ending_in_abbreviation_is_not_a_boundary() -> None:
    text = (
        "Residents who live along the harbour front said that they met with Mr.\n"
        "Okafor twice last year, and that he listened to them both times.\n"
    )
    assert len(segment(text)) == 1


def test_one_sentence_per_line_splits_after_abbreviations_that_can_end_a_sentence() -> None:
    text = (
        "The contract went to a unit of Northgate Shipping and Ferries Holdings Inc.\n"
        "Northgate Shipping said the work would start in the spring of next year.\n"
        "The council approved the deal on Tuesday after a long debate.\n"
        "Ana Sousa voted against it."
    )
    assert len(segment(text)) == 4


def test_quote_or_bracket_after_company_abbreviation_starts_a_sentence() -> None:
    text = 'The buyer was Northgate Ltd. "We are pleased," it said. ($1 = 0.61 pounds)'
    assert texts(text) == [
        "The buyer was Northgate Ltd.",
        '"We are pleased," it said.',
        "($1 = 0.61 pounds)",
    ]


def test_parenthesis_standing_as_a_sentence_ends_at_its_bracket() -> None:
    text = "Shares fell. ($1 = 0.61 pounds) Analysts were surprised (mildly) by it."
    assert texts(text) == [
        "Shares fell.",
        "($1 = 0.61 pounds)",
        "Analysts were surprised (mildly) by it.",
    ]


def test_lower_cased_text_still_splits_at_stops() -> None:
    text = "the pier closed on monday. it reopened at 5 p.m. on friday, said j. r. mbeki. why?"
    assert texts(text) == [
        "the pier closed on monday.",
        "it reopened at 5 p.m. on friday, said j. r. mbeki.",
        "why?",
    ]


def test_a_line_ending_in_a_comma_continues_the_sentence() -> None:
    text = "In Lisbon,\nMaria Lopez said the pier would reopen.\nFerries run."
    assert texts(text) == ["In Lisbon,\nMaria Lopez said the pier would reopen.", "Ferries run."]


def test_dashed_heading_line_is_not_continued() -> None:
    text = "The pier closed.\n-- CABLE FIRMS LOOK BEFORE THEY LEAP --\nThe firms waited."
    assert texts(text) == [
        "The pier closed.",
        "-- CABLE FIRMS LOOK BEFORE THEY LEAP --",
        "The firms waited.",
    ]


def test_one_sentence_per_line_splits_even_without_stops() -> None:
    text = "The pier is closed\nFerries run from Northgate\nBuses replace the tram"
    assert texts(text) == [
        "The pier is closed",
        "Ferries run from Northgate",
        "Buses replace the tram",
    ]


def test_crlf_nbsp_and_soft_hyphen() -> None:
    text = "Harbour News\r\n\r\nMr.\u00a0Okafor spoke. The Autho\u00adrity\u00a0agreed.\r\n"
    assert texts(text) == [
        "Harbour News",
        "Mr.\u00a0Okafor spoke.",
        "The Autho\u00adrity\u00a0agreed.",
    ]


def test_old_mac_line_ends_unicode_separators_and_bom() -> None:
    text = "\ufeffHarbour News\rThe pier closed. It reopened.\r\rFerries ran.\u2028Buses too."
    assert texts(text) == [
        "Harbour News",
        "The pier closed.",
        "It reopened.",
        "Ferries ran.",
        "Buses too.",
    ]


def test_paragraph_index_counts_blocks_and_html_style_lines() -> None:
    blocks = segment("One. Two.\n\nThree.")
    assert [s.paragraph for s in blocks] == [0, 0, 1]
    lines = segment("Title\nOne. Two.\nThree. Four.")
    assert [s.paragraph for s in lines] == [0, 1, 1, 2, 2]
    per_line = segment("One.\nTwo.\nThree.")
    assert [s.paragraph for s in per_line] == [0, 0, 0]


def test_empty_and_blank_text_have_no_sentences() -> None:
    assert segment("") == []
    assert segment(" \n\r\n\t\u00a0\n") == []


def test_roles_are_unset() -> None:
    assert all(s.role is None for s in segment("A title\n\nSome text. More text."))


def check_spans(text: str) -> None:
    """Spans are exact, trimmed, ordered, disjoint, and cover every word of `text`."""
    sentences = segment(text)
    prev_end = 0
    for s in sentences:
        assert s.text == text[s.span.start : s.span.end]
        assert s.text == s.text.strip()
        assert s.text
        assert s.span.start >= prev_end
        prev_end = s.span.end
    covered = [w.group() for s in sentences for w in WORD_RE.finditer(s.text)]
    assert covered == [w.group() for w in WORD_RE.finditer(text)]
    assert [s.paragraph for s in sentences] == sorted(s.paragraph for s in sentences)


@given(
    st.text(
        alphabet=st.sampled_from("ab A.!?\"'\n\r \u00a0\u00ad3,U.S.Mr)(\u201d\u2026-1"),
        max_size=300,
    )
)
@settings(max_examples=300)
def test_spans_are_exact_ordered_and_cover_every_word(text: str) -> None:
    check_spans(text)


@given(st.text(max_size=200))
def test_spans_hold_on_arbitrary_unicode(text: str) -> None:
    check_spans(text)


@given(stories, st.sampled_from(sorted(LAYOUTS)), st.sampled_from(sorted(TRANSFORMS)))
@settings(max_examples=300)
def test_layout_never_changes_the_sentences(
    paras: list[list[str]], layout: str, transform: str
) -> None:
    gold = [words(s) for p in paras for s in p]
    text = TRANSFORMS[transform](LAYOUTS[layout](paras))
    check_spans(text)
    assert [words(s.text) for s in segment(text)] == gold


@given(st.text(max_size=200))
def test_normalize_is_idempotent(text: str) -> None:
    once = normalize(text)
    assert normalize(once) == once
