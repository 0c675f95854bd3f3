"""Evidence of a query answer: the sentence pairs counted in numpy equal a plain reference."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from textgen import sentence

from redline.discover.shingle import shingle_hashes
from redline.discover.tokens import word_hashes
from redline.store import retrieval
from redline.text.segment import segment


def reference(query: str, other: str, share: float) -> list[tuple[int, float, int, int]]:
    """The sentence pairs as the first implementation counted them, one dict per sentence."""

    def grams(text: str) -> list[list[int]]:
        out = []
        for s in segment(text):
            g = shingle_hashes(word_hashes(s.text), retrieval.TRIGRAM)
            if len(g):
                out.append(g.tolist())
        return out

    mine, theirs = grams(query), grams(other)
    owner: dict[int, list[int]] = {}
    for j, g in enumerate(theirs):
        for h in g:
            owner.setdefault(h, []).append(j)
    found = []
    for i, g in enumerate(mine):
        counts: dict[int, int] = {}
        for h in g:
            for j in owner.get(h, ()):
                counts[j] = counts.get(j, 0) + 1
        if not counts:
            continue
        best = max(counts, key=lambda j: (counts[j] / min(len(g), len(theirs[j])), -j))
        got = counts[best] / min(len(g), len(theirs[best]))
        if got >= share:
            found.append((counts[best], got, i, best))
    found.sort(key=lambda f: (-f[0], f[2]))
    return found


texts = st.lists(sentence, min_size=0, max_size=8)


@given(texts, texts, texts, st.sampled_from([0.0, 0.5, 0.9]))
def test_partners_equal_the_reference(
    shared: list[str], mine: list[str], theirs: list[str], share: float
) -> None:
    # Shared sentences, some cut short on one side, among sentences of each side's own.
    cut = [" ".join(s.split()[: max(1, len(s.split()) // 2)]).rstrip(".") + "." for s in shared]
    query = " ".join(mine[:3] + shared + mine[3:])
    other = " ".join(theirs[:2] + cut[::2] + shared[1::2] + theirs[2:])
    got = retrieval.partners(retrieval.sentences(query), retrieval.sentences(other), share)
    assert got == reference(query, other, share)


def test_evidence_quotes_the_shared_sentence_of_each_side() -> None:
    query = (
        "The harbour council approved the ferry budget on Tuesday. "
        "Residents questioned the tunnel plan. The mayor praised the engineers."
    )
    other = (
        "A quiet market opened in the eastern district. "
        "The harbour council approved the ferry budget on Tuesday evening after a long debate."
    )
    count, passages = retrieval.Evidence(query, retrieval.settings()).shared(other, limit=3)
    assert count == 1
    assert passages[0].query == "The harbour council approved the ferry budget on Tuesday."
    assert passages[0].match.startswith("The harbour council approved the ferry budget")
    assert passages[0].share == 1.0
