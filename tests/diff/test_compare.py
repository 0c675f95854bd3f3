"""`compare` on whole documents: what a reader of the redline would notice."""

from __future__ import annotations

import json
import random
import textwrap
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from textgen import VOCAB, paragraphs

from redline.diff.redline import CompareOptions, compare
from redline.errors import ConfigError
from redline.models import Document, Redline


def as_paragraphs(paras: list[list[str]]) -> str:
    return "\n\n".join(" ".join(p) for p in paras)


def one_per_line(paras: list[list[str]]) -> str:
    return "\n".join(s for p in paras for s in p)


def hard_wrapped(paras: list[list[str]], width: int) -> str:
    return "\n\n".join(textwrap.fill(" ".join(p), width=width) for p in paras)


def check_partition(red: Redline) -> None:
    """Every sentence of both versions is in exactly one segment, B in reading order."""
    a_seen = sorted(i for seg in red.segments for i in seg.a_sentences)
    b_seen = [j for seg in red.segments for j in seg.b_sentences]
    assert a_seen == list(range(red.a.sentences))
    assert b_seen == list(range(red.b.sentences))


def check_quotes(red: Redline) -> None:
    """Segment and change texts are the documents' own text at their spans."""
    for seg in red.segments:
        for text, span, doc in ((seg.a, seg.a_span, red.a.text), (seg.b, seg.b_span, red.b.text)):
            assert (text is None) == (span is None)
            if span is not None:
                assert doc[span.start : span.end] == text
        for change in seg.changes:
            if change.a is not None and change.a_span is not None:
                assert red.a.text[change.a_span.start : change.a_span.end] == change.a
            if change.b is not None and change.b_span is not None:
                assert red.b.text[change.b_span.start : change.b_span.end] == change.b


@settings(max_examples=40, deadline=None)
@given(paragraphs)
def test_a_text_against_itself_is_all_same(paras: list[list[str]]) -> None:
    text = as_paragraphs(paras)
    red = compare(text, text)
    assert {seg.kind for seg in red.segments} == {"same"}
    assert red.similarity.jaccard == 1.0
    assert red.facts.added == red.facts.removed == ()


def typography(text: str, rnd: random.Random) -> str:
    """The same words in other clothes: NFD, non-breaking spaces, soft hyphens, curly quotes."""
    out = []
    for plain in unicodedata.normalize("NFD", text).split(" "):
        word = plain
        if len(word) > 6 and rnd.random() < 0.3:
            word = word[:3] + "\u00ad" + word[3:]
        if rnd.random() < 0.1:
            word = "\u201c" + word + "\u201d"
        out.append(word)
    return "".join(w + rnd.choice((" ", " ", "\u00a0", "  ")) for w in out).rstrip()


@settings(max_examples=40, deadline=None)
@given(paragraphs, st.integers(min_value=30, max_value=90), st.randoms(use_true_random=False))
def test_layout_changes_alone_yield_no_changes(
    paras: list[list[str]], width: int, rnd: random.Random
) -> None:
    base = as_paragraphs(paras)
    dressed = [[typography(s, rnd) for s in p] for p in paras]
    for other in (one_per_line(paras), hard_wrapped(paras, width), as_paragraphs(dressed)):
        red = compare(base, other)
        assert {seg.kind for seg in red.segments} == {"same"}, other
        assert all(not seg.changes for seg in red.segments)
        check_partition(red)


@settings(max_examples=40, deadline=None)
@given(paragraphs, st.randoms(use_true_random=False))
def test_shuffling_paragraphs_yields_moved_not_added_or_removed(
    paras: list[list[str]], rnd: random.Random
) -> None:
    shuffled = paras[:]
    rnd.shuffle(shuffled)
    red = compare(as_paragraphs(paras), as_paragraphs(shuffled))
    assert {seg.kind for seg in red.segments} <= {"same", "moved"}
    check_partition(red)


