"""`redline diff` through the installed entry point, as a user runs it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

REDLINE = Path(sys.executable).parent / "redline"
FIXTURES = Path(__file__).parent.parent / "fixtures"
OLD = FIXTURES / "ferry-old.txt"
NEW = FIXTURES / "ferry-new.html"


def run(*args: str | Path, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    # The caller's colour settings would change what a pipe receives.
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "NO_COLOR")}
    return subprocess.run(
        [str(REDLINE), *map(str, args)],
        input=stdin,
        capture_output=True,
        timeout=60,
        check=False,
        env=env,
    )


def test_json_output_meets_the_contract() -> None:
    result = run("diff", OLD, NEW, "--format", "json")
    assert result.returncode == 0, result.stderr.decode()
    data = json.loads(result.stdout)
    assert data["schema"] == "redline.diff/1"
    assert data["a"]["source"] == str(OLD)
    assert data["b"]["title"] == "Ferry fares to rise in spring"
    for side in ("a", "b"):
        seen = sorted(i for seg in data["segments"] for i in seg[f"{side}_sentences"])
        # Every sentence of both versions in exactly one segment.
        assert seen == list(range(data[side]["sentences"]))
    kinds = {seg["kind"] for seg in data["segments"]}
    assert kinds <= {"same", "reworded", "moved", "added", "removed"}
    assert "reworded" in kinds


def test_terminal_output_in_a_pipe_is_plain_text_with_markers() -> None:
    result = run("diff", OLD, NEW, "--width", "60")
    assert result.returncode == 0, result.stderr.decode()
    out = result.stdout.decode()
    assert "\x1b[" not in out
    assert "[-10-]{+12+}%" in out
    assert "Boilerplate" in out
    assert all(len(line) <= 60 for line in out.splitlines())


def test_no_color_flag_markdown_and_html_on_stdout() -> None:
    assert "[-10-]{+12+}" in run("diff", OLD, NEW, "--no-color").stdout.decode()
    md = run("diff", OLD, NEW, "--format", "markdown").stdout.decode()
    assert md.startswith("## Redline: `ferry-old.txt` → `ferry-new.html`")
    assert "~~10~~ **12**%" in md
    page = run("diff", OLD, NEW, "--format", "html").stdout.decode()  # no -o: standard output
    assert page.startswith("<!doctype html>")
    assert page.rstrip().endswith("</html>")


class _Assets(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.external: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("src", "href") and value and value.startswith(("http:", "https:", "//")):
                self.external.append(value)


def test_html_report_is_written_and_self_contained(tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    result = run("diff", OLD, NEW, "--format", "html", "-o", out)
    assert result.returncode == 0, result.stderr.decode()
    assert result.stdout == b""
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!doctype html>")
    assert "<del>10</del>" in page
    assert "<ins>12</ins>" in page
    parser = _Assets()
    parser.feed(page)
    assert parser.external == []


def test_stdin_for_one_side() -> None:
    result = run("diff", "-", NEW, "--format", "json", stdin=OLD.read_bytes())
    assert result.returncode == 0, result.stderr.decode()
    assert json.loads(result.stdout)["a"]["source"] == "<stdin>"


def test_stdin_for_both_sides_is_refused() -> None:
    result = run("diff", "-", "-", stdin=b"text")
    assert result.returncode == 2
    assert b"only one of OLD and NEW" in result.stderr


def test_encoding_option_decodes_a_legacy_file(tmp_path: Path) -> None:
    path = tmp_path / "ru.txt"
    path.write_bytes("Паром подорожает на 10%. Это решено.".encode("cp1251"))
    result = run("diff", path, path, "--format", "json", "--encoding", "cp1251")
    assert result.returncode == 0, result.stderr.decode()
    segments = json.loads(result.stdout)["segments"]
    assert segments[0]["a"] == "Паром подорожает на 10%."
    assert {s["kind"] for s in segments} == {"same"}


def _bad_inputs(tmp: Path) -> dict[str, tuple[Path, list[str]]]:
    binary = tmp / "photo.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    empty = tmp / "empty.txt"
    empty.write_bytes(b" \n\n \t\n")
    garbled = tmp / "garbled.txt"
    garbled.write_bytes(bytes(range(128, 256)) * 4)
    big = tmp / "big.txt"
    big.write_bytes(b"The ferry sails at noon. " * 100)
    folder = tmp / "folder"
    folder.mkdir()
    return {
        "missing": (tmp / "no-such-file.txt", []),
        "directory": (folder, []),
        "binary": (binary, []),
        "empty": (empty, []),
        "undecodable": (garbled, []),
        "too large": (big, ["--max-bytes", "1000"]),
    }


@pytest.mark.parametrize(
    ("case", "says"),
    [
        ("missing", "no such file"),
        ("directory", "is a directory"),
        ("binary", "binary data"),
        ("empty", "whitespace"),
        ("undecodable", "pass --encoding"),
        ("too large", "--max-bytes"),
    ],
)
def test_bad_input_gives_one_clear_line(tmp_path: Path, case: str, says: str) -> None:
    path, extra = _bad_inputs(tmp_path)[case]
    result = run("diff", OLD, path, *extra)
    err = result.stderr.decode()
    assert result.returncode != 0
    assert result.stdout == b""
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1, err
    assert str(path) in err
    assert says in err


def test_unwritable_output_is_one_line_too(tmp_path: Path) -> None:
    result = run("diff", OLD, NEW, "-o", tmp_path / "no" / "such" / "dir" / "r.html")
    err = result.stderr.decode()
    assert result.returncode != 0
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1, err


def _on_a_terminal(args: list[str], rows: int, env: dict[str, str]) -> str:
    """Run `redline` with a pseudo-terminal of `rows` lines as stdin and stdout; its output."""
    import fcntl
    import struct
    import termios

    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, 100, 0, 0))
    try:
        subprocess.run(
            [str(REDLINE), *args],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
            timeout=60,
            check=False,
        )
    finally:
        os.close(slave)
    chunks = []
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the terminal's other end is closed and drained
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    return b"".join(chunks).decode("utf-8", "replace")


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")
def test_pager_runs_only_for_output_longer_than_the_screen(tmp_path: Path) -> None:
    paged = tmp_path / "paged.txt"
    pager = f"{sys.executable} -c \"import sys; open(r'{paged}', 'w').write(sys.stdin.read())\""
    drop = ("NO_COLOR", "FORCE_COLOR", "COLUMNS", "LINES")
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env.update(PAGER=pager, TERM="xterm-256color")

    out = _on_a_terminal(["diff", str(OLD), str(NEW), "--no-pager"], 10, env)
    assert not paged.exists()
    assert "\x1b[" in out  # a terminal gets colour
    assert "Boilerplate" in out

    _on_a_terminal(["diff", str(OLD), str(NEW)], 10, env)
    assert "Boilerplate" in paged.read_text(encoding="utf-8")
    paged.unlink()

    short_old, short_new = tmp_path / "a.txt", tmp_path / "b.txt"
    short_old.write_text("The ferry is late.", encoding="utf-8")
    short_new.write_text("The ferry is early.", encoding="utf-8")
    out = _on_a_terminal(["diff", str(short_old), str(short_new)], 40, env)
    assert not paged.exists()
    assert "early" in out


def test_csv_export_has_one_row_per_segment_with_its_facts(tmp_path: Path) -> None:
    import csv
    import io

    out = tmp_path / "changes.csv"
    result = run("diff", OLD, NEW, "--format", "csv", "-o", out)
    assert result.returncode == 0, result.stderr.decode()
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8"), newline="")))
    assert rows[0] == ["kind", "role", "old", "new", "facts", "verdict"]
    assert {r[5] for r in rows[1:]} == {"edited"}
    data = json.loads(run("diff", OLD, NEW, "--format", "json").stdout)
    assert len(rows) - 1 == len(data["segments"])
    assert [r[0] for r in rows[1:]] == [s["kind"] for s in data["segments"]]
    assert [r[1] for r in rows[1:]] == [s["boilerplate"] or "" for s in data["segments"]]
    fares = next(r for r in rows if r[3].startswith("Fares on the Lakeside ferry"))
    assert fares[0] == "reworded" and "10% → 12%" in fares[4]
    petition = next(r for r in rows if "petition" in r[3])
    assert petition[0] == "added" and petition[2] == "" and "+ 2,000" in petition[4]
