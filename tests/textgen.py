"""Invented texts for tests: pseudo-words from syllables, never real articles."""

from __future__ import annotations

import random

from hypothesis import strategies as st

SYLLABLES = [
    "ka", "lo", "mi", "ren", "tu", "vas", "qel", "dor", "ni", "pa", "zu", "bri", "ost", "ain",
    "fe", "gul", "har", "ix", "jon", "ser", "wy", "tal", "um", "ek",
]  # fmt: skip


def invented_words(rng: random.Random, count: int) -> list[str]:
    """`count` pseudo-words (a vocabulary large enough that texts rarely share 5-word runs)."""
    return ["".join(rng.choice(SYLLABLES) for _ in range(rng.randint(1, 3))) for _ in range(count)]


def invented_article(seed: int, words: int = 400) -> str:
    """An invented article of about `words` words in paragraphs of sentences."""
    rng = random.Random(seed)
    vocab = invented_words(rng, 3000)
    paragraphs, left = [], words
    while left > 0:
        sentences = []
        for _ in range(rng.randint(2, 4)):
            n = min(left, rng.randint(8, 20))
            if n <= 0:
                break
            left -= n
            body = " ".join(rng.choice(vocab) for _ in range(n))
            sentences.append(body[0].upper() + body[1:] + ".")
        paragraphs.append(" ".join(sentences))
    return "\n\n".join(paragraphs)


def reword(text: str, share: float, seed: int) -> str:
    """Replace about `share` of the words with other invented words."""
    rng = random.Random(seed)
    vocab = invented_words(rng, 500)
    return " ".join(rng.choice(vocab) if rng.random() < share else w for w in text.split(" "))


# Invented words for sentence-level properties. Sentences built from them always end with a full
# stop and open with a capital, so any segmenter reads them the same way in every layout, and
# alignment never depends on real text.
VOCAB = (  # noqa: SIM905 -- a word list reads better as one string
    "harbour council ferry budget tunnel mayor lantern quarry orchard festival tram "
    "grain river bakery library museum tower market pier lighthouse meadow valley bridge "
    "district clinic school rail depot canal reservoir vineyard mill forge foundry "
    "garden square green amber silver quiet sudden early late north south eastern "
    "western narrow broad opened closed raised lowered approved rejected delayed "
    "announced praised questioned residents officials engineers farmers traders pupils "
    "nurses drivers visitors"
).split()

sentence = st.lists(st.sampled_from(VOCAB), min_size=5, max_size=14).map(
    lambda ws: " ".join(ws).capitalize() + "."
)
paragraphs = st.lists(st.lists(sentence, min_size=1, max_size=4), min_size=1, max_size=6)
