"""Fixtures for report tests (hand-made redlines live in report_fixtures.py)."""

from __future__ import annotations

import pytest
from report_fixtures import NEW, OLD, ROWS, build

from redline.models import Redline


@pytest.fixture
def redline() -> Redline:
    """Every kind once or more, folded runs, boilerplate of three roles."""
    return build(OLD, NEW, ROWS, titles=(None, "Ferry fares to rise"))
