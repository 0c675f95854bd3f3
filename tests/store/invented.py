"""Invented articles and their versions for index and server tests (no real text anywhere).

Words are built from syllables, so two unrelated articles share no five-word shingle and only
the versions we make on purpose are similar.
"""

from __future__ import annotations

import random

_SYLLABLES = (
    *("ka", "lo", "mi", "ren", "dor", "sa", "vel", "tam", "qui", "bor", "ne", "lis", "paf"),
    *("gru", "hol", "tes", "wen", "zor", "ul", "fra", "nim", "bek", "sol", "tarn", "vi"),
    *("mor", "plen", "gas", "rud", "ith", "ob", "cen", "jas"),
)


def _word(rng: random.Random) -> str:
    return "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 3)))


def sentence(rng: random.Random) -> str:
    """One invented sentence of 9 to 15 words."""
    words = [_word(rng) for _ in range(rng.randint(9, 15))]
    return " ".join([words[0].capitalize(), *words[1:]]) + "."


def article(seed: int, sentences: int = 14) -> str:
    """An invented article: paragraphs of two sentences separated by blank lines."""
    rng = random.Random(seed)
    body = [sentence(rng) for _ in range(sentences)]
    return "\n\n".join(" ".join(body[i : i + 2]) for i in range(0, len(body), 2))


def version(text: str, seed: int, *, edits: int = 2) -> str:
    """A later version of `text`: a few words changed in `edits` sentences, one sentence added."""
    rng = random.Random(seed)
    paragraphs = text.split("\n\n")
    for _ in range(edits):
        i = rng.randrange(len(paragraphs))
        words = paragraphs[i].split(" ")
        j = rng.randrange(1, len(words) - 1)
        words[j] = _word(rng)
        paragraphs[i] = " ".join(words)
    paragraphs.append(sentence(rng))
    return "\n\n".join(paragraphs)


def corpus(stories: int, versions: int, *, seed: int = 0) -> dict[str, str]:
    """`stories` invented articles in `versions` versions each, ids "s{story}v{version}"."""
    out: dict[str, str] = {}
    for s in range(stories):
        text = article(seed * 100_003 + s)
        for v in range(versions):
            out[f"s{s}v{v}"] = text if v == 0 else version(text, seed * 7919 + s * 31 + v)
    return out
