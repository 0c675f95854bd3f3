"""First checks of the text stages; the full suites live beside this file."""

from redline.text.facts import diff_facts
from redline.text.furniture import assign_roles
from redline.text.segment import segment


def test_abbreviations_do_not_end_sentences() -> None:
    text = "Mr. Smith met the U.S. envoy on Jan. 5. Prices rose 3.5 percent."
    assert [s.text for s in segment(text)] == [
        "Mr. Smith met the U.S. envoy on Jan. 5.",
        "Prices rose 3.5 percent.",
    ]


def test_byline_is_furniture_but_by_five_percent_is_not() -> None:
    text = "By Jane Doe\n\nPrices rose by 5 percent on Monday, the port said."
    roles = [s.role for s in assign_roles(segment(text), text)]
    assert roles == ["byline", None]


def test_removed_fact_still_present_is_not_listed() -> None:
    facts = diff_facts("On Monday, Maria Lopez spoke. Then Lopez left.", "Lopez spoke on Tuesday.")
    assert facts.removed == ("Monday", "Maria Lopez")
    assert facts.added == ("Tuesday",)
