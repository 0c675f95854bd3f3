"""The version generator behind the diff eval: its truth must describe the text it made."""

from __future__ import annotations

import random
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from redline.diff.redline import compare
from redline.ingest.files import document_from_bytes, read_document
from redline.text.normalize import keys

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "eval"))

from versions import (  # noqa: E402
    FULL,
    HTML,
    LAYOUT_ONLY,
    ORIGINAL,
    make_version,
    pair_truth,
    piece_of_words,
    present_only,
)

SOURCE = read_document(ROOT / "examples" / "harbour-bridge" / "civic-ledger.txt").text
DONOR = read_document(ROOT / "examples" / "unrelated" / "chess-congress.txt").text


@pytest.mark.parametrize("seed", range(12))
def test_truth_pieces_are_the_words_of_the_text(seed: int) -> None:
    text, truth = make_version(SOURCE, random.Random(seed), donor=DONOR)
    assert keys(text) == [k for p in truth.pieces for k in keys(p.text)]
    assert piece_of_words(text, truth) == [
        i for i, p in enumerate(truth.pieces) for _ in keys(p.text)
    ]
    used = {s for p in truth.pieces for s in p.sources} | {s for s, _ in truth.dropped}
    assert used == set(range(len(truth.sources)))


def test_same_seed_same_version() -> None:
    one = make_version(SOURCE, random.Random(7), donor=DONOR)
    two = make_version(SOURCE, random.Random(7), donor=DONOR)
    assert one == two


@pytest.mark.parametrize("seed", range(6))
def test_layout_only_versions_are_all_same(seed: int) -> None:
    rng = random.Random(seed)
    text_a, truth_a = make_version(SOURCE, rng, profile=replace(ORIGINAL, furniture=0.0))
    text_b, truth_b = make_version(SOURCE, rng, profile=LAYOUT_ONLY)
    assert {u.kind for u in pair_truth(truth_a, truth_b)} == {"same"}
    assert {s.kind for s in compare(text_a, text_b).segments} == {"same"}


@pytest.mark.parametrize("seed", range(4))
def test_html_versions_read_back_with_every_story_sentence(seed: int) -> None:
    profile = replace(FULL, layouts=(HTML,))
    page, truth = make_version(SOURCE, random.Random(seed), profile=profile, donor=DONOR)
    doc = document_from_bytes("page.html", page.encode(), fmt="html")
    kept = present_only(doc.text, truth)
    # The extractor may drop furniture, never a sentence of the story.
    assert [p for p in kept.pieces if p.role is None] == [p for p in truth.pieces if p.role is None]
