"""Sentence alignment between two versions of a text.

`align` pairs the sentences of an old and a new version: exact matches first, then rewordings
found through an inverted index over rare words (never by scoring every pair), then splits and
merges grown from those pairs, then neighbouring pairs joined where the two versions cut a
sentence boundary in different places, and finally moves, read off a heaviest increasing
subsequence of the matched pairs. It works on plain sentence strings, so it can be used and
tested without documents; `redline.diff.redline` turns its units into segments with text
and offsets.

Sentences are compared as sequences of word keys (case and accents folded), each key encoded
as one character, so that rapidfuzz's string kernels score word sequences at C speed.
"""

from __future__ import annotations

import heapq
import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz.distance import Indel, LCSseq

from redline.models import Kind
from redline.text.normalize import word_key, words

# Chosen by measurement (bench/bench_diff.py threshold): see docs/benchmarks.md, "diff speed".
REWORD_THRESHOLD = 0.5
# How many index candidates are scored per unmatched new sentence.
DEFAULT_CANDIDATES = 8
# A new sentence probes the index with at most this many of its rarest words ...
_PROBE_WORDS = 10
# ... and skips words found in more old sentences than this: such words are too common to
# point at a partner, and scanning their postings would make the search quadratic.
_MAX_POSTING = 100
# A piece joins a split/merge group only if this share of its words is found in the other side.
_PIECE_CONTAINED = 0.5
# A pair below the threshold can still seed a split/merge group if the shorter sentence is
# this much contained in the longer one and has at least _SEED_MIN_WORDS words.
_SEED_CONTAINED = 0.8
_SEED_MIN_WORDS = 4
# Copies of one repeated sentence placed by context; beyond this, in order (linear time).
_MAX_REPEATS = 64
# How far from its expected place an unmatched sentence looks for a partner the index missed.
_NEARBY = 2
# Inside a gap between two matched neighbours, order says where a sentence's partner stands,
# so a pair is accepted there at this lower gap score (chosen on MRPC, see
# eval/eval_align_mrpc.py and docs/quality.md).
GAP_THRESHOLD = 0.3
# A gap is aligned by dynamic programming only up to this many cells (unmatched old x new
# sentences); a larger one keeps the index's matches alone, so the cost stays linear.
_MAX_GAP_CELLS = 4096
# The gap score counts an extended or trimmed sentence (the shorter one's words found in order
# in the longer one) at this share of its containment.
_CONTAINED_WEIGHT = 0.9
# Anywhere in the text, a sentence of at least this many words found this much in order inside
# a longer one is that sentence extended or trimmed: reworded, not removed plus added.
_EXTENDED_MIN_WORDS = 5
_EXTENDED_CONTAINED = 0.85
# Neighbouring pairs are joined when together they score this much better than either alone.
_JOIN_GAIN = 0.05
# A group grows only while its score improves by more than this.
_GROW_EPS = 1e-9

_LAST_CODE = 0x10FFFF - 0x800 - 0x21


@dataclass(frozen=True, slots=True)
class Unit:
    """One aligned unit: sentence indices on each side, its kind and the pair's similarity."""

    kind: Kind
    a: tuple[int, ...]
    b: tuple[int, ...]
    score: float | None = None


def similarity(a: str, b: str) -> float:
    """Word-level similarity of two sentences in [0, 1]: 2·LCS / (len a + len b) over word keys."""
    vocab: dict[str, str] = {}
    return _sim(_encode(words(a), vocab), _encode(words(b), vocab))


def _sim(a: str, b: str) -> float:
    if not a and not b:
        return 1.0
    return float(Indel.normalized_similarity(a, b))


def gap_similarity(a: str, b: str) -> float:
    """The score a sentence pair needs inside a gap between matched neighbours, in [0, 1].

    The word-level `similarity`, or for an extended or trimmed sentence (the shorter one's
    words found in order in the longer one) 0.9 times that containment, whichever is higher.
    """
    vocab: dict[str, str] = {}
    return _gap_sim(_encode(words(a), vocab), _encode(words(b), vocab))