@settings(max_examples=40, deadline=None)
@given(paragraphs, paragraphs, st.randoms(use_true_random=False))
def test_segments_cover_both_versions_and_replay_b_in_order(
    old: list[list[str]], new: list[list[str]], rnd: random.Random
) -> None:
    # New = some old paragraphs, lightly edited, mixed with fresh ones.
    kept = [p for p in old if rnd.random() < 0.7]
    edited = [[s.replace(" ", " new ", 1) if rnd.random() < 0.3 else s for s in p] for p in kept]
    mixed = edited + new
    rnd.shuffle(mixed)
    text_a, text_b = as_paragraphs(old), as_paragraphs(mixed)
    red = compare(text_a, text_b)
    check_partition(red)
    check_quotes(red)
    # Applying the segments to A reproduces B: the b sides, in order, are B's sentences.
    replay = " ".join(seg.b for seg in red.segments if seg.b is not None)
    assert replay.split() == text_b.split()


def test_reworded_sentences_carry_word_level_changes() -> None:
    old = (
        "The harbour council approved the ferry budget on Monday. "
        "Engineers said the tunnel would open in spring. "
        "Residents of the north district praised the decision."
    )
    new = (
        "The harbour council rejected the ferry budget on Monday. "
        "Engineers said the new tunnel would open in spring. "
        "Residents of the district praised the decision."
    )
    red = compare(old, new)
    assert [seg.kind for seg in red.segments] == ["reworded"] * 3
    replaced, added, dropped = (seg.changes for seg in red.segments)
    assert [(c.op, c.a, c.b) for c in replaced] == [("replace", "approved", "rejected")]
    assert [(c.op, c.a, c.b) for c in added] == [("insert", None, "new")]
    assert [(c.op, c.a, c.b) for c in dropped] == [("delete", "north", None)]
    # The insertion point is given in the old text too, so reports can place it.
    point = added[0].a_span
    assert point is not None and point.start == point.end == old.index("tunnel")
    check_quotes(red)


def test_typography_is_not_a_change_but_case_is() -> None:
    old = "“Quiet,” said the mayor — twice.\n\nThe tram runs late."
    new = '"Quiet," said the mayor - twice.\n\nThe Tram runs late.'
    red = compare(old, new)
    assert [seg.kind for seg in red.segments] == ["same", "reworded"]
    assert [(c.a, c.b) for c in red.segments[1].changes] == [("tram", "Tram")]


def test_unrelated_sentence_is_added_and_removed_not_reworded() -> None:
    old = "The mill closed. Farmers brought grain to the market in the square on Saturday."
    new = "The mill closed. A lantern festival will light up the museum tower this winter."
    red = compare(old, new)
    assert [seg.kind for seg in red.segments] == ["same", "removed", "added"]


def test_split_and_merge_go_into_one_segment_with_exact_text() -> None:
    old = (
        "The depot opened. The council approved the canal budget, and engineers will start "
        "work in the spring. The pier reopened on Friday. Visitors returned to the lighthouse."
    )
    new = (
        "The depot opened. The council approved the canal budget. Engineers will start work "
        "in the spring. The pier reopened on Friday, and visitors returned to the lighthouse."
    )
    red = compare(old, new)
    split, merged = red.segments[1], red.segments[2]
    assert (split.a_sentences, split.b_sentences) == ((1,), (1, 2))
    assert split.b == (
        "The council approved the canal budget. Engineers will start work in the spring."
    )
    assert (merged.a_sentences, merged.b_sentences) == ((2, 3), (3,))
    assert merged.a == "The pier reopened on Friday. Visitors returned to the lighthouse."
    assert [(c.op, c.a, c.b) for c in merged.changes] == [("replace", "Visitors", "and visitors")]
    check_quotes(red)


def test_moved_paragraph_is_marked_moved_and_says_where_it_came_from() -> None:
    paras = [
        "The ferry budget was approved. The mayor praised it.",
        "Engineers inspected the tunnel. They found cracks in the eastern wall.",
        "The market reopened in the square. Traders returned on Saturday.",
    ]
    old = "\n\n".join(paras)
    new = "\n\n".join([paras[2], paras[0], paras[1]])
    red = compare(old, new)
    assert [seg.kind for seg in red.segments] == ["moved", "moved", "same", "same", "same", "same"]
    assert [seg.a_sentences for seg in red.segments[:2]] == [(4,), (5,)]


def test_removed_sentence_stands_where_it_was_in_the_old_version() -> None:
    old = "The mill opened. The forge closed last winter. The garden flourished. The tram ran."
    new = "The mill opened. The garden flourished. The tram ran."
    red = compare(old, new)
    assert [(seg.kind, seg.a) for seg in red.segments] == [
        ("same", "The mill opened."),
        ("removed", "The forge closed last winter."),
        ("same", "The garden flourished."),
        ("same", "The tram ran."),
    ]


