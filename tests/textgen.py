"""Invented texts for tests: pseudo-words from syllables, never real articles."""

from __future__ import annotations

import random

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