def _contained(a: str, b: str) -> float:
    """Share of the shorter word sequence found in order in the longer one."""
    shorter = min(len(a), len(b))
    if not shorter:
        return 0.0
    return LCSseq.similarity(a, b) / shorter


def _merge_sim(pieces: tuple[str, str], whole: str) -> float:
    """Gap score of two neighbouring sentences against one, or 0 unless each piece is in it.

    As in split/merge growth: a piece joins only if half its words are found in the other
    side, so a merge never swallows a sentence that has a partner of its own.
    """
    if any(not p or LCSseq.similarity(p, whole) / len(p) < _PIECE_CONTAINED for p in pieces):
        return 0.0
    return _gap_sim(pieces[0] + pieces[1], whole)


def _gap_sim(a: str, b: str) -> float:
    score = _sim(a, b)
    if min(len(a), len(b)) < _SEED_MIN_WORDS:
        return score
    return max(score, _CONTAINED_WEIGHT * _contained(a, b))


def _encode(sentence_words: Sequence[str], vocab: dict[str, str]) -> str:
    """The sentence's word keys as a string, one character per distinct key."""
    out = []
    for word in sentence_words:
        key = word_key(word)
        code = vocab.get(key)
        if code is None:
            n = len(vocab) % _LAST_CODE + 0x21
            # Surrogates cannot stand alone in a str; step over their block.
            code = chr(n if n < 0xD800 else n + 0x800)
            vocab[key] = code
        out.append(code)
    return "".join(out)


