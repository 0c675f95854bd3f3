"""Fixtures shared by every test folder."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from textgen import invented_article


@pytest.fixture
def article() -> Callable[..., str]:
    """A maker of invented articles: `article(seed, words=400)`."""
    return invented_article
