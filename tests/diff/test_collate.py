"""Collation tables: which version has which sentence, and how it reads there."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from redline.diff.collate import Collation, collate, collate_redlines
from redline.errors import ConfigError
from redline.models import Document, Facts, Kind, Redline, Role, Segment, Side, Similarity
from redline.text.normalize import keys

# Invented article: a town council and a footbridge.
REF = [
    "Footbridge over the Mill Race to reopen",
    "The Dunmore council voted on Tuesday to reopen the footbridge.",
    "Repairs cost 40,000 pounds.",
    "The bridge closed after a storm in March.",
    "Residents welcomed the decision.",
]


def _redline(
    a: Sequence[str],
    b: Sequence[str],
    links: Sequence[tuple[tuple[int, ...], tuple[int, ...], Kind]],
    roles: dict[int, Role] | None = None,
) -> Redline:
    """A hand-built redline: `links` pairs A and B sentence indices; the rest is added/removed."""
    roles = roles or {}
    segments = []
    linked_a = {i for lk in links for i in lk[0]}
    linked_b = {j for lk in links for j in lk[1]}
    for ai, bj, kind in links:
        segments.append(
            Segment(
                kind=kind,
                a=" ".join(a[i] for i in ai),
                b=" ".join(b[j] for j in bj),
                a_span=None,
                b_span=None,
                boilerplate=roles.get(ai[0]),
                a_sentences=ai,
                b_sentences=bj,
            )
        )
    for i, text in enumerate(a):
        if i not in linked_a:
            segments.append(Segment("removed", text, None, None, None, roles.get(i), (), (i,), ()))
    for j, text in enumerate(b):
        if j not in linked_b:
            role = "promo" if text.startswith("Read more") else None
            segments.append(Segment("added", None, text, None, None, role, (), (), (j,)))
    return Redline(
        a=Side("a", None, len(a)),
        b=Side("b", None, len(b)),
        similarity=Similarity(0.5, 0.5, 0.5),
        segments=tuple(segments),
        facts=Facts(),
    )


def _doc(doc_id: str, sentences: Sequence[str]) -> Document:
    return Document(id=doc_id, text=" ".join(sentences), title=sentences[0])


def _texts(collation: Collation, col: int) -> list[str | None]:
    return [None if (c := r.cells[col]) is None else c.text for r in collation.rows]


def _statuses(collation: Collation, col: int) -> list[str | None]:
    return [None if (c := r.cells[col]) is None else c.status for r in collation.rows]


def three_versions() -> Collation:
    """V1 rewords the repair sentence; V2 drops the storm sentence and adds a quote."""
    v1 = [*REF]
    v1[2] = "Repairs will cost about 40,000 pounds."
    v2 = [*REF[:3], "A spokesperson said the work took six weeks.", REF[4]]
    ident = [((i,), (i,), "same") for i in range(5)]
    r1 = _redline(REF, v1, [*ident[:2], ((2,), (2,), "reworded"), *ident[3:]], {0: "title"})
    r2 = _redline(REF, v2, [*ident[:3], ((4,), (4,), "same")], {0: "title"})
    return collate_redlines(_doc("ref", REF), [(_doc("v1", v1), r1), (_doc("v2", v2), r2)])


def test_three_versions_show_the_reworded_added_and_removed_sentences() -> None:
    table = three_versions()
    assert table.versions == ("ref", "v1", "v2")
    assert table.reference == "ref"
    added = "A spokesperson said the work took six weeks."
    # The added sentence sits after the sentence it follows in v2 (row 2), before the storm row.
    assert _texts(table, 0) == [*REF[:3], None, *REF[3:]]
    assert _texts(table, 1) == [*REF[:2], "Repairs will cost about 40,000 pounds.", None, *REF[3:]]
    assert _texts(table, 2) == [*REF[:3], added, None, REF[4]]
    assert _statuses(table, 0) == [None, None, None, None, None, None]
    assert _statuses(table, 1) == ["same", "same", "reworded", None, "same", "same"]
    assert _statuses(table, 2) == ["same", "same", "same", None, None, "same"]
    extra = table.rows[3]
    assert extra.extra and extra.reference == 2 and extra.cells[2] is not None
    assert extra.cells[2].status is None  # the row's own reference cell


def test_boilerplate_rows_carry_their_role() -> None:
    table = three_versions()
    assert table.rows[0].role == "title"
    assert [r.role for r in table.rows[1:]] == [None] * 5


def test_summary_counts_each_version_against_the_reference() -> None:
    summary = three_versions().summary()
    # Content rows only: the title row is boilerplate.
    assert summary[0].to_dict() == {"same": 4, "reworded": 0, "removed": 0, "added": 0}
    assert summary[1].to_dict() == {"same": 3, "reworded": 1, "removed": 0, "added": 0}
    assert summary[2].to_dict() == {"same": 3, "reworded": 0, "removed": 1, "added": 1}


def test_to_dict_is_json_with_versions_and_rows_of_cells() -> None:
    data = json.loads(json.dumps(three_versions().to_dict()))
    assert data["schema"] == "redline.collation/1"
    assert data["versions"] == ["ref", "v1", "v2"]
    assert data["titles"][0] == REF[0]
    assert len(data["rows"]) == 6
    row = data["rows"][2]
    assert row["role"] is None
    assert row["cells"][1] == {
        "text": "Repairs will cost about 40,000 pounds.",
        "status": "reworded",
        "moved": False,
        "merged_into": None,
    }
    assert data["rows"][3]["cells"][0] is None


def test_the_same_addition_in_two_versions_shares_one_row() -> None:
    quote = "Councillor Ada Brennan said the bridge was safe."
    v1 = [*REF[:2], quote, *REF[2:]]
    v2 = [*REF[:2], "Councillor Ada Brennan said the old bridge was now safe.", *REF[2:]]
    links = [((i,), (i if i < 2 else i + 1,), "same") for i in range(5)]
    table = collate_redlines(
        _doc("ref", REF),
        [(_doc("v1", v1), _redline(REF, v1, links)), (_doc("v2", v2), _redline(REF, v2, links))],
    )
    assert len(table.rows) == 6
    shared = table.rows[2]
    assert shared.cells[0] is None
    assert shared.reference == 1
    assert [c.status for c in shared.cells[1:] if c] == [None, "reworded"]


def test_the_same_addition_at_different_places_still_shares_one_row() -> None:
    quote = "Councillor Ada Brennan said the bridge was safe."
    v1 = [*REF[:2], quote, *REF[2:]]
    v2 = [*REF[:4], quote, REF[4]]
    l1 = [((i,), (i if i < 2 else i + 1,), "same") for i in range(5)]
    l2 = [((i,), (i if i < 4 else i + 1,), "same") for i in range(5)]
    table = collate_redlines(
        _doc("ref", REF),
        [(_doc("v1", v1), _redline(REF, v1, l1)), (_doc("v2", v2), _redline(REF, v2, l2))],
    )
    assert len(table.rows) == 6
    assert [c.text if c else None for c in table.rows[2].cells] == [None, quote, quote]
    assert [c.moved if c else None for c in table.rows[2].cells] == [None, False, True]


def test_an_addition_elsewhere_shares_a_row_only_when_nearly_the_same() -> None:
    quote = "Councillor Ada Brennan of the harbour ward said the old bridge was safe."
    close = "Councillor Ada Brennan of the harbour ward said the old bridge was quite safe."
    loose = "Councillor Brennan said she had always known it was safe."
    links = [
        [((i,), (i if i < 2 else i + 1,), "same") for i in range(5)],
        [((i,), (i if i < 4 else i + 1,), "same") for i in range(5)],
    ]
    versions = [[*REF[:2], quote, *REF[2:]], [*REF[:4], close, REF[4]]]
    table = collate_redlines(
        _doc("ref", REF),
        [(_doc(f"v{k}", v), _redline(REF, v, links[k])) for k, v in enumerate(versions)],
    )
    assert [c.status if c else None for c in table.rows[2].cells] == [None, None, "reworded"]
    versions[1][4] = loose
    table = collate_redlines(
        _doc("ref", REF),
        [(_doc(f"v{k}", v), _redline(REF, v, links[k])) for k, v in enumerate(versions)],
    )
    assert len(table.rows) == 7


def test_unrelated_additions_at_one_place_get_rows_of_their_own_in_reading_order() -> None:
    v1 = [*REF[:2], "The mayor was away.", *REF[2:]]
    v2 = [
        *REF[:2],
        "Traffic will be diverted along Quay Street.",
        "Cyclists must dismount.",
        *REF[2:],
    ]
    l1 = [((i,), (i if i < 2 else i + 1,), "same") for i in range(5)]
    l2 = [((i,), (i if i < 2 else i + 2,), "same") for i in range(5)]
    table = collate_redlines(
        _doc("ref", REF),
        [(_doc("v1", v1), _redline(REF, v1, l1)), (_doc("v2", v2), _redline(REF, v2, l2))],
    )
    assert _texts(table, 1)[2:5] == ["The mayor was away.", None, None]
    assert _texts(table, 2)[2:5] == [
        None,
        "Traffic will be diverted along Quay Street.",
        "Cyclists must dismount.",
    ]


def test_an_addition_before_every_shared_sentence_goes_first() -> None:
    v1 = ["Read more: local news.", *REF]
    table = collate_redlines(
        _doc("ref", REF),
        [(_doc("v1", v1), _redline(REF, v1, [((i,), (i + 1,), "same") for i in range(5)]))],
    )
    assert _texts(table, 1)[0] == "Read more: local news."
    assert table.rows[0].role == "promo"
    assert _texts(table, 0) == [None, *REF]


def test_a_moved_sentence_stays_in_its_reference_row_and_is_marked_moved() -> None:
    v1 = [REF[0], REF[3], REF[1], REF[2], REF[4]]
    links: list[tuple[tuple[int, ...], tuple[int, ...], Kind]] = [
        ((0,), (0,), "same"),
        ((3,), (1,), "moved"),
        ((1,), (2,), "same"),
        ((2,), (3,), "same"),
        ((4,), (4,), "same"),
    ]
    table = collate_redlines(_doc("ref", REF), [(_doc("v1", v1), _redline(REF, v1, links))])
    assert _texts(table, 1) == REF
    moved = [bool(c and c.moved) for c in (r.cells[1] for r in table.rows)]
    assert moved == [False, False, False, True, False]
    assert _statuses(table, 1)[3] == "same"


def test_a_merge_puts_the_merged_text_in_the_first_row_and_points_the_second_to_it() -> None:
    merged = "Repairs cost 40,000 pounds after the bridge closed in a March storm."
    v1 = ["Read more: local news.", REF[0], REF[1], merged, REF[4]]
    links: list[tuple[tuple[int, ...], tuple[int, ...], Kind]] = [
        ((0,), (1,), "same"),
        ((1,), (2,), "same"),
        ((2, 3), (3,), "reworded"),
        ((4,), (4,), "same"),
    ]
    table = collate_redlines(_doc("ref", REF), [(_doc("v1", v1), _redline(REF, v1, links))])
    # Row 0 is the extra promo row, so the reference's sentences 2 and 3 are rows 3 and 4.
    first, second = table.rows[3].cells[1], table.rows[4].cells[1]
    assert first is not None and first.text == merged and first.status == "reworded"
    assert second is not None and second.text is None and second.merged_into == 3


def test_typography_alone_is_same_not_reworded() -> None:
    v1 = [*REF]
    v1[1] = "The  Dunmore council voted on Tuesday to reopen the footbridge"
    links = [((i,), (i,), "reworded" if i == 1 else "same") for i in range(5)]
    table = collate_redlines(_doc("ref", REF), [(_doc("v1", v1), _redline(REF, v1, links))])
    assert _statuses(table, 1)[1] == "same"


def test_bad_arguments_say_what_to_pass() -> None:
    with pytest.raises(ConfigError, match="at least one document"):
        collate([])
    with pytest.raises(ConfigError, match="two documents with id 'x'"):
        collate([Document("x", "One."), Document("x", "Two.")])
    with pytest.raises(ConfigError, match="'nope' is not among the 1 documents"):
        collate([Document("x", "One.")], reference="nope")


# Through the real `compare`: what a caller of `redline.collate` sees.
STORY = [
    "The Dunmore council voted on Tuesday to reopen the footbridge over the Mill Race.",
    "Repairs to the deck and the railings cost 40,000 pounds, the council said.",
    "The bridge closed after a storm in March damaged two of its supports.",
    "Residents of the harbour district had campaigned for months to have it reopened.",
    "The council said the bridge would be inspected again in the spring.",
]


def test_collate_three_real_versions_shows_the_rewording_the_addition_and_the_cut() -> None:
    reworded = "Repairs to the deck and the railings cost 52,000 pounds, the council said."
    added = "Cyclists will be asked to dismount while crossing the narrow span."
    v1 = [STORY[0], reworded, *STORY[2:]]
    v2 = [*STORY[:3], added, STORY[4]]
    docs = [
        Document("ledger.txt", "\n\n".join(STORY)),
        Document("post.txt", "\n\n".join(v1)),
        Document("wire.txt", " ".join(v2)),  # another layout: one paragraph
    ]
    table = collate(docs, reference="ledger.txt")
    assert table.versions == ("ledger.txt", "post.txt", "wire.txt")
    # The addition follows the sentence it follows in wire.txt, where the cut one stood.
    assert _texts(table, 0) == [*STORY[:3], None, STORY[3], STORY[4]]
    rows = {r.cells[0].text if r.cells[0] else None: r for r in table.rows}
    assert [c.status if c else None for c in rows[STORY[1]].cells] == [None, "reworded", "same"]
    assert rows[STORY[1]].cells[1] is not None and rows[STORY[1]].cells[1].text == reworded
    assert [c is None for c in rows[STORY[3]].cells] == [False, False, True]
    extra = rows[None]
    assert [c.text if c else None for c in extra.cells] == [None, None, added]
    assert all(r.role is None for r in table.rows)


def test_every_sentence_of_every_version_is_in_its_column_once() -> None:
    v1 = [STORY[3], STORY[0], "An entirely new opening line about ferries.", *STORY[1:3]]
    v2 = [*STORY[:2], "The bridge closed after a March storm damaged its supports.", STORY[4]]
    docs = [Document(f"v{i}", "\n\n".join(s)) for i, s in enumerate([STORY, v1, v2])]
    table = collate(docs)
    for col, sentences in enumerate([STORY, v1, v2]):
        texts = [t for t in _texts(table, col) if t is not None]
        assert sorted(texts) == sorted(sentences)


def test_a_lone_version_collates_to_one_column() -> None:
    table = collate([Document("only.txt", " ".join(STORY))])
    assert table.versions == ("only.txt",)
    assert _texts(table, 0) == STORY


def test_sentences_another_version_merged_keep_their_own_rows_in_the_reference() -> None:
    a = [STORY[0], "The bridge closed in March.", "A storm had damaged two of its supports."]
    b = [STORY[0], "The bridge closed in March after a storm had damaged two of its supports."]
    table = collate([Document("a", "\n\n".join(a)), Document("b", "\n\n".join(b))])
    assert _texts(table, 0) == a
    assert _texts(table, 1) == [*b, None]
    merged = table.rows[2].cells[1]
    assert merged is not None and merged.merged_into == 1


# Invented sentences with distinct vocabularies, so any mix of them is a plausible version.
POOL = [
    "The Dunmore council voted on Tuesday to reopen the footbridge over the Mill Race.",
    "Repairs to the deck and the railings cost 40,000 pounds, officials said.",
    "A storm in March had damaged two of its wooden supports.",
    "Residents of the harbour district had campaigned for months.",
    "Engineers will inspect the structure again in the spring.",
    "Cyclists are asked to dismount while crossing the narrow span.",
    "The nearest alternative route adds twenty minutes on foot.",
    "Local shops reported fewer customers while the crossing was shut.",
    "A ribbon will be cut by the mayor at noon on Saturday.",
    "Lighting along the approach path has also been replaced.",
]


def _reword(sentence: str) -> str:
    """The sentence with one word changed and one added: a light edit."""
    first, rest = sentence.split(" ", 1)
    return f"{first} newly {rest.replace('the', 'a', 1)}"


@settings(max_examples=25, deadline=None)
@given(
    st.lists(st.sampled_from(range(len(POOL))), min_size=1, max_size=6, unique=True),
    st.lists(
        st.lists(st.tuples(st.sampled_from(range(len(POOL))), st.booleans()), max_size=6),
        min_size=1,
        max_size=3,
    ),
)
def test_any_versions_keep_every_word_in_their_column(
    reference: list[int], edits: list[list[tuple[int, bool]]]
) -> None:
    others = [
        [_reword(POOL[j]) if reword else POOL[j] for j, reword in dict(version).items()]
        for version in edits
    ]
    texts = ["\n\n".join(POOL[j] for j in reference), *("\n\n".join(v) for v in others)]
    docs = [Document(f"v{i}", text) for i, text in enumerate(texts)]
    table = collate(docs)
    # The reference reads top to bottom in its own order.
    assert [t for t in _texts(table, 0) if t is not None] == [POOL[j] for j in reference]
    for col, doc in enumerate(docs):
        cells = " ".join(t for t in _texts(table, col) if t is not None)
        assert Counter(keys(cells)) == Counter(keys(doc.text))
    # A sentence the reference shares with a version sits in the reference's row, marked.
    rows = {r.cells[0].text: r for r in table.rows if r.cells[0] is not None}
    for col, version in enumerate(edits, start=1):
        for j, reword in dict(version).items():
            if j in reference:
                cell = rows[POOL[j]].cells[col]
                assert cell is not None
                assert (cell.text, cell.status) == (
                    (_reword(POOL[j]), "reworded") if reword else (POOL[j], "same")
                )
