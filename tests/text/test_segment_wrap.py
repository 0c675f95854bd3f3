"""Hard-wrapped text segments like the same text in paragraphs, at any column width.

Articles here are generated from invented syllables, so no real text is involved; they carry
what a news story carries (a title, a byline, a dateline, abbreviations, initials, names,
figures, quotations, a photo credit and an author bio), each paragraph separated by a blank
line. Every sentence is built so that where it ends is not in doubt.
"""

from __future__ import annotations

import re
import textwrap

import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from redline.text.normalize import words
from redline.text.segment import segment

# The QA report's article (invented: the Coastline Gazette and its people do not exist).
QA_ARTICLE = """Harbor Bridge Reopens After Repairs

By Mara Quinlan, Staff Writer

PORTVALE, March 3 (Coastline Gazette) - The Harbor Bridge reopened on Tuesday after eight \
months of repairs costing $42 million.

Mayor Ellen Ruiz said the work finished two weeks ahead of schedule. "We promised the city a \
safer crossing," she said.

Engineers from Dunmore & Pike replaced 312 steel cables and resurfaced the deck. The U.S. \
Department of Transportation paid 60% of the cost.

Traffic on the bridge averaged 48,000 vehicles a day before the closure. Local shops near the \
ramps reported a drop in sales of about 15 percent.

Commuters welcomed the news. Tom Baxter, a ferry captain, said ferries would return to their \
normal timetable on Jan. 5.

Photo: Lena Ortiz/Coastline Gazette

Mara Quinlan covers transport for the Coastline Gazette. She lives in Portvale.

Read more: Portvale budget vote delayed. Click here to subscribe to our newsletter."""

QA_SENTENCES = 16

_SYLLABLES = ("ka", "ro", "vin", "tam", "mun", "dar", "oss", "ev", "ly", "bre", "quin", "sol")
syllables = st.lists(st.sampled_from(_SYLLABLES), min_size=1, max_size=3).map("".join)
lower = syllables.filter(lambda w: len(w) > 2)
name = st.lists(st.sampled_from(_SYLLABLES), min_size=2, max_size=3).map(
    lambda parts: "".join(parts).capitalize()
)
full_name = st.tuples(name, name).map(" ".join)
number = st.sampled_from(["312", "48,000", "3.5 percent", "$42 million", "60%", "1998", "7"])

# Pieces that may stand inside a sentence: each carries a trap for the stop rules.
inner = st.one_of(
    lower,
    lower,
    lower,
    lower.map(lambda w: w + ","),
    name,
    full_name,
    number,
    name.map(lambda n: f"Mr. {n}"),
    full_name.map(lambda n: f"Dr. {n}"),
    name.map(lambda n: f"Gov. {n}"),
    st.tuples(name, name).map(lambda p: f"the U.S. {p[0]} of {p[1]}"),
    st.just("the U.S. and"),
    st.sampled_from(["Jan. 5", "Feb. 12", "Sept. 30", "No. 3", "p. 45"]),
    lower.map(lambda w: f"e.g. {w}"),
    lower.map(lambda w: f"i.e. {w}"),
    name.map(lambda n: f"J. R. {n}"),
    name.map(lambda n: f"{n} Inc. and"),
    name.map(lambda n: f"St. {n}"),
    st.tuples(name, name).map(lambda p: f"{p[0]} & {p[1]}"),
    st.tuples(name, name).map(lambda p: f"({p[0]} {p[1]})"),
    st.tuples(lower, lower).map("-".join),
    st.just("at 5 p.m. on"),
    st.just("-"),
)
opener = st.one_of(
    lower.map(str.capitalize),
    st.just("The"),
    full_name,
    name.map(lambda n: f"Mr. {n}"),
    name.map(lambda n: f"A. {n}"),
    name.map(lambda n: f"The U.S. {n}"),
    number.filter(lambda n: n[0].isdigit()),
)


@st.composite
def sentences(draw: st.DrawFn) -> str:
    """One sentence whose end is unambiguous: it closes on a plain lower-case word."""
    body = " ".join([draw(opener), *draw(st.lists(inner, min_size=2, max_size=14))])
    last = draw(lower)
    form = draw(st.integers(0, 4))
    if form == 0:
        return f'"{body} {last}," {draw(st.sampled_from(["she", "he"]))} said.'
    if form == 1:
        return f'"{body} {last}."'
    return f"{body} {last}{draw(st.sampled_from('..!?'))}"


