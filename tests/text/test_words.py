"""Words are what every comparison counts: typography and Unicode form must never change them."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from redline.text.normalize import keys, normalize, words

# Letters, joiners and the layout characters that sit inside or between words.
PIECES = [*"aéeUSAD.,1'’- \n\t", "\u00a0", "\u00ad", "\u200b", "\u0301", "—", "…", "“", "”"]
texts = st.lists(st.sampled_from(PIECES), max_size=40).map("".join)


@given(texts)
@example("U.U\u00ad\u0301")  # a soft hyphen before an accent must not decide the U.S join
@settings(max_examples=500)
def test_normalizing_never_changes_the_words(text: str) -> None:
    assert words(normalize(text)) == words(text)


@given(texts)
@settings(max_examples=500)
def test_unicode_form_never_changes_the_keys(text: str) -> None:
    assert keys(unicodedata.normalize("NFD", text)) == keys(unicodedata.normalize("NFC", text))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("the U.S. port", ["the", "U.S", "port"]),
        ("3.5 and 1,000", ["3.5", "and", "1,000"]),
        ("don\u2019t", ["don't"]),
        ("don\u2019\u00adt", ["don't"]),
        ("inter\u00adnational", ["international"]),
        ("A.\u00c9. and A.E\u0301.", ["A", "\u00c9", "and", "A", "\u00c9"]),
    ],
)
def test_words_examples(text: str, expected: list[str]) -> None:
    assert words(text) == expected
