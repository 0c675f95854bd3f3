"""Control characters in a document never reach the reader's terminal as controls."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REDLINE = Path(sys.executable).parent / "redline"
HOSTILE = "The harbour \x1b[31mrl-ansi\x1b]0;owned\x07 bridge closes in April for four cables.\n"
PLAIN = "The harbour bridge closes in May for repairs to five of its cables.\n"


@pytest.mark.slow
@pytest.mark.parametrize("colour", [False, True])
def test_escape_sequences_in_text_are_shown_not_obeyed(tmp_path: Path, colour: bool) -> None:
    (tmp_path / "a.txt").write_text(HOSTILE)
    (tmp_path / "b.txt").write_text(PLAIN)
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "NO_COLOR")}
    if colour:
        env["FORCE_COLOR"] = "1"
    result = subprocess.run(
        [str(REDLINE), "diff", "a.txt", "b.txt"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "\x1b[31mrl" not in result.stdout
    assert "\x1b]0;" not in result.stdout
    assert "\x07" not in result.stdout
    assert "␛[31mrl-ansi" in result.stdout  # shown as a control picture, nothing lost
    if not colour:
        assert "\x1b" not in result.stdout
