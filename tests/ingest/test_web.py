"""`redline diff URL URL`: pages fetched from a local HTTP server on 127.0.0.1 only."""

from __future__ import annotations

import http.server
import subprocess
import sys
import threading
from collections.abc import Iterator
from functools import partial
from pathlib import Path

import pytest

from redline.errors import InputError, TooLargeError
from redline.ingest.files import read_document

REDLINE = Path(sys.executable).parent / "redline"
FIXTURES = Path(__file__).parent.parent / "fixtures"


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base's name
        pass


class _Server(http.server.ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a client that stops reading (the size limit) is expected here


@pytest.fixture
def site(tmp_path: Path) -> Iterator[str]:
    """A folder of pages served on a free loopback port for the test's duration."""
    (tmp_path / "old.txt").write_bytes((FIXTURES / "ferry-old.txt").read_bytes())
    (tmp_path / "new.html").write_bytes((FIXTURES / "ferry-new.html").read_bytes())
    (tmp_path / "big.txt").write_text("The ferry sails at noon. " * 4000)
    handler = partial(_Quiet, directory=str(tmp_path))
    server = _Server(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_a_fetched_page_reads_like_the_same_file(site: str) -> None:
    fetched = read_document(f"{site}/new.html")
    local = read_document(FIXTURES / "ferry-new.html")
    assert fetched.text == local.text
    assert fetched.title == local.title
    assert fetched.id == f"{site}/new.html"
    assert fetched.url == f"{site}/new.html"


def test_a_missing_page_names_the_status(site: str) -> None:
    with pytest.raises(InputError, match="404"):
        read_document(f"{site}/gone.html")


def test_a_page_over_the_limit_is_refused(site: str) -> None:
    with pytest.raises(TooLargeError):
        read_document(f"{site}/big.txt", max_bytes=10_000)


@pytest.mark.slow
def test_diff_of_two_urls_matches_diff_of_the_files(site: str) -> None:
    def diff(old: str, new: str) -> str:
        result = subprocess.run(
            [str(REDLINE), "diff", old, new, "--no-color", "--width", "100"],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        # From the Similarity line on: the Old/New lines above name the inputs.
        return result.stdout[result.stdout.index("Similarity") :]

    by_url = diff(f"{site}/old.txt", f"{site}/new.html")
    by_file = diff(str(FIXTURES / "ferry-old.txt"), str(FIXTURES / "ferry-new.html"))
    assert by_url == by_file
    assert "[-10-]{+12+}%" in by_url
