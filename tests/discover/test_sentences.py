"""Sentence sketches: anchors that survive reordering, and the aligned share of two texts."""

from __future__ import annotations

import random

from hypothesis import assume, given, settings
from textgen import invented_article, paragraphs, reword

from redline.discover.sentences import (
    aligned_share,
    from_bytes,
    sentence_anchors,
    sketch,
    to_bytes,
)


def _text(paras: list[list[str]]) -> str:
    return "\n\n".join(" ".join(p) for p in paras)


@settings(deadline=None)
@given(paragraphs)
def test_a_text_aligns_wholly_with_itself_and_with_its_sentences_reordered(
    paras: list[list[str]],
) -> None:
    text = _text(paras)
    flat = [s for p in paras for s in p]
    shuffled = " ".join(random.Random(len(flat)).sample(flat, len(flat)))
    a, b = sketch(text), sketch(shuffled)
    # A sentence counts when it has four distinct words or more.
    kept = [s for s in flat if len({w.strip(".").lower() for w in s.split()}) >= 4]
    assert a.count == len(kept)
    assume(kept)
    assert aligned_share(a, a) == 1.0
    assert aligned_share(a, b) == 1.0
    assert set(sentence_anchors(a).tolist()) == set(sentence_anchors(b).tolist())


def test_an_extended_sentence_keeps_its_partner() -> None:
    short = sketch("The harbour council closed the old ferry pier. Traders praised the mayor.")
    extended = sketch(
        "The harbour council closed the old ferry pier and its budget went to the tram depot"
        " on the eastern canal, officials said. Traders praised the mayor."
    )
    assert aligned_share(short, extended) == 1.0


def test_reworded_versions_align_and_unrelated_articles_do_not() -> None:
    text = invented_article(3, words=400)
    light = reword(text, 0.1, seed=1)
    other = invented_article(4, words=400)
    assert aligned_share(sketch(text), sketch(light)) >= 0.9
    assert aligned_share(sketch(text), sketch(other)) <= 0.1


def test_a_sentence_with_its_words_shuffled_shares_the_word_set_anchor_only() -> None:
    a = sketch("Residents questioned the delayed tunnel budget today.")
    b = sketch("Today residents questioned the tunnel budget delayed.")
    shared = set(sentence_anchors(a).tolist()) & set(sentence_anchors(b).tolist())
    assert len(sentence_anchors(a)) == 2  # the sequence and the word set
    assert len(shared) == 1


def test_fragments_and_headings_are_not_sentences() -> None:
    s = sketch("Photograph: Reuters\nBy Ada Quill\n\nThe quarry reopened on Monday morning.")
    assert s.count == 1
    assert aligned_share(s, sketch("Photograph: Reuters")) == 0.0


@settings(deadline=None)
@given(paragraphs, paragraphs)
def test_the_aligned_share_does_not_depend_on_the_order_of_the_pair(
    one: list[list[str]], other: list[list[str]]
) -> None:
    # Two texts with as many sentences each: either is "the shorter", the share is one number.
    a, b = sketch(_text(one)), sketch(_text(other) + " " + _text(one))
    assert aligned_share(a, b) == aligned_share(b, a)
    mixed = sketch(
        " ".join(s for p in other for s in p) + " " + " ".join(s for p in one for s in p)
    )
    assert aligned_share(a, mixed) == aligned_share(mixed, a)


def test_a_tie_in_sentence_counts_takes_the_larger_share() -> None:
    s1 = "The harbour council approved the ferry budget after a long debate on Tuesday."
    s1b = "The harbour council approved the ferry budget on Tuesday night, a councillor said."
    rest = [
        "Residents questioned the tunnel plan at the crowded town hall meeting.",
        "The mayor praised the engineers who rebuilt the old north pier.",
        "Traders said the new market hall would open before the summer festival.",
    ]
    lone = "A quiet bakery on Mill Lane won a prize for its rye loaves this spring."
    # Five sentences each: all five of `other` have a partner, four of five of `story`.
    story = sketch(" ".join([s1, *rest, lone]))
    other = sketch(" ".join([s1, s1b, *rest]))
    assert story.count == other.count == 5
    assert aligned_share(story, other) == aligned_share(other, story) == 1.0


def test_a_sketch_read_back_from_bytes_aligns_and_anchors_as_the_original() -> None:
    text = invented_article(41, words=300)
    other = reword(text, 0.25, seed=3)
    a, b = sketch(text), sketch(other)
    back_a, back_b = from_bytes(to_bytes(a)), from_bytes(to_bytes(b))
    assert back_a.count == a.count > 5
    assert aligned_share(back_a, back_b) == aligned_share(a, b) > 0.5
    assert sentence_anchors(back_a).tolist() == sentence_anchors(a).tolist()
    empty = from_bytes(to_bytes(sketch("no stop")))
    assert empty.count == 0 and aligned_share(empty, a) == 0.0