class _Aligner:
    """The mutable state of one alignment run (groups and which sentences they hold)."""

    def __init__(self, a: Sequence[str], b: Sequence[str], threshold: float, candidates: int):
        self.threshold = threshold
        # Gaps accept a score this much lower: a stricter threshold is stricter there too.
        self.gap_threshold = max(0.0, threshold - (REWORD_THRESHOLD - GAP_THRESHOLD))
        self.candidates = candidates
        self.wa = [tuple(words(t)) for t in a]
        self.wb = [tuple(words(t)) for t in b]
        vocab: dict[str, str] = {}
        self.ca = [_encode(w, vocab) for w in self.wa]
        self.cb = [_encode(w, vocab) for w in self.wb]
        # Group id per sentence, -1 while unmatched. A group is [a indices, b indices, score].
        self.ga = [-1] * len(a)
        self.gb = [-1] * len(b)
        self.groups: list[tuple[list[int], list[int], float]] = []

    def add(self, ai: list[int], bi: list[int], score: float) -> int:
        gid = len(self.groups)
        self.groups.append((ai, bi, score))
        for i in ai:
            self.ga[i] = gid
        for j in bi:
            self.gb[j] = gid
        return gid

    def match_exact(self) -> None:
        """Pair sentences with equal words: unique ones first, then repeated ones by context."""
        in_a: dict[tuple[str, ...], list[int]] = defaultdict(list)
        in_b: dict[tuple[str, ...], list[int]] = defaultdict(list)
        for i, w in enumerate(self.wa):
            in_a[w].append(i)
        for j, w in enumerate(self.wb):
            in_b[w].append(j)
        repeated = []
        for w, js in in_b.items():
            is_ = in_a.get(w)
            if is_ and len(is_) == len(js) == 1:
                self.add(is_, js, 1.0)
            elif is_:
                repeated.extend(js)
        # A repeated sentence ("Read more.", "He declined to comment.") goes to the copy that
        # stands where the unique matches around it say it should, so a deleted copy does not
        # make the others look moved.
        for j in sorted(repeated):
            free = in_a[self.wb[j]]
            if not free:
                continue
            if len(free) > _MAX_REPEATS:
                i = free.pop(0)  # k-th with k-th: keeps very common lines linear
            else:
                want = self.expected_position(j)
                i = min(free, key=lambda i: (abs(i - want), i))
                free.remove(i)
            self.add([i], [j], 1.0)

    def expected_position(self, j: int) -> int:
        """Where in `a` the partner of b[j] should stand, judged from b[j]'s matched neighbours."""
        if j > 0 and (g := self.gb[j - 1]) >= 0:
            return self.groups[g][0][-1] + 1
        if j + 1 < len(self.gb) and (g := self.gb[j + 1]) >= 0:
            return self.groups[g][0][0] - 1
        return j * len(self.ga) // max(1, len(self.gb))

    def candidate_pairs(self) -> tuple[list[tuple[float, int, int]], list[tuple[float, int, int]]]:
        """Scored (score, i, j) pairs over the threshold, and split/merge seeds below it."""
        rest_a = [i for i, g in enumerate(self.ga) if g < 0]
        rest_b = [j for j, g in enumerate(self.gb) if g < 0]
        if not rest_a or not rest_b:
            return [], []
        index: dict[str, list[int]] = defaultdict(list)
        for i in rest_a:
            for ch in set(self.ca[i]):
                index[ch].append(i)
        n = len(rest_a)
        # Votes are divided by each old sentence's weight norm (a cosine, up to the new
        # sentence's constant), so long sentences full of mid-frequency words do not crowd a
        # short partner out of the candidate list.
        norm: dict[int, float] = {}
        for i in rest_a:
            norm[i] = math.sqrt(
                sum(math.log(1.0 + n / len(index[ch])) ** 2 for ch in set(self.ca[i])) or 1.0
            )
        matched: list[tuple[float, int, int]] = []
        seeds: list[tuple[float, int, int]] = []
        for j in rest_b:
            code_b = self.cb[j]
            # Rarest first; ties by key, so the result never depends on string hashing.
            probe = sorted(
                (len(p), ch, p)
                for ch in set(code_b)
                if (p := index.get(ch)) and len(p) <= _MAX_POSTING
            )
            votes: dict[int, float] = {}
            for size, _, post in probe[:_PROBE_WORDS]:
                weight = math.log(1.0 + n / size)
                for i in post:
                    votes[i] = votes.get(i, 0.0) + weight
            best = heapq.nlargest(self.candidates, votes, key=lambda i: votes[i] / norm[i])
            best.extend(self.neighbour_candidates(j))
            for i in sorted(set(best)):
                code_a = self.ca[i]
                score = _sim(code_a, code_b)
                if score >= self.threshold:
                    matched.append((score, i, j))
                    continue
                shorter = min(len(code_a), len(code_b))
                if shorter >= _SEED_MIN_WORDS:
                    contained = LCSseq.similarity(code_a, code_b) / shorter
                    if contained >= _SEED_CONTAINED:
                        seeds.append((contained, i, j))
        return matched, seeds

    def neighbour_candidates(self, j: int) -> list[int]:
        """Old sentences next to the partners of j's neighbours: catches short, common sentences."""
        out = []
        if j > 0 and (g := self.gb[j - 1]) >= 0:
            i = max(self.groups[g][0]) + 1
            if i < len(self.ga) and self.ga[i] < 0:
                out.append(i)
        if j + 1 < len(self.gb) and (g := self.gb[j + 1]) >= 0:
            i = min(self.groups[g][0]) - 1
            if i >= 0 and self.ga[i] < 0:
                out.append(i)
        return out

    def codes(self, ai: list[int], bi: list[int]) -> tuple[str, str]:
        return "".join(self.ca[i] for i in ai), "".join(self.cb[j] for j in bi)

    def grow(
        self, ai: list[int], bi: list[int], score: float
    ) -> tuple[list[int], list[int], float]:
        """Absorb adjacent unmatched sentences while that raises the pair's score (split/merge)."""
        while True:
            best: tuple[float, list[int], list[int]] | None = None
            for side in (0, 1):
                idx, taken, codes = (ai, self.ga, self.ca) if side == 0 else (bi, self.gb, self.cb)
                for k in (idx[0] - 1, idx[-1] + 1):
                    if not 0 <= k < len(taken) or taken[k] >= 0 or not codes[k]:
                        continue
                    new_idx = sorted([*idx, k])
                    new_a, new_b = (new_idx, bi) if side == 0 else (ai, new_idx)
                    code_a, code_b = self.codes(new_a, new_b)
                    new_score = _sim(code_a, code_b)
                    if new_score <= score + _GROW_EPS or (best and new_score <= best[0]):
                        continue
                    other = code_b if side == 0 else code_a
                    piece = codes[k]
                    if LCSseq.similarity(piece, other) / len(piece) < _PIECE_CONTAINED:
                        continue
                    best = (new_score, new_a, new_b)
            if best is None:
                return ai, bi, score
            score, ai, bi = best

    def match_similar(self) -> None:
        """Greedy one-to-one matching of the best-scoring candidates, then split/merge growth."""
        matched, seeds = self.candidate_pairs()
        # Best score first; among equals, the pair nearest the diagonal.
        matched.sort(key=lambda t: (-t[0], abs(t[1] - t[2]), t[1], t[2]))
        fresh = []
        for score, i, j in matched:
            if self.ga[i] < 0 and self.gb[j] < 0:
                fresh.append(self.add([i], [j], score))
        for gid in fresh:
            ai, bi, score = self.groups[gid]
            new_a, new_b, new_score = self.grow(ai, bi, score)
            if new_score > score:
                self.groups[gid] = (new_a, new_b, new_score)
                for i in new_a:
                    self.ga[i] = gid
                for j in new_b:
                    self.gb[j] = gid
        self.match_nearby()
        seeds.sort(key=lambda t: (-t[0], t[1], t[2]))
        for contained, i, j in seeds:
            if self.ga[i] >= 0 or self.gb[j] >= 0:
                continue
            ai, bi, score = self.grow([i], [j], _sim(self.ca[i], self.cb[j]))
            if score >= self.threshold:
                self.add(ai, bi, score)
            elif (
                contained >= _EXTENDED_CONTAINED
                and _CONTAINED_WEIGHT * contained >= self.gap_threshold
                and min(len(self.ca[i]), len(self.cb[j])) >= _EXTENDED_MIN_WORDS
            ):
                # "The regime collapsed." -> "The regime collapsed and its leader ...": the
                # same sentence extended (or trimmed), reworded rather than removed + added.
                self.add([i], [j], _sim(self.ca[i], self.cb[j]))

    def join_adjacent(self) -> None:
        """Join pairs that follow each other on both sides when one sentence boundary moved.

        "A Nov. 20, B." cut as "A Nov." + "20, B." in one version and as "A Nov. 20," + "B."
        in the other gives two poor pairs; together they are one good pair (often `same`).
        Independent rewordings of neighbours never gain from joining, so they stay apart.
        """
        order = sorted(range(len(self.groups)), key=lambda g: self.groups[g][1][0])
        joined: list[tuple[list[int], list[int], float]] = []
        for g in order:
            ai, bi, score = self.groups[g]
            if joined:
                pa, pb, prev = joined[-1]
                if pa[-1] + 1 == ai[0] and pb[-1] + 1 == bi[0] and max(prev, score) < 1.0:
                    joint = _sim(*self.codes([*pa, *ai], [*pb, *bi]))
                    if joint > max(prev, score) + _JOIN_GAIN:
                        joined[-1] = ([*pa, *ai], [*pb, *bi], joint)
                        continue
            joined.append((ai, bi, score))
        self.groups = []
        for ai, bi, score in joined:
            self.add(ai, bi, score)

    def match_nearby(self) -> None:
        """Give a still unmatched sentence the best free old sentence next to where it belongs.

        The index cannot see a short sentence of common words whose one rare word was edited
        away; its matched neighbours still say where its partner stands.
        """
        for j, g in enumerate(self.gb):
            if g >= 0 or not self.cb[j]:
                continue
            want = self.expected_position(j)
            best: tuple[float, int] | None = None
            for i in range(max(0, want - _NEARBY), min(len(self.ga), want + _NEARBY + 1)):
                if self.ga[i] < 0 and self.ca[i]:
                    score = _sim(self.ca[i], self.cb[j])
                    if score >= self.threshold and (best is None or score > best[0]):
                        best = (score, i)
            if best is not None:
                self.add([best[1]], [j], best[0])

    def match_gaps(self) -> None:
        """Pair what is left between matched neighbours by a monotone alignment of each gap.

        The gaps lie between consecutive groups of the heaviest increasing run (the sentences
        that kept their order), never before the first or after the last; inside one, a
        dynamic programme over the gap scores of every unmatched old x new pair picks the
        order-preserving pairs (1-1, and 1-2 / 2-1 merges) with the highest total score above
        `GAP_THRESHOLD`, the way Vecalign and Bertalign
        align between anchors. Moved groups are no anchors; their sentences are not free.
        """
        stable = sorted(self.stable(), key=lambda g: self.groups[g][1][0])
        # Interior gaps only: before the first and after the last kept sentence stand the
        # page's furniture (titles, bylines, bios, promos), whose order says nothing.
        bounds = [(max(self.groups[g][0]), max(self.groups[g][1])) for g in stable[:-1]]
        ends = [(min(self.groups[g][0]), min(self.groups[g][1])) for g in stable[1:]]
        for (a0, b0), (a1, b1) in zip(bounds, ends, strict=True):
            free_a = [i for i in range(a0 + 1, a1) if self.ga[i] < 0 and self.ca[i]]
            free_b = [j for j in range(b0 + 1, b1) if self.gb[j] < 0 and self.cb[j]]
            if free_a and free_b and len(free_a) * len(free_b) <= _MAX_GAP_CELLS:
                for ai, bi, score in self._align_gap(free_a, free_b):
                    self.add(ai, bi, score)

    def _align_gap(
        self, free_a: list[int], free_b: list[int]
    ) -> list[tuple[list[int], list[int], float]]:
        """The best monotone pairing of two short runs of unmatched sentences."""
        cut = self.gap_threshold
        n, m = len(free_a), len(free_b)
        sim = [[_gap_sim(self.ca[i], self.cb[j]) for j in free_b] for i in free_a]
        # best[x][y]: the highest total gain aligning free_a[:x] with free_b[:y].
        best = [[0.0] * (m + 1) for _ in range(n + 1)]
        step: list[list[tuple[int, int, float] | None]] = [[None] * (m + 1) for _ in range(n + 1)]
        for x in range(n + 1):
            for y in range(m + 1):
                if x == 0 and y == 0:
                    continue
                options: list[tuple[float, tuple[int, int, float] | None]] = []
                if x:
                    options.append((best[x - 1][y], (1, 0, -1.0)))
                if y:
                    options.append((best[x][y - 1], (0, 1, -1.0)))
                if x and y and sim[x - 1][y - 1] >= cut:
                    s = sim[x - 1][y - 1]
                    options.append((best[x - 1][y - 1] + s - cut, (1, 1, s)))
                if x >= 2 and y and self._adjacent(free_a, x - 2):
                    pieces = (self.ca[free_a[x - 2]], self.ca[free_a[x - 1]])
                    s = _merge_sim(pieces, self.cb[free_b[y - 1]])
                    if s >= cut:
                        options.append((best[x - 2][y - 1] + 2 * (s - cut), (2, 1, s)))
                if x and y >= 2 and self._adjacent(free_b, y - 2):
                    pieces = (self.cb[free_b[y - 2]], self.cb[free_b[y - 1]])
                    s = _merge_sim(pieces, self.ca[free_a[x - 1]])
                    if s >= cut:
                        options.append((best[x - 1][y - 2] + 2 * (s - cut), (1, 2, s)))
                # Highest gain; ties go to skipping (fewer, surer pairs), deterministically.
                gain, chosen = max(options, key=lambda o: (o[0], -(o[1] or (0, 0, 0))[2]))
                best[x][y] = gain
                step[x][y] = chosen
        out: list[tuple[list[int], list[int], float]] = []
        x, y = n, m
        while x or y:
            move = step[x][y]
            assert move is not None
            dx, dy, score = move
            if score >= 0:
                out.append((free_a[x - dx : x], free_b[y - dy : y], score))
            x, y = x - dx, y - dy
        out.reverse()
        return out

    @staticmethod
    def _adjacent(indices: list[int], k: int) -> bool:
        """Whether indices[k] and indices[k + 1] are neighbouring sentences of their text."""
        return indices[k] + 1 == indices[k + 1]

    def stable(self) -> set[int]:
        """Group ids on a heaviest increasing run of old positions, read in new order."""
        order = sorted(range(len(self.groups)), key=lambda g: self.groups[g][1][0])
        size = len(self.ga) + 1
        # Fenwick tree of (best weight, group id) over old positions, for prefix maxima.
        tree: list[tuple[int, int]] = [(0, -1)] * (size + 1)
        back: dict[int, int] = {}
        best_end = (0, -1)
        for g in order:
            ai, bi, _ = self.groups[g]
            pos = ai[0]
            prev = (0, -1)
            k = pos  # prefix over positions < pos (1-based Fenwick index pos)
            while k > 0:
                prev = max(prev, tree[k])
                k -= k & -k
            weight = prev[0] + len(ai) + len(bi)
            back[g] = prev[1]
            best_end = max(best_end, (weight, g))
            k = pos + 1
            while k <= size:
                tree[k] = max(tree[k], (weight, g))
                k += k & -k
        out: set[int] = set()
        g = best_end[1]
        while g >= 0:
            out.add(g)
            g = back[g]
        return out

    def units(self) -> list[Unit]:
        """Units in reading order of the new version, removed ones after their old predecessor."""
        stable = self.stable()
        out: list[Unit] = []

        def place_removed_after(i: int) -> None:
            while i < len(self.ga) and self.ga[i] < 0:
                out.append(Unit("removed", (i,), ()))
                i += 1

        place_removed_after(0)
        for j, g in enumerate(self.gb):
            if g < 0:
                out.append(Unit("added", (), (j,)))
                continue
            ai, bi, score = self.groups[g]
            if bi[0] != j:
                continue
            same = [w for i in ai for w in self.wa[i]] == [w for k in bi for w in self.wb[k]]
            kind: Kind = "moved" if g not in stable else "same" if same else "reworded"
            out.append(Unit(kind, tuple(ai), tuple(bi), 1.0 if same else score))
            place_removed_after(ai[-1] + 1)
        return out


def align(
    a: Sequence[str],
    b: Sequence[str],
    *,
    threshold: float = REWORD_THRESHOLD,
    candidates: int = DEFAULT_CANDIDATES,
) -> list[Unit]:
    """Align the sentences of an old version `a` with those of a new version `b`.

    Args:
        a: the old version's sentences, in reading order.
        b: the new version's sentences, in reading order.
        threshold: the least `similarity` at which two different sentences count as one
            sentence reworded rather than one removed and another added.
        candidates: how many index candidates are scored per unmatched new sentence.

    Returns:
        Units in reading order of `b`; each sentence of `a` and of `b` is in exactly one unit.
        Removed sentences follow the unit holding their preceding old sentence. A `moved` unit
        may also be reworded: its words differ when its score is below 1.
    """
    aligner = _Aligner(a, b, threshold, candidates)
    aligner.match_exact()
    aligner.match_similar()
    aligner.join_adjacent()
    aligner.match_gaps()
    return aligner.units()
