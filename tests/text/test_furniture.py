"""Furniture roles: what an editor would call page furniture is marked, story text is not."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from redline.models import ROLES, Sentence
from redline.text.furniture import assign_roles
from redline.text.segment import segment

STORY = (
    "The Harbour Authority approved the dredging plan on Tuesday after a two-year dispute. "
    "Subscribers will pay more for the ferry from next year, officials said. "
    "By Tuesday evening, the port had closed its gates to all traffic for the night.\n\n"
    "Prices rose by 5 percent in the first quarter, according to the council. "
    "Read the report and you see why, said Ana Sousa, a lawyer for residents."
)


def roles(text: str, **kw: str) -> list[tuple[str | None, str]]:
    return [(s.role, s.text) for s in assign_roles(segment(text), text, **kw)]


def role_of(text: str, sentence: str, **kw: str) -> str | None:
    found = [r for r, t in roles(text, **kw) if t == sentence]
    assert found, f"{sentence!r} not segmented as one sentence"
    return found[0]


def test_plain_story_has_no_furniture() -> None:
    assert all(r is None for r, _ in roles(STORY))


@pytest.mark.parametrize(
    ("line", "role"),
    [
        ("By Jane Doe", "byline"),
        ("By JANE DOE and Li Wei, Staff Writers", "byline"),
        ("By Jane Doe | Harbour Gazette", "byline"),
        ("Jane Doe, business correspondent", "byline"),
        ("LONDON (Harbour Wire) -", "dateline"),
        ("PORTLAND, Maine \u2014", "dateline"),
        ("March 3, 2026", "dateline"),
        ("Updated 4:15 p.m. ET", "dateline"),
        ("Updated: 14:30 GMT, 3 March 2026", "dateline"),
        ("Lisbon, March 3", "dateline"),
        ("Photo: Sam Reed / Harbour Wire", "credit"),
        ("(Photograph by Sam Reed for the Harbour Gazette)", "credit"),
        ("Image credit: Harbour Wire", "credit"),
        ("(Image: Harbour Wire)", "credit"),
        ("Sam Reed/Getty Images", "credit"),
        ("Copyright 2026 Harbour Gazette", "other"),
        ("HOLLINSBY (The Lantern Courier) - 2 March 2026", "dateline"),
        ("City Pulse news team", "byline"),
        ("by Orla Vane and Dmitri Holm\nFebruary 2026", "byline"),
    ],
)
def test_head_furniture(line: str, role: str) -> None:
    text = f"Harbour Plan Wins Approval\n\n{line}\n\n{STORY}"
    assert role_of(text, line) == role
    assert role_of(text, "Harbour Plan Wins Approval") == "title"


@pytest.mark.parametrize(
    ("tail", "role"),
    [
        ("Jane Doe is a reporter at the Harbour Gazette.", "bio"),
        ("Li Wei writes about shipping and ports for the Harbour Gazette.", "bio"),
        ("Contact her at jane@example.org.", "bio"),
        ("Read more: Port strike ends after six weeks", "promo"),
        ("Click here to subscribe to the Harbour Gazette.", "promo"),
        ("Subscribe to our weekly newsletter for the top stories.", "promo"),
        ("Sign up for our newsletter", "promo"),
        ("Share this article", "promo"),
        ("Follow us on social media for the latest updates.", "promo"),
        ("Advertisement", "promo"),
        ("Related: Ferry fares to rise in spring", "promo"),
        ("Support community journalism: become a member for 5 crowns a month.", "promo"),
        ("\u00a9 2026 Harbour Gazette. All rights reserved.", "other"),
        ("(Reporting by Jane Doe; Editing by Li Wei)", "credit"),
        ("Follow Jane Doe on Twitter", "bio"),
        ("Jane Doe can be reached at jane@example.org.", "bio"),
        ("Ivo Brandt has covered the harbour for the Lantern Courier for over a decade.", "bio"),
        ("Got a story for the Harbour Gazette? Message us on our tip line.", "promo"),
        ("Like the Harbour Gazette on social media for the latest updates.", "promo"),
        ("Read more Jane Doe articles. \u2014 Click Here Now.", "promo"),
    ],
)
def test_tail_furniture(tail: str, role: str) -> None:
    text = f"{STORY}\n\n{tail}"
    first = segment(tail)[0].text
    assert role_of(text, first) == role
    assert all(r is None for r, t in roles(text) if t in STORY)


def test_bio_continues_to_the_end_of_its_paragraph() -> None:
    bio = "Jane Doe is a reporter at the Harbour Gazette. She has covered ports since 2011."
    text = f"{STORY}\n\n{bio}"
    assert role_of(text, "She has covered ports since 2011.") == "bio"


def test_given_title_and_byline_are_matched_whatever_the_typography() -> None:
    text = f"Harbour \u201cplan\u201d wins\n\nBY JANE DOE\n\n{STORY}"
    got = roles(text, title='Harbour "Plan" Wins', byline="Jane Doe")
    assert got[0] == ("title", "Harbour \u201cplan\u201d wins")
    assert got[1] == ("byline", "BY JANE DOE")


def test_headline_question_is_a_title_only_when_it_stands_alone() -> None:
    assert roles(f"Can the port survive?\n\n{STORY}")[0][0] == "title"
    assert roles(f"Can the port survive?\r\n\r\n{STORY}")[0][0] == "title"
    assert roles(f"Can the port survive? {STORY}")[0][0] is None
    # One CRLF is a line break, not a blank line: the question opens the story.
    assert roles(f"Can the port survive?\r\n{STORY}")[0][0] is None


@pytest.mark.parametrize(
    "lead",
    [
        "A HARBOUR pilot was fined yesterday for sailing a ferry into the pier",
        "The council agreed on Tuesday\n\nto close the pier for repairs.",
    ],
)
def test_newspaper_leads_without_a_stop_are_not_titles(lead: str) -> None:
    assert roles(f"{lead}\n\n{STORY}")[0][0] is None


def test_table_cells_and_slashes_are_not_credits() -> None:
    text = f"{STORY}\n\nUtilities/Northgate\nSport/utility vehicles will dominate the harbour show."
    assert all(r is None for r, _ in roles(text))


@pytest.mark.parametrize(
    "sentence",
    [
        "By Tuesday, the port had closed its gates to all traffic.",
        "By 5 percent, voters backed the plan.",
        "Subscribers will pay more for the ferry.",
        "Sharecroppers along the river said they were not consulted.",
        "Ana Sousa is a lawyer for the residents.",
        "Maria Lopez writes to the council every month.",
        "Advertisements for the ferry fell by half.",
        "Following the vote, the mayor resigned.",
        "Photographers were kept away from the pier.",
        "The ferry office can be reached by phone until noon.",
        "Follow the signs to the temporary pier, officials said.",
        "Residents can sign up at the town hall.",
        "The mayor posted the video on social media.",
        "Dunmore Insurance said it has covered the losses.",
        "He said he would appeal.",
    ],
)
def test_story_sentences_at_either_end_stay_content(sentence: str) -> None:
    head = f"{sentence}\n\n{STORY}"
    tail = f"{STORY}\n\n{sentence}"
    assert role_of(head, sentence) is None
    assert role_of(tail, sentence) is None


def test_promo_lines_inside_the_story_are_marked() -> None:
    paras = STORY.split("\n\n")
    text = f"{paras[0]}\n\nRead more: Port strike ends after six weeks\n\n{paras[1]}"
    assert role_of(text, "Read more: Port strike ends after six weeks") == "promo"


def test_roles_keep_spans_and_order() -> None:
    text = f"Harbour Plan Wins Approval\n\nBy Jane Doe\n\n{STORY}\n\nShare this article"
    before = segment(text)
    after = assign_roles(before, text)
    assert [(s.span, s.text, s.paragraph) for s in after] == [
        (s.span, s.text, s.paragraph) for s in before
    ]
    assert all(isinstance(s, Sentence) for s in after)
    assert [s.role for s in after][:2] == ["title", "byline"]
    assert after[-1].role == "promo"


def test_empty_input() -> None:
    assert assign_roles([], "") == []


@given(st.text(max_size=300))
@settings(max_examples=200)
def test_roles_never_change_the_sentences(text: str) -> None:
    before = segment(text)
    after = assign_roles(before, text, title=text[:20] or None, byline=text[-15:] or None)
    assert [(s.span, s.text, s.paragraph) for s in after] == [
        (s.span, s.text, s.paragraph) for s in before
    ]
    assert all(s.role is None or s.role in ROLES for s in after)


# A web page copied as text, invented: site menu, headline, byline, date, the story, links.
PAGE = """Harbour Gazette
Home
News
Sport
Weather
Ferry fares to rise as council approves new harbour budget
Von Jana Roe
14.03.2026, 17:47
The Harbour Council approved a new budget on Tuesday that raises ferry fares by ten percent.
Officials said the rise would pay for repairs to the north pier and two new boats.
© Harbour Gazette | Li Wei
Residents who cross daily will pay about four pounds more each month, the council said.
Related stories
Bridge closed for repairs after storm damage
Share this article
Contact us
"""


def test_page_zones_mark_menus_headline_and_byline_and_keep_the_story() -> None:
    marked = assign_roles(segment(PAGE), PAGE, zones=True)
    got = {s.text: s.role for s in marked}
    assert got["Ferry fares to rise as council approves new harbour budget"] == "title"
    assert got["Von Jana Roe"] == "byline"
    assert got["14.03.2026, 17:47"] == "dateline"
    assert got["© Harbour Gazette | Li Wei"] in ("credit", "other")
    for menu in ("Harbour Gazette", "Home", "News", "Related stories", "Contact us"):
        assert got[menu] is not None, menu
    story = [s for s in marked if len(s.text.split()) >= 8 and s.text.endswith(".")]
    assert len(story) == 3 and all(s.role is None for s in story)


def test_page_zones_mark_a_caption_credit_inside_the_story() -> None:
    caption = "Workers repaint the north pier at dawn (Picture: Harbour Wire)"
    # A caption is a block of its own, as a reader's copy of the page lays it out.
    page = PAGE.replace("© Harbour Gazette | Li Wei", f"\n{caption}\n")
    got = {s.text: s.role for s in assign_roles(segment(page), page, zones=True)}
    assert got[caption] == "credit"
    # A story sentence that only mentions a picture in brackets is no credit.
    quoted = "The council showed a photo of the pier (taken in May) to residents on Tuesday."
    page = PAGE.replace("© Harbour Gazette | Li Wei", f"\n{quoted}\n")
    got = {s.text: s.role for s in assign_roles(segment(page), page, zones=True)}
    assert got[quoted] is None


# The same page with its story in Japanese (invented; no spaces between words, "。" as stop).
PAGE_JA = """Harbour Gazette
Home
News
Sport
Weather
港の新しい橋、来月開通へ
Von Jana Roe
14.03.2026, 17:47
港の新しい橋は来月に開通する予定だと市の担当者が火曜日に話した。
工事は予定より二週間早く終わり、費用も当初の見込みを下回ったという。
市は開通の日に記念の式典を開き、住民を招待する計画だ。
Related stories
Share this article
Contact us
"""


def test_page_zones_read_a_story_in_a_script_without_spaces() -> None:
    marked = assign_roles(segment(PAGE_JA), PAGE_JA, zones=True)
    story = [s for s in marked if s.text.endswith("。")]
    assert len(story) == 3 and all(s.role is None for s in story)
    got = {s.text: s.role for s in marked}
    assert got["港の新しい橋、来月開通へ"] == "title"
    for menu in ("Home", "News", "Related stories", "Contact us"):
        assert got[menu] is not None, menu


def test_page_zones_are_off_by_default() -> None:
    marked = assign_roles(segment(PAGE), PAGE)
    assert {s.text: s.role for s in marked}["Home"] is None


def test_page_zones_leave_a_plain_article_alone() -> None:
    text = "Ferry fares to rise\n\nBy Jane Doe\n\n" + STORY
    assert roles(text) == [(s.role, s.text) for s in assign_roles(segment(text), text, zones=True)]


OPED = (
    "Why our small towns need their libraries back\n\n"
    "by Orla Vane and Dmitri Holm\nFebruary 2026\n\n"
    "credit : Petra Ilves via Norland Photo Agency\n\n"
    f"{STORY}\n\n"
    "Orla Vane is co-founder and co-president of the Fenmoor Reading Center. Dmitri Holm is a "
    "professor of sociology at Ashgrove College and the founding co-chair of the Valley "
    'Literacy Council.\n\nHe is also the author of "Quiet Shelves" and "The Lending Year."\n\n'
    "Read more Orla Vane articles. \u2014 Click Here Now.\n"
)


def test_a_sentence_about_the_bylines_author_is_a_bio_whatever_its_words() -> None:
    got = roles(OPED)
    assert [r for r, t in got if t in STORY] == [None] * 5
    assert [r for r, t in got if t not in STORY] == [
        "title",
        "byline",
        "credit",
        "bio",
        "bio",
        "bio",
        "promo",
        "promo",
    ]


def test_without_a_byline_a_name_led_tail_sentence_stays_story() -> None:
    # The same people, but nobody signed the page: "X is co-founder of ..." may be the story's.
    text = OPED.replace("by Orla Vane and Dmitri Holm\n", "")
    got = {t: r for r, t in roles(text)}
    assert got["Orla Vane is co-founder and co-president of the Fenmoor Reading Center."] is None
    assert [r for t, r in got.items() if t.startswith("Dmitri Holm is a professor")] == [None]


def test_the_authors_name_alone_under_the_story_is_a_byline() -> None:
    text = f"By Orla Vane\n\n{STORY}\n\nOrla Vane\n"
    assert roles(text)[-1] == ("byline", "Orla Vane")
