"""Facts: what is extracted, and the promise that a listed change really is one."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from redline.text.facts import diff_facts, extract_facts, fact_key, story_facts
from redline.text.normalize import keys

STORY = (
    "LISBON (Harbour Wire) - The Harbour Authority approved a $4.2 million plan on Jan. 5, 2026. "
    "However, Maria Lopez, its director, said costs rose 12 percent since 2024. "
    "The plan needs 1,000 workers and €30 per tonne in fees, she told the Gazette on Monday."
)


def test_extracts_each_kind_of_fact_as_written() -> None:
    facts = extract_facts(STORY)
    for fact in (
        "LISBON",
        "Harbour Wire",
        "Harbour Authority",
        "$4.2 million",
        "Jan. 5, 2026",
        "Maria Lopez",
        "12 percent",
        "2024",
        "1,000",
        "€30",
        "Gazette",
        "Monday",
    ):
        assert fact in facts


def test_numbers_with_units_and_decades_are_whole_facts() -> None:
    facts = extract_facts(
        "Shares rose from 730p in the 1980s to a 7.60secs record on the 18th in the 4x100m."
    )
    assert facts == ["730p", "1980s", "7.60secs", "18th", "4x100m"]
    changed = diff_facts("Rates rose in the 1990s.", "Rates rose in the 1980s.")
    assert (changed.removed, changed.added) == (("1990s",), ("1980s",))


def test_name_runs_are_cut_where_one_name_ends() -> None:
    text = (
        "Northgate Shipping Friday said Ana Sousa of Harbour Partners met the Port Authority of "
        "Lisbon and GM's Delphi Interior after a U-turn."
    )
    assert extract_facts(text) == [
        "Northgate Shipping",
        "Friday",
        "Ana Sousa",
        "Harbour Partners",
        "Port Authority of Lisbon",
        "GM",
        "Delphi Interior",
    ]


def test_names_starting_like_months_are_not_dates() -> None:
    assert fact_key("Marek") != fact_key("March")
    assert fact_key("Mayfair") != fact_key("May")


def test_plural_possessive_stays_inside_a_name_and_headings_in_capitals_are_skipped() -> None:
    text = "HARBOUR FARES UP 12% FROM JUNE\n\nDaniel Osei of the Harbour Residents' Party spoke."
    assert extract_facts(text) == ["12%", "Daniel Osei", "Harbour Residents' Party"]


def test_sentence_initial_capitals_are_not_names() -> None:
    facts = extract_facts(STORY + " Officials declined to comment. Meanwhile, prices fell.")
    for word in ("The", "However", "Officials", "Meanwhile", "The Harbour Authority"):
        assert word not in facts


def test_sentence_initial_name_counts_when_capitalised_elsewhere() -> None:
    text = "Okafor resigned on Friday. The board thanked Okafor for his work."
    assert extract_facts(text).count("Okafor") == 1


def test_facts_are_listed_once_in_order_of_appearance() -> None:
    text = "Costs rose 12% in Lisbon. In Porto costs rose 12 percent. Lisbon objected."
    assert extract_facts(text) == ["12%", "Lisbon", "Porto"]


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("12 percent", "12%"),
        ("12 per cent", "12%"),
        ("1,000", "1000"),
        ("Jan. 5", "January 5"),
        ("JOSÉ NÚÑEZ", "José Núñez"),
        ("Jose Nunez", "José Núñez"),
        ("Sept. 7", "7 September"),
        ("5th May 2026", "May 5, 2026"),
    ],
)
def test_fact_keys_fold_spelling(a: str, b: str) -> None:
    assert fact_key(a) == fact_key(b)


def test_diff_lists_changed_numbers_names_and_amounts() -> None:
    new = STORY.replace("$4.2 million", "$5.1 million").replace("Maria Lopez", "Ana Sousa")
    facts = diff_facts(STORY, new)
    assert facts.removed == ("$4.2 million", "Maria Lopez")
    assert facts.added == ("$5.1 million", "Ana Sousa")


def test_nothing_removed_still_occurs_in_the_new_version() -> None:
    old = "On Monday, Maria Lopez met José Núñez in Porto. Lopez left early."
    new = "Lopez and JOSE NUNEZ met. The meeting was held in porto on Tuesday."
    facts = diff_facts(old, new)
    # "Lopez", "José Núñez" and "Porto" still occur (case and accents aside); "Monday" and the
    # full "Maria Lopez" do not.
    assert facts.removed == ("Monday", "Maria Lopez")
    assert facts.added == ("Tuesday",)


def test_a_name_inside_a_web_address_still_occurs() -> None:
    facts = diff_facts("Figures came from OneStat on Monday.", "See onestat.com for figures.")
    assert facts.removed == ("Monday",)


def test_respelled_facts_are_not_changes() -> None:
    old = "Costs rose 12 percent to 1,000 euros on Jan. 5."
    new = "Costs rose 12% to 1000 euros on January 5."
    assert diff_facts(old, new) == diff_facts(new, old)
    assert diff_facts(old, new).added == ()
    assert diff_facts(old, new).removed == ()


def test_currency_change_is_a_change() -> None:
    facts = diff_facts("The grant was $30 million.", "The grant was €30 million.")
    assert facts.removed == ("$30 million",)
    assert facts.added == ("€30 million",)


def test_layout_does_not_change_facts() -> None:
    wrapped = STORY.replace(" Maria ", " Maria\n").replace("Authority", "Autho\u00adrity")
    nfd = unicodedata.normalize("NFD", wrapped.replace("Lopez", "López"))
    assert diff_facts(STORY, wrapped) == diff_facts(STORY, STORY)
    assert diff_facts(STORY.replace("Lopez", "López"), nfd).added == ()


def test_identical_texts_have_no_fact_changes() -> None:
    facts = diff_facts(STORY, STORY)
    assert facts.added == ()
    assert facts.removed == ()


VOCAB = [
    "the", "port", "Lisbon", "Porto", "Maria", "Lopez", "López", "LOPEZ", "12", "12%", "percent",
    "$4", "million", "1,000", "1000", "Jan.", "5", "2026", "Monday", "said", "and", "Harbour",
    "Authority", "of", "Bank", "Ana", "Sousa", "rose", "to", "€30",
]  # fmt: skip
sentences = st.lists(st.sampled_from(VOCAB), min_size=1, max_size=12).map(
    lambda ws: " ".join(ws) + "."
)
texts = st.lists(sentences, min_size=1, max_size=6).map(" ".join)


def _occurrences(fact: str, text: str) -> int:
    """Reference count, independent of the implementation: word keys in sequence."""
    fk, tk = keys(fact), keys(text)
    fk = [k.replace(",", "") for k in fk]
    tk = [k.replace(",", "") for k in tk]
    return sum(tk[i : i + len(fk)] == fk for i in range(len(tk) - len(fk) + 1))


def _is_name(fact: str) -> bool:
    return not any(ch.isdigit() for ch in fact)


@given(texts, texts)
@settings(max_examples=200)
def test_listed_facts_occur_less_often_in_the_other_version(a: str, b: str) -> None:
    # A name is listed only when the other version lacks it; a number or date when the other
    # version has it fewer times (counts matter: twice and now once is a change).
    facts = diff_facts(a, b)
    for fact, here, there in [(f, a, b) for f in facts.removed] + [(f, b, a) for f in facts.added]:
        if fact.lstrip()[:1] in "$€" or "%" in fact or "percent" in fact:
            # The reference count sees neither currency signs nor "12%" as "12 percent".
            continue
        if _is_name(fact):
            assert _occurrences(fact, there) == 0
        else:
            assert _occurrences(fact, there) < _occurrences(fact, here)
    assert len({fact_key(f) for f in facts.removed}) == len(facts.removed)


@given(st.text(max_size=300))
@settings(max_examples=200)
def test_a_text_against_itself_has_no_fact_changes(text: str) -> None:
    facts = diff_facts(text, text)
    assert facts.added == ()
    assert facts.removed == ()


def test_a_number_that_occurred_twice_and_now_once_is_removed_with_its_counts() -> None:
    facts = diff_facts("It was 29 degrees at noon. By night it was 29 again.", "It was 29 at noon.")
    assert facts.removed == ("29",)
    assert [(c.fact, c.old, c.new) for c in facts.counts] == [("29", 2, 1)]


def test_spelled_out_numbers_are_facts_with_the_keys_of_digits() -> None:
    assert extract_facts(
        "Five cables, twenty-five cars, three hundred men, four million crowns."
    ) == [
        "Five",
        "twenty-five",
        "three hundred",
        "four million",
    ]
    assert fact_key("twenty-five") == fact_key("25")
    assert fact_key("three hundred") == fact_key("300")
    assert fact_key("four million") == fact_key("4 million")
    # "one" is a pronoun more often than a number; "five" inside "five-yearly" is no count.
    assert extract_facts("No one came to the five-yearly review.") == []
    assert diff_facts("Four cables broke.", "4 cables broke.") == diff_facts("a", "a")


def test_dates_in_any_written_form_share_a_key() -> None:
    forms = ["2026-03-14", "March 14, 2026", "14 March 2026", "Mar. 14, 2026", "14th March 2026"]
    assert len({fact_key(f) for f in forms}) == 1
    assert extract_facts("The vote was held on 2026-03-14.") == ["2026-03-14"]


def test_reworded_sentences_give_fact_pairs_with_what_they_count() -> None:
    old = (
        "Engineers found corrosion in four of its suspension cables. "
        "About 18,000 vehicles a day cross it. It was 29 degrees on Monday and 29 on Tuesday. "
        "The forecast for May says 30."
    )
    new = (
        "Engineers found corrosion in five of its suspension cables. "
        "About 18,500 vehicles a day cross it. It was 30 degrees on Monday and 30 on Tuesday. "
        "The forecast for May says 30."
    )
    pairs = list(zip(old.split(". "), new.split(". "), strict=True))[:3]
    facts = story_facts(old, old, new, new, pairs)
    assert [(c.old, c.new, c.context, c.count) for c in facts.changed] == [
        ("four", "five", "suspension cables", 1),
        ("18,000", "18,500", "vehicles a day", 1),
        ("29", "30", "degrees", 2),
    ]
    # Paired facts are not listed again as added or removed, though "30" occurred before.
    assert facts.added == () and facts.removed == ()


def test_no_pair_where_a_sentence_only_moved_a_number_elsewhere() -> None:
    old = "Fares rose 10% in May. The council met."
    new = "Fares rose in May. The council met and noted the 10% rise."
    facts = story_facts(old, old, new, new, [("Fares rose 10% in May.", "Fares rose in May.")])
    assert facts.changed == () and facts.added == () and facts.removed == ()


def test_uneven_changes_in_a_sentence_are_not_guessed_as_pairs() -> None:
    old, new = "The fleet grew from 10 to 12 boats.", "The fleet grew to 11 boats."
    facts = story_facts(old, old, new, new, [(old, new)])
    assert facts.changed == ()
    assert (facts.removed, facts.added) == (("10", "12"), ("11",))


def test_facts_from_furniture_are_not_listed() -> None:
    story_a = "The bridge closes in April."
    story_b = "The bridge closes in May."
    text_a = story_a + "\n\nPhoto: Jan Novak for Harbour Images."
    text_b = story_b + "\n\nPhoto: Ines Sousa for Bay Pictures."
    facts = story_facts(story_a, text_a, story_b, text_b)
    assert "Jan Novak" not in facts.removed and "Ines Sousa" not in facts.added


def _facts_with_posting_limit(limit: int, a: str, b: str) -> object:
    """diff_facts with occurrences counted by postings up to `limit`, by n-gram table past it."""
    from redline.text import facts as module

    saved = module._SHORT_POSTING
    module._SHORT_POSTING = limit
    module._occurrences.cache_clear()
    try:
        return diff_facts(a, b)
    finally:
        module._SHORT_POSTING = saved
        module._occurrences.cache_clear()


# Few words, many repeats: the first word of a fact often stands in more places than the limit.
repetitive = st.lists(
    st.lists(st.sampled_from(VOCAB[:12]), min_size=1, max_size=10).map(
        lambda ws: " ".join(ws) + "."
    ),
    min_size=1,
    max_size=40,
).map(" ".join)


@given(repetitive, repetitive)
@settings(max_examples=150, deadline=None)
def test_counting_occurrences_by_table_gives_the_same_facts_as_walking_postings(
    a: str, b: str
) -> None:
    # The table (linear on a text full of one word) must change no answer of the walk.
    walked = _facts_with_posting_limit(10**9, a, b)
    assert _facts_with_posting_limit(0, a, b) == walked
    assert _facts_with_posting_limit(2, a, b) == walked


def test_a_fact_whose_words_fill_the_text_is_counted_in_sequence_only() -> None:
    from redline.text.facts import _occurrences as occurrences

    text = " ".join(["New Harbor Bank said 7 ships left."] * 50 + ["New Bank opened."])
    found = occurrences(text)
    assert found.count("New Harbor Bank") == 50
    assert found.count("New Bank") == 1
    assert found.count("Harbor New") == 0
    assert found.count("7") == 50
    assert "New Bank" in found and "Bank New" not in found
