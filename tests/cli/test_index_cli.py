"""`redline index` through the CLI entry point: add, query, stats, export, remove."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "store"))

from invented import article, corpus, version

from redline.cli import main

STORIES = corpus(3, 3, seed=11)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    root = tmp_path / "news"
    for doc_id, text in STORIES.items():
        path = root / doc_id[:2] / f"{doc_id}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (root / "empty.txt").write_text("   \n", encoding="utf-8")
    (root / "junk.txt").write_bytes(bytes(range(256)) * 8)
    return root


def run(*args: str, stdin: str | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), input=stdin, catch_exceptions=False)
    return result.exit_code, result.output


def test_add_reports_added_present_and_skipped(folder: Path, tmp_path: Path) -> None:
    db = str(tmp_path / "i.db")
    code, out = run("index", "add", str(folder), "--db", db)
    assert code == 0, out
    assert "added 9, already present 0, skipped 2" in out
    assert "9 documents in 3 clusters of versions" in out
    assert "skipped 1: empty" in out
    assert "skipped 1: binary" in out
    code, out = run("index", "add", str(folder), "--db", db)
    assert "added 0, already present 9, skipped 2" in out


def test_add_passes_over_crawl_records_that_are_not_documents(tmp_path: Path) -> None:
    import io

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    page = f"<html><body><article><p>{next(iter(STORIES.values()))}</p></article></body></html>"
    crawl = tmp_path / "crawl.warc.gz"
    with crawl.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for uri, ctype, body in (
            ("http://news.test/story", "text/html; charset=utf-8", page.encode()),
            ("http://news.test/app.js", "application/javascript", b"var x = 1;"),
        ):
            http = StatusAndHeaders("200 OK", [("Content-Type", ctype)], protocol="HTTP/1.1")
            writer.write_record(
                writer.create_warc_record(
                    uri, "response", payload=io.BytesIO(body), length=len(body), http_headers=http
                )
            )
    code, out = run("index", "add", str(crawl), "--db", str(tmp_path / "w.db"))
    assert code == 0, out
    # A script in a crawl is no failed document: it is neither added nor listed as skipped.
    assert "added 1, already present 0, skipped 0" in out
    assert "not documents, passed over: 1 record" in out


def test_add_reads_jsonl_like_find(tmp_path: Path) -> None:
    lines = [
        json.dumps(
            {"key": k, "body": v, "headline": f"Story {k}", "published": "2026-03-0" + k[-1]}
        )
        for k, v in STORIES.items()
    ]
    src = tmp_path / "feed.jsonl"
    src.write_text("\n".join([*lines, "{not json"]) + "\n", encoding="utf-8")
    db = str(tmp_path / "j.db")
    code, out = run(
        "index", "add", str(src), "--db", db, "--id-field", "key", "--text-field", "body",
        "--title-field", "headline", "--date-field", "published",
    )  # fmt: skip
    assert code == 0, out
    assert "added 9" in out
    assert "skipped 1: malformed line" in out
    code, out = run("index", "export", "--db", db)
    first = json.loads(out.splitlines()[0])
    assert (first["id"], first["title"], first["date"]) == ("s0v0", "Story s0v0", "2026-03-00")


def test_query_text_and_json(folder: Path, tmp_path: Path) -> None:
    db = str(tmp_path / "q.db")
    run("index", "add", str(folder), "--db", db)
    probe = tmp_path / "probe.txt"
    probe.write_text(version(STORIES["s1v0"], 5), encoding="utf-8")
    code, out = run("index", "query", str(probe), "--db", db, "--format", "json")
    assert code == 0, out
    answer = json.loads(out)
    assert {m["id"] for m in answer["matches"]} == {f"s1/s1v{v}.txt" for v in range(3)}
    assert all(0 < m["jaccard"] <= 1 and "a_in_b" in m and "b_in_a" in m for m in answer["matches"])
    code, out = run("index", "query", "-", "--db", db, "--limit", "1", stdin=STORIES["s2v1"])
    assert "s2/s2v1.txt" in out
    assert "s2/s2v0.txt" not in out
    code, out = run("index", "query", "-", "--db", db, stdin=article(4242))
    assert "no known versions" in out


def test_a_query_of_an_indexed_text_says_under_which_id_it_is_held(
    folder: Path, tmp_path: Path
) -> None:
    db = str(tmp_path / "held.db")
    run("index", "add", str(folder), "--db", db)
    code, out = run("index", "query", "-", "--db", db, stdin=STORIES["s2v1"])
    assert code == 0, out
    assert "is already in the index as s2/s2v1.txt" in out
    code, out = run("index", "query", "-", "--db", db, "--format", "json", stdin=STORIES["s2v1"])
    answer = json.loads(out)
    assert answer["indexed_as"] == ["s2/s2v1.txt"]
    assert answer["matches"][0]["id"] == "s2/s2v1.txt"
    assert [m["same_text"] for m in answer["matches"]].count(True) == 1
    # A version that is not the same text is an answer, but not "already in the index".
    code, out = run(
        "index", "query", "-", "--db", db, "--format", "json", stdin=version(STORIES["s2v1"], 5)
    )
    answer = json.loads(out)
    assert answer["indexed_as"] == []
    assert answer["matches"]
    code, out = run("index", "query", "-", "--db", db, stdin=version(STORIES["s2v1"], 5))
    assert "already in the index" not in out


def test_a_piped_query_table_never_breaks_an_id(tmp_path: Path) -> None:
    # CliRunner's output is not a terminal, as with `redline index query ... | grep`.
    root = tmp_path / "feeds"
    long_id = "outlet-with-a-long-name/2026/03/01/" + "the-invented-bridge-story-" * 3 + "final"
    (root / long_id).parent.mkdir(parents=True)
    (root / f"{long_id}.txt").write_text(STORIES["s0v0"], encoding="utf-8")
    db = str(tmp_path / "wide.db")
    run("index", "add", str(root), "--db", db)
    code, out = run("index", "query", "-", "--db", db, stdin=STORIES["s0v1"])
    assert code == 0, out
    rows = [line for line in out.splitlines() if f"{long_id}.txt" in line and "│" in line]
    assert len(rows) == 1
    assert "0.8" in rows[0] or "0.9" in rows[0]  # the scores share the id's line


LONG_ID = "outlet-with-a-long-name/2026/03/01/the-invented-bridge-story-final.txt"


@pytest.fixture
def long_ids(tmp_path: Path) -> str:
    root = tmp_path / "feeds"
    (root / LONG_ID).parent.mkdir(parents=True)
    (root / LONG_ID).write_text(STORIES["s0v0"], encoding="utf-8")
    (root / LONG_ID.replace("final", "update")).write_text(STORIES["s0v2"], encoding="utf-8")
    db = str(tmp_path / "narrow.db")
    run("index", "add", str(root), "--db", db)
    return db


def _whole_ids(out: str) -> None:
    """Both ids appear unbroken, each on its own line with its rank, and no part of one alone."""
    lines = out.splitlines()
    for doc_id in (LONG_ID, LONG_ID.replace("final", "update")):
        assert any(line in (f"1. {doc_id}", f"2. {doc_id}") for line in lines), out
    # A folded id would leave a fragment of it at the start of a line.
    assert not any(line.strip().startswith(("-bridge", "story", "2026/")) for line in lines), out


def test_a_narrow_query_table_keeps_ids_whole(long_ids: str) -> None:
    code, out = run("index", "query", "-", "--db", long_ids, "--width", "60", stdin=STORIES["s0v1"])
    assert code == 0, out
    _whole_ids(out)
    assert "┃" not in out  # the stacked layout, not a table folded to 60 columns
    figures = [line for line in out.splitlines() if line.startswith("   ")]
    assert any("score" in line for line in figures)
    assert all(len(line.rstrip()) <= 60 for line in figures)
    # Wide enough, it is still the table, an id and its scores on one row.
    code, wide = run(
        "index", "query", "-", "--db", long_ids, "--width", "200", stdin=STORIES["s0v1"]
    )
    assert [line for line in wide.splitlines() if LONG_ID in line and "│" in line]


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")
def test_a_60_column_terminal_keeps_query_ids_whole(long_ids: str, tmp_path: Path) -> None:
    import fcntl
    import os
    import struct
    import subprocess
    import termios

    query = tmp_path / "query.txt"
    query.write_text(STORIES["s0v1"], encoding="utf-8")
    redline = Path(sys.executable).with_name("redline")
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "LINES", "PAGER")}
    env.update(COLUMNS="60", NO_COLOR="1", TERM="xterm")
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 60, 0, 0))
    proc = subprocess.Popen(
        [str(redline), "index", "query", str(query), "--db", long_ids],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=env,
    )
    os.close(slave)
    chunks = []
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the other end closed and drained
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    assert proc.wait(timeout=60) == 0
    out = b"".join(chunks).decode("utf-8", "replace").replace("\r\n", "\n")
    _whole_ids(out)


def test_two_outlets_with_the_same_wire_copy_are_both_indexed(tmp_path: Path) -> None:
    root = tmp_path / "wire"
    for outlet in ("outlet-a", "outlet-b"):
        (root / outlet).mkdir(parents=True)
        (root / outlet / "story.txt").write_text(STORIES["s1v0"], encoding="utf-8")
    db = str(tmp_path / "wire.db")
    assert "added 2, already present 0" in run("index", "add", str(root), "--db", db)[1]
    assert "added 0, already present 2" in run("index", "add", str(root), "--db", db)[1]
    code, out = run("index", "query", "-", "--db", db, "--format", "json", stdin=STORIES["s1v0"])
    assert code == 0, out
    matches = json.loads(out)["matches"]
    assert {(m["id"], m["jaccard"]) for m in matches} == {
        ("outlet-a/story.txt", 1.0),
        ("outlet-b/story.txt", 1.0),
    }
    assert matches[0]["cluster"] == matches[1]["cluster"] is not None


def test_query_diff_shows_the_redline_against_the_best_other_version(
    folder: Path, tmp_path: Path
) -> None:
    db = str(tmp_path / "d.db")
    run("index", "add", str(folder), "--db", db)
    code, out = run("index", "query", str(folder / "s0" / "s0v1.txt"), "--db", db, "--diff")
    assert code == 0, out
    assert "Similarity" in out
    # Not a redline of the document against its own stored copy.
    assert "100% shared" not in out
    code, out = run(
        "index", "query", "-", "--db", db, "--diff", "--format", "json", stdin=STORIES["s0v1"]
    )
    assert json.loads(out)["diff"]["schema"] == "redline.diff/1"


def test_stats_export_remove(folder: Path, tmp_path: Path) -> None:
    db = str(tmp_path / "s.db")
    run("index", "add", str(folder), "--db", db)
    code, out = run("index", "stats", "--db", db, "--format", "json")
    stats = json.loads(out)
    assert (stats["documents"], stats["clusters"], stats["edges"]) == (9, 3, 9)
    code, out = run("index", "stats", "--db", db)
    assert "documents   9" in out
    parquet = tmp_path / "all.parquet"
    code, out = run("index", "export", "--db", db, "--format", "parquet", "-o", str(parquet))
    assert code == 0, out
    table = pq.read_table(parquet)
    assert table.num_rows == 9
    assert sorted(set(table.column("cluster").to_pylist())) == ["c000001", "c000002", "c000003"]
    code, out = run("index", "export", "--db", db, "--format", "parquet")
    assert code == 2
    assert "-o FILE.parquet" in out
    code, out = run("index", "remove", "s0/s0v0.txt", "--db", db)
    assert code == 0
    assert "cluster c000001 now holds 2 documents" in out
    code, out = run("index", "remove", "s0/s0v0.txt", "--db", db)
    assert code == 1
    assert "no document 's0/s0v0.txt'" in out


def test_removing_a_bridge_gives_the_split_off_part_its_old_id(tmp_path: Path) -> None:
    text = article(31, sentences=24)
    paragraphs = text.split("\n\n")
    front, back = "\n\n".join(paragraphs[:6]), "\n\n".join(paragraphs[6:])
    root = tmp_path / "desk"
    root.mkdir()
    db = str(tmp_path / "split.db")
    for name, body in [
        ("front-1", front),
        ("front-2", version(front, 1)),
        ("back-1", back),
        ("back-2", version(back, 2)),
    ]:
        (root / f"{name}.txt").write_text(body, encoding="utf-8")
    run("index", "add", str(root), "--db", db)
    (root / "combo.txt").write_text(text, encoding="utf-8")
    run("index", "add", str(root / "combo.txt"), "--db", db)
    _, out = run("index", "stats", "--db", db, "--format", "json")
    assert (json.loads(out)["clusters"], json.loads(out)["merges"]) == (1, 1)
    code, out = run("index", "remove", "combo.txt", "--db", db)
    assert code == 0, out
    assert "cluster c000001 split: c000001 holds 2 documents, c000002 holds 2 documents" in out
    _, dump = run("index", "export", "--db", db)
    clusters = {d["id"]: d["cluster"] for d in map(json.loads, dump.splitlines())}
    # Files are added in name order: the back versions made c000001, the front ones c000002.
    assert clusters == {
        "back-1.txt": "c000001",
        "back-2.txt": "c000001",
        "front-1.txt": "c000002",
        "front-2.txt": "c000002",
    }


def test_reading_a_missing_index_is_one_clear_line(tmp_path: Path) -> None:
    code, out = run("index", "stats", "--db", str(tmp_path / "none.db"))
    assert code == 1
    assert "no index at" in out
    assert "Traceback" not in out
    assert not (tmp_path / "none.db").exists()


def test_index_and_find_agree_on_the_clusters(tmp_path: Path) -> None:
    root = tmp_path / "mixed"
    root.mkdir()
    texts = corpus(4, 3, seed=12)
    long = article(77, sentences=30)
    texts["excerpt-of-long"] = "\n\n".join(long.split("\n\n")[:8])
    texts["long"] = long
    texts["alone"] = article(78)
    # The same text under two names: `find` keeps both, so must the index.
    texts["reprint-of-s0v1"] = texts["s0v1"]
    for doc_id, text in texts.items():
        (root / f"{doc_id}.txt").write_text(text, encoding="utf-8")
    db = str(tmp_path / "p.db")
    run("index", "add", str(root), "--db", db)
    code, out = run("find", str(root), "-o", str(tmp_path / "found"), "--jobs", "1")
    assert code == 0, out
    found = {
        frozenset(json.loads(line)["documents"])
        for line in (tmp_path / "found" / "clusters.jsonl").read_text().splitlines()
    }
    from redline.store import Index

    with Index(db) as index:
        indexed = {
            frozenset(index.cluster(c.id).documents) for c in index.clusters(limit=100).clusters
        }
    assert indexed == found
    assert frozenset({"long.txt", "excerpt-of-long.txt"}) in indexed


def test_add_reads_jsonl_from_stdin(tmp_path: Path) -> None:
    db = str(tmp_path / "stdin.db")
    feed = "\n".join(json.dumps({"id": k, "text": v}) for k, v in STORIES.items())
    code, out = run("index", "add", "-", "--db", db, stdin=feed)
    assert code == 0, out
    assert "added 9" in out


def test_add_a_missing_path_creates_no_index(tmp_path: Path) -> None:
    code, out = run("index", "add", str(tmp_path / "nope"), "--db", str(tmp_path / "x.db"))
    assert code == 1
    assert "no such file or folder" in out
    assert not (tmp_path / "x.db").exists()


def test_extracting_in_worker_processes_gives_the_same_index(tmp_path: Path) -> None:
    root = tmp_path / "pages"
    root.mkdir()
    # More pages than one extraction batch (16), so the later ones go through the workers.
    texts = {**STORIES, **{f"other{i}": article(900 + i) for i in range(20)}}
    for doc_id, text in texts.items():
        body = "".join(f"<p>{p}</p>" for p in text.split("\n\n"))
        page = f"<html><head><title>{doc_id}</title></head><body>{body}</body></html>"
        (root / f"{doc_id}.html").write_text(page, encoding="utf-8")
    exported = []
    for jobs in ("0", "1"):
        db = str(tmp_path / f"jobs{jobs}.db")
        code, out = run("index", "add", str(root), "--db", db, "--jobs", jobs, "--batch", "2")
        assert code == 0, out
        assert "added 29" in out
        _, dump = run("index", "export", "--db", db)
        exported.append(
            [(d["id"], d["cluster"], d["text"]) for d in map(json.loads, dump.splitlines())]
        )
    assert exported[0] == exported[1]
    assert {c for _, c, _ in exported[0]} == {"c000001", "c000002", "c000003", None}


def test_query_of_a_rewrite_names_its_source_with_verdict_and_shared_sentences(
    tmp_path: Path,
) -> None:
    from wire import OTHER, REWRITE, WIRE

    root = tmp_path / "pa"
    root.mkdir()
    (root / "tamblyn.txt").write_text(WIRE, encoding="utf-8")
    (root / "oduya.txt").write_text(OTHER, encoding="utf-8")
    db = str(tmp_path / "pa.db")
    run("index", "add", str(root), "--db", db)
    code, out = run("index", "query", "-", "--db", db, "--width", "200", stdin=REWRITE)
    assert code == 0, out
    rows = [line for line in out.splitlines() if "tamblyn.txt" in line]
    assert "partial reuse" in rows[0] or "derived" in rows[0]
    assert "query: Judge Petra Okonkwo said he had betrayed men" in out
    code, out = run("index", "query", "-", "--db", db, "--format", "json", stdin=REWRITE)
    best = json.loads(out)["matches"][0]
    assert best["id"].endswith("tamblyn.txt")
    assert best["verdict"] in ("partial reuse", "derived")
    assert best["shared_sentences"] >= 3 and best["evidence"]


def test_an_index_made_in_reuse_mode_keeps_it_and_clusters_rewrites(tmp_path: Path) -> None:
    import random

    from textgen import invented_article

    def rewritten(text: str, seed: int) -> str:
        # About one word in eight replaced: few shingles left, every sentence kept in spirit.
        rng = random.Random(seed)
        words = text.split(" ")
        return " ".join(f"zq{rng.randrange(999)}" if rng.random() < 0.12 else w for w in words)

    rows = []
    for story in range(2):
        text = invented_article(60 + story, words=360)
        rows += [
            {"id": f"s{story}-a", "text": text},
            {"id": f"s{story}-b", "text": rewritten(text, story)},
        ]
    src = tmp_path / "feed.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    plain, reuse = str(tmp_path / "v.db"), str(tmp_path / "r.db")
    assert run("index", "add", str(src), "--db", plain)[0] == 0
    code, out = run("index", "add", str(src), "--db", reuse, "--mode", "reuse")
    assert code == 0, out
    assert "4 documents in 2 clusters of versions" in out
    code, out = run("index", "stats", "--db", plain, "--format", "json")
    assert json.loads(out)["clusters"] == 0
    code, out = run("index", "stats", "--db", reuse, "--format", "json")
    assert json.loads(out)["settings"]["aligned"] == 0.5
    # Adding again without --mode uses the index's own; naming another mode is refused.
    assert run("index", "add", str(src), "--db", reuse)[0] == 0
    code, out = run("index", "add", str(src), "--db", reuse, "--mode", "versions")
    assert code != 0
    assert "was made with --mode reuse" in out
    # Removing a rewrite takes its sentence anchors with it: re-adding finds its original again.
    assert run("index", "remove", "s0-b", "--db", reuse)[0] == 0
    code, out = run("index", "add", str(src), "--db", reuse)
    assert "added 1" in out
    code, out = run("index", "stats", "--db", reuse, "--format", "json")
    assert json.loads(out)["clusters"] == 2
