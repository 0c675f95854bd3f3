"""`redline index`: a persistent index of versions in one SQLite file."""

from __future__ import annotations

import csv
import json
import os
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from functools import partial
from itertools import chain, islice
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import click

from redline.cli.common import guard

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table

    from redline.ingest.collection import ReadOptions
    from redline.ingest.records import Item, Skip
    from redline.models import Document
    from redline.store import Index, Match, StoredDocument

# Heavy modules (numpy, pyarrow, Rich, the store) are imported inside the commands that use
# them, so `redline --help` and every other subcommand start without them.

DEFAULT_DB = "redline.db"
# Reader items per extraction task.
_EXTRACT_BATCH = 16
# Console width for the matches table when stdout is not a terminal: wide enough never to wrap.
_UNWRAPPED = 100_000

db_option = click.option(
    "--db",
    default=DEFAULT_DB,
    show_default=True,
    envvar="REDLINE_DB",
    type=click.Path(dir_okay=False),
    help="The index file (SQLite). Also REDLINE_DB.",
)


@click.group(name="index")
def index() -> None:
    """Keep a persistent index of versions: add, query, stats, export, remove.

    \b
    Examples:
      redline index add articles/ --db news.db
      redline index add dump.jsonl.gz --db news.db --text-field body
      redline index query draft.txt --db news.db --diff
      redline index stats --db news.db
      redline index export --db news.db --format parquet -o news.parquet
      redline index remove articles/old.txt --db news.db
    """


class _Skipped:
    """Inputs that could not be used, for the summary."""

    def __init__(self) -> None:
        self.items: list[tuple[str, str]] = []
        # Records that are no documents (a crawl's scripts, images, requests) are not failures.
        self.not_documents = 0
        # README, LICENSE ... files inside folders, passed over unless --include-readme.
        self.folder_notes = 0

    def add(self, where: str, reason: str) -> None:
        self.items.append((where, reason))


def _read_inputs(
    paths: tuple[str, ...], options: ReadOptions, skipped: _Skipped, jobs: int
) -> Iterator[Document]:
    """Documents from every input `redline find` reads; unusable ones are noted and passed over.

    HTML (web pages, WARC records) is extracted in `jobs` worker processes, in input order.
    """
    from redline.ingest.collection import read_collection  # noqa: PLC0415
    from redline.ingest.records import FOLDER_NOTE, Skip  # noqa: PLC0415
    from redline.store.workers import ahead, batched  # noqa: PLC0415

    extract = partial(_extract, max_bytes=options.max_bytes)
    batches = batched(read_collection(paths, options), _EXTRACT_BATCH)
    # The first batch is extracted here: a small input never waits for a pool to start.
    first = [extract(b) for b in islice(batches, 1)]
    rest: Iterator[list[Document | Skip]] = (
        (extract(b) for b in batches)
        if jobs == 0
        else (r for _, r in ahead(batches, extract, jobs, local=_ready))
    )
    for doc in chain.from_iterable(chain(first, rest)):
        if isinstance(doc, Skip) and doc.reason == FOLDER_NOTE:
            skipped.folder_notes += 1
        elif isinstance(doc, Skip) and not doc.fatal:
            skipped.not_documents += 1
        elif isinstance(doc, Skip):
            where = doc.source if doc.position is None else f"{doc.source}:{doc.position}"
            skipped.add(where, f"{doc.reason}: {doc.message}")
        else:
            yield doc


def _ready(items: list[Item]) -> bool:
    """True when a batch needs no extraction (JSONL, CSV, Parquet give text already)."""
    from redline.ingest.records import Raw  # noqa: PLC0415

    return not any(isinstance(i, Raw) for i in items)


def _extract(items: list[Item], *, max_bytes: int) -> list[Document | Skip]:
    """Documents (or skips) of reader items: raw HTML and text decoded and extracted."""
    from redline.ingest.records import Skip, to_document  # noqa: PLC0415

    return [i if isinstance(i, Skip) else to_document(i, max_bytes=max_bytes) for i in items]


