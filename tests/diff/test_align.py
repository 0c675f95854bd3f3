"""Sentence alignment over plain sentence lists: partners found, kinds right, nothing lost."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st
from textgen import VOCAB, paragraphs

from redline.diff.align import Unit, align, similarity


def flat(paras: list[list[str]]) -> list[str]:
    return [s for p in paras for s in p]


def check_partition(units: list[Unit], n_a: int, n_b: int) -> None:
    """Every sentence of both sides is in exactly one unit; the b side reads in order."""
    a_seen = sorted(i for u in units for i in u.a)
    b_seen = [j for u in units for j in u.b]
    assert a_seen == list(range(n_a))
    assert b_seen == list(range(n_b))


def kinds(units: list[Unit]) -> list[str]:
    return [u.kind for u in units]


@settings(deadline=None)  # timing belongs in bench/, not in a shared-CPU test run
@given(paragraphs)
def test_a_text_against_itself_is_all_same(paras: list[list[str]]) -> None:
    sents = flat(paras)
    units = align(sents, sents)
    assert kinds(units) == ["same"] * len(sents)
    assert [u.a for u in units] == [(i,) for i in range(len(sents))]


@settings(deadline=None)
@given(paragraphs, paragraphs, st.randoms(use_true_random=False))
def test_every_sentence_is_in_exactly_one_unit(
    old: list[list[str]], new: list[list[str]], rnd: random.Random
) -> None:
    # Mix shared and fresh sentences so every kind of unit occurs.
    a = flat(old)
    b = flat(new) + rnd.sample(a, k=len(a) // 2)
    rnd.shuffle(b)
    check_partition(align(a, b), len(a), len(b))


@settings(max_examples=50, deadline=None)
@given(paragraphs, st.randoms(use_true_random=False))
def test_shuffled_paragraphs_are_moved_not_added_or_removed(
    paras: list[list[str]], rnd: random.Random
) -> None:
    shuffled = paras[:]
    rnd.shuffle(shuffled)
    units = align(flat(paras), flat(shuffled))
    assert set(kinds(units)) <= {"same", "moved"}
    # A move is only visible when the sentence order changed: a shuffle can swap paragraphs
    # and still leave the flat order as it was (e.g. [[x], [x, x]] -> [[x, x], [x]]).
    if flat(shuffled) != flat(paras):
        assert "moved" in kinds(units)


@settings(max_examples=50, deadline=None)
@given(paragraphs, st.randoms(use_true_random=False))
def test_shuffled_and_lightly_reworded_paragraphs_lose_no_sentence(
    paras: list[list[str]], rnd: random.Random
) -> None:
    # One word in three sentences out of four replaced: every sentence keeps a partner.
    edited = [
        [s.replace(s.split()[1], rnd.choice(VOCAB), 1) if rnd.random() < 0.75 else s for s in p]
        for p in paras
    ]
    rnd.shuffle(edited)
    units = align(flat(paras), flat(edited))
    assert set(kinds(units)) <= {"same", "reworded", "moved"}


def test_word_replaced_added_or_dropped_is_reworded() -> None:
    a = [
        "The harbour council approved the ferry budget on Monday.",
        "Engineers said the tunnel would open in the spring.",
        "Residents of the north district praised the decision.",
    ]
    b = [
        "The harbour council rejected the ferry budget on Monday.",  # word replaced
        "Engineers said the new tunnel would open early in the spring.",  # words added
        "Residents of the district praised the decision.",  # word dropped
    ]
    units = align(a, b)
    assert kinds(units) == ["reworded"] * 3
    assert [(u.a, u.b) for u in units] == [((0,), (0,)), ((1,), (1,)), ((2,), (2,))]
    assert all(u.score is not None and 0.5 <= u.score < 1 for u in units)


def test_an_unrelated_sentence_is_added_and_removed_not_reworded() -> None:
    a = ["The mill closed.", "Farmers brought grain to the market in the square on Saturday."]
    b = ["The mill closed.", "A lantern festival will light up the museum tower this winter."]
    units = align(a, b)
    assert kinds(units) == ["same", "removed", "added"]


def test_case_counts_but_punctuation_and_quotes_do_not() -> None:
    a = ["“Quiet,” said the mayor — twice.", "The tram runs late."]
    b = ['"Quiet," said the mayor - twice.', "The Tram runs late."]
    assert kinds(align(a, b)) == ["same", "reworded"]


def test_split_sentence_goes_into_one_unit() -> None:
    a = [
        "The depot opened.",
        "The council approved the canal budget, and engineers will start work in the spring.",
        "Pupils visited.",
    ]
    b = [
        "The depot opened.",
        "The council approved the canal budget.",
        "Engineers will start work in the spring.",
        "Pupils visited.",
    ]
    units = align(a, b)
    assert [(u.kind, u.a, u.b) for u in units] == [
        ("same", (0,), (0,)),
        ("reworded", (1,), (1, 2)),  # "and" dropped, "Engineers" capitalised
        ("same", (2,), (3,)),
    ]


def test_merged_sentences_go_into_one_unit() -> None:
    a = ["The pier reopened on Friday.", "Visitors returned to the lighthouse.", "Trams ran."]
    b = ["The pier reopened on Friday; visitors returned to the lighthouse.", "Trams ran."]
    units = align(a, b)
    assert [(u.kind, u.a, u.b) for u in units] == [
        ("reworded", (0, 1), (0,)),
        ("same", (2,), (1,)),
    ]


def test_split_without_word_changes_is_same() -> None:
    a = ["The quarry closed; the orchard stayed open all winter long."]
    b = ["The quarry closed.", "the orchard stayed open all winter long."]
    assert [(u.kind, u.a, u.b) for u in align(a, b)] == [("same", (0,), (0, 1))]


def test_moved_paragraph_is_moved_and_keeps_its_place_in_new_order() -> None:
    a = ["Alpha harbour news.", "Bravo council report.", "Charlie ferry update.", "Delta tram."]
    b = ["Charlie ferry update.", "Alpha harbour news.", "Bravo council report.", "Delta tram."]
    units = align(a, b)
    assert [(u.kind, u.a, u.b) for u in units] == [
        ("moved", (2,), (0,)),
        ("same", (0,), (1,)),
        ("same", (1,), (2,)),
        ("same", (3,), (3,)),
    ]


def test_moved_and_reworded_sentence_is_moved_with_a_score_below_one() -> None:
    a = ["The museum opened a new wing for visitors.", "Bravo.", "Charlie.", "Delta."]
    b = ["Bravo.", "Charlie.", "Delta.", "The museum opened a large new wing for visitors."]
    units = align(a, b)
    moved = [u for u in units if u.kind == "moved"]
    assert [(u.a, u.b) for u in moved] == [((0,), (3,))]
    assert moved[0].score is not None and moved[0].score < 1


def test_removed_sentence_stands_after_its_old_predecessor() -> None:
    a = ["First the mill.", "Then the forge.", "Gone foundry text here.", "Last the garden."]
    b = ["Last the garden.", "First the mill.", "Then the forge."]
    units = align(a, b)
    assert [(u.kind, u.a, u.b) for u in units] == [
        ("moved", (3,), (0,)),
        ("same", (0,), (1,)),
        ("same", (1,), (2,)),
        ("removed", (2,), ()),
    ]


def test_removed_first_sentence_comes_first() -> None:
    units = align(["Gone text here.", "Kept text here."], ["Kept text here."])
    assert kinds(units) == ["removed", "same"]


def test_repeated_sentences_pair_in_order() -> None:
    a = ["Read more.", "The tram.", "Read more."]
    b = ["Read more.", "The tram.", "Read more."]
    assert [(u.kind, u.a) for u in align(a, b)] == [("same", (0,)), ("same", (1,)), ("same", (2,))]


def test_empty_sides() -> None:
    assert align([], []) == []
    assert kinds(align(["A tram."], [])) == ["removed"]
    assert kinds(align([], ["A tram."])) == ["added"]


def test_similarity_ignores_case_and_typography() -> None:
    assert similarity("The “Mill” closed.", 'the "mill" closed') == 1.0
    assert similarity("mill closed", "forge opened") == 0.0


def test_far_apart_reworded_partner_is_found_among_many_sentences() -> None:
    rnd = random.Random(7)
    a = [" ".join(rnd.choices(VOCAB, k=12)).capitalize() + "." for _ in range(400)]
    target = "The lighthouse keeper counted ninety ships before the storm reached the pier."
    a.insert(10, target)
    b = [*a[11:], *a[:10], target.replace("ninety", "ninety-one").replace("storm", "gale")]
    units = align(a, b)
    partner = next(u for u in units if 10 in u.a)
    assert partner.b == (len(b) - 1,)
    assert partner.kind in {"reworded", "moved"}


def test_deleted_copy_of_a_repeated_sentence_does_not_make_the_other_look_moved() -> None:
    a = ["Read more.", "The mill opened.", "The forge closed.", "Read more.", "The tram ran."]
    b = ["The mill opened.", "The forge closed.", "Read more.", "The tram ran."]
    units = align(a, b)
    assert [(u.kind, u.a) for u in units] == [
        ("removed", (0,)),
        ("same", (1,)),
        ("same", (2,)),
        ("same", (3,)),
        ("same", (4,)),
    ]


def test_a_sentence_boundary_cut_in_another_place_joins_both_pairs() -> None:
    # One version cut after "Nov.", the other after "1996;": the same words either way.
    a = [
        "The tram depot had its last inspection on Nov.",
        "20, 1996; the council denied that the depot had been closed for repairs.",
        "Pupils visited.",
    ]
    b = [
        "The tram depot had its last inspection on Nov. 20, 1996;",
        "the council denied that the depot had been closed for repairs.",
        "Pupils visited.",
    ]
    assert [(u.kind, u.a, u.b) for u in align(a, b)] == [
        ("same", (0, 1), (0, 1)),
        ("same", (2,), (2,)),
    ]


def test_neighbours_reworded_independently_stay_apart() -> None:
    a = ["The harbour council approved the ferry budget.", "Engineers inspected the tunnel."]
    b = ["The harbour council rejected the ferry budget.", "Engineers inspected the old tunnel."]
    assert [(u.kind, u.a, u.b) for u in align(a, b)] == [
        ("reworded", (0,), (0,)),
        ("reworded", (1,), (1,)),
    ]


def test_short_common_sentence_is_found_from_its_reworded_neighbours() -> None:
    # Every sentence is reworded, so none is matched exactly and 150 unmatched sentences share
    # "it is the": the index cannot use those words, and the short sentence's only other word
    # is edited away. Its neighbours, matched by their rare words, say where it stands.
    a = [f"It is the {VOCAB[k % 60]} {VOCAB[k % 7 + 60]} of district {k}." for k in range(150)]
    a[75] = "It is the one."
    b = [s.replace("district", "borough") for s in a]
    b[75] = "It is all."
    units = align(a, b)
    assert next(u for u in units if 75 in u.b).a == (75,)
    assert kinds(units).count("added") == 0


# Invented story around the sentences under test: three unchanged neighbours on each side.
BEFORE = [
    "The Kelvery council met on Monday evening in the old town hall.",
    "Councillors spent two hours on the budget for the coming year.",
]
AFTER = [
    "The next meeting will be held in the same hall in early June.",
    "Residents may attend and ask questions at the end of each session.",
]


def _kinds(old: str, new: str) -> list[str]:
    units = align([*BEFORE, old, *AFTER], [*BEFORE, new, *AFTER])
    return [u.kind for u in units if u.a == (2,) or u.b == (2,)]


def test_an_extended_sentence_is_reworded_not_removed_and_added() -> None:
    old = "The harbour authority ultimately rejected the plan."
    new = (
        "The harbour authority ultimately rejected the plan and its chairman resigned two weeks"
        " later, along with three of the board's five members."
    )
    assert similarity(old, new) < 0.5  # too different for the plain rule
    assert _kinds(old, new) == ["reworded"]
    assert _kinds(new, old) == ["reworded"]  # trimmed: the same sentence cut short


def test_a_rewrite_between_matched_neighbours_is_reworded() -> None:
    old = "Officials blamed the delay on a shortage of qualified engineers at the yard."
    new = "The yard was short of qualified engineers, officials said, and that caused the delay."
    assert similarity(old, new) < 0.5
    assert _kinds(old, new) == ["reworded"]


def test_an_unrelated_sentence_between_neighbours_stays_removed_and_added() -> None:
    old = "Officials blamed the delay on a shortage of qualified engineers at the yard."
    new = "A brass band played outside while children handed out paper lanterns."
    assert _kinds(old, new) == ["removed", "added"]


def test_gap_pairs_keep_the_order_of_both_versions() -> None:
    old = [
        "The ferry company cut its winter timetable to two sailings a day.",
        "Islanders said the early boat was the only one that suited shift workers.",
    ]
    new = [
        "Only two sailings a day will run this winter, the ferry company said.",
        "According to islanders, shift workers can only use the early boat.",
    ]
    units = align([*BEFORE, *old, *AFTER], [*BEFORE, *new, *AFTER])
    paired = [(u.a, u.b) for u in units if u.kind == "reworded"]
    assert paired == [((2,), (2,)), ((3,), (3,))]
