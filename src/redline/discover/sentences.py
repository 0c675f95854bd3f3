"""Sentence sketches: what `find` needs to judge a rewritten version sentence by sentence.

Word 5-shingles break under rewording: a sentence with one word changed in five keeps none of
its shingles. Sentences survive it better: most sentences of a rewrite keep most of their
words. So discovery also looks at sentences, cheaply (this is not the redline's segmenter):

- a sentence ends at a stop (``.!?…`` with closing quotes or brackets) before whitespace, or at
  a line break; sentences of fewer than `MIN_WORDS` distinct words (headings, datelines,
  fragments of an abbreviation) are left out;
- `sketch` keeps, per sentence, its sorted distinct word hashes (the word keys of
  `tokens.word_hashes`: case, accents and layout ignored) and an order-sensitive hash;
- `sentence_anchors` are the hashes of each sentence's word sequence and of its word set:
  two documents sharing some are candidates (`candidates`, rule 3b) even when their shingles
  are too few for banding;
- `aligned_share` is the cheap equivalent of the redline's sentence alignment: the share of the
  shorter document's sentences that have a partner in the other, a partner being a sentence
  holding at least `OVERLAP` of the smaller word set of the two (an exact match, an extended or
  trimmed sentence, a light rewording).

Everything is a pure function of the text, so every engine and the index compute the same.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import xxhash

from redline.discover.shingle import U64Array, hash_words, mix
from redline.discover.tokens import word_hashes

I64Array = npt.NDArray[np.int64]

# A sentence needs this many distinct words to count: "Photograph: Reuters" and a dateline
# do not, and neither do the pieces an abbreviation's stop ("Mr. Smith") splits off.
MIN_WORDS = 4
# Sentences beyond this many in one document are not sketched: it bounds the cost of
# `aligned_share` on a book-length text (whose first 5,000 sentences still decide).
MAX_SENTENCES = 5000
# Two sentences are partners when they share this much of the smaller word set. Chosen on half
# A of onestopenglish_rewrites (eval/eval_find_onestop.py): at 0.5 the best unrelated pair of
# the whole corpus aligned 0.66 of its sentences, at 0.6 true pairs lose almost nothing.
OVERLAP = 0.6

_STOP = re.compile(r"[.!?\u2026]+[\"'\u2019\u201d\u00bb)\]]*(?=\s)|[\r\n\u2028\u2029]+")
# A word no text contains, spliced in at every sentence end so that one `word_hashes` call
# tokenizes the whole text (tokenizing sentence by sentence costs several times more).
_MARK = "qqzsentenceendzqq"
_MARK_HASH = hash_words([_MARK])[0]
# Sequence hashes are salted so an exact-sentence anchor never equals a word-set anchor.
_EXACT_SALT = np.uint64(0x9E3779B97F4A7C15)


@dataclass(frozen=True, slots=True)
class SentenceSketch:
    """The sentences of one text: distinct word hashes per sentence, and a hash of each."""

    words: U64Array  # each sentence's sorted distinct word hashes, concatenated
    owners: I64Array  # the sentence (0..count-1) of each entry of `words`
    sizes: I64Array  # distinct words per sentence
    exact: U64Array  # (count,) hash of each sentence's word sequence

    @property
    def count(self) -> int:
        """Sentences kept."""
        return len(self.sizes)


def empty_sketch() -> SentenceSketch:
    """The sketch of a text without sentences."""
    return SentenceSketch(
        np.empty(0, dtype=np.uint64),
        np.empty(0, dtype=np.int64),
        np.empty(0, dtype=np.int64),
        np.empty(0, dtype=np.uint64),
    )


def sketch(text: str, *, min_words: int = MIN_WORDS) -> SentenceSketch:
    """The sentence sketch of a text (see the module docstring)."""
    marked = _STOP.sub(lambda m: f"{m.group(0)} {_MARK} ", text)
    hashes = word_hashes(marked)
    ends = np.flatnonzero(hashes == _MARK_HASH)
    bounds = np.r_[-1, ends, len(hashes)]
    words: list[U64Array] = []
    exact: list[int] = []
    for start, end in zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True):
        seq = hashes[start + 1 : end]
        if len(seq) < min_words:
            continue
        distinct = np.unique(seq)
        if len(distinct) < min_words:
            continue
        words.append(distinct)
        exact.append(xxhash.xxh3_64_intdigest(seq.tobytes()))
        if len(words) >= MAX_SENTENCES:
            break
    if not words:
        return empty_sketch()
    sizes = np.fromiter(map(len, words), dtype=np.int64, count=len(words))
    return SentenceSketch(
        words=np.concatenate(words),
        owners=np.repeat(np.arange(len(words), dtype=np.int64), sizes),
        sizes=sizes,
        exact=np.asarray(exact, dtype=np.uint64),
    )


def sketch_of(words: U64Array, sizes: I64Array, exact: U64Array) -> SentenceSketch:
    """The sketch of stored parts (each sentence's word hashes, its size, its sequence hash)."""
    if not len(sizes):
        return empty_sketch()
    return SentenceSketch(
        words=words,
        owners=np.repeat(np.arange(len(sizes), dtype=np.int64), sizes),
        sizes=sizes,
        exact=exact,
    )


def to_bytes(s: SentenceSketch) -> bytes:
    """A sketch as bytes, for engines that ship sketches between processes (Spark columns).

    uint64 values: the sentence count, the sizes, the sequence hashes, then the word hashes;
    `from_bytes` reads them back.
    """
    head = np.asarray([s.count], dtype=np.uint64).tobytes()
    return head + b"".join(
        np.ascontiguousarray(part, dtype=np.uint64).tobytes()
        for part in (s.sizes.astype(np.uint64), s.exact, s.words)
    )


def from_bytes(data: bytes) -> SentenceSketch:
    """The sketch `to_bytes` wrote."""
    values = np.frombuffer(data, dtype=np.uint64)
    count = int(values[0]) if len(values) else 0
    return sketch_of(
        values[1 + 2 * count :],
        values[1 : 1 + count].astype(np.int64),
        values[1 + count : 1 + 2 * count],
    )


def sentence_anchors(s: SentenceSketch) -> U64Array:
    """Sorted distinct anchors of a sketch: each sentence's sequence hash and word-set hash."""
    if s.count == 0:
        return np.empty(0, dtype=np.uint64)
    # A word set's hash from its sorted members: a rolling mix, vectorized over all sentences.
    starts = np.r_[0, np.cumsum(s.sizes)[:-1]]
    acc = np.zeros(s.count, dtype=np.uint64)
    for k in range(int(s.sizes.max())):
        live = s.sizes > k
        acc[live] = mix(acc[live] * np.uint64(0x100000001B3) + s.words[starts[live] + k])
    both = np.concatenate([acc, mix(s.exact ^ _EXACT_SALT)])
    result: U64Array = np.unique(both)
    return result


def aligned_share(a: SentenceSketch, b: SentenceSketch, overlap: float = OVERLAP) -> float:
    """Share of the shorter sketch's sentences with a partner in the other (module docstring).

    The shorter is the one with fewer sentences; on a tie either may be read as the shorter,
    and the larger share counts, so the share never depends on the order of the arguments
    (engines and the reference pass pairs in different orders). 0.0 when either has none.
    """
    if a.count == 0 or b.count == 0:
        return 0.0
    if b.count < a.count:
        a, b = b, a
    share = _share_of(a, b, overlap)
    if a.count == b.count and share < 1.0:
        share = max(share, _share_of(b, a, overlap))
    return share


def _share_of(a: SentenceSketch, b: SentenceSketch, overlap: float) -> float:
    """Share of a's sentences with a partner in b."""
    order = np.argsort(b.words, kind="stable")
    b_words, b_owners = b.words[order], b.owners[order]
    lo = np.searchsorted(b_words, a.words, side="left")
    hi = np.searchsorted(b_words, a.words, side="right")
    hits = hi - lo
    keep = hits > 0
    if not keep.any():
        return 0.0
    lo, hits, a_owner = lo[keep], hits[keep], a.owners[keep]
    # Every (sentence of a, sentence of b) sharing a word, once per shared word.
    total = int(hits.sum())
    offsets = np.repeat(lo - (np.cumsum(hits) - hits), hits) + np.arange(total)
    codes = np.repeat(a_owner, hits) * b.count + b_owners[offsets]
    codes, shared = np.unique(codes, return_counts=True)
    left, right = codes // b.count, codes % b.count
    smaller = np.minimum(a.sizes[left], b.sizes[right])
    partnered = np.unique(left[shared >= overlap * smaller])
    return len(partnered) / a.count
