"""redline run by a user who may not read an input or write the index: a reason, no traceback.

Tests run as root, for whom `chmod` changes nothing, so these run the commands as `nobody`
(`setpriv`). They skip where that is impossible: not root, no `setpriv`, no `nobody` user, or an
interpreter `nobody` cannot start.
"""

from __future__ import annotations

import grp
import json
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from textgen import invented_article, reword

from redline.models import Document
from redline.store import Index

pytestmark = pytest.mark.slow

REDLINE = Path(sys.executable).parent / "redline"
AS_NOBODY = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"]


def _cannot_run_as_nobody() -> str | None:
    """Why these tests cannot switch to `nobody` here, or None."""
    if os.geteuid() != 0:
        return "needs root to run redline as the `nobody` user"
    if shutil.which("setpriv") is None:
        return "needs `setpriv` (util-linux) to run redline as the `nobody` user"
    try:
        pwd.getpwnam("nobody")
        grp.getgrnam("nogroup")
    except KeyError:
        return "needs a `nobody` user and a `nogroup` group"
    check = subprocess.run(
        [*AS_NOBODY, sys.executable, "-c", "import redline"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd="/",
    )
    if check.returncode != 0:
        return f"`nobody` cannot start this venv's interpreter ({check.stderr.strip()[-200:]})"
    return None


@pytest.fixture
def workdir() -> Iterator[Path]:
    """An empty folder `nobody` can write to (skips where `nobody` cannot run redline)."""
    reason = _cannot_run_as_nobody()
    if reason is not None:
        pytest.skip(reason)
    # Not tmp_path: pytest's base folder is readable by root only.
    root = Path(tempfile.mkdtemp(prefix="redline-nobody-"))
    try:
        root.chmod(0o777)
        yield root
    finally:
        shutil.rmtree(root)


@pytest.fixture
def folder(workdir: Path) -> Path:
    """`workdir` holding in/story.txt and in/secret.txt (mode 000)."""
    (workdir / "in").mkdir(mode=0o755)
    (workdir / "in" / "story.txt").write_text(invented_article(31, words=250), encoding="utf-8")
    secret = workdir / "in" / "secret.txt"
    secret.write_text(invented_article(32, words=250), encoding="utf-8")
    secret.chmod(0o000)
    return workdir


def _as_nobody(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*AS_NOBODY, str(REDLINE), *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=root,
        env={**os.environ, "HOME": str(root)},
    )


# In one process (-j 1, -j 0): worker start-up is not what is tested, and a venv whose interpreter
# sits under /root cannot be started again by `nobody` once it has dropped root.


def test_find_skips_a_file_it_may_not_read_and_reads_the_rest(folder: Path) -> None:
    got = _as_nobody(folder, "find", "in", "-o", "out", "-j", "1", "--no-report")
    assert got.returncode == 0, got.stderr
    assert "Traceback" not in got.stderr
    assert "read 2 items: 1 documents, 1 skipped" in got.stdout
    assert "skipped 1 unreadable:" in got.stdout
    assert "secret.txt: permission denied" in got.stdout
    assert pq.read_table(folder / "out" / "clusters.parquet").column("id").to_pylist() == [
        "story.txt"
    ]


def test_index_add_skips_a_file_it_may_not_read_and_adds_the_rest(folder: Path) -> None:
    got = _as_nobody(folder, "index", "add", "in", "--db", "i.db", "-j", "0")
    assert got.returncode == 0, got.stderr
    assert "Traceback" not in got.stderr
    assert "added 1, already present 0, skipped 1" in got.stdout
    assert "skipped 1: unreadable: permission denied" in got.stdout
    listed = _as_nobody(folder, "index", "export", "--db", "i.db")
    assert listed.returncode == 0, listed.stderr
    assert "story.txt" in listed.stdout
    assert "secret.txt" not in listed.stdout


def test_an_index_nobody_may_write_is_read_and_refuses_additions_with_a_reason(
    workdir: Path,
) -> None:
    # Root's index in root's folder (mode 755): `nobody` may read both and write neither.
    shelf = workdir / "shelf"
    shelf.mkdir(mode=0o755)
    story = invented_article(33, words=250)
    with Index(shelf / "i.db") as index:
        index.add(Document(id="a.txt", text=story))
        index.add(Document(id="b.txt", text=reword(story, 0.03, seed=1)))
    before = (shelf / "i.db").read_bytes()
    (workdir / "probe.txt").write_text(reword(story, 0.03, seed=2), encoding="utf-8")
    db = ["--db", "shelf/i.db"]

    stats = _as_nobody(workdir, "index", "stats", *db)
    assert stats.returncode == 0, stats.stderr
    assert "documents   2" in stats.stdout
    query = _as_nobody(workdir, "index", "query", "probe.txt", *db, "--format", "json")
    assert query.returncode == 0, query.stderr
    assert '"a.txt"' in query.stdout
    assert '"b.txt"' in query.stdout
    export = _as_nobody(workdir, "index", "export", *db)
    assert export.returncode == 0, export.stderr
    assert [json.loads(line)["id"] for line in export.stdout.splitlines()] == ["a.txt", "b.txt"]

    add = _as_nobody(workdir, "index", "add", "probe.txt", *db, "-j", "0")
    assert add.returncode == 1
    assert "Traceback" not in add.stderr
    assert "shelf/i.db is read-only here" in add.stderr
    assert "make both writable or work on a copy" in add.stderr
    assert (shelf / "i.db").read_bytes() == before
