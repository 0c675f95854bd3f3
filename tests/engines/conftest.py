"""One Spark session for every Spark test of a run (starting one takes ~15 s)."""

from __future__ import annotations

import importlib.util
import os
import shutil
from collections.abc import Iterator
from typing import Any

import pytest

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
