"""`redline find --engine spark` from the command line: same files as local, clear errors.

The command runs in this process (click's runner), so it finds the session the `spark`
fixture started instead of paying for a JVM of its own.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from textgen import invented_article, reword

from redline.cli import main
from redline.report.site import cluster_page


def _write_corpus(path: Path) -> None:
    rows = []
    for story in range(3):
        text = invented_article(40 + story, words=300)
        rows.append({"id": f"s{story}/a", "text": text, "date": f"2025-01-0{story + 1}"})
        rows.append({"id": f"s{story}/b", "text": reword(text, 0.03, seed=story)})
    rows += [{"id": f"lone/{k}", "text": invented_article(90 + k, words=200)} for k in range(3)]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")


def test_spark_engine_writes_the_local_engines_files_and_a_report(
    spark: Any, tmp_path: Path
) -> None:
    corpus = tmp_path / "feed.jsonl"
    _write_corpus(corpus)
    runner = CliRunner()
    local = runner.invoke(main, ["find", str(corpus), "-o", str(tmp_path / "local"), "-j", "1"])
    assert local.exit_code == 0, local.output
    got = runner.invoke(
        main, ["find", "--engine", "spark", str(corpus), "-o", str(tmp_path / "spark")]
    )
    assert got.exit_code == 0, got.output
    for name in ("clusters.jsonl", "clusters.parquet"):
        assert (tmp_path / "spark" / name).read_bytes() != b""
    assert (tmp_path / "spark" / "clusters.jsonl").read_text() == (
        tmp_path / "local" / "clusters.jsonl"
    ).read_text()
    assert "found 3 clusters" in got.output
    report = tmp_path / "spark" / "report"
    assert (report / "index.html").is_file()
    for line in (tmp_path / "spark" / "clusters.jsonl").read_text().splitlines():
        assert (report / cluster_page(json.loads(line)["cluster"])).is_file()


def test_spark_engine_refuses_what_it_cannot_do(tmp_path: Path) -> None:
    corpus = tmp_path / "feed.jsonl"
    _write_corpus(corpus)
    runner = CliRunner()
    got = runner.invoke(main, ["find", "--engine", "spark", "-j", "2", str(corpus)])
    assert got.exit_code == 2
    assert "--master local[N]" in got.output
    got = runner.invoke(
        main, ["find", "--engine", "spark", str(corpus), "--dedup-out", str(tmp_path / "k.jsonl")]
    )
    assert got.exit_code == 2
    assert "--dedup-out is not available with --engine spark" in got.output
    for given in (["--mode", "reuse"], ["--aligned", "0.6"]):
        got = runner.invoke(main, ["find", "--engine", "spark", str(corpus), *given])
        assert got.exit_code == 2
        assert "not available with --engine spark" in got.output


def test_without_pyspark_the_engine_says_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus = tmp_path / "feed.jsonl"
    _write_corpus(corpus)
    # As if the extra were not installed: importing pyspark fails.
    monkeypatch.setitem(sys.modules, "pyspark", None)
    monkeypatch.delitem(sys.modules, "redline.engines.spark", raising=False)
    got = CliRunner().invoke(
        main, ["find", "--engine", "spark", str(corpus), "-o", str(tmp_path / "out")]
    )
    assert got.exit_code == 1
    assert "the spark engine needs `pip install redline[spark]`" in got.output
    assert not (tmp_path / "out" / "clusters.jsonl").exists()
