"""Tabular collections: CSV (or TSV) and Parquet, one document per row."""

from __future__ import annotations

import csv
import io
import sys
from collections import deque
from collections.abc import Iterator
from typing import IO, Any

from redline.errors import DependencyError
from redline.ingest.jsonl import Fields, record_to_item
from redline.ingest.limits import DEFAULT_MAX_BYTES
from redline.ingest.records import Item, Skip

# Parquet rows are read in batches so a large file never sits in memory whole: at most this
# many rows, fewer where rows are large, through a read buffer of this many bytes.
_PARQUET_BATCH = 2048
_PARQUET_BUFFER = 1 << 20
# A batch holds about this much uncompressed text (from the row group metadata), whatever
# --max-bytes is. pyarrow still holds about one column chunk while it reads a group: on one
# 200 MB row group (2,000 rows of 100 KB, zstd) read_parquet peaks at 332 MB RSS, 652 MB
# with 2,048-row batches.
_PARQUET_BATCH_BYTES = 8 << 20
# A row spanning more physical lines than this is a stray quote that another one closed much
# later, not a field: an article with one paragraph per line has tens to hundreds of lines.
MAX_ROW_LINES = 5000
# Read unit while passing over the rest of an oversized row.
_CHUNK = 1 << 20


class _OversizedRowError(Exception):
    """A row ran over the byte limit; `_Lines` has already read past the rest of it.

    Raised from the line iterator because that is the only way to stop csv.reader inside a
    record; `_csv_rows` turns it into a Skip at once and never lets it out.
    """

    def __init__(self, size: int, complete: bool) -> None:
        super().__init__(size)
        self.size = size  # bytes read of the row, at least up to the limit
        self.complete = complete  # False: the file ended inside the row's quoted field


class _RecordEnd:
    """Where a CSV record ends, read as csv.reader reads it, one piece of a line at a time.

    A newline inside a quoted field belongs to the field; a quote inside an unquoted field is
    a character like any other; `""` in a quoted field is one quote. This is all that decides
    where a record ends, and it needs no memory of the record's text.
    """

    def __init__(self, delimiter: str) -> None:
        self._delimiter = delimiter
        self._state = "start"  # start | plain | quoted | quote (a quote seen in a quoted field)

    def feed(self, piece: str) -> bool:
        """Read `piece` (a line, or part of one); True if it ends the record."""
        body = piece.rstrip("\r\n")
        i, n, delimiter = 0, len(body), self._delimiter
        while i < n:
            state = self._state
            if state == "quoted":
                j = body.find('"', i)
                if j < 0:
                    break
                i, self._state = j + 1, "quote"
            elif state == "plain":
                j = body.find(delimiter, i)
                if j < 0:
                    break
                i, self._state = j + 1, "start"
            else:
                char = body[i]
                if char == '"':
                    self._state = "quoted"
                elif char == delimiter:
                    self._state = "start"
                else:  # a field's first character, or a character after a closing quote
                    self._state = "plain"
                i += 1
        if len(body) == len(piece) or self._state == "quoted":
            return False  # no line end yet, or one inside the quoted field
        self._state = "start"
        return True


def _size(line: str) -> int:
    """Bytes of `line` in UTF-8, the unit of --max-bytes."""
    return len(line) if line.isascii() else len(line.encode("utf-8", "surrogatepass"))


class _Lines:
    """The physical lines csv.reader consumes, remembering the current row's; lines can be put
    back, so the lines an unclosed quote swallowed are read again as rows.

    No row is held beyond `limit` bytes: a line is read at most `limit + 1` characters at a
    time, and a row that grows past the limit is read past in 1 MiB pieces without being kept
    (`_OversizedRowError` then tells the reader to skip it).
    """

    def __init__(self, text: IO[str], limit: int, delimiter: str) -> None:
        self._text = text
        self._limit = limit
        self._delimiter = delimiter
        self._back: deque[str] = deque()
        self.row: list[str] = []
        self._row_bytes = 0
        self.number = 0  # physical lines handed out so far

    def __iter__(self) -> _Lines:
        return self

    def start_row(self) -> None:
        self.row = []
        self._row_bytes = 0

    def _piece(self, most: int) -> str:
        return self._back.popleft() if self._back else self._text.readline(most)

    def __next__(self) -> str:
        line = self._piece(self._limit + 1)
        if not line:
            raise StopIteration
        self._row_bytes += _size(line)
        if self._row_bytes > self._limit:
            raise self._read_past(line)
        self.row.append(line)
        self.number += 1
        return line

    def _read_past(self, line: str) -> _OversizedRowError:
        """Read to the end of the row `line` ran over the limit in, keeping none of it."""
        end = _RecordEnd(self._delimiter)
        size = self._row_bytes
        held, self.row = self.row, []
        for earlier in held:  # whole lines, already counted
            end.feed(earlier)
        done = end.feed(line)
        self.number += line.endswith(("\n", "\r"))
        while not done:
            piece = self._piece(_CHUNK)
            if not piece:
                return _OversizedRowError(size, complete=end.feed("\n"))
            size += _size(piece)
            done = end.feed(piece)
            self.number += piece.endswith(("\n", "\r"))
        return _OversizedRowError(size, complete=True)

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
    stream: IO[bytes],
    source: str,
    fields: Fields | None = None,
    *,
    delimiter: str = ",",
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Iterator[Item]:
    """Documents from a CSV file with a header row; positions are physical line numbers.

    A row over `max_bytes` (UTF-8, after decompression) is skipped as "too large" after
    reading past it; no more than about `max_bytes` of it is held.
    """
    fields = fields or Fields()
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", errors="strict", newline="")
    try:
        yield from _csv_rows(text, source, fields, delimiter, max_bytes)
    finally:
        # The caller owns the byte stream: let go of it without closing it.
        text.detach()


