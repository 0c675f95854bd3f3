"""Ctrl-C and SIGTERM: one line, the right exit code, the previous outputs intact, no orphans."""

from __future__ import annotations

import fcntl
import json
import os
import signal
import struct
import subprocess
import sys
import termios
import threading
import time
from pathlib import Path

import psutil
import pytest
from click.testing import CliRunner
from conftest import interrupt
from textgen import invented_article as article

import redline.engines.output
import redline.report.site
from redline.cli import main

pytestmark = pytest.mark.slow

REDLINE = Path(sys.executable).parent / "redline"


def _records(n: int, seed: int = 0) -> list[dict[str, str]]:
    # Every third document is a trimmed copy of the one before: there are clusters to write.
    rows = []
    for k in range(n):
        text = article(seed + k // 2, words=120)
        rows.append({"id": f"d{k}", "text": text if k % 2 == 0 else text[: len(text) * 3 // 4]})
    return rows


def _jsonl(path: Path, rows: list[dict[str, str]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _unread(fd: int) -> int:
    """Bytes written to a pipe and not yet read by the other side."""
    return int(struct.unpack("i", fcntl.ioctl(fd, termios.FIONREAD, b"\0\0\0\0"))[0])


@pytest.mark.parametrize(
    ("module", "stage"),
    [
        (redline.engines.output, "write_clusters_parquet"),
        (redline.engines.output, "write_clusters_csv"),
        (redline.engines.output, "write_dedup"),
        (redline.report.site, "write_site"),
    ],
)
def test_ctrl_c_at_any_stage_leaves_the_previous_outputs_as_they_were(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, module: object, stage: str
) -> None:
    out = tmp_path / "o"
    first = _jsonl(tmp_path / "first.jsonl", _records(8))
    args = ["find", str(first), "-o", str(out), "--dedup-out", str(out / "kept.jsonl"), "-j", "1"]
    runner = CliRunner()
    assert runner.invoke(main, args).exit_code == 0
    before = _snapshot(out)
    assert {"clusters.jsonl", "clusters.parquet", "report/index.html"} <= set(before)

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    # The same Ctrl-C a user gives, at a chosen stage, on a run over different input.
    monkeypatch.setattr(module, stage, interrupted)
    second = _jsonl(tmp_path / "second.jsonl", _records(6, seed=40))
    result = runner.invoke(main, [*args[:1], str(second), *args[2:]])
    assert result.exit_code == 130
    assert "interrupted: no output files were written or changed" in result.output
    assert _snapshot(out) == before
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [
            "clusters.csv",
            "clusters.jsonl",
            "clusters.parquet",
            "kept.jsonl",
            "kept.jsonl.map.jsonl",
            "report",
        ]
    )


def test_a_failed_swap_puts_the_previous_set_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "o"
    out.mkdir()
    (out / "clusters.jsonl").write_text("old clusters\n")
    (out / "report").mkdir()
    (out / "report" / "index.html").write_text("old report")
    outputs = redline.engines.output.OutputSet(out)
    with outputs.open(out / "clusters.jsonl") as fh:
        fh.write("new clusters\n")
    outputs.path(out / "report").mkdir()
    (outputs.stage / "report" / "index.html").write_text("new report")
    elsewhere = outputs.path(tmp_path / "kept.jsonl")
    elsewhere.write_text("kept")

    def full_disk(self: object) -> list[Path]:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(redline.engines.output.Outputs, "commit", full_disk)
    with pytest.raises(OSError, match="No space"):
        outputs.commit()
    assert (out / "clusters.jsonl").read_text() == "old clusters\n"
    assert (out / "report" / "index.html").read_text() == "old report"
    outputs.discard()
    assert sorted(p.name for p in out.iterdir()) == ["clusters.jsonl", "report"]
    assert not (tmp_path / "kept.jsonl").exists()


def test_a_failed_swap_keeps_the_report_a_run_without_report_would_remove(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "o"
    out.mkdir()
    (out / "clusters.jsonl").write_text("old clusters\n")
    (out / "report").mkdir()
    (out / "report" / "index.html").write_text("old report")
    outputs = redline.engines.output.OutputSet(out)
    with outputs.open(out / "clusters.jsonl") as fh:
        fh.write("new clusters\n")
    outputs.remove(out / "report")

    def full_disk(self: object) -> list[Path]:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(redline.engines.output.Outputs, "commit", full_disk)
    with pytest.raises(OSError, match="No space"):
        outputs.commit()
    assert (out / "clusters.jsonl").read_text() == "old clusters\n"
    assert (out / "report" / "index.html").read_text() == "old report"
    monkeypatch.undo()
    outputs.commit()
    assert sorted(p.name for p in out.iterdir()) == ["clusters.jsonl"]
    assert (out / "clusters.jsonl").read_text() == "new clusters\n"


def test_sigterm_stops_find_with_no_orphan_worker_and_no_spool(tmp_path: Path) -> None:
    spool_home = tmp_path / "tmp"
    spool_home.mkdir()
    read_end, write_end = os.pipe()
    proc = subprocess.Popen(
        [str(REDLINE), "find", "-", "-o", str(tmp_path / "o"), "-j", "2", "--no-report"],
        stdin=read_end,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "TMPDIR": str(spool_home)},
    )
    try:
        # Three batches of 256: the second and third go to the worker pool. The pipe holds
        # 64 KiB, so a thread writes while find reads.
        data = "".join(json.dumps(r) + "\n" for r in _records(700)).encode()
        writer = threading.Thread(target=os.write, args=(write_end, data))
        writer.start()
        parent = psutil.Process(proc.pid)
        # Ready: every record read (the pipe stays open, so find waits for more) and the pool
        # running. Conditions, not a guess at how long a loaded machine takes.
        while proc.poll() is None and (
            writer.is_alive() or _unread(read_end) or len(parent.children(recursive=True)) < 2
        ):
            time.sleep(0.01)
        assert proc.poll() is None, proc.communicate()[1].decode()
        helpers = parent.children(recursive=True)
        assert list((spool_home).glob("redline-find-*")), "the run should have a spool"
        err = interrupt(proc, signal.SIGTERM)
    finally:
        os.close(read_end)
        os.close(write_end)
    assert proc.returncode == 128 + signal.SIGTERM
    assert err.decode().strip().splitlines()[-1] == (
        "stopped by SIGTERM: no output files were written or changed"
    )
    assert b"Traceback" not in err
    _, alive = psutil.wait_procs(helpers, timeout=30)
    assert alive == []
    assert list(spool_home.iterdir()) == []
    assert list((tmp_path / "o").iterdir()) == []


def test_ctrl_c_while_the_command_line_is_imported_is_one_line(tmp_path: Path) -> None:
    # A Ctrl-C that lands while `redline` is still importing its modules, made deterministic:
    # the import of redline.cli raises KeyboardInterrupt as Python's handler would.
    code = (
        "import sys\n"
        "class Stop:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name == 'redline.cli':\n"
        "            raise KeyboardInterrupt\n"
        "sys.meta_path.insert(0, Stop())\n"
        "from redline.__main__ import main\n"
        "main()\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, "find", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 130
    assert result.stderr == "interrupted\n"


def test_ctrl_c_in_index_add_is_one_line_and_exit_130(tmp_path: Path) -> None:
    read_end, write_end = os.pipe()
    proc = subprocess.Popen(
        [str(REDLINE), "index", "add", "-", "--db", str(tmp_path / "i.db"), "-q"],
        stdin=read_end,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        os.write(write_end, "".join(json.dumps(r) + "\n" for r in _records(10)).encode())
        while _unread(read_end) and proc.poll() is None:
            time.sleep(0.01)
        assert proc.poll() is None
        err = interrupt(proc)
    finally:
        os.close(read_end)
        os.close(write_end)
    assert proc.returncode == 130
    assert err.decode().strip().splitlines() == ["interrupted"]
