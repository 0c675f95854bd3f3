"""Mostly-UTF-8 files and header-only web archives (issue 11, item 8)."""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path

import pytest
from textgen import invented_article

from redline.ingest.files import document_from_bytes

REDLINE = Path(sys.executable).parent / "redline"


def test_mostly_utf8_with_stray_bytes_is_utf8_with_replacement_and_a_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    body = invented_article(4, words=120).replace(". ", " — ", 6)
    data = body.encode("utf-8") + b" The ferry \x96 left." + b" Fares rose \xff."
    with caplog.at_level(logging.WARNING, logger="redline"):
        doc = document_from_bytes("ferry.txt", data)
    assert "—" in doc.text and "ŌĆö" not in doc.text  # not a legacy code page
    assert "The ferry \ufffd left." in doc.text
    assert [r.getMessage() for r in caplog.records] == [
        "ferry.txt: not valid UTF-8: 2 stray byte sequences replaced with U+FFFD"
        " (the rest is UTF-8)"
    ]


def test_a_legacy_code_page_file_is_still_detected(caplog: pytest.LogCaptureFixture) -> None:
    text = "Le café du port a fermé ses portes après l'été. " * 20
    with caplog.at_level(logging.WARNING, logger="redline"):
        doc = document_from_bytes("port.txt", text.encode("cp1252"))
    assert "café" in doc.text and "\ufffd" not in doc.text
    assert caplog.records == []


@pytest.mark.slow
def test_the_cli_prints_the_warning(tmp_path: Path) -> None:
    old = tmp_path / "old.txt"
    new = tmp_path / "new.txt"
    old.write_text("The ferry — the old one — left at noon.", encoding="utf-8")
    new.write_bytes("The ferry — the old one — left at one.".encode() + b" \x96")
    result = subprocess.run(
        [str(REDLINE), "diff", old, new, "--no-color"],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "warning: " in result.stderr and "1 stray byte sequence" in result.stderr
    assert "ŌĆö" not in result.stdout


@pytest.mark.slow
@pytest.mark.parametrize("command", ["find", "index"])
def test_a_header_only_warc_says_so_and_exits_non_zero(tmp_path: Path, command: str) -> None:
    from warcio.warcwriter import WARCWriter

    src = tmp_path / "empty.warc.gz"
    with src.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        writer.write_record(writer.create_warcinfo_record("empty.warc.gz", {"software": "x"}))
    args = (
        ["find", src, "-o", tmp_path / "o"]
        if command == "find"
        else ["index", "add", src, "--db", tmp_path / "i.db"]
    )
    result = subprocess.run(
        [str(REDLINE), *map(str, args)], capture_output=True, text=True, check=False, timeout=60
    )
    assert result.returncode == 1
    said = result.stdout + result.stderr
    assert "no response or conversion record" in said
    assert "no documents" in said