def test_changed_number_shows_in_changes_and_in_facts() -> None:
    old = "The council approved a budget of 4 million dollars for the new bridge."
    new = "The council approved a budget of 5 million dollars for the new bridge."
    red = compare(old, new)
    (seg,) = red.segments
    assert seg.kind == "reworded"
    assert [(c.op, c.a, c.b) for c in seg.changes] == [("replace", "4", "5")]
    # A reworded sentence's changed number is a pair, with what it counts.
    assert [(c.old, c.new, c.context) for c in red.facts.changed] == [
        ("4 million dollars", "5 million dollars", "budget")
    ]
    assert red.facts.added == red.facts.removed == ()


def test_documents_keep_their_ids_titles_and_json_contract() -> None:
    tail = " The mill closed after the flood and the millers left the valley."
    old = Document(id="ledger.txt", text="The tram ran late." + tail, title="Trams")
    new = Document(id="post.html", text="The tram ran early." + tail, title="Trams")
    data = json.loads(json.dumps(compare(old, new).to_dict()))
    assert data["schema"] == "redline.diff/1"
    assert data["a"] == {"source": "ledger.txt", "title": "Trams", "sentences": 2}
    assert data["b"]["source"] == "post.html"
    assert [s["kind"] for s in data["segments"]] == ["reworded", "same"]
    assert data["segments"][0]["a_span"] == [0, 18]
    assert data["segments"][0]["changes"][0]["a"] == "late"
    assert 0 < data["similarity"]["jaccard"] < 1


def test_threshold_option_decides_what_counts_as_reworded() -> None:
    old = "Farmers brought grain to the market on Saturday."
    new = "Farmers brought apples and pears to the old market."
    assert [s.kind for s in compare(old, new).segments] == ["reworded"]
    strict = CompareOptions(reword_threshold=0.9)
    assert [s.kind for s in compare(old, new, options=strict).segments] == ["removed", "added"]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"reword_threshold": 1.5}, "reword_threshold must be in (0.0, 1.0], got 1.5"),
        ({"reword_threshold": 0}, "reword_threshold must be in (0.0, 1.0], got 0"),
        ({"reword_threshold": "high"}, "reword_threshold must be a number, got 'high'"),
        ({"candidates": 0}, "candidates must be a whole number >= 1, got 0"),
    ],
)
def test_options_are_validated_with_a_message_naming_the_value(
    kwargs: dict[str, object], message: str
) -> None:
    with pytest.raises(ConfigError) as excinfo:
        CompareOptions(**kwargs)  # type: ignore[arg-type]
    assert message in str(excinfo.value)


def test_furniture_roles_are_carried_to_segments() -> None:
    head = "Ferry fares to rise\n\nBy Mirela Okonjo\n\n"
    old = Document(
        id="a",
        text=head + "Fares will rise by 12% in April. The operator blamed fuel.\n\n"
        "Mirela Okonjo covers transport for the Lakeside Courier.",
        title="Ferry fares to rise",
    )
    new = Document(
        id="b",
        text=head + "Fares will rise by 15% in April. The operator blamed fuel.\n\n"
        "Read more: Lakeside bus routes cut",
        title="Ferry fares to rise",
    )
    red = compare(old, new)
    assert [(seg.kind, seg.boilerplate) for seg in red.segments] == [
        ("same", "title"),
        ("same", "byline"),
        ("reworded", None),
        ("same", None),
        ("removed", "bio"),
        ("added", "promo"),
    ]
    # The counts a summary shows keep furniture apart from content.
    assert red.counts()["added"] == 0
    assert red.counts(boilerplate=True)["added"] == 1


def test_bytes_are_refused_with_a_hint() -> None:
    with pytest.raises(TypeError, match="got bytes; decode it first"):
        compare(b"The tram ran.", "The tram ran.")  # type: ignore[arg-type]


def test_one_word_between_two_longer_edits_does_not_split_them() -> None:
    old = "The detour adds twenty minutes to peak-hour journeys across the harbour."
    new = "The detour adds twenty minutes to journeys at peak hours across the harbour."
    (seg,) = compare(old, new).segments
    assert [(c.op, c.a, c.b) for c in seg.changes] == [
        ("replace", "peak-hour journeys", "journeys at peak hours")
    ]


