"""What the CLI tells a user to look at next: absolute paths, and `--open` to open them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

REDLINE = Path(sys.executable).parent / "redline"
FIXTURES = Path(__file__).parent.parent / "fixtures"
OLD = FIXTURES / "ferry-old.txt"
NEW = FIXTURES / "ferry-new.html"


def fake_opener(tmp_path: Path) -> tuple[dict[str, str], Path]:
    """A PATH whose `xdg-open` (what click.launch runs on Linux) records what it was given."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "opened.txt"
    opener = bin_dir / "xdg-open"
    opener.write_text(f'#!/bin/sh\nprintf "%s\\n" "$1" >> "{log}"\n')
    opener.chmod(0o755)
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}
    env.pop("DISPLAY", None)
    return env, log


def opened(log: Path) -> list[str]:
    # click.launch does not wait for the opener to finish: poll for its line (a readiness
    # condition with a generous cap, not a fixed delay).
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if log.exists() and log.read_text().endswith("\n"):
            break
        time.sleep(0.02)
    return log.read_text().splitlines() if log.exists() else []


def test_diff_to_a_file_says_where_it_wrote_with_an_absolute_path(tmp_path: Path) -> None:
    result = subprocess.run(
        [str(REDLINE), "diff", str(OLD), str(NEW), "--format", "html", "-o", "r.html"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    assert f"wrote {tmp_path / 'r.html'}" in result.stderr


def test_diff_open_launches_the_written_page(tmp_path: Path) -> None:
    env, log = fake_opener(tmp_path)
    result = subprocess.run(
        [str(REDLINE), "diff", str(OLD), str(NEW), "--format", "html", "-o", "r.html", "--open"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert opened(log) == [str(tmp_path / "r.html")]


def test_diff_open_without_an_output_file_is_a_usage_error() -> None:
    result = subprocess.run(
        [str(REDLINE), "diff", str(OLD), str(NEW), "--open"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert "pass -o" in result.stderr


def test_find_prints_absolute_paths_and_opens_the_report(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    for name in ("a.txt", "b.txt"):
        (docs / name).write_text(OLD.read_text())
    env, log = fake_opener(tmp_path)
    result = subprocess.run(
        [str(REDLINE), "find", "docs", "-o", "out", "--open", "--jobs", "1"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    report = tmp_path / "out" / "report" / "index.html"
    assert f"wrote {tmp_path / 'out' / 'clusters.jsonl'}" in result.stdout
    assert f"report: {report}" in result.stdout
    assert opened(log) == [str(report)]


def test_find_on_an_empty_folder_fails_and_writes_nothing(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    result = subprocess.run(
        [str(REDLINE), "find", "empty", "-o", "out"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
        check=False,
    )
    assert result.returncode == 1
    assert "no documents found in empty" in result.stderr
    assert not list(tmp_path.glob("out/**/*.*"))


def test_a_jsonl_without_the_text_field_fails_and_lists_the_fields_it_has(tmp_path: Path) -> None:
    (tmp_path / "d.jsonl").write_text(
        '{"id": "a", "body": "The harbour ferry sails at noon."}\n{"id": "b", "body": "x"}\n'
    )
    for command in (["find", "d.jsonl", "-o", "out"], ["index", "add", "d.jsonl", "--db", "i.db"]):
        result = subprocess.run(
            [str(REDLINE), *command],
            capture_output=True,
            text=True,
            cwd=tmp_path,
            timeout=120,
            check=False,
        )
        assert result.returncode == 1, command
        said = result.stdout + result.stderr
        assert "the record has fields 'id', 'body'" in said
        assert "--text-field" in said
    assert not list(tmp_path.glob("out/**/*.*"))


@pytest.mark.parametrize("command", [["find"], ["index"], ["diff"], ["serve"]])
def test_every_command_help_shows_examples(command: list[str]) -> None:
    result = subprocess.run(
        [str(REDLINE), *command, "--help"], capture_output=True, text=True, timeout=60, check=True
    )
    examples = result.stdout.split("Examples:", 1)[1].split("Options:", 1)[0]
    lines = [line.strip() for line in examples.splitlines() if line.strip()]
    assert len(lines) >= 3
    assert all(line.startswith(("redline ", "cat ", "zcat ")) for line in lines)


def test_shell_completion_completes_subcommands() -> None:
    env = {**os.environ, "_REDLINE_COMPLETE": "bash_complete", "COMP_WORDS": "redline ind"}
    env["COMP_CWORD"] = "1"
    result = subprocess.run(
        [str(REDLINE)], capture_output=True, text=True, env=env, timeout=60, check=False
    )
    assert "plain,index" in result.stdout.splitlines()


def test_readme_and_license_files_in_a_folder_are_passed_over_and_said(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text(OLD.read_text())
    (docs / "b.txt").write_text(OLD.read_text())
    (docs / "README.md").write_text("# Notes\n\nThese are the ferry stories of the week.\n")
    (docs / "LICENSE").write_text("Copyright the Inchmore Courier. All rights reserved.\n")

    def find(*extra: str) -> list[str]:
        result = subprocess.run(
            [str(REDLINE), "find", "docs", "-o", "out", "--jobs", "1", *extra],
            capture_output=True,
            text=True,
            cwd=tmp_path,
            timeout=120,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        return result.stdout.splitlines()

    default = find()
    assert default[0].startswith("read 4 items: 2 documents, 0 skipped, 2 passed over")
    assert "--include-readme" in default[0]
    assert find("--include-readme")[0].startswith("read 4 items: 4 documents, 0 skipped")


def test_a_readme_named_on_the_command_line_is_read(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text(OLD.read_text())
    (tmp_path / "copy.txt").write_text(OLD.read_text())
    result = subprocess.run(
        [str(REDLINE), "find", "README.md", "copy.txt", "-o", "out", "--jobs", "1"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("read 2 items: 2 documents")


def _canonicals(tmp_path: Path, *extra: str) -> dict[str, str]:
    result = subprocess.run(
        [str(REDLINE), "find", "docs", "-o", "out", "-q", "--jobs", "1", *extra],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    lines = (tmp_path / "out" / "clusters.jsonl").read_text().splitlines()
    return {c["cluster"]: c["canonical"] for c in map(json.loads, lines)}


def test_the_user_says_which_version_is_the_original(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    text = OLD.read_text()
    # draft-1 is the shortest; the longest (draft-3) is canonical by the default rule.
    (docs / "draft-1.txt").write_text(text)
    (docs / "draft-2.txt").write_text(text + "\n\nA second note was added.")
    (docs / "draft-3.txt").write_text(text + "\n\nA second note was added. And a third one too.")
    for k, name in enumerate(("draft-3.txt", "draft-1.txt", "draft-2.txt")):
        os.utime(docs / name, (1_700_000_000 + k * 86_400, 1_700_000_000 + k * 86_400))

    default = _canonicals(tmp_path)
    assert list(default.values()) == ["draft-3.txt"]
    by_name = _canonicals(tmp_path, "--order-by", "name")
    by_mtime = _canonicals(tmp_path, "--order-by", "mtime")
    chosen = _canonicals(tmp_path, "--canonical", "draft-2.txt")
    # The cluster keeps its id whichever version is the original.
    assert by_name.keys() == by_mtime.keys() == chosen.keys() == default.keys()
    assert list(by_name.values()) == ["draft-1.txt"]
    assert list(by_mtime.values()) == ["draft-3.txt"]  # the oldest file
    assert list(chosen.values()) == ["draft-2.txt"]
