"""Exports a spreadsheet opens: `redline index export --format csv`."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

REDLINE = Path(sys.executable).parent / "redline"
# Invented text with what trips naive CSV writers: commas, quotes and a paragraph break.
TEXT = (
    'The Kelvery quay, closed since May, reopens on Friday, the harbour master said: "at last".'
    "\n\nFerries will use the new berth, built for 2.4 million crowns, from the first sailing."
)


def redline(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(REDLINE), *args], capture_output=True, text=True, cwd=cwd, timeout=120, check=False
    )


def test_index_export_csv_round_trips_every_document(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "quay.txt").write_text(TEXT)
    (docs / "quay-copy.txt").write_text(TEXT)
    assert redline("index", "add", "docs", "--db", "i.db", cwd=tmp_path).returncode == 0

    to_file = redline(
        "index", "export", "--db", "i.db", "--format", "csv", "-o", "i.csv", cwd=tmp_path
    )
    assert to_file.returncode == 0, to_file.stderr
    to_stdout = redline("index", "export", "--db", "i.db", "--format", "csv", cwd=tmp_path)
    assert to_stdout.returncode == 0, to_stdout.stderr

    from_file = (tmp_path / "i.csv").read_text(encoding="utf-8")
    for content in (from_file, to_stdout.stdout):
        rows = list(csv.DictReader(io.StringIO(content, newline="")))
        assert sorted(r["id"] for r in rows) == ["quay-copy.txt", "quay.txt"]
        assert all(r["text"] == TEXT for r in rows)
        # Exact copies are versions: both rows name the same cluster.
        assert rows[0]["cluster"] and rows[0]["cluster"] == rows[1]["cluster"]
        assert list(rows[0]) == [
            "id",
            "cluster",
            "title",
            "url",
            "date",
            "byline",
            "added_at",
            "hash",
            "text",
        ]