def _too_large(over: _OversizedRowError, limit: int) -> str:
    if over.complete:
        return f"the row is over the limit of {limit:,} bytes ({over.size:,}); pass --max-bytes"
    return (
        f"a quoted field opened in this row is never closed, and the {over.size:,} bytes from"
        f" here to the end of the file, over the limit of {limit:,}, are skipped with it"
    )


def _csv_rows(
    text: IO[str], source: str, fields: Fields, delimiter: str, limit: int
) -> Iterator[Item]:
    # A field may hold a whole article; the default 128 KiB limit would reject long ones.
    # Rows are bounded by `limit` in `_Lines` instead.
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
    lines = _Lines(text, limit, delimiter)
    reader = csv.reader(lines, delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        yield Skip(source, "empty", "the file is empty")
        return
    except _OversizedRowError as over:
        yield Skip(source, "too large", f"the header row: {_too_large(over, limit)}", 1)
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
        lines.start_row()
        try:
            row = next(reader)
        except StopIteration:
            return
        except _OversizedRowError as over:
            yield Skip(source, "too large", _too_large(over, limit), line)
            # The old reader is inside the row that was read past.
            reader = csv.reader(lines, delimiter=delimiter)
            continue
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
    file: str | IO[bytes],
    source: str,
    fields: Fields | None = None,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Iterator[Item]:
    """Documents from a Parquet file; positions are 1-based row numbers.

    Column chunks are streamed (a buffered reader, nothing read ahead), and each row group is
    read in batches of about `max_bytes` (from its row count and uncompressed size), so a
    huge row group is never held whole. A text over `max_bytes` is skipped as "too large"
    before it becomes a Python string; Parquet keeps no per-value length to check first, so
    one such value is still decoded once.
    """
    fields = fields or Fields()
    try:
        # Imported here: pyarrow takes a few hundred ms to import, and most runs read no Parquet.
        import pyarrow as pa  # noqa: PLC0415
        import pyarrow.compute as pc  # noqa: PLC0415
        import pyarrow.parquet as pq  # noqa: PLC0415
    except ImportError as exc:  # pragma: no cover - pyarrow is a core dependency
        raise DependencyError("reading Parquet needs pyarrow: pip install pyarrow") from exc
    try:
        parquet = pq.ParquetFile(file, buffer_size=_PARQUET_BUFFER, pre_buffer=False)
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
    text_type = parquet.schema_arrow.field(fields.text).type
    measurable = pa.types.is_string(text_type) or pa.types.is_large_string(text_type)
    row = 0
    for group in range(parquet.metadata.num_row_groups):
        size = _row_group_bytes(parquet.metadata.row_group(group), columns)
        rows = parquet.metadata.row_group(group).num_rows
        budget = _PARQUET_BATCH_BYTES
        batch_size = max(1, min(_PARQUET_BATCH, budget * rows // max(size, 1)))
        for read in parquet.iter_batches(
            batch_size=batch_size, row_groups=[group], columns=columns
        ):
            batch = read
            over: list[bool] = []
            lengths: list[int | None] = []
            if measurable:
                text_at = batch.schema.get_field_index(fields.text)
                text = batch.column(text_at)
                measured = pc.binary_length(text)
                flags = pc.fill_null(pc.greater(measured, max_bytes), False)
                if pc.any(flags).as_py():
                    # Blanked before to_pylist, so the oversized text is never copied out.
                    blank = pc.if_else(flags, pa.scalar(None, text.type), text)
                    batch = batch.set_column(text_at, fields.text, blank)
                    over, lengths = flags.to_pylist(), measured.to_pylist()
            for k, record in enumerate(batch.to_pylist()):
                row += 1
                if over and over[k]:
                    yield Skip(
                        source,
                        "too large",
                        f"the text is over the limit of {max_bytes:,} bytes ({lengths[k]:,});"
                        " pass --max-bytes",
                        row,
                    )
                    continue
                yield record_to_item(record, fields, source, row)


def _row_group_bytes(group: Any, columns: list[str]) -> int:
    """Uncompressed bytes of the chosen columns in one row group (from its metadata)."""
    wanted = set(columns)
    return sum(
        group.column(i).total_uncompressed_size
        for i in range(group.num_columns)
        if group.column(i).path_in_schema.split(".")[0] in wanted
    )
