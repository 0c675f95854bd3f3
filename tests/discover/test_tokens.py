"""The fast word hashes and batch fingerprints equal the reference functions exactly."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from redline.discover.fingerprint import fingerprint, shingle_batch
from redline.discover.lsh import band_keys, derive
from redline.discover.minhash import MinHashConfig, sign
from redline.discover.shingle import hash_words, shingle_hashes, shingles
from redline.discover.tokens import word_hashes
from redline.text.normalize import keys

TRICKY = [
    "U.S. and U.K. officials met; the U.S.-China talks resume.",
    "Shares rose 3.5% to 1,200.50 crowns, or 12,5 per cent (Reuters).",
    "O'Neill's café — “quoted” don’t ‘single’ -- dashes... and naïve Zoë",
    "co\u00adoperate zero\u200bwidth cafe\u0301 e\u0301te\u0301",
    "tabs\tand\r\nCRLF\x0cform\x1cfeed   spaces",
    "ends with a dot. A.B. C.D.E single A. letters x.5 .5 5. 5,",
    "",
    "   ",
    "ÉCOLE École ß STRASSE İstanbul ǅemal ﬁne",
]


def test_fast_hashes_equal_the_reference_on_tricky_text() -> None:
    for text in TRICKY:
        assert word_hashes(text).tolist() == hash_words(keys(text)).tolist(), text


@settings(max_examples=300, deadline=None)
@given(
    st.text(alphabet=st.sampled_from(list("aAz09.,'’ -\n\t\u00ad\u0301é—…\u200bU.S")), max_size=80)
)
def test_fast_hashes_equal_the_reference_on_generated_text(text: str) -> None:
    assert word_hashes(text).tolist() == hash_words(keys(text)).tolist()


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=60))
def test_fast_hashes_equal_the_reference_on_any_unicode(text: str) -> None:
    assert word_hashes(text).tolist() == hash_words(keys(text)).tolist()


def test_batch_shingles_equal_one_at_a_time() -> None:
    arrays = [hash_words(keys(t)) for t in TRICKY] + [
        np.arange(n, dtype=np.uint64) for n in (1, 4, 5, 6)
    ]
    for n in (1, 3, 5):
        batch = shingle_batch(arrays, n)
        for got, words in zip(batch, arrays, strict=True):
            assert got.tolist() == shingle_hashes(words, n).tolist()


def test_fingerprint_equals_the_reference_stages(article: Callable[..., str]) -> None:
    texts = [article(i, words=50 * i) for i in range(1, 6)] + TRICKY
    mh = MinHashConfig()
    lsh = derive(0.5, 0.8)
    fp = fingerprint(texts, mh, lsh)
    for i, text in enumerate(texts):
        ref = shingles(text)
        assert fp.sets[i].tolist() == ref.tolist()
        assert fp.signatures[i].tolist() == sign(ref, mh).tolist()
        assert fp.keys[i].tolist() == band_keys(sign(ref, mh), lsh.bands, lsh.rows).tolist()


def test_fast_path_is_on_for_the_current_word_pattern() -> None:
    # If normalize.WORD_RE changes, tokens.py switches the fast path off (still correct, but
    # several times slower): update _KNOWN_WORD_RE there after checking the fast pattern.
    from redline.discover import tokens

    assert tokens._FAST is not None, "normalize.WORD_RE changed: review discover/tokens.py"