@index.command(name="add")
@click.argument("paths", nargs=-1, required=True)
@db_option
@click.option("--batch", default=32, show_default=True, help="Documents per transaction.")
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=0),
    default=None,
    help="Processes extracting and signing ahead of the writer [default: cores - 1]; 0 does"
    " everything in this process.",
)
@click.option("-q", "--quiet", is_flag=True, help="No progress line.")
@click.option(
    "--mode",
    type=click.Choice(["versions", "reuse"]),
    default=None,
    help="For a new index: versions (copies and edited versions) or reuse (also rewritten"
    " texts; see `redline find --help`) [default: versions]. The index keeps the mode it was"
    " made with; naming another one for an existing index is an error.",
)
@click.option("--id-field", default="id", show_default=True, help="JSONL/CSV/Parquet id field.")
@click.option("--text-field", default="text", show_default=True, help="Field with the text.")
@click.option("--title-field", default="title", show_default=True, help="Field with the title.")
@click.option("--url-field", default="url", show_default=True, help="Field with the URL.")
@click.option("--date-field", default="date", show_default=True, help="Field with the date.")
@click.option(
    "--include-readme",
    is_flag=True,
    help="Also read README, LICENSE and similar files inside folders (passed over by default:"
    " they describe the folder).",
)
def add(
    *,
    paths: tuple[str, ...],
    db: str,
    batch: int,
    jobs: int | None,
    quiet: bool,
    mode: str | None,
    id_field: str,
    text_field: str,
    title_field: str,
    url_field: str,
    date_field: str,
    include_readme: bool,
) -> None:
    """Add documents to the index (idempotent; versions are clustered as they arrive).

    PATHS are what `redline find` reads: folders, text, Markdown, HTML, JSONL, CSV, Parquet
    and WARC files ("-" reads JSONL from stdin).

    Re-adding a document already indexed (same id, same text) changes nothing. The same text
    under a new id is a new document, an exact duplicate in the same cluster; a known id with
    a changed text is added as ID@HASH, a version. Each batch is committed on its own, so an
    interrupted run loses nothing it reported, and running it again completes it.
    """
    from rich.console import Console  # noqa: PLC0415

    from redline.discover.config import DiscoveryConfig  # noqa: PLC0415
    from redline.errors import InputError  # noqa: PLC0415
    from redline.ingest.collection import ReadOptions  # noqa: PLC0415
    from redline.ingest.jsonl import Fields  # noqa: PLC0415
    from redline.store import Index  # noqa: PLC0415

    err = Console(stderr=True)
    skipped = _Skipped()
    counts: Counter[str] = Counter()
    renamed: list[tuple[str, str]] = []
    started = time.perf_counter()
    with guard():
        # Check the inputs before creating an index file for a mistyped path.
        for given in paths:
            if given != "-" and not Path(given).exists():
                raise InputError(given, "no such file or folder; check the path")
    config = None if mode is None else DiscoveryConfig.for_mode(mode)
    with guard(), Index(db, config=config) as store:
        fields = Fields(
            id=id_field, text=text_field, title=title_field, url=url_field, date=date_field
        )
        if jobs is None:
            jobs = max(0, (os.cpu_count() or 1) - 1)
        read = ReadOptions(fields=fields, include_readme=include_readme)
        documents = _read_inputs(paths, read, skipped, jobs)
        progress = not quiet and err.is_terminal
        for result in store.add_many(documents, batch=batch, jobs=jobs):
            counts[result.status] += 1
            if result.status == "skipped":
                skipped.add(result.id, result.reason or "skipped")
            if result.renamed_from:
                renamed.append((result.renamed_from, result.id))
            if progress and sum(counts.values()) % 100 == 0:
                done = sum(counts.values())
                err.print(f"\r{done:,} documents…", end="", highlight=False)
        if progress:
            err.print("\r", end="")
        stats = store.stats()
    took = time.perf_counter() - started
    click.echo(
        f"added {counts['added']:,}, already present {counts['present']:,},"
        f" skipped {len(skipped.items):,} in {took:.1f} s;"
        f" the index holds {_plural(stats.documents, 'document')} in"
        f" {_plural(stats.clusters, 'cluster')} of versions"
    )
    if skipped.not_documents:
        click.echo(f"  not documents, passed over: {_plural(skipped.not_documents, 'record')}")
    if skipped.folder_notes:
        click.echo(
            f"  passed over {_plural(skipped.folder_notes, 'file')} describing a folder"
            " (README, LICENSE ...); --include-readme reads them"
        )
    for old, new in renamed:
        click.echo(f"  {old}: id already held a different text; added as {new}")
    reasons = Counter(reason for _, reason in skipped.items)
    for reason, n in reasons.most_common():
        click.echo(f"  skipped {n:,}: {reason}")
    for where, reason in skipped.items[:20]:
        click.echo(f"    {where}: {reason}", err=True)
    if not counts["added"] and not counts["present"]:
        raise click.ClickException(
            f"no documents in {', '.join(paths)}"
            + (": every item was skipped (reasons above)" if skipped.items else "")
            + "; nothing added"
        )


