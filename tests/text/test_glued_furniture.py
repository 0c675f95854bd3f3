"""A dateline glued to the lead is its own span, and facts never come from furniture.

Every page here is invented: the Lantern Courier, the Fenwick Wire and their people do not exist.
"""

from __future__ import annotations

from redline.diff.redline import compare
from redline.models import Document
from redline.text.furniture import split_datelines
from redline.text.normalize import words
from redline.text.roles import document_sentences
from redline.text.segment import segment

LEAD = (
    "The Lantern Street ferry will stop running on May 3 after inspectors found cracks in two "
    "of its hull plates, the port authority said on Monday."
)
STORY = (
    "Commuters will have to use the Orchard Road bridge, which adds about 25 minutes to the "
    "trip. The authority expects repairs to cost 2.1 million crowns."
)


def _page(dateline: str, extra: str = "") -> str:
    return f"Ferry to stop for repairs\n\n{dateline} {LEAD}\n\n{STORY}\n{extra}"


def test_a_glued_dateline_is_split_off_without_losing_a_word() -> None:
    text = _page("HOLLINSBY, April 9 (Fenwick Wire) \u2014")
    plain = segment(text)
    split = split_datelines(plain, text)
    assert len(split) == len(plain) + 1
    dateline = [s for s in split if s.role == "dateline"]
    assert [s.text for s in dateline] == ["HOLLINSBY, April 9 (Fenwick Wire) \u2014"]
    assert LEAD in [s.text for s in split]
    for s in split:
        assert text[s.span.start : s.span.end] == s.text
    assert [w for s in split for w in words(s.text)] == [w for s in plain for w in words(s.text)]


def test_a_dash_inside_a_story_sentence_is_not_a_dateline() -> None:
    text = "Engineers found it \u2014 Mayor Ada Quell said the ferry would stop for six weeks."
    assert split_datelines(segment(text), text) == segment(text)


def test_a_changed_dateline_date_is_no_changed_fact() -> None:
    old = Document("old", _page("HOLLINSBY, April 9 \u2014"))
    new = Document("new", _page("HOLLINSBY, April 10 \u2014"))
    red = compare(old, new)
    listed = [*red.facts.added, *red.facts.removed, *(c.old for c in red.facts.changed)]
    assert not any("April" in f for f in listed)
    assert [s.role for s in document_sentences(new)].count("dateline") == 1


def test_facts_are_never_taken_from_a_bio_or_a_photo_credit() -> None:
    old = _page(
        "HOLLINSBY \u2014",
        "\nPhoto: Ivo Brandt/Fenwick Wire\n\n"
        "Mira Solberg is the author of The Salt Ledger and a reporter for the Lantern Courier.",
    )
    new = _page(
        "HOLLINSBY \u2014",
        "\nPhoto: Tessa Lund/Fenwick Wire\n\n"
        "Mira Solberg is the author of Harbour Nights and a reporter for the Lantern Courier.",
    )
    red = compare(old, new.replace("25 minutes", "30 minutes"))
    listed = [
        *red.facts.added,
        *red.facts.removed,
        *(f"{c.old} {c.new}" for c in red.facts.changed),
    ]
    # The story's own change is found, so the check below is not vacuous.
    assert any("25" in f for f in listed)
    for furniture_fact in ("Ivo Brandt", "Tessa Lund", "Salt Ledger", "Harbour Nights"):
        assert not any(furniture_fact in f for f in listed), (furniture_fact, listed)
