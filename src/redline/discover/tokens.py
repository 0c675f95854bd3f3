"""Fast word hashes: the same values as `hash_words(keys(text))`, several times quicker.

Tokenizing with `normalize.WORD_RE` costs more than all the rest of signing a document. Two
observations make it cheap:

- No word contains whitespace, and every lookaround of WORD_RE that could see past a token's
  end sees whitespace there or the end of the string, which it treats alike. So the words of a
  text are the words of its whitespace-separated tokens, in order, and a token's word hashes
  can be cached: news prose repeats tokens ("said,", "the", "Inc.") constantly.
- Hyphens and slashes split words just as whitespace does (they are neither word characters nor
  joiners, and every lookaround treats them like whitespace), so they become spaces first.
- Without the in-word characters (soft hyphen, zero-width characters, combining marks) WORD_RE
  is equivalent to a pattern that consumes letter runs with `+` instead of one alternation per
  character. Texts with those characters take the exact original path.

If `normalize.WORD_RE` ever changes, the fast path switches itself off (see `_FAST`), so results
stay identical to `shingle.shingles` by construction; a test checks the equality on generated
text.
"""

from __future__ import annotations

import re

import numpy as np
import xxhash

from redline.discover.shingle import U64Array, hash_words
from redline.text.normalize import WORD_RE, keys, word_key

_IN_WORD = "\u00ad\u200b\u200c\u200d\u2060\u0300-\u036f"
# Without in-word characters this WORD_RE reads exactly as the `_FAST` pattern below: its
# lookarounds only differ from plain ones by skipping in-word characters.
_KNOWN_WORD_RE = (
    rf"[^\W_][{_IN_WORD}]*(?:(?:[^\W_]|['\u2019](?=[{_IN_WORD}]*[^\W_])|[.,](?=[{_IN_WORD}]*\d)"
    rf"|(?:(?<=[A-Z])|(?<=[A-Z][\u00ad\u200b-\u200d\u2060]))\.(?=[{_IN_WORD}]*[A-Z](?![\u00ad\u200b-\u200d\u2060]*[\u0300-\u036f])(?![{_IN_WORD}]*\w)))"
    rf"[{_IN_WORD}]*)*"
)
_FAST = (
    re.compile(r"[^\W_]+(?:(?:['\u2019]|[.,](?=\d)|(?<=[A-Z])\.(?=[A-Z]\b))[^\W_]+)*")
    if WORD_RE.pattern == _KNOWN_WORD_RE
    else None
)
_SPECIAL = re.compile(f"[{_IN_WORD}]")
# Entries are small (a token and a tuple of ints); the cap bounds a worker's memory on
# collections with millions of distinct tokens.
_CACHE_LIMIT = 400_000


class _TokenCache(dict[str, int | None]):
    """token -> the hash of its one word, or None when it has no word or several (then the
    hashes are in `multi`)."""

    def __init__(self) -> None:
        super().__init__()
        self.multi: dict[str, tuple[int, ...]] = {}

    def __missing__(self, token: str) -> int | None:
        assert _FAST is not None
        found = tuple(xxhash.xxh3_64_intdigest(word_key(w).encode()) for w in _FAST.findall(token))
        value = found[0] if len(found) == 1 else None
        if value is None:
            self.multi[token] = found
        self[token] = value
        return value

    def reset(self) -> None:
        self.clear()
        self.multi.clear()


_cache = _TokenCache()


def word_hashes(text: str) -> U64Array:
    """64-bit hashes of the word keys of `text`, equal to `hash_words(keys(text))`."""
    # isascii is a flag check: ASCII text cannot hold the in-word characters.
    if _FAST is None or (not text.isascii() and _SPECIAL.search(text)):
        return hash_words(keys(text))
    if len(_cache) > _CACHE_LIMIT:
        _cache.reset()
    # Hyphens and slashes are neither word characters nor joiners, so they split words exactly
    # as whitespace does; turning them into spaces makes compounds single-word tokens.
    if "-" in text:
        text = text.replace("-", " ")
    if "/" in text:
        text = text.replace("/", " ")
    tokens = text.split()
    values = list(map(_cache.__getitem__, tokens))
    if None not in values:
        return np.array(values, dtype=np.uint64)
    # A few tokens hold no word or several ("AT&T", "--", "end.Next"): splice in their hashes.
    multi = _cache.multi
    flat: list[int | None] = []
    start = 0
    while True:
        try:
            i = values.index(None, start)
        except ValueError:
            flat.extend(values[start:])
            return np.array(flat, dtype=np.uint64)
        flat.extend(values[start:i])
        flat.extend(multi[tokens[i]])
        start = i + 1