@index.command(name="query")
@click.argument("file")
@db_option
@click.option("--limit", default=10, show_default=True, help="At most this many matches.")
@click.option("--diff", "show_diff", is_flag=True, help="Also show the redline against the best.")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.option("--width", type=int, default=None, help="Terminal width for the redline.")
def query(*, file: str, db: str, limit: int, show_diff: bool, fmt: str, width: int | None) -> None:
    """Indexed documents FILE (- for stdin) comes from or shares text with, best first.

    Each answer has a verdict: "version" (the clustering rule of `find` holds), "derived"
    (most of one text is in the other), "partial reuse" (a substantial share is) or "related"
    (shared rare words). "query in it" is the share of FILE's word 3-grams found in the
    indexed document, "it in query" the share of the document's found in FILE; the shared
    sentences below the table are the evidence.
    """
    from rich.console import Console  # noqa: PLC0415
    from rich.measure import Measurement  # noqa: PLC0415

    from redline.diff.redline import compare  # noqa: PLC0415
    from redline.ingest.files import read_document  # noqa: PLC0415
    from redline.report.terminal import render  # noqa: PLC0415
    from redline.store import Index  # noqa: PLC0415

    with guard(), Index(db, create=False) as store:
        doc = read_document(file)
        matches = store.query(doc, limit=limit)
        redline = None
        if show_diff and matches:
            best = _best_other(store, matches, doc)
            redline = compare(best.document, doc)
    if fmt == "json":
        out: dict[str, Any] = {
            "query": doc.id,
            "indexed_as": [m.id for m in matches if m.same_text],
            "matches": [m.to_dict() for m in matches],
        }
        if show_diff:
            out["diff"] = redline.to_dict() if redline else None
        click.echo(json.dumps(out, ensure_ascii=False, indent=2))
        return
    console = Console(width=width, highlight=False)
    if not matches:
        console.print(f"{doc.id}: no known versions or sources in {db}")
        return
    held = [m.id for m in matches if m.same_text]
    if held:
        console.print(
            f"{doc.id} is already in the index as {', '.join(held)}", markup=False, soft_wrap=True
        )
    table_console = console
    if width is None and not console.is_terminal:
        # Piped or redirected: no reader's width to fit, and a wrapped id is a broken id.
        table_console = Console(width=_UNWRAPPED, highlight=False)
    table = _matches_table(doc.id, matches)
    natural = Measurement.get(table_console, table_console.options.update_width(_UNWRAPPED), table)
    if natural.maximum <= table_console.width:
        table_console.print(table)
    else:
        # Too narrow for the table: its document column would fold ids mid-word.
        _print_stacked(console, doc.id, matches)
    _print_evidence(console, matches)
    if redline is not None:
        console.print()
        render(redline, console)


