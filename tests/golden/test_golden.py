"""Golden files: every report format of two invented pairs, compared byte for byte.

`ferry` is an edited version (word edits, facts, furniture); `library` is a substantially
rewritten one, whose verdict every format must carry.

A change to the aligner or a renderer shows up here as a diff to review. When the change is
intended, regenerate with `make golden` (REDLINE_REGENERATE_GOLDEN=1) and commit the new files.
"""

from __future__ import annotations

import dataclasses
import difflib
import io
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from rich.console import Console

from redline.diff.redline import compare
from redline.ingest.files import read_document
from redline.models import Redline
from redline.report.html import to_html
from redline.report.json import to_json
from redline.report.markdown import to_markdown
from redline.report.spreadsheet import to_csv
from redline.report.terminal import render

HERE = Path(__file__).parent
FIXTURES = HERE.parent / "fixtures"
REGENERATE = os.environ.get("REDLINE_REGENERATE_GOLDEN") == "1"


PAIRS = {
    "ferry": ("ferry-old.txt", "ferry-new.html"),
    "library": ("library-old.txt", "library-new.txt"),
}


def _redline(pair: str) -> Redline:
    # Ids are the bare file names so the goldens do not depend on where the checkout lives.
    old_name, new_name = PAIRS[pair]
    old = read_document(FIXTURES / old_name)
    new = read_document(FIXTURES / new_name)
    return compare(dataclasses.replace(old, id=old_name), dataclasses.replace(new, id=new_name))


def _terminal(redline: Redline) -> str:
    console = Console(file=io.StringIO(), width=100, color_system=None)
    render(redline, console)
    return console.file.getvalue()  # type: ignore[attr-defined,no-any-return]


RENDERERS: dict[str, Callable[[Redline], str]] = {
    "terminal.txt": _terminal,
    "json": lambda r: to_json(r) + "\n",
    "md": to_markdown,
    "html": to_html,
    "csv": to_csv,
}


@pytest.mark.parametrize("pair", sorted(PAIRS))
@pytest.mark.parametrize("suffix", sorted(RENDERERS))
def test_golden(pair: str, suffix: str) -> None:
    actual = RENDERERS[suffix](_redline(pair))
    name = f"{pair}.{suffix}"
    path = HERE / name
    # Bytes, not text: a text read turns the CSV's CRLF row ends into LF.
    if REGENERATE and (not path.exists() or path.read_bytes().decode("utf-8") != actual):
        path.write_bytes(actual.encode("utf-8"))
        # Not a pass: nothing was compared. An unchanged file falls through to the comparison.
        pytest.skip(f"regenerated {path.name}; review `git diff {path}` before committing")
    if not path.exists():
        pytest.fail(f"{path} is missing; create it with `make golden` and review it")
    expected = path.read_bytes().decode("utf-8")
    if actual != expected:
        diff = "".join(
            difflib.unified_diff(
                expected.splitlines(keepends=True),
                actual.splitlines(keepends=True),
                f"{name} (golden)",
                f"{name} (now)",
                n=2,
            )
        )
        pytest.fail(
            f"{name} differs from its golden file. If the change is intended, regenerate with "
            f"`make golden` (or REDLINE_REGENERATE_GOLDEN=1 pytest tests -k golden) and review "
            f"the diff before committing.\n{diff[:4000]}",
            pytrace=False,
        )