def test_single_word_edits_stay_apart_so_each_number_is_its_own_change() -> None:
    old = "The closure will force about 18,000 vehicles a day onto the ring road."
    new = "The closure will push about 18,500 vehicles a day onto the ring road."
    (seg,) = compare(old, new).segments
    assert [(c.a, c.b) for c in seg.changes] == [("force", "push"), ("18,000", "18,500")]


def test_very_long_sentence_without_stops_is_diffed_in_bounded_memory(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    words = [VOCAB[i % len(VOCAB)] for i in range(3000)]
    old = " ".join(words)
    new = " ".join([*words[:1000], "lantern", "festival", *words[1002:]])
    (seg,) = compare(old, new).segments
    assert [c.b for c in seg.changes] == ["lantern festival"]
    # Past the cap, the differing middle is one replace instead of a huge word matrix.
    monkeypatch.setattr("redline.diff.redline._MAX_DIFF_CELLS", 1)
    new = " ".join([*words[:1000], "lantern", *words[1001:1500], "festival", *words[1501:]])
    (seg,) = compare(old, new).segments
    (change,) = seg.changes
    assert change.op == "replace"
    assert change.a_span is not None and change.b_span is not None
    assert change.a is not None and change.a.startswith(words[1000])
    assert change.b is not None and change.b.startswith("lantern")
    assert change.b.endswith("festival")


# Messy text: stops, abbreviations, quotes, dashes, invisible and combining characters.
messy = st.lists(
    st.sampled_from(
        [*"abcXYZ éü  .,;!?\"'“”’—-–\n\n\t\u00a0\u00ad0123456789%$()", "Mr.", "U.S.", "\u0301"]
    ),
    max_size=200,
).map("".join)


@settings(max_examples=200, deadline=None)
@given(messy, messy)
def test_any_text_pair_keeps_the_contract(a: str, b: str) -> None:
    red = compare(a, b)
    check_partition(red)
    check_quotes(red)
    assert {seg.kind for seg in compare(a, a).segments} <= {"same"}


def test_facts_come_from_the_story_not_its_furniture() -> None:
    old = (
        "Quarry road to reopen after landslide\n\nBy Hanne Ostrova, Staff Writer\n\n"
        "The Brask quarry road will reopen on Friday after crews cleared 3,000 tonnes of rock.\n\n"
        "Repairs cost 1.2 million crowns.\n\nPhoto: Lena Ortiz / Valley Images\n"
    )
    new = (
        "Quarry road reopens after landslide\n\nBy Piet Marsh\n\n"
        "The Brask quarry road will reopen on Friday after crews cleared 3,500 tonnes of rock.\n\n"
        "Repairs cost 1.2 million crowns, Hanne Ostrova reported.\n\n"
        "Read more: Subscribe for 1 crown a week.\n"
    )
    red = compare(old, new)
    # A new byline, credit or promo is no changed fact; the changed tonnage is.
    assert [(c.old, c.new, c.context) for c in red.facts.changed] == [("3,000", "3,500", "tonnes")]
    assert red.facts.added == red.facts.removed == ()
    # With no title metadata, the title is the sentence given the title role.
    assert red.a.title == "Quarry road to reopen after landslide"
    assert red.to_dict()["b"]["title"] == "Quarry road reopens after landslide"


def test_a_pair_whose_story_was_mostly_rewritten_gets_the_rewritten_verdict() -> None:
    old = (
        "The harbour board met on Monday to discuss the ferry timetable. "
        "Members agreed that the early crossing should start at six. "
        "A new pier will be built at the northern end. "
        "The cost will be shared with the county."
    )
    new = (
        "Early risers will get a ferry at six, the harbour board decided this week. "
        "Northern residents are promised a pier of their own. "
        "The county pays half the bill. "
        "Critics called the plan rushed."
    )
    red = compare(old, new)
    assert red.verdict is not None and red.verdict.kind == "rewritten"
    assert red.verdict.kept < 0.5
    assert red.to_dict()["verdict"]["kind"] == "rewritten"
    edited = compare(old, old.replace("at six", "at seven"))
    assert edited.verdict is not None and edited.verdict.kind == "edited"
    assert edited.verdict.kept == 1.0
