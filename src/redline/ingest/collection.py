"""Read a collection: folders (recursively) and files of any supported kind, or stdin.

Kinds, by name (a trailing `.gz` is looked through, and gzip is detected by content too):

    .jsonl .ndjson .jsonlines        JSON Lines, one document per line (also "-" for stdin)
    .csv .tsv                        a header row, one document per row
    .parquet                         one document per row
    .warc .arc .wet .wat             web archives (see `ingest.warc`)
    anything else                    one document per file: text, Markdown or HTML (sniffed)

Document ids: the id field for JSONL/CSV/Parquet (else `file:line`), `URI DATE` for WARC, and for
plain files the path relative to the input root, with `/` separators. The root is the folder
given, or for several inputs the deepest folder holding them all, so ids do not depend on the
current directory. Hidden files and folders (names starting with ".") are passed over.
"""

from __future__ import annotations

import errno
import gzip
import os
import stat
import sys
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import IO, Literal, cast

from redline.errors import InputError
from redline.ingest.files import (
    GZIP_MAGIC,
    STDIN_ID,
    format_from_name,
)
from redline.ingest.jsonl import Fields, read_jsonl
from redline.ingest.limits import DEFAULT_MAX_BYTES
from redline.ingest.names import display_name
from redline.ingest.records import FOLDER_NOTE, Item, Raw, Skip
from redline.ingest.table import read_csv, read_parquet
from redline.ingest.warc import read_warc

Kind = Literal["jsonl", "csv", "tsv", "parquet", "warc", "document"]
_KINDS: dict[str, Kind] = {
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".jsonlines": "jsonl",
    ".csv": "csv",
    ".tsv": "tsv",
    ".parquet": "parquet",
    ".warc": "warc",
    ".arc": "warc",
    ".wet": "warc",
    ".wat": "warc",
}


@dataclass(frozen=True, slots=True)
class ReadOptions:
    """How to read a collection."""

    fields: Fields = field(default_factory=Fields)
    max_bytes: int = DEFAULT_MAX_BYTES
    # "-" on the command line: what stdin holds (only JSON Lines is supported).
    stdin_kind: Kind = "jsonl"
    # Read README, LICENSE ... files found inside folders (they describe the folder).
    include_readme: bool = False
    # Date files that carry no date of their own by their modification time.
    mtime_dates: bool = False


def kind_of(name: str) -> Kind:
    """The kind of a file from its name (a trailing .gz is looked through)."""
    return _KINDS.get(Path(_strip_gz(name)).suffix, "document")


@cache
def _folder_notes() -> frozenset[str]:
    text = (files("redline.ingest") / "data" / "folder_notes.txt").read_text(encoding="utf-8")
    lines = (line.strip() for line in text.splitlines())
    return frozenset(line.upper() for line in lines if line and not line.startswith("#"))


def is_folder_note(name: str) -> bool:
    """True for README, LICENSE and the like (any case, any suffix): notes about a folder."""
    return name.split(".", 1)[0].upper() in _folder_notes()


def _root(paths: Sequence[Path]) -> Path:
    folders = [p if p.is_dir() else p.parent for p in paths]
    if len(folders) == 1:
        return folders[0]
    return Path(os.path.commonpath([str(f.resolve()) for f in folders]))


def _walk(folder: Path) -> Iterator[tuple[Path, str]]:
    """(file, path relative to `folder`) in a stable order, hidden names left out, links to
    folders not followed."""
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        rel = os.path.relpath(dirpath, folder)
        prefix = "" if rel == "." else Path(rel).as_posix() + "/"
        for name in sorted(filenames):
            if not name.startswith("."):
                yield Path(dirpath) / name, prefix + name