@st.composite
def articles(draw: st.DrawFn) -> list[list[str]]:
    """A story as paragraphs of sentences, with its furniture in paragraphs of their own."""
    title_words = draw(
        st.lists(st.one_of(name, name, st.sampled_from(["of", "After"])), max_size=7)
    )
    paras: list[list[str]] = [[" ".join([draw(name), *title_words, draw(name)])]]
    byline = f"By {draw(full_name)}"
    paras.append([byline + draw(st.sampled_from(["", ", Staff Writer"]))])
    city = draw(name).upper()
    outlet = draw(full_name)
    dateline = draw(st.sampled_from([f"{city}, March 3 ({outlet}) - ", f"{city} ({outlet}) - "]))
    lead = draw(sentences())
    paras.append([dateline + lead])
    paras += draw(st.lists(st.lists(sentences(), min_size=1, max_size=4), min_size=1, max_size=4))
    if draw(st.booleans()):
        paras.append([f"Photo: {draw(full_name)}/{outlet}"])
    reporter = draw(full_name)
    paras.append(
        [f"{reporter} covers {draw(lower)} for the {outlet}.", f"She lives in {draw(name)}."]
    )
    return paras


def paragraphs(paras: list[list[str]]) -> str:
    """Paragraphs separated by blank lines, sentences by single spaces."""
    return "\n\n".join(" ".join(p) for p in paras)


def wrapped(text: str, width: int) -> str:
    """Each paragraph of `text` filled to `width` columns, as textwrap does by default."""
    return "\n\n".join(textwrap.fill(p, width) for p in text.split("\n\n"))


def heading_over_a_sentence(paragraph: str) -> bool:
    """Whether a wrapped paragraph is two lines that read as a heading and its sentence.

    A first line whose every word of more than three letters is capitalised ("Kakavin Kaka
    Kaka & Kakaka") over a short line closing on a full stop ("Kaka kaka.") is, within its
    block, exactly "Harbour Plan Wins Approval" over "Wait for it...": the segmenter reads it
    as a title and its sentence (test_segment.py), the reading plain-text copies of pages need.
    A wrap can make that shape only from a sentence opening with a line of names.
    """
    lines = paragraph.split("\n")
    return (
        len(lines) == 2
        and lines[1].rstrip().rstrip("\"')").endswith((".", "\u2026"))
        and all(w[0].isupper() for w in re.findall(r"[^\W\d_][\w']*", lines[0]) if len(w) > 3)
    )


def layout_of(text: str) -> tuple[list[list[str]], list[int]]:
    """The words of each sentence and each sentence's paragraph."""
    found = segment(text)
    return [words(s.text) for s in found], [s.paragraph for s in found]


def test_qa_article_in_paragraphs() -> None:
    assert len(segment(QA_ARTICLE)) == QA_SENTENCES


@pytest.mark.parametrize("width", [30, 35, 38, 45, 52, 56, 60, 72, 100])
def test_qa_article_wrapped_keeps_sentences_and_paragraphs(width: int) -> None:
    assert layout_of(wrapped(QA_ARTICLE, width)) == layout_of(QA_ARTICLE)


@given(articles(), st.integers(30, 100))
@example(
    [
        ["Harbor Bridge Reopens After Repairs"],
        ["By Mara Quinlan, Staff Writer"],
        ["PORTVALE, March 3 (Coastline Gazette) - The Harbor Bridge reopened on Tuesday."],
        ["Commuters welcomed the news.", "Tom Baxter, a ferry captain, agreed."],
        ["The U.S. Department of Transportation paid 60% of the cost."],
        ["Mara Quinlan covers transport for the Coastline Gazette.", "She lives in Portvale."],
    ],
    38,
)
@settings(max_examples=300, deadline=None)
def test_wrapping_at_any_width_keeps_sentences_and_paragraphs(
    paras: list[list[str]], width: int
) -> None:
    text = paragraphs(paras)
    gold = [words(s) for p in paras for s in p]
    gold_paragraphs = [i for i, p in enumerate(paras) for _ in p]
    assert layout_of(text) == (gold, gold_paragraphs)
    filled = wrapped(text, width)
    assume(not any(heading_over_a_sentence(p) for p in filled.split("\n\n")))
    assert layout_of(filled) == (gold, gold_paragraphs)


def test_a_wrapped_sentence_opening_with_names_is_read_as_a_heading_over_its_end() -> None:
    # The one shape wrapping cannot be told from a title over a sentence (see
    # heading_over_a_sentence), pinned so that a change to either reading is seen here.
    filled = wrapped("Kakavin Kaka Kaka & Kakaka Kaka kaka.", 30)
    assert heading_over_a_sentence(filled)
    assert layout_of(filled)[0] == [["Kakavin", "Kaka", "Kaka", "Kakaka"], ["Kaka", "kaka"]]


@given(articles())
@settings(max_examples=150, deadline=None)
def test_one_sentence_per_line_gives_the_same_sentences(paras: list[list[str]]) -> None:
    text = "\n\n".join("\n".join(p) for p in paras)
    assert layout_of(text)[0] == [words(s) for p in paras for s in p]
