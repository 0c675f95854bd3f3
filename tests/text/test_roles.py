"""The `Furniture` plug point: compare asks the furniture it is given, and only it."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from redline import CompareOptions, ConfigError, Document, PageFurniture, compare
from redline.models import Role, Sentence

OLD = "By Jane Doe\n\nThe ferry will run twice a day from May. Fares stay the same.\n"
NEW = "By Jane Doe\n\nThe ferry will run three times a day from May. Fares stay the same.\n"


class _AllPromo:
    """Calls every sentence a promo: nothing of the story is left."""

    def roles(self, document: Document, sentences: Sequence[Sentence]) -> list[Role | None]:
        return ["promo" for _ in sentences]


class _Short:
    def roles(self, document: Document, sentences: Sequence[Sentence]) -> list[Role | None]:
        return []


def test_default_furniture_marks_the_byline_only() -> None:
    redline = compare(OLD, NEW)
    assert [s.boilerplate for s in redline.segments] == ["byline", None, None]


def test_passed_furniture_decides_every_role() -> None:
    redline = compare(OLD, NEW, options=CompareOptions(furniture=_AllPromo()))
    assert {s.boilerplate for s in redline.segments} == {"promo"}
    # Facts come from the story only: with no story there is no changed fact.
    assert redline.facts.added == () and redline.facts.removed == ()


def test_default_is_page_furniture() -> None:
    assert (
        compare(OLD, NEW).to_dict()
        == compare(OLD, NEW, options=CompareOptions(furniture=PageFurniture())).to_dict()
    )


def test_furniture_must_give_one_role_per_sentence() -> None:
    with pytest.raises(ValueError, match="returned 0 roles for 3 sentences"):
        compare(OLD, NEW, options=CompareOptions(furniture=_Short()))


def test_furniture_without_roles_method_is_refused() -> None:
    with pytest.raises(ConfigError, match="roles\\(document, sentences\\)"):
        CompareOptions(furniture=object())  # type: ignore[arg-type]
