"""Layout- and typography-independent views of text.

Two texts that differ only in quote style, dash spacing, whitespace, soft hyphens, non-breaking
spaces or Unicode normal form have equal `normalize` output and equal `words`.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"), None)
_FOLD = str.maketrans(
    {
        "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
        "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
        "\u00ab": '"', "\u00bb": '"', "\u2039": "'", "\u203a": "'",
        "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-",
        "\u2015": "-", "\u2212": "-", "\u2026": "...",
    }
)  # fmt: skip
_SPACED_DASH = re.compile(r"\s*(?:-{2,}|(?<=\s)-(?=\s))\s*")
_SPACE = re.compile(r"\s+")

# A word: letters/digits, joined by apostrophes or by . , between digits/letters (3.5, 1,000,
# U.S), with soft hyphens, zero-width characters and combining marks allowed inside (they are
# layout or Unicode form, not spelling).
_IN_WORD = "\u00ad\u200b\u200c\u200d\u2060\u0300-\u036f"
# Lookaheads skip in-word marks too, so a soft hyphen or an NFD accent never decides a join.
WORD_RE = re.compile(
    rf"[^\W_][{_IN_WORD}]*(?:(?:[^\W_]|['\u2019](?=[{_IN_WORD}]*[^\W_])|[.,](?=[{_IN_WORD}]*\d)"
    rf"|(?:(?<=[A-Z])|(?<=[A-Z][\u00ad\u200b-\u200d\u2060]))\.(?=[{_IN_WORD}]*[A-Z](?![\u00ad\u200b-\u200d\u2060]*[\u0300-\u036f])(?![{_IN_WORD}]*\w)))"
    rf"[{_IN_WORD}]*)*"
)


def normalize(text: str) -> str:
    """Fold typography and whitespace so that layout never reads as a change."""
    text = unicodedata.normalize("NFKC", text.translate(_INVISIBLE)).translate(_FOLD)
    text = _SPACED_DASH.sub(" - ", text)
    return _SPACE.sub(" ", text).strip()


@lru_cache(maxsize=1 << 16)
def fold_word(word: str) -> str:
    """The word as it is compared: NFKC, invisible characters dropped, apostrophes folded."""
    return unicodedata.normalize("NFKC", word.translate(_INVISIBLE)).translate(_FOLD)


@lru_cache(maxsize=1 << 18)
def word_key(word: str) -> str:
    """Case- and accent-insensitive key of a word, for shingles and facts."""
    decomposed = unicodedata.normalize("NFKD", fold_word(word).casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def words(text: str) -> list[str]:
    """The words of `text` in order, typography folded, case kept."""
    return [fold_word(m.group()) for m in WORD_RE.finditer(text)]


def word_spans(text: str) -> list[tuple[str, int, int]]:
    """Each word of `text` as (folded word, start, end) with offsets into `text` itself."""
    return [(fold_word(m.group()), m.start(), m.end()) for m in WORD_RE.finditer(text)]


def keys(text: str) -> list[str]:
    """The case- and accent-insensitive keys of the words of `text`."""
    return [word_key(m.group()) for m in WORD_RE.finditer(text)]
