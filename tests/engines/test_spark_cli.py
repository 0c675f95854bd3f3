"""`redline find --engine spark` from the command line: same files as local, clear errors.

The command runs in this process (click's runner), so it finds the session the `spark`
fixture started instead of paying for a JVM of its own.
"""

from __future__ import annotations

import json
import os
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


def test_the_engine_choices_are_the_registered_engines() -> None:
    from redline.find import ENGINES

    option = next(p for p in main.commands["find"].params if p.name == "engine")
    assert sorted(option.type.choices) == sorted(ENGINES)  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["-j", "2"], "--jobs is for the local engine"),
        (["--dedup-out", "{tmp}/k.jsonl"], "--dedup-out is not available with --engine spark"),
        (["-"], "PATH '-' (standard input) is not available with --engine spark"),
    ],
    ids=["jobs", "dedup-out", "stdin"],
)
def test_spark_refuses_options_it_cannot_honour(
    tmp_path: Path, args: list[str], named: str
) -> None:
    corpus = tmp_path / "feed.jsonl"
    _write_corpus(corpus)
    argv = ["find", "--engine", "spark", str(corpus), "-o", str(tmp_path / "out")]
    got = CliRunner().invoke(main, argv + [a.format(tmp=tmp_path) for a in args])
    assert got.exit_code == 2
    assert named in got.output
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("name", "data", "named"),
    [
        ("feed.csv", b"id,text\na,some words here\n", "not CSV"),
        ("crawl.warc", b"WARC/1.0\r\n\r\n", "not WARC"),
    ],
)
def test_spark_refuses_inputs_it_cannot_read(
    spark: Any, tmp_path: Path, name: str, data: bytes, named: str
) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / name).write_bytes(data)
    _write_corpus(tmp_path / "in" / "feed.jsonl")
    argv = ["find", "--engine", "spark", str(tmp_path / "in"), "-o", str(tmp_path / "out")]
    got = CliRunner().invoke(main, argv)
    assert got.exit_code == 1
    assert named in got.output
    assert "--engine local" in got.output
    assert not (tmp_path / "out" / "clusters.jsonl").exists()


def test_spark_options_are_refused_by_the_local_engine(tmp_path: Path) -> None:
    corpus = tmp_path / "feed.jsonl"
    _write_corpus(corpus)
    for extra in (["--master", "local[2]"], ["--spark-parts"]):
        got = CliRunner().invoke(main, ["find", str(corpus), "-o", str(tmp_path / "o"), *extra])
        assert got.exit_code == 2
        assert f"{extra[0]} is for --engine spark" in got.output


def test_without_java_the_engine_says_what_to_install(
    spark: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pyspark.sql import SparkSession

    corpus = tmp_path / "feed.jsonl"
    _write_corpus(corpus)
    # As on a machine without a JVM: no session runs, no java on PATH, no JAVA_HOME.
    monkeypatch.setattr(SparkSession, "getActiveSession", classmethod(lambda cls: None))
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    monkeypatch.delenv("JAVA_HOME", raising=False)
    got = CliRunner().invoke(
        main, ["find", "--engine", "spark", str(corpus), "-o", str(tmp_path / "out")]
    )
    assert got.exit_code == 1
    assert "the spark engine needs Java 17 or later" in got.output
    assert not (tmp_path / "out").exists()


def _dated_versions(root: Path) -> None:
    """Three copies of a story as files, modified on three days, plus a renamed draft."""
    text = invented_article(61, words=250)
    root.mkdir()
    for name, day in (("b-middle.txt", 2), ("c-oldest.txt", 1), ("a-newest.txt", 3)):
        path = root / name
        path.write_text(reword(text, 0.02, seed=day), encoding="utf-8")
        stamp = 1_700_000_000 + day * 86_400
        os.utime(path, (stamp, stamp))


@pytest.mark.parametrize(
    ("args", "canonical"),
    [
        (["--order-by", "mtime"], "c-oldest.txt"),
        (["--order-by", "name"], "a-newest.txt"),
        (["--canonical", "b-middle.txt"], "b-middle.txt"),
        (["--order-by", "mtime", "--canonical", "a-newest.txt"], "a-newest.txt"),
    ],
    ids=["mtime", "name", "canonical", "canonical-wins"],
)
def test_spark_applies_the_canonical_choice_as_local_does(
    spark: Any, tmp_path: Path, args: list[str], canonical: str
) -> None:
    _dated_versions(tmp_path / "in")
    runner = CliRunner()
    outs = {}
    for engine in ("local", "spark"):
        argv = ["find", "--engine", engine, str(tmp_path / "in"), "-o", str(tmp_path / engine)]
        got = runner.invoke(main, [*argv, "--no-report", *args])
        assert got.exit_code == 0, got.output
        outs[engine] = (tmp_path / engine / "clusters.jsonl").read_text(encoding="utf-8")
    assert outs["spark"] == outs["local"]
    assert [json.loads(line)["canonical"] for line in outs["spark"].splitlines()] == [canonical]


def test_spark_says_which_canonical_choices_were_in_no_cluster(spark: Any, tmp_path: Path) -> None:
    corpus = tmp_path / "feed.jsonl"
    _write_corpus(corpus)
    argv = ["find", "--engine", "spark", str(corpus), "-o", str(tmp_path / "out"), "--no-report"]
    got = CliRunner().invoke(main, [*argv, "--canonical", "lone/0", "--canonical", "s1/b"])
    assert got.exit_code == 0, got.output
    assert "--canonical lone/0: not in any cluster" in got.output
    assert "--canonical s1/b" not in got.output
    lines = (tmp_path / "out" / "clusters.jsonl").read_text().splitlines()
    assert "s1/b" in [json.loads(line)["canonical"] for line in lines]


def test_a_spark_run_without_report_removes_the_report_of_an_earlier_run(
    spark: Any, tmp_path: Path
) -> None:
    # As the local engine: an earlier report/ would show clusters the new files no longer hold.
    corpus = tmp_path / "feed.jsonl"
    _write_corpus(corpus)
    out = tmp_path / "out"
    runner = CliRunner()
    first = runner.invoke(main, ["find", "--engine", "spark", str(corpus), "-o", str(out)])
    assert first.exit_code == 0, first.output
    assert (out / "report" / "index.html").is_file()
    unrelated = tmp_path / "unrelated.jsonl"
    rows = [{"id": f"lone/{k}", "text": invented_article(70 + k, words=200)} for k in range(3)]
    unrelated.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    argv = ["find", "--engine", "spark", str(unrelated), "-o", str(out), "--no-report"]
    second = runner.invoke(main, argv)
    assert second.exit_code == 0, second.output
    assert (out / "clusters.jsonl").read_text() == ""  # no versions among unrelated texts
    # Hadoop's local file system leaves hidden .crc checksums beside its files.
    shown = sorted(p.name for p in out.iterdir() if not p.name.startswith("."))
    assert shown == ["clusters.jsonl", "clusters.parquet"]
    assert not list(out.glob(".find-*"))  # no staging folder left behind
    assert "report: not written (--no-report)" in second.output
