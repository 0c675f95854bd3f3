"""Fixtures and settings shared by every test folder.

Hypothesis profiles: `ci` (selected when the CI variable is set) derandomizes, so a failure
is the same failure on every rerun, and prints the blob that reproduces it; `dev` (the default)
keeps random exploration. Neither has a deadline: input sizes vary, and a shared CPU makes
timing a property of the machine, not of the code (speed lives in bench/).
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import signal
import subprocess
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from hypothesis import settings
from textgen import invented_article

settings.register_profile("ci", derandomize=True, print_blob=True, deadline=None)
settings.register_profile("dev", deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))

# A shell starts background jobs (`make test &` in a script) with Ctrl-C ignored, and an
# ignored signal stays ignored in every process they start: the interrupt tests' children
# would never see their SIGINT. A handled signal is reset to the default on exec, so handling
# it here gives every child the ordinary Ctrl-C whatever started the test run.
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)

# Set by .ci/run: a missing browser then fails the browser tests instead of skipping them.
REQUIRE_BROWSER = os.environ.get("REDLINE_REQUIRE_BROWSER") == "1"


@pytest.fixture
def article() -> Callable[..., str]:
    """A maker of invented articles: `article(seed, words=400)`."""
    return invented_article


@pytest.fixture(scope="session")
def chromium() -> str:
    """The path of headless Chromium; skipped without one, failed if REDLINE_REQUIRE_BROWSER=1."""
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        message = "headless Chromium is not installed (apt-get install chromium)"
        if REQUIRE_BROWSER:
            pytest.fail(f"{message}, and REDLINE_REQUIRE_BROWSER=1 requires it", pytrace=False)
        pytest.skip(message)
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        message = "playwright is not installed (pip install -e '.[dev]')"
        if REQUIRE_BROWSER:
            pytest.fail(f"{message}, and REDLINE_REQUIRE_BROWSER=1 requires it", pytrace=False)
        pytest.skip(message)
    return path


def interrupt(proc: subprocess.Popen[bytes], sig: int = signal.SIGINT) -> bytes:
    """Send `sig` and return stderr once `proc` exits; kill it if it does not within 60 s, so
    no process outlives its test (a leaked Popen warns in whichever test runs next)."""
    try:
        proc.send_signal(sig)
        return proc.communicate(timeout=60)[1]
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()


# One Spark session for every Spark test of a run (starting one takes ~15 s).
NEEDS = "the spark tests need Java 17+ on PATH and `pip install redline[spark]`"
SKIP_REASON = f"{NEEDS} (REDLINE_REQUIRE_SPARK=1 turns this skip into a failure)"


@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    """A local[2] session with 4 shuffle partitions, stopped after the last test."""
    missing = shutil.which("java") is None or importlib.util.find_spec("pyspark") is None
    if missing:
        if os.environ.get("REDLINE_REQUIRE_SPARK") == "1":
            pytest.fail(f"{NEEDS}, and REDLINE_REQUIRE_SPARK=1 is set")
        pytest.skip(SKIP_REASON)
    from redline.engines.spark import session

    spark = session("local[2]", shuffle_partitions=4, settings={"spark.ui.enabled": "false"})
    spark.sparkContext.setLogLevel("ERROR")
    yield spark
    spark.stop()
