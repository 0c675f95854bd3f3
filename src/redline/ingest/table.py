"""Tabular collections: CSV (or TSV) and Parquet, one document per row."""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Iterator
from typing import IO

from redline.errors import DependencyError
from redline.ingest.jsonl import Fields, record_to_item
from redline.ingest.records import Item, Skip

# Parquet rows are read in batches so a large file never sits in memory whole.
_PARQUET_BATCH = 2048


def read_csv(
    stream: IO[bytes], source: str, fields: Fields | None = None, *, delimiter: str = ","
) -> Iterator[Item]:
    """Documents from a CSV file with a header row; positions are physical line numbers."""
    fields = fields or Fields()
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", errors="strict", newline="")
    try:
        yield from _csv_rows(text, source, fields, delimiter)
    finally:
        # The caller owns the byte stream: let go of it without closing it.
        text.detach()


def _csv_rows(text: IO[str], source: str, fields: Fields, delimiter: str) -> Iterator[Item]:
    # A field may hold a whole article; the default 128 KiB limit would reject long ones.
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
    reader = csv.reader(text, delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        yield Skip(source, "empty", "the file is empty")
        return
    except (UnicodeDecodeError, csv.Error) as exc:
        yield Skip(source, "encoding", f"cannot read the header row ({exc})", 1)
        return
    if fields.text not in header:
        yield Skip(
            source,
            "missing field",
            f"no column {fields.text!r} in the header ({', '.join(header[:8])}); pass --text-field",
            1,
        )
        return
    width = len(header)
    while True:
        line = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except UnicodeDecodeError as exc:
            # The decoder cannot resync inside a file; the rest of it is lost.
            yield Skip(source, "encoding", f"not UTF-8 from here on ({exc})", line)
            return
        except csv.Error as exc:
            yield Skip(source, "malformed line", str(exc), line)
            continue
        if not row:
            continue
        if len(row) != width:
            yield Skip(
                source,
                "malformed line",
                f"{len(row)} fields where the header has {width}",
                line,
            )
            continue
        yield record_to_item(dict(zip(header, row, strict=True)), fields, source, line)


def read_parquet(
    file: str | IO[bytes], source: str, fields: Fields | None = None
) -> Iterator[Item]:
    """Documents from a Parquet file; positions are 1-based row numbers."""
    fields = fields or Fields()
    try:
        # Imported here: pyarrow takes a few hundred ms to import, and most runs read no Parquet.
        import pyarrow.parquet as pq  # noqa: PLC0415
    except ImportError as exc:  # pragma: no cover - pyarrow is a core dependency
        raise DependencyError("reading Parquet needs pyarrow: pip install pyarrow") from exc
    try:
        parquet = pq.ParquetFile(file)
    # pyarrow raises several unrelated exception types for a file that is not Parquet.
    except Exception as exc:
        yield Skip(source, "unreadable", f"not a readable Parquet file ({exc})")
        return
    available = set(parquet.schema_arrow.names)
    if fields.text not in available:
        yield Skip(
            source,
            "missing field",
            f"no column {fields.text!r} (columns: {', '.join(sorted(available)[:8])});"
            " pass --text-field",
        )
        return
    columns = [c for c in fields.columns() if c in available]
    row = 0
    for batch in parquet.iter_batches(batch_size=_PARQUET_BATCH, columns=columns):
        for record in batch.to_pylist():
            row += 1
            yield record_to_item(record, fields, source, row)