def _plural(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def _best_other(store: Index, matches: list[Match], doc: Document) -> StoredDocument:
    """The best match whose text differs from the query (a redline against itself says nothing)."""
    from redline.store.sqlite import content_hash  # noqa: PLC0415

    own = content_hash(doc.text)
    for m in matches:
        stored = store.get(m.id)
        if stored.content_hash != own:
            return stored
    return store.get(matches[0].id)


def _matches_table(query_id: str, matches: list[Match]) -> Table:
    from rich.table import Table  # noqa: PLC0415

    table = Table(title=f"Versions and sources of {query_id}", title_justify="left")
    table.add_column("#", justify="right")
    table.add_column("document", overflow="fold")
    table.add_column("verdict")
    table.add_column("score", justify="right")
    table.add_column("cluster")
    table.add_column("jaccard", justify="right")
    table.add_column("query in it", justify="right")
    table.add_column("it in query", justify="right")
    table.add_column("shared sentences", justify="right")
    table.add_column("title")
    for rank, m in enumerate(matches, 1):
        table.add_row(
            str(rank),
            m.id,
            m.verdict,
            f"{m.score:.2f}",
            m.cluster or "-",
            f"{m.jaccard:.2f}",
            f"{m.trigram_a_in_b:.0%}",
            f"{m.trigram_b_in_a:.0%}",
            str(m.shared_sentences),
            m.title or "",
        )
    return table


def _print_stacked(console: Console, query_id: str, matches: list[Match]) -> None:
    """The matches table as blocks, for a terminal too narrow for its columns.

    An id is printed whole on a line of its own (soft-wrapped: the terminal may fold it on
    screen, but it stays one line to copy or click); the figures wrap between words.
    """
    from rich.padding import Padding  # noqa: PLC0415
    from rich.text import Text  # noqa: PLC0415

    console.print(f"Versions and sources of {query_id}", markup=False, soft_wrap=True)
    for rank, m in enumerate(matches, 1):
        console.print()
        console.print(f"{rank}. {m.id}", markup=False, soft_wrap=True)
        figures = [
            m.verdict,
            f"score {m.score:.2f}",
            f"cluster {m.cluster or '-'}",
            f"jaccard {m.jaccard:.2f}",
            f"query in it {m.trigram_a_in_b:.0%}",
            f"it in query {m.trigram_b_in_a:.0%}",
            _plural(m.shared_sentences, "shared sentence"),
        ]
        lines = [" · ".join(figures), *([f"title: {m.title}"] if m.title else [])]
        for line in lines:
            console.print(Padding(Text(line), (0, 0, 0, 3)))


def _print_evidence(console: Console, matches: list[Match]) -> None:
    """The shared sentences of each answer, query sentence first."""
    for rank, m in enumerate(matches, 1):
        if not m.evidence:
            continue
        console.print()
        console.print(
            f"#{rank} {m.id} ({m.verdict}): {_plural(m.shared_sentences, 'shared sentence')}",
            markup=False,
            soft_wrap=True,  # an id is never broken
        )
        for p in m.evidence:
            console.print(f"  query: {p.query}", markup=False)
            if p.match != p.query:
                console.print(f"     it: {p.match}", markup=False)


@index.command(name="stats")
@db_option
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
def stats(db: str, fmt: str) -> None:
    """Documents, clusters and size of the index."""
    from redline.store import Index  # noqa: PLC0415

    with guard(), Index(db, create=False) as store:
        s = store.stats()
    if fmt == "json":
        click.echo(json.dumps({"db": db, **s.to_dict()}, indent=2))
        return
    per_doc = s.bytes_on_disk / s.documents if s.documents else 0
    click.echo(f"index       {db}")
    click.echo(f"documents   {s.documents:,}")
    click.echo(f"clusters    {s.clusters:,} holding {s.clustered_documents:,} documents")
    click.echo(f"largest     {s.largest_cluster:,} documents")
    click.echo(f"pairs       {s.edges:,} verified")
    click.echo(f"merges      {s.merges:,} recorded")
    click.echo(f"size        {s.bytes_on_disk / 1e6:,.1f} MB ({per_doc / 1e3:,.1f} kB/document)")
    settings = ", ".join(f"{k}={v}" for k, v in s.settings.items())
    click.echo(f"settings    {settings}")


@index.command(name="export")
@db_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["jsonl", "csv", "parquet"]),
    default="jsonl",
    show_default=True,
    help="csv: one row per document, for a spreadsheet.",
)
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False), help="File (jsonl, csv: - = stdout)."
)
def export(db: str, fmt: str, output: str | None) -> None:
    """Write every document with its cluster, as JSONL, CSV or Parquet."""
    from redline.store import Index  # noqa: PLC0415

    with guard(), Index(db, create=False) as store:
        if fmt in ("jsonl", "csv"):
            write = _write_jsonl if fmt == "jsonl" else _write_csv
            if output in (None, "-"):
                try:
                    write(store.documents(), sys.stdout)
                    sys.stdout.flush()
                except BrokenPipeError:
                    # `... | head`: the reader has all it wants; exit quietly, like cat.
                    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
                    return
            else:
                _atomic(Path(output), lambda tmp: _text_file(write, store.documents(), tmp))
        else:
            if output in (None, "-"):
                raise click.UsageError("parquet needs a file: pass -o FILE.parquet")
            _atomic(Path(output), lambda tmp: _write_parquet(store.documents(), tmp))
    if output not in (None, "-"):
        click.echo(f"wrote {output}", err=True)


