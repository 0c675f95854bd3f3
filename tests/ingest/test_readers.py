"""Collection readers: every input kind, custom fields, gzip, bad input skipped with a reason."""

from __future__ import annotations

import gzip
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from redline.errors import InputError
from redline.ingest.collection import ReadOptions, read_collection
from redline.ingest.jsonl import Fields
from redline.ingest.records import Item, Skip, to_document
from redline.models import Document

ARTICLE = (
    "The Kestrel Valley ferry will stop running on Sundays from May, the operator said, "
    "after passenger numbers fell by a third over the winter months."
)


def _read(
    *paths: Path | str, fields: Fields | None = None, max_bytes: int | None = None
) -> tuple[list[Document], list[Skip]]:
    docs: list[Document] = []
    skips: list[Skip] = []
    options = ReadOptions(fields=fields or Fields())
    if max_bytes is not None:
        options = ReadOptions(fields=options.fields, max_bytes=max_bytes)
    for item in read_collection(list(paths), options):
        result = item if isinstance(item, Skip) else to_document(item)
        (skips if isinstance(result, Skip) else docs).append(result)  # type: ignore[arg-type]
    return docs, skips


def test_folder_is_read_recursively_with_ids_relative_to_it(tmp_path: Path) -> None:
    root = tmp_path / "corpus"
    (root / "a" / "b").mkdir(parents=True)
    (root / "one.txt").write_text(ARTICLE)
    (root / "a" / "two.md").write_text(f"# Ferry cuts\n\n{ARTICLE}")
    (root / "a" / "b" / "three.html").write_text(
        f"<html><head><title>Ferry</title></head><body><article><p>{ARTICLE}</p>"
        f"<p>{ARTICLE}</p></article></body></html>"
    )
    (root / "a" / "b" / "four.txt.gz").write_bytes(gzip.compress(ARTICLE.encode()))
    (root / ".hidden.txt").write_text(ARTICLE)
    (root / ".git").mkdir()
    (root / ".git" / "x.txt").write_text(ARTICLE)
    docs, skips = _read(root)
    assert sorted(d.id for d in docs) == [
        "a/b/four.txt.gz",
        "a/b/three.html",
        "a/two.md",
        "one.txt",
    ]
    assert skips == []
    assert all("Kestrel Valley ferry" in d.text for d in docs)
    md = next(d for d in docs if d.id == "a/two.md")
    assert md.title == "Ferry cuts"


def test_several_inputs_get_ids_relative_to_their_common_folder(tmp_path: Path) -> None:
    for name in ("left", "right"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "same.txt").write_text(ARTICLE)
    docs, _ = _read(tmp_path / "left", tmp_path / "right")
    assert [d.id for d in docs] == ["left/same.txt", "right/same.txt"]


