"""`redline serve` start-up as a user meets it: a missing index, a busy port, a free port."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from redline.models import Document
from redline.store import Index

pytestmark = pytest.mark.slow

REDLINE = Path(sys.executable).parent / "redline"


def test_serve_refuses_a_missing_index_instead_of_creating_an_empty_one(tmp_path: Path) -> None:
    result = subprocess.run(
        [str(REDLINE), "serve", "--db", "typo.db"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    assert "no index at typo.db" in result.stderr
    assert "--create" in result.stderr
    assert not (tmp_path / "typo.db").exists()


def test_serve_on_a_busy_port_fails_before_saying_it_serves(tmp_path: Path) -> None:
    with Index(tmp_path / "x.db") as index:
        index.add(Document(id="a", text="The ferry to the outer islands sails at noon."))
    busy = socket.socket()
    busy.bind(("127.0.0.1", 0))
    busy.listen(1)
    port = busy.getsockname()[1]
    try:
        result = subprocess.run(
            [str(REDLINE), "serve", "--db", "x.db", "--port", str(port)],
            capture_output=True,
            text=True,
            cwd=tmp_path,
            timeout=60,
            check=False,
        )
    finally:
        busy.close()
    assert result.returncode == 1
    assert f"port {port} on 127.0.0.1 is already in use" in result.stderr
    assert "serving" not in result.stderr
    assert "Traceback" not in result.stderr


def test_serve_create_on_port_zero_says_the_port_it_got(tmp_path: Path) -> None:
    proc = subprocess.Popen(
        [str(REDLINE), "serve", "--db", "new.db", "--create", "--port", "0"],
        stderr=subprocess.PIPE,
        text=True,
        cwd=tmp_path,
    )
    try:
        assert proc.stderr is not None
        line = proc.stderr.readline()
        assert line.startswith("serving new.db at http://127.0.0.1:"), line
        url = line.split(" at ", 1)[1].split("/ ", 1)[0]
        port = int(url.rsplit(":", 1)[1])
        assert port > 0
        deadline = time.monotonic() + 30
        while True:
            try:
                response = httpx.get(f"{url}/health", timeout=2)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        assert response.status_code == 200
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        if proc.stderr:
            proc.stderr.close()