def _write_jsonl(docs: Iterator[StoredDocument], out: IO[str]) -> None:
    for d in docs:
        out.write(json.dumps(d.to_dict(), ensure_ascii=False) + "\n")


# Spreadsheet columns: what a reader sorts and filters by first, the text last.
CSV_COLUMNS = ("id", "cluster", "title", "url", "date", "byline", "added_at", "hash", "text")


def _write_csv(docs: Iterator[StoredDocument], out: IO[str]) -> None:
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, extrasaction="ignore")
    writer.writeheader()
    for d in docs:
        writer.writerow(d.to_dict())


def _text_file(
    write: Callable[[Iterator[StoredDocument], IO[str]], None],
    docs: Iterator[StoredDocument],
    path: Path,
) -> None:
    # newline="": the csv module writes its own line endings; JSON Lines has no other kind.
    with path.open("w", encoding="utf-8", newline="") as fh:
        write(docs, fh)


def _write_parquet(docs: Iterator[StoredDocument], path: Path) -> None:
    import pyarrow as pa  # noqa: PLC0415
    import pyarrow.parquet as pq  # noqa: PLC0415

    names = ["id", "cluster", "title", "url", "date", "byline", "hash", "text"]
    schema = pa.schema([*((n, pa.string()) for n in names), ("added_at", pa.float64())])
    # Row groups of 2,000 documents keep memory flat however large the index is.
    with pq.ParquetWriter(path, schema) as writer:
        while rows := [d.to_dict() for _, d in zip(range(2000), docs, strict=False)]:
            columns = {n: [r[n] for r in rows] for n in [*names, "added_at"]}
            writer.write_table(pa.table(columns, schema=schema))


def _atomic(path: Path, write: Callable[[Path], None]) -> None:
    """Write through a temporary file so a failed export never leaves a partial file."""
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        write(tmp)
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)


@index.command(name="remove")
@click.argument("doc_id", metavar="ID")
@db_option
def remove(doc_id: str, db: str) -> None:
    """Remove document ID; its cluster may split.

    The part holding most of the cluster's own documents keeps its id; a part holding the
    documents of a cluster merged in earlier takes that cluster's id back; any other part of
    two or more documents gets a new id.
    """
    from redline.store import Index  # noqa: PLC0415

    with guard(), Index(db, create=False) as store:
        cluster_id = store.get(doc_id).cluster
        others = [] if cluster_id is None else list(store.cluster(cluster_id).documents)
        cluster = store.remove(doc_id)
        where = ""
        if cluster is not None:
            # Where the rest went: a removal may split the cluster, and a part may take back
            # the id of a cluster merged in earlier.
            now = Counter(store.get(d).cluster for d in others if d != doc_id)
            parts = [(c, n) for c, n in now.items() if c is not None]
            if not parts:
                where = f"; cluster {cluster} had no other versions left and is gone"
            elif len(parts) == 1:
                where = f"; cluster {parts[0][0]} now holds {_plural(parts[0][1], 'document')}"
            else:
                held = ", ".join(f"{c} holds {_plural(n, 'document')}" for c, n in sorted(parts))
                where = f"; cluster {cluster} split: {held}"
    click.echo(f"removed {doc_id}{where}")