def test_missing_input_path_is_an_error_not_a_skip(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file or folder"):
        list(read_collection([tmp_path / "nope"]))


def test_binary_and_empty_files_are_skipped_with_their_reason(tmp_path: Path) -> None:
    (tmp_path / "junk.bin").write_bytes(bytes(range(256)) * 40)
    (tmp_path / "empty.txt").write_text("  \n")
    (tmp_path / "ok.txt").write_text(ARTICLE)
    docs, skips = _read(tmp_path)
    assert [d.id for d in docs] == ["ok.txt"]
    assert sorted((s.source, s.reason) for s in skips) == [
        ("empty.txt", "empty"),
        ("junk.bin", "binary"),
    ]


def test_jsonl_with_custom_fields_and_bad_lines(tmp_path: Path) -> None:
    lines = [
        json.dumps({"key": 7, "body": ARTICLE, "headline": "Ferry", "link": "http://x.test/1",
                    "published": "2024-03-01"}),
        "{not json",
        json.dumps(["a", "list"]),
        json.dumps({"key": 8, "headline": "no body"}),
        "",
        json.dumps({"body": ARTICLE + " Again."}),
    ]  # fmt: skip
    path = tmp_path / "dump.jsonl"
    path.write_text("\n".join(lines) + "\n")
    fields = Fields(id="key", text="body", title="headline", url="link", date="published")
    docs, skips = _read(path, fields=fields)
    assert docs[0] == Document(
        id="7", text=ARTICLE, title="Ferry", url="http://x.test/1", date="2024-03-01"
    )
    assert docs[1].id == "dump.jsonl:6"  # no id field: file and line
    assert [(s.reason, s.position) for s in skips] == [
        ("malformed line", 2),
        ("malformed line", 3),
        ("missing field", 4),
    ]
    assert "--text-field" in skips[2].message
    assert str(skips[0].error()).startswith("cannot read dump.jsonl:2:")


def test_gzipped_jsonl(tmp_path: Path) -> None:
    path = tmp_path / "dump.jsonl.gz"
    path.write_bytes(gzip.compress(json.dumps({"id": "a", "text": ARTICLE}).encode() + b"\n"))
    docs, skips = _read(path)
    assert [d.id for d in docs] == ["a"]
    assert skips == []


def test_corrupt_gzip_is_one_skip_not_a_crash(tmp_path: Path) -> None:
    data = gzip.compress((json.dumps({"id": "a", "text": ARTICLE}) + "\n").encode() * 200)
    (tmp_path / "cut.jsonl.gz").write_bytes(data[: len(data) // 2])
    _, skips = _read(tmp_path / "cut.jsonl.gz")
    assert [s.reason for s in skips] == ["unreadable"]


def test_csv_and_tsv_with_custom_fields(tmp_path: Path) -> None:
    csv_path = tmp_path / "rows.csv"
    csv_path.write_text(
        "doc,content,when\n"
        f'a1,"{ARTICLE}\nWith a second line, and a comma.",2024-01-02\n'
        "a2,too,many,fields\n"
        f'a3,"{ARTICLE}",\n',
        encoding="utf-8",
    )
    fields = Fields(id="doc", text="content", date="when", title=None, url=None)
    docs, skips = _read(csv_path, fields=fields)
    assert [(d.id, d.date) for d in docs] == [("a1", "2024-01-02"), ("a3", None)]
    assert docs[0].text.endswith("and a comma.")
    assert [(s.reason, s.position) for s in skips] == [("malformed line", 4)]
    tsv_path = tmp_path / "rows.tsv.gz"
    tsv_path.write_bytes(gzip.compress(f"id\ttext\nt1\t{ARTICLE}\n".encode()))
    docs, _ = _read(tsv_path)
    assert [d.id for d in docs] == ["t1"]


def test_csv_quote_left_open_is_one_skip_and_the_rows_after_it_are_read(tmp_path: Path) -> None:
    # QA: an unclosed quote silently turned the rest of the file into one document.
    path = tmp_path / "rows.csv"
    path.write_text(
        f'id,text\n1,"{ARTICLE}"\n2,"{ARTICLE} and the quote is never closed\n'
        f"3,{ARTICLE.replace(',', '')}\n4,short row\n",
        encoding="utf-8",
    )
    docs, skips = _read(path)
    assert [d.id for d in docs] == ["1", "3", "4"]
    assert [(s.source, s.position, s.reason) for s in skips] == [("rows.csv", 3, "malformed line")]
    assert "never closed" in skips[0].message


def test_a_row_over_too_many_lines_is_skipped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from redline.ingest import table

    monkeypatch.setattr(table, "MAX_ROW_LINES", 5)
    body = "\n".join(f"paragraph {k}" for k in range(8))
    (tmp_path / "rows.csv").write_text(f'id,text\n1,"{body}"\n2,"{ARTICLE}"\n')
    docs, skips = _read(tmp_path / "rows.csv")
    assert [d.id for d in docs] == ["2"]
    assert [(s.position, s.reason) for s in skips] == [(2, "malformed line")]


def test_a_csv_row_over_max_bytes_is_skipped_with_its_line_and_the_next_rows_are_read(
    tmp_path: Path,
) -> None:
    long = " ".join([ARTICLE] * 40)  # about 6 KB, quoted, over several lines, commas inside
    body = "\n".join([long[:2000], long[2000:4000], long[4000:]])
    plain = ARTICLE.replace(",", "")
    (tmp_path / "rows.csv").write_text(
        f'id,text\n1,"{ARTICLE}"\n2,"{body}"\n3,{plain}\n4,{"x" * 3000}\n5,"{ARTICLE}"\n',
        encoding="utf-8",
    )
    docs, skips = _read(tmp_path / "rows.csv", max_bytes=1000)
    assert [d.id for d in docs] == ["1", "3", "5"]
    # Row 2 spans lines 3-5 of the file; row 4 is line 7.
    assert [(s.position, s.reason) for s in skips] == [(3, "too large"), (7, "too large")]
    assert "over the limit of 1,000 bytes" in skips[0].message
    assert "--max-bytes" in skips[0].message
    # Under a limit the rows fit in, every row is read as before.
    docs, skips = _read(tmp_path / "rows.csv", max_bytes=100_000)
    assert [d.id for d in docs] == ["1", "2", "3", "4", "5"]
    assert next(d for d in docs if d.id == "2").text.split() == body.split()


def test_a_tsv_row_over_max_bytes_counts_its_bytes_in_utf8(tmp_path: Path) -> None:
    # 400 characters of two bytes each: 800 bytes, over a 600-byte limit though 400 < 600.
    (tmp_path / "rows.tsv").write_text(
        f"id\ttext\nwide\t{'é' * 400}\nok\t{ARTICLE}\n", encoding="utf-8"
    )
    docs, skips = _read(tmp_path / "rows.tsv", max_bytes=600)
    assert [d.id for d in docs] == ["ok"]
    assert [(s.position, s.reason) for s in skips] == [(2, "too large")]


def test_an_unclosed_quote_running_over_max_bytes_to_the_end_is_one_skip(tmp_path: Path) -> None:
    tail = "\n".join(f"{k},{ARTICLE.replace(',', '')}" for k in range(3, 40))
    (tmp_path / "rows.csv").write_text(
        f'id,text\n1,"{ARTICLE}"\n2,"never closed {tail}\n', encoding="utf-8"
    )
    docs, skips = _read(tmp_path / "rows.csv", max_bytes=1000)
    assert [d.id for d in docs] == ["1"]
    assert [(s.position, s.reason) for s in skips] == [(3, "too large")]
    assert "never closed" in skips[0].message


def test_a_csv_header_over_max_bytes_is_one_clear_skip(tmp_path: Path) -> None:
    (tmp_path / "rows.csv").write_text("id,text," + "c," * 600 + f"\n1,{ARTICLE}\n")
    docs, skips = _read(tmp_path / "rows.csv", max_bytes=500)
    assert docs == []
    assert [(s.position, s.reason) for s in skips] == [(1, "too large")]
    assert "header row" in skips[0].message


def test_a_parquet_text_over_max_bytes_is_skipped_with_its_row(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    texts = [ARTICLE, "word " * 2000, None, ARTICLE + " More.", "é" * 600]
    table = pa.table({"id": [f"p{k}" for k in range(1, 6)], "text": texts})
    pq.write_table(table, tmp_path / "docs.parquet", row_group_size=2)
    docs, skips = _read(tmp_path / "docs.parquet", max_bytes=1000)
    assert [d.id for d in docs] == ["p1", "p4"]
    assert [(s.position, s.reason) for s in skips] == [
        (2, "too large"),
        (3, "missing field"),
        (5, "too large"),
    ]
    assert "--max-bytes" in skips[0].message
    docs, _ = _read(tmp_path / "docs.parquet", max_bytes=100_000)
    assert [d.id for d in docs] == ["p1", "p2", "p4", "p5"]


def test_gz_name_without_gzip_data_says_so(tmp_path: Path) -> None:
    (tmp_path / "fake.jsonl.gz").write_bytes(b"\x00\x01 not compressed at all\n" * 10)
    _, skips = _read(tmp_path / "fake.jsonl.gz")
    assert [(s.reason, s.message.split(",")[0]) for s in skips] == [("unreadable", "not gzip data")]


def test_csv_without_the_text_column_says_which_flag_to_pass(tmp_path: Path) -> None:
    (tmp_path / "rows.csv").write_text("id,body\n1,hello\n")
    _, skips = _read(tmp_path / "rows.csv")
    assert skips[0].reason == "missing field"
    assert "--text-field" in skips[0].message


def test_parquet(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.table({"id": ["p1", "p2", "p3"], "text": [ARTICLE, None, ARTICLE + " More."],
                      "date": ["2024-05-01", None, None]})  # fmt: skip
    pq.write_table(table, tmp_path / "docs.parquet")
    (tmp_path / "bad.parquet").write_bytes(b"PAR1 not really")
    docs, skips = _read(tmp_path)
    assert [(d.id, d.date) for d in docs] == [("p1", "2024-05-01"), ("p3", None)]
    assert sorted((s.source, s.reason) for s in skips) == [
        ("bad.parquet", "unreadable"),
        ("docs.parquet", "missing field"),
    ]


def _warc(path: Path, *, gz: bool) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    html = (
        "<html><head><title>Ferry</title></head><body><article>"
        f"<p>{ARTICLE}</p><p>{ARTICLE}</p></article></body></html>"
    )
    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=gz)
        for uri, ctype, body in (
            ("http://news.test/ferry", "text/html; charset=utf-8", html.encode()),
            ("http://news.test/app.js", "application/javascript", b"var x = 1;"),
        ):
            http = StatusAndHeaders("200 OK", [("Content-Type", ctype)], protocol="HTTP/1.1")
            record = writer.create_warc_record(
                uri, "response", payload=io.BytesIO(body), length=len(body), http_headers=http,
                warc_headers_dict={"WARC-Date": "2024-02-03T04:05:06Z"},
            )  # fmt: skip
            writer.write_record(record)
        wet = writer.create_warc_record(
            "http://news.test/ferry-text", "conversion", payload=io.BytesIO(ARTICLE.encode()),
            length=len(ARTICLE.encode()),
            warc_headers_dict={"WARC-Date": "2024-02-04T00:00:00Z", "Content-Type": "text/plain"},
        )  # fmt: skip
        writer.write_record(wet)


@pytest.mark.parametrize("name", ["crawl.warc", "crawl.warc.gz"])
def test_warc_response_html_and_wet_conversion(tmp_path: Path, name: str) -> None:
    _warc(tmp_path / name, gz=name.endswith(".gz"))
    docs, skips = _read(tmp_path / name)
    assert [d.id for d in docs] == [
        "http://news.test/ferry 2024-02-03T04:05:06Z",
        "http://news.test/ferry-text 2024-02-04T00:00:00Z",
    ]
    assert "Kestrel Valley ferry" in docs[0].text
    assert docs[0].url == "http://news.test/ferry"
    assert docs[0].date == "2024-02-03T04:05:06Z"
    assert docs[1].text == ARTICLE
    assert [(s.source, s.reason) for s in skips] == [
        ("http://news.test/app.js 2024-02-03T04:05:06Z", "not a document")
    ]


def test_strict_stops_on_broken_records_not_on_records_that_are_not_documents(
    tmp_path: Path,
) -> None:
    # QA: `find --strict` on a real crawl stopped at its first JavaScript response.
    from redline.engines.local import LocalEngine, SpooledResult
    from redline.find import FindOptions, Sources

    def run(items: Iterator[Item], options: FindOptions) -> SpooledResult:
        return LocalEngine().run(Sources(items=items), options)

    _warc(tmp_path / "crawl.warc", gz=False)
    items = read_collection([tmp_path / "crawl.warc"], ReadOptions())
    with run(items, FindOptions(jobs=1, strict=True)) as result:
        assert result.stats.documents == 2
        assert result.stats.skipped == {"not a document": 1}
    data = (tmp_path / "crawl.warc").read_bytes()
    (tmp_path / "truncated.warc").write_bytes(data[: data.index(b"<article>") + 40])
    items = read_collection([tmp_path / "truncated.warc"], ReadOptions())
    with pytest.raises(InputError, match="truncated"):
        run(items, FindOptions(jobs=1, strict=True))


def test_broken_warc_records_are_skipped(tmp_path: Path) -> None:
    _warc(tmp_path / "crawl.warc", gz=False)
    data = (tmp_path / "crawl.warc").read_bytes()
    (tmp_path / "truncated.warc").write_bytes(data[: data.index(b"<article>") + 40])
    (tmp_path / "garbage.warc").write_bytes(b"this is not a web archive\r\n\r\n" * 20)
    docs, skips = _read(tmp_path / "truncated.warc", tmp_path / "garbage.warc")
    assert docs == []
    reasons = sorted((s.source.split(" ")[0], s.reason) for s in skips)
    assert reasons == [
        ("garbage.warc", "broken WARC record"),
        ("http://news.test/ferry", "broken WARC record"),
    ]


def test_items_are_streamed_not_read_all_at_once(tmp_path: Path) -> None:
    path = tmp_path / "big.jsonl"
    path.write_text("".join(json.dumps({"id": i, "text": ARTICLE}) + "\n" for i in range(1000)))
    items = read_collection([path])
    first: Item = next(items)
    assert isinstance(first, Document)
    assert first.id == "0"
