"""The Spark engine gives the local engine's clusters, ids, evidence and rows, byte for byte.

Each corpus is written to files (JSON Lines, gzipped JSON Lines, Parquet, text and HTML files
in folders) and read by both engines from the same folder.
"""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from textgen import invented_article, reword

from redline.discover.config import DiscoveryConfig
from redline.discover.verify import Thresholds
from redline.engines.local import LocalEngine
from redline.engines.output import write_clusters_jsonl, write_clusters_parquet
from redline.find import FindOptions, Sources
from redline.ingest.collection import ReadOptions


def _record(doc_id: str | None, text: str, date: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"text": text, "title": f"Title of {doc_id}"}
    if doc_id is not None:
        out["id"] = doc_id
    if date is not None:
        out["date"] = date
    return out


def _corpus(root: Path) -> None:
    """Versions of every kind, spread over the formats the Spark engine reads."""
    wire: list[dict[str, Any]] = []
    papers: list[dict[str, Any]] = []
    for story in range(5):
        text = invented_article(300 + story, words=420)
        paragraphs = text.split("\n\n")
        words = text.split(" ")
        wire.append(_record(f"wire/{story}", text, f"2025-03-0{story + 1}"))
        # An exact copy, a reworded copy, a trimmed copy and an excerpt.
        papers.append(_record(f"copy/{story}", text, f"2025-03-1{story}"))
        papers.append(_record(f"reworded/{story}", reword(text, 0.04, seed=story)))
        papers.append(_record(f"trimmed/{story}", "\n\n".join(paragraphs[: len(paragraphs) // 2])))
        papers.append(_record(f"excerpt/{story}", " ".join(words[60:150])))
    # Short texts: a brief repeated with one changed word, which must not chain.
    papers += [
        _record(f"brief/{k}", f"Ferry services resume at dawn on pier {k} today.") for k in range(6)
    ]
    # A notice repeated with one changing number: more near-copies than a bucket pairs in full
    # (`max_bucket`) and than an anchor may be shared by (`anchor_max_df`).
    notice = invented_article(950, words=45)
    papers += [
        _record(f"notice/{k:02d}", f"{notice} Reference number {k * 7919}.") for k in range(70)
    ]
    # Unrelated articles, one without an id (named file:line) and one whitespace-only text.
    papers += [_record(f"other/{k}", invented_article(700 + k, words=250)) for k in range(8)]
    papers.append(_record(None, invented_article(800, words=200)))
    papers.append(_record("blank/0", "   \n  "))
    # A duplicate id: the first by input order (wire.jsonl comes before papers/) is kept.
    papers.append(_record("wire/0", invented_article(900, words=300)))
    (root / "papers").mkdir(parents=True)
    # A note about the folder: skipped by both engines, not read as a document.
    (root / "papers" / "README.md").write_text("Papers of the week, two formats.\n")
    (root / "wire.jsonl").write_text(
        "".join(json.dumps(r) + "\n" for r in wire[:3]) + "\nnot json at all\n", encoding="utf-8"
    )
    with gzip.open(root / "wire-late.jsonl.gz", "wt", encoding="utf-8") as fh:
        fh.writelines(json.dumps(r) + "\n" for r in wire[3:])
    half = len(papers) // 2
    (root / "papers" / "a.jsonl").write_text(
        "".join(json.dumps(r) + "\n" for r in papers[:half]), encoding="utf-8"
    )
    table = pa.Table.from_pylist(
        [{"id": r.get("id"), "text": r["text"], "title": r.get("title")} for r in papers[half:]]
    )
    pq.write_table(table, root / "papers" / "b.parquet", row_group_size=7)
    # One-document files: a text copy of a wire story and an HTML page holding another.
    (root / "pages").mkdir()
    (root / "pages" / "copy-of-wire-1.txt").write_text(wire[1]["text"], encoding="utf-8")
    body = "".join(f"<p>{p}</p>" for p in wire[2]["text"].split("\n\n"))
    (root / "pages" / "wire-2.html").write_text(
        f"<html><head><title>Wire two</title></head><body><article>{body}</article></body></html>",
        encoding="utf-8",
    )


def _local(root: Path, options: FindOptions, out: Path) -> dict[str, Any]:
    sources = Sources(paths=[str(root)], read=ReadOptions())
    with LocalEngine().run(sources, options) as result:
        buf = io.StringIO()
        write_clusters_jsonl(buf, result.clusters)
        write_clusters_parquet(out, result.documents(), result.clusters)
        stats = result.stats
        return {
            "jsonl": buf.getvalue(),
            "parquet": pq.read_table(out).to_pylist(),
            "stats": stats,
            "clusters": result.clusters,
        }


def _spark(spark: Any, root: Path, options: FindOptions, out: Path) -> dict[str, Any]:
    from redline.engines.spark import run as spark_run

    result = spark_run([str(root)], str(out), options, spark=spark)
    return {
        "jsonl": (out / "clusters.jsonl").read_text(encoding="utf-8"),
        "parquet": pq.read_table(out / "clusters.parquet").to_pylist(),
        "stats": result.stats,
        "result": result,
    }


def _same_stats(local: Any, spark: Any) -> None:
    for name in (
        "read",
        "documents",
        "exact_copies",
        "candidates",
        "anchor_candidates",
        "sentence_candidates",
        "verified",
        "clusters",
        "clustered",
    ):
        assert getattr(spark, name) == getattr(local, name), name
    assert dict(spark.skipped) == dict(local.skipped)


@pytest.mark.parametrize(
    "options",
    [
        FindOptions(jobs=1),
        # No anchors, and buckets of three: the neighbour rule decides most pairs.
        FindOptions(
            jobs=1,
            discovery=DiscoveryConfig(
                max_bucket=3, thresholds=Thresholds(jaccard=0.5, containment=None)
            ),
        ),
        # Sentence anchors and the aligned-share rule as well.
        FindOptions(jobs=1, discovery=DiscoveryConfig.for_mode("reuse")),
    ],
    ids=["defaults", "jaccard-only-small-buckets", "reuse"],
)
def test_spark_writes_what_the_local_engine_writes(
    spark: Any, tmp_path: Path, options: FindOptions
) -> None:
    root = tmp_path / "corpus"
    _corpus(root)
    local = _local(root, options, tmp_path / "local.parquet")
    got = _spark(spark, root, options, tmp_path / "spark")
    # The corpus really has versions of every kind, so equality says something.
    assert len(local["clusters"]) >= 5
    assert local["stats"].exact_copies >= 5
    assert got["jsonl"] == local["jsonl"]
    assert got["parquet"] == local["parquet"]
    _same_stats(local["stats"], got["stats"])
    shown = got["result"].clusters
    assert [c.to_dict() for c in shown] == [c.to_dict() for c in local["clusters"][: len(shown)]]


def _raw_lines(root: Path, story: str) -> None:
    """JSON Lines as files hold them: CRLF ends, lone CRs, invalid UTF-8, an oversized line."""
    lines = [
        json.dumps({"id": "crlf", "text": story}).encode() + b"\r\n",
        # A lone CR between fields is JSON whitespace: one valid record, not two lines.
        b'{"id": "cr-between",\r"text": ' + json.dumps(story).encode() + b"}\n",
        # A lone CR inside a string is a control character: a malformed line.
        b'{"id": "cr-inside", "text": "one\rtwo"}\n',
        # Bytes that are not UTF-8: a malformed line, whichever engine reads it.
        b'{"id": "latin", "text": "caf\xe9 ' + story[:200].encode() + b'"}\n',
        json.dumps({"id": "too-long", "text": story * 8}).encode() + b"\n",
        json.dumps({"id": "last", "text": story[: len(story) // 2]}).encode() + b"\n",
    ]
    (root / "raw.jsonl").write_bytes(b"".join(lines))


def test_spark_reads_raw_jsonl_bytes_as_the_local_reader_does(spark: Any, tmp_path: Path) -> None:
    from redline.engines.spark import SparkEngine

    story = invented_article(41, words=300)
    root = tmp_path / "raw"
    root.mkdir()
    _raw_lines(root, story)
    read = ReadOptions(max_bytes=len(story) * 4)
    options = FindOptions(jobs=1, max_bytes=read.max_bytes)
    sources = Sources(paths=[str(root)], read=read)
    with LocalEngine().run(sources, options) as local:
        want = ([c.to_dict() for c in local.clusters], local.stats)
        want_ids = [d.id for d in local.documents()]
    with SparkEngine(spark=spark).run(sources, options) as got:
        assert [c.to_dict() for c in got.clusters] == want[0]
        assert [d.id for d in got.documents()] == want_ids
        _same_stats(want[1], got.stats)
        assert got.stats.examples == want[1].examples
    assert want_ids == ["crlf", "cr-between", "last"]
    assert dict(want[1].skipped) == {"malformed line": 2, "too large": 1}
