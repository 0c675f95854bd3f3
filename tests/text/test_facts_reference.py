"""The facts of `compare` equal those of the first implementation, kept here as a reference.

The reference scans every text from scratch (segmenting it, reading every sentence with the
text's own vocabularies) and looks each text up again whenever it needs it; the library may
share work between texts and sentences, but never change a fact, a count or a pair.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from redline.diff import redline as redline_module
from redline.diff.redline import compare
from redline.models import Document, FactChange, Facts
from redline.text import facts
from redline.text.segment import segment


def reference_scan(text: str) -> tuple[facts._Fact, ...]:
    """Every fact occurrence of `text`, read as the first implementation read it."""
    sentences = [facts._plain(s.text) for s in segment(text)]
    capitalised_mid: set[str] = set()
    for stext in sentences:
        for m in facts._CAPITALISED.finditer(stext):
            if not facts._at_start(stext, m.start()):
                capitalised_mid.add(facts.word_key(facts._bare(m.group())))
    lower_vocab = set(facts._LOWER_WORD.findall(text))
    out: list[facts._Fact] = []
    for stext in sentences:
        shouting = stext.upper() == stext
        here: list[tuple[int, facts._Fact]] = [
            (m.start(), facts._Fact(facts.fact_key(m.group()), m.group(), "number", stext, m.end()))
            for m in facts._SPELLED.finditer(stext)
        ]
        for m in facts._FACT.finditer(stext):
            kind = m.lastgroup or "number"
            if kind != "name":
                here.append(
                    (
                        m.start(),
                        facts._Fact(facts.fact_key(m.group()), m.group(), kind, stext, m.end()),
                    )
                )
                continue
            if shouting or (m.end() - m.start() >= len(stext.rstrip(".!?:")) and " " in m.group()):
                continue
            at_start = facts._at_start(stext, m.start())
            names = facts._names(m.group(), at_start, capitalised_mid, lower_vocab)
            at = m.start()
            for name in names:
                pos = stext.find(name, at, m.end())
                end = pos + len(name) if pos >= 0 else m.end()
                at = max(at, end)
                here.append(
                    (end - len(name), facts._Fact(facts.fact_key(name), name, "name", stext, end))
                )
        here.sort(key=lambda item: item[0])
        out.extend(f for _, f in here if f.key)
    return tuple(out)


def reference_story_facts(
    a_story: str, a_text: str, b_story: str, b_text: str, reworded: Iterable[tuple[str, str]]
) -> Facts:
    """`story_facts` as first written, every text scanned afresh each time it is needed."""
    a_found, b_found = reference_scan(a_story), reference_scan(b_story)
    lost = facts._surplus(a_found, reference_scan(b_text), b_text)
    gained = facts._surplus(b_found, reference_scan(a_text), a_text)
    pairs: dict[tuple[str, str], list[FactChange]] = {}
    for old, new in reworded:
        a, b = reference_scan(old), reference_scan(new)
        for kind in ("amount", "percent", "date", "number", "name"):
            only_a = facts._minus(
                [f for f in a if f.kind == kind], [f for f in b if f.kind == kind]
            )
            only_b = facts._minus(
                [f for f in b if f.kind == kind], [f for f in a if f.kind == kind]
            )
            if not only_a or len(only_a) != len(only_b):
                continue
            for o, n in zip(only_a, only_b, strict=True):
                if lost.get(o.key, 0) > 0 and gained.get(n.key, 0) > 0:
                    lost[o.key] -= 1
                    gained[n.key] -= 1
                    change = FactChange(o.fact, n.fact, facts._context(n))
                    pairs.setdefault((o.key, n.key), []).append(change)
    changed = tuple(
        FactChange(first[0].old, first[0].new, first[0].context, len(first))
        for first in pairs.values()
    )
    removed, removed_counts = facts._listed(
        a_found, lost, reference_scan(b_text), b_text, old_side=True
    )
    added, added_counts = facts._listed(
        b_found, gained, reference_scan(a_text), a_text, old_side=False
    )
    return Facts(
        added=added, removed=removed, changed=changed, counts=removed_counts + added_counts
    )


# Invented pieces, chosen so that sentences share names, numbers and dates across versions and
# so that a capital at a sentence start is sometimes, sometimes not, seen elsewhere.
NAMES = ["Tarvel", "Mira Oskend", "Port Authority of Quenby", "Dalrow", "OSKAR", "Élodie Vanst"]
NUMBERS = ["four", "twenty-five", "12", "1,200", "$4.2 million", "€30", "7%", "3.5 percent"]
DATES = ["Jan. 5, 2026", "March 29", "7 September", "2026-03-14", "Friday", "2024"]
WORDS = ["council", "ferry", "budget", "tunnel", "residents", "quarry", "tarvel", "rose", "fell"]
OPENERS = ["The", "However,", "Tarvel", "Dalrow", "Rising", "Officials", '"We', "Mira"]
FURNITURE = ["By Mira Oskend", "Photo: Dalrow Vanst", "Read more: Tarvel council", "Share this"]


@st.composite
def sentences(draw: st.DrawFn) -> str:
    """One invented sentence full of facts."""
    pool = st.sampled_from(NAMES + NUMBERS + DATES + WORDS + WORDS)
    body = draw(st.lists(pool, min_size=2, max_size=9))
    opener = draw(st.sampled_from(OPENERS))
    return " ".join([opener, *body]) + draw(st.sampled_from([".", ".", "!", '."', ":"]))


@st.composite
def versions(draw: st.DrawFn) -> tuple[str, str]:
    """An old text and a new version of it: facts changed, sentences dropped, added, moved."""
    old = draw(st.lists(sentences(), min_size=1, max_size=12))
    new = list(old)
    for _ in range(draw(st.integers(0, 6))):
        if not new:
            break
        i = draw(st.integers(0, len(new) - 1))
        edit = draw(st.sampled_from(["fact", "drop", "add", "move"]))
        if edit == "fact":
            a, b = draw(st.sampled_from(NUMBERS + DATES + NAMES)), draw(st.sampled_from(NUMBERS))
            new[i] = new[i].replace(a, b, 1) if a in new[i] else new[i][:-1] + " " + b + "."
        elif edit == "drop":
            del new[i]
        elif edit == "add":
            new.insert(i, draw(sentences()))
        else:
            new.append(new.pop(i))

    def layout(sents: list[str]) -> str:
        furniture = draw(st.lists(st.sampled_from(FURNITURE), max_size=2))
        cut = draw(st.integers(0, len(sents)))
        glue = draw(st.sampled_from([" ", "\n", "\n\n"]))
        body = glue.join(sents[:cut]) + "\n\n" + glue.join(sents[cut:])
        return "\n\n".join([*furniture[:1], body, *furniture[1:]]).strip()

    return layout(old), layout(new)


@given(versions())
def test_facts_of_compare_equal_the_reference(pair: tuple[str, str]) -> None:
    old, new = pair
    with pytest.MonkeyPatch.context() as mp:
        calls: list[tuple[tuple[Any, ...], dict[str, Any]]] = []
        real = redline_module.story_facts

        def spy(*args: Any, **kwargs: Any) -> Facts:
            calls.append((args, kwargs))
            return real(*args, **kwargs)

        mp.setattr(redline_module, "story_facts", spy)
        got = compare(Document(id="a", text=old), Document(id="b", text=new)).facts
    ((args, kwargs),) = calls
    a_story, a_text, b_story, b_text, reworded = args
    # Sentences handed over by compare are those the facts stage would segment itself.
    for key, text in (("a_sentences", a_text), ("b_sentences", b_text)):
        own = [s.text for s in segment(text)]
        assert kwargs.get(key, own) == own
    assert got == reference_story_facts(a_story, a_text, b_story, b_text, list(reworded))


@given(st.lists(sentences(), min_size=1, max_size=10), st.sampled_from([" ", "\n", "\n\n"]))
def test_every_fact_occurrence_equals_the_reference(sents: list[str], glue: str) -> None:
    text = glue.join(sents)
    assert facts._found(text) == reference_scan(text)
    # Each sentence read alone (as reworded pairs are) has its own vocabularies.
    for s in sents:
        assert facts._found(s) == reference_scan(s)