def _relative(path: Path, root: Path) -> str:
    """`path` relative to `root` with / separators (as given when outside it)."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def read_collection(
    paths: Sequence[str | Path], options: ReadOptions | None = None
) -> Iterator[Item]:
    """Every document of the inputs, in input order, as Document, Raw or Skip items.

    Raises:
        InputError: an input path does not exist (a typo, not a bad document).
    """
    options = options or ReadOptions()
    real = [Path(p) for p in paths if str(p) != "-"]
    for p in real:
        if not p.exists():
            raise InputError(str(p), "no such file or folder; check the path")
    root = _root(real) if real else Path.cwd()
    for given in paths:
        if str(given) == "-":
            yield from _guarded(STDIN_ID, _read_stdin(options))
            continue
        path = Path(given)
        if path.is_dir():
            # Resolve once per input: resolving every file costs more than reading it.
            base = _relative(path, root)
            prefix = "" if base == "." else base + "/"
            for file, rel in _walk(path):
                name = display_name(prefix + rel)
                if not options.include_readme and is_folder_note(file.name):
                    yield Skip(name, FOLDER_NOTE, "describes the folder; --include-readme reads it")
                    continue
                odd = _not_regular(file)
                if odd is not None:
                    yield Skip(name, "not a regular file", odd)
                    continue
                yield from _guarded(name, _read_file(file, name, options))
        else:
            # A pipe named on the command line is read (`<(zcat ...)`); only folders are
            # searched for what is not a file.
            name = display_name(_relative(path, root))
            yield from _guarded(name, _read_file(path, name, options))


def _not_regular(file: Path) -> str | None:
    """Why `file` (found in a folder) is not read, or None for a regular file.

    Opening a named pipe waits for a writer that may never come, and a device can be endless,
    so only regular files (or links to them) are opened.
    """
    try:
        mode = file.stat().st_mode
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "a symbolic link loop; not followed"
        if exc.errno == errno.ENOENT:
            return "a symbolic link to nothing (broken link)"
        return None  # reading it reports the error
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO); not opened, reading it could wait forever"
    if stat.S_ISSOCK(mode):
        return "a socket; not opened"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device; not opened"
    return "not a regular file; not opened"


def _read_stdin(options: ReadOptions) -> Iterator[Item]:
    stream = sys.stdin.buffer
    head = stream.peek(2)[:2] if hasattr(stream, "peek") else b""
    lines: IO[bytes] = (
        cast(IO[bytes], gzip.GzipFile(fileobj=stream)) if head == GZIP_MAGIC else stream
    )
    yield from read_jsonl(lines, STDIN_ID, options.fields, max_bytes=options.max_bytes)


def _open(file: Path) -> IO[bytes]:
    """The file, decompressed on the fly when it is gzip."""
    if _is_gzip(file):
        return cast(IO[bytes], gzip.open(file, "rb"))
    return file.open("rb")


def _is_gzip(file: Path) -> bool:
    with file.open("rb") as fh:
        return fh.read(2) == GZIP_MAGIC


def _read_file(file: Path, name: str, options: ReadOptions) -> Iterator[Item]:
    kind = kind_of(file.name)
    if kind == "document":
        size = file.stat().st_size
        if size > options.max_bytes:
            yield Skip(
                name,
                "too large",
                f"{size:,} bytes, over the limit of {options.max_bytes:,}; pass --max-bytes",
            )
            return
        with file.open("rb") as fh:
            data = fh.read(options.max_bytes + 1)
        # An unknown suffix gives fmt None: document_from_bytes then sniffs the bytes.
        modified = _modified(file) if options.mtime_dates else None
        yield Raw(id=name, data=data, fmt=format_from_name(file.name), modified=modified)
        return
    if kind == "warc":
        # fastwarc detects and decompresses gzip members itself.
        with file.open("rb") as fh:
            yield from read_warc(fh, name, max_bytes=options.max_bytes)
        return
    if file.name.lower().endswith(".gz") and file.stat().st_size and not _is_gzip(file):
        # Read as it is, its bytes would be reported line by line as bad JSON or CSV.
        yield Skip(
            name,
            "unreadable",
            "not gzip data, though the name ends in .gz; recompress it or drop the .gz",
        )
        return
    with _open(file) as stream:
        if kind == "jsonl":
            yield from read_jsonl(stream, name, options.fields, max_bytes=options.max_bytes)
        elif kind in ("csv", "tsv"):
            yield from read_csv(
                stream,
                name,
                options.fields,
                delimiter="\t" if kind == "tsv" else ",",
                max_bytes=options.max_bytes,
            )
        else:
            yield from read_parquet(stream, name, options.fields, max_bytes=options.max_bytes)


def _modified(file: Path) -> str:
    return modified_stamp(file.stat().st_mtime)


def modified_stamp(seconds: float) -> str:
    """A modification time (seconds since the epoch) as an ISO 8601 UTC timestamp.

    The date `--order-by mtime` gives an undated file; every engine makes it here.
    """
    stamp = datetime.fromtimestamp(seconds, tz=UTC)
    return stamp.strftime("%Y-%m-%dT%H:%M:%SZ")


def _strip_gz(name: str) -> str:
    lowered = name.lower()
    return lowered[:-3] if lowered.endswith(".gz") else lowered


def _guarded(name: str, items: Iterator[Item]) -> Iterator[Item]:
    """Turn a failure to read a file (permissions, corrupt gzip) into one Skip."""
    try:
        yield from items
    except PermissionError:
        yield Skip(name, "unreadable", "permission denied")
    except (OSError, EOFError, zlib.error) as exc:
        yield Skip(name, "unreadable", f"cannot read the file ({exc}); the rest of it is lost")
