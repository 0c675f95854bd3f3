"""Tabular collections: CSV (or TSV) and Parquet, one document per row."""

from __future__ import annotations

import csv
import io
import sys
from collections import deque
from collections.abc import Iterator
from typing import IO

from redline.errors import DependencyError
from redline.ingest.jsonl import Fields, record_to_item
from redline.ingest.records import Item, Skip

# Parquet rows are read in batches so a large file never sits in memory whole.
_PARQUET_BATCH = 2048
# A row spanning more physical lines than this is a stray quote that another one closed much
# later, not a field: an article with one paragraph per line has tens to hundreds of lines.
MAX_ROW_LINES = 5000


class _Lines:
    """The physical lines csv.reader consumes, remembering the current row's; lines can be put
    back, so the lines an unclosed quote swallowed are read again as rows."""

    def __init__(self, text: IO[str]) -> None:
        self._text = iter(text)
        self._back: deque[str] = deque()
        self.row: list[str] = []
        self.number = 0  # physical lines handed out so far

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        line = self._back.popleft() if self._back else next(self._text)
        self.row.append(line)
        self.number += 1
        return line

    def put_back(self, lines: list[str]) -> None:
        """Hand these lines out again next, in order."""
        self._back.extendleft(reversed(lines))
        self.number -= len(lines)


def _unclosed(raw: list[str], delimiter: str) -> bool:
    """Whether these lines end inside a quoted field (the lenient reader hides it at EOF)."""
    try:
        for _ in csv.reader(raw, delimiter=delimiter, strict=True):
            pass
    except csv.Error as exc:
        return "unexpected end of data" in str(exc)
    return False


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
    lines = _Lines(text)
    reader = csv.reader(lines, delimiter=delimiter)
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
        line = lines.number + 1
        lines.row = []
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
        span = len(lines.row)
        if span > 1 and _unclosed(lines.row, delimiter):
            # The lenient reader ran to the end of the file inside one quoted field: skip the
            # line that opened it and read the lines it swallowed again, as rows of their own.
            yield Skip(
                source,
                "malformed line",
                f"a quoted field opened on this line is never closed (it would swallow the"
                f" {span - 1:,} lines after it, which are read as rows instead)",
                line,
            )
            lines.put_back(lines.row[1:])
            reader = csv.reader(lines, delimiter=delimiter)
            continue
        if span > MAX_ROW_LINES:
            yield Skip(
                source,
                "malformed line",
                f"one row runs over {span:,} lines, more than {MAX_ROW_LINES:,}: a stray quote"
                " closed much later?",
                line,
            )
            continue
        if not row:
            continue
        if len(row) != width:
            spread = f" over {span:,} lines (an unclosed quote?)" if span > 1 else ""
            yield Skip(
                source,
                "malformed line",
                f"{len(row)} fields where the header has {width}{spread}",
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
