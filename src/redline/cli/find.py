"""`redline find PATH...`: discover every version of every text in a collection.

Writes to OUTDIR (default `out/find`): `clusters.jsonl` (redline.clusters/1), `clusters.parquet`
(one row per document), `clusters.csv` (one row per clustered document; the local engine only)
and `report/index.html`; with --dedup-out also the deduplicated
collection and its `.map.jsonl`. Nothing is renamed into place until the run has succeeded.

`--engine spark` runs the same search on Apache Spark (`engines.spark`): inputs and OUTDIR may be
any Hadoop path, the outputs are written by the executors, and the report shows the largest
clusters only.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Set
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

import click

from redline.cli.common import guard, interrupts
from redline.ingest.limits import DEFAULT_MAX_BYTES

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import Progress as RichProgress
    from rich.progress import TaskID

    from redline.engines.output import OutputSet
    from redline.find import Engine, FindOptions, FindResult, Stage, Writer, WrittenResult
    from redline.ingest.collection import ReadOptions

DEFAULT_OUT = Path("out/find")
EXAMPLES = Path("examples")
_LARGEST = 5


class _Bar:
    """Rich progress on stderr: documents read, signed, pairs verified."""

    def __init__(self, console: Console) -> None:
        from rich.progress import (  # noqa: PLC0415 - Rich loads only when a bar is drawn
            BarColumn,
            Progress,
            ProgressColumn,
            Task,
            TextColumn,
            TimeElapsedColumn,
        )
        from rich.progress_bar import ProgressBar  # noqa: PLC0415
        from rich.text import Text  # noqa: PLC0415

        class _Count(ProgressColumn):
            """'1,234' while the total is unknown, '1,234/5,678' once it is."""

            def render(self, task: Task) -> Text:
                done = f"{int(task.completed):,}"
                if task.total is None:
                    return Text(done, style="progress.download")
                return Text(f"{done}/{int(task.total):,}", style="progress.download")

        class _Bar(BarColumn):
            """No bar while counting: a pulsing or full bar would claim a total nobody knows."""

            def render(self, task: Task) -> ProgressBar:
                if task.total is None:
                    return ProgressBar(total=1.0, completed=0.0, width=self.bar_width)
                return super().render(task)

        self._progress: RichProgress = Progress(
            TextColumn("{task.description:>16}"),
            _Bar(),
            _Count(),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        )
        self._tasks: dict[str, TaskID] = {
            "read": self._progress.add_task("documents read", total=None),
            "signed": self._progress.add_task("signed", total=None),
            "verified": self._progress.add_task("pairs verified", total=None),
        }

    def total(self, stage: Stage, total: int) -> None:
        self._progress.update(self._tasks[stage], total=total)

    def advance(self, stage: Stage, count: int) -> None:
        self._progress.advance(self._tasks[stage], count)

    def __enter__(self) -> _Bar:
        self._progress.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._progress.stop()


@click.command(name="find")
@click.argument("paths", nargs=-1, type=click.Path(path_type=str))
@click.option(
    "-o",
    "--out",
    "outdir",
    type=click.Path(file_okay=False, path_type=str),
    default=str(DEFAULT_OUT),
    show_default=True,
    help="Folder for clusters.jsonl, clusters.parquet, clusters.csv and report/ (with --engine"
    " spark, any Hadoop path: hdfs://, s3a://; no clusters.csv there).",
)
@click.option(
    "--threshold",
    type=click.FloatRange(0.0, 1.0, min_open=True),
    default=None,
    help="Jaccard similarity of word 5-shingles at or above which two documents are versions "
    "[default: 0.4].",
)
@click.option(
    "--containment",
    type=click.FloatRange(0.0, 1.0, min_open=True),
    default=None,
    help="Share of the shorter document found in the longer one at or above which they are "
    "versions (trimmed copies, excerpts) [default: 0.7].",
)
@click.option(
    "--no-containment", is_flag=True, help="Match by Jaccard only (whole-document copies)."
)
@click.option(
    "--mode",
    type=click.Choice(["versions", "reuse"]),
    default="versions",
    show_default=True,
    help="versions: copies and edited versions (high precision); reuse: also texts rewritten"
    " from one another (reworded, reading levels, churnalism), judged by how many sentences"
    " align. Sets the defaults of the thresholds; a threshold given explicitly wins.",
)
@click.option(
    "--aligned",
    type=click.FloatRange(0.0, 1.0, min_open=True),
    default=None,
    help="Share of the shorter document's sentences aligned with the other at or above which"
    " they are versions [default: reuse 0.5; versions: sentences not compared].",
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="Worker processes [default: all cores]; 1 runs everything in this process.",
)
@click.option(
    "--engine",
    type=click.Choice(["local", "spark"]),
    default="local",
    show_default=True,
    help="What runs the search: local (this machine, all its cores) or spark (Apache Spark; "
    "`pip install redline[spark]`).",
)
@click.option(
    "--master",
    default=None,
    help="With --engine spark: the Spark master for a session started here, e.g. local[4] "
    "[default: spark-submit's, else local[*]].",
)
@click.option(
    "--spark-parts",
    is_flag=True,
    help="With --engine spark: write clusters.jsonl and clusters.parquet as folders of part "
    "files (no single task writes them all).",
)
@click.option("--strict", is_flag=True, help="Stop at the first unreadable document or line.")
@click.option(
    "--include-readme",
    is_flag=True,
    help="Also read README, LICENSE and similar files inside folders (passed over by default:"
    " they describe the folder).",
)
@click.option(
    "--dedup-out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the collection with one canonical document per cluster (JSONL, with the "
    "input's field names), and FILE.map.jsonl (e.g. kept.jsonl.map.jsonl) mapping every dropped "
    "document to the one kept.",
)
@click.option("--id-field", default="id", show_default=True, help="JSONL/CSV/Parquet id field.")
@click.option("--text-field", default="text", show_default=True, help="Field holding the text.")
@click.option("--title-field", default="title", show_default=True, help="Field holding a title.")
@click.option("--url-field", default="url", show_default=True, help="Field holding a URL.")
@click.option(
    "--date-field",
    default="date",
    show_default=True,
    help="Field holding an ISO 8601 date (the earliest version becomes canonical).",
)
@click.option(
    "--max-bytes",
    type=click.IntRange(min=1),
    default=DEFAULT_MAX_BYTES,
    show_default=True,
    help="Skip documents larger than this.",
)
@click.option(
    "--order-by",
    type=click.Choice(["date", "mtime", "name"]),
    default="date",
    show_default=True,
    help="Which version of a cluster is the original (canonical): date: the earliest dated,"
    " else the longest; mtime: the same, files without a date dated by their modification"
    " time; name: the smallest id (draft-01 before draft-02).",
)
@click.option(
    "--canonical",
    "prefer",
    multiple=True,
    metavar="ID",
    help="This document is the original of its cluster, whatever --order-by says (repeat for"
    " several clusters).",
)
@click.option("--no-report", is_flag=True, help="Do not write the HTML report.")
@click.option(
    "--open", "open_report", is_flag=True, help="Open the report in a web browser when done."
)
@click.option("-q", "--quiet", is_flag=True, help="No progress bar and no summary.")
def find(
    *,
    paths: tuple[str, ...],
    outdir: str,
    threshold: float | None,
    containment: float | None,
    no_containment: bool,
    mode: str,
    aligned: float | None,
    jobs: int | None,
    engine: str,
    master: str | None,
    spark_parts: bool,
    strict: bool,
    include_readme: bool,
    dedup_out: Path | None,
    id_field: str,
    text_field: str,
    title_field: str,
    url_field: str,
    date_field: str,
    max_bytes: int,
    no_report: bool,
    order_by: str,
    prefer: tuple[str, ...],
    open_report: bool,
    quiet: bool,
) -> None:
    """Find which documents of a collection are versions of each other.

    PATH: folders (read recursively), .txt/.md/.html/.pdf/.docx/.rtf files, JSONL, CSV,
    Parquet, WARC/WET (each possibly .gz), or "-" for JSONL on standard input. Without PATH,
    reads ./examples.

    \b
    Examples:
      redline find articles/ -o out --open
      redline find dump.jsonl --id-field doc --text-field body
      redline find dump.jsonl --dedup-out kept.jsonl
      redline find crawl.warc.gz --threshold 0.5 --containment 0.8 -o crawl-out
      zcat dump.jsonl.gz | redline find - -q
      redline find --engine spark --master local[4] dump.jsonl -o out
    """
    from rich.console import Console  # noqa: PLC0415 - keeps `redline --help` fast

    from redline.discover.config import DiscoveryConfig  # noqa: PLC0415
    from redline.find import FindOptions, Writer, engine_named  # noqa: PLC0415
    from redline.ingest.collection import ReadOptions  # noqa: PLC0415
    from redline.ingest.jsonl import Fields  # noqa: PLC0415

    if not paths:
        if not EXAMPLES.is_dir():
            raise click.UsageError(
                "no PATH given and no examples/ folder here; pass a folder or file to read"
            )
        paths = (str(EXAMPLES),)
    err = Console(stderr=True)
    out = Console()
    with guard():
        overrides: dict[str, float | None] = {}
        if no_containment:
            overrides["containment"] = None
        elif containment is not None:
            overrides["containment"] = containment
        if aligned is not None:
            overrides["aligned"] = aligned
        discovery = DiscoveryConfig.for_mode(mode, jaccard=threshold, **overrides)
        options = FindOptions(
            discovery=discovery,
            jobs=jobs,
            strict=strict,
            max_bytes=max_bytes,
            order_by="name" if order_by == "name" else "date",
            prefer=prefer,
        )
        fields = Fields(
            id=id_field,
            text=text_field,
            title=title_field or None,
            url=url_field or None,
            date=date_field or None,
        )
        read = ReadOptions(
            fields=fields,
            max_bytes=max_bytes,
            include_readme=include_readme,
            mtime_dates=order_by == "mtime",
        )
        settings: dict[str, object] = {}
        if engine == "spark":
            _refuse_under_spark(jobs=jobs, dedup_out=dedup_out, paths=paths)
            settings = {"master": master, "single_file": not spark_parts}
        else:
            for flag, given in (("--master", master is not None), ("--spark-parts", spark_parts)):
                if given:
                    raise click.UsageError(f"{flag} is for --engine spark")
        runner = engine_named(engine, **settings)
        if isinstance(runner, Writer):
            _run_writer(
                runner,
                list(paths),
                outdir,
                options,
                read,
                report=not no_report,
                summary=None if quiet else out,
                err=err,
            )
            return
        _run(
            runner,
            list(paths),
            Path(outdir),
            options,
            read,
            dedup_out=dedup_out,
            report=not no_report,
            show_progress=not quiet and err.is_terminal,
            summary=None if quiet else out,
            err=err,
        )
    site = Path(outdir) / "report" / "index.html"
    if open_report and not no_report and site.is_file():
        click.launch(str(site.resolve()))


def _run(
    engine: Engine,
    paths: list[str],
    outdir: Path,
    options: FindOptions,
    read: ReadOptions,
    *,
    dedup_out: Path | None,
    report: bool,
    show_progress: bool,
    summary: Console | None,
    err: Console,
) -> None:
    from redline.engines.output import (  # noqa: PLC0415
        OutputSet,
        claim,
        map_path,
        write_clusters_csv,
        write_clusters_jsonl,
        write_clusters_parquet,
        write_dedup,
    )
    from redline.find import Sources  # noqa: PLC0415

    with claim(outdir, [dedup_out] if dedup_out is not None else []), interrupts() as stop:
        outputs = OutputSet(outdir)
        committed = False
        sources = Sources(paths=paths, read=read)
        try:
            if show_progress:
                with _Bar(err) as bar:
                    result = engine.run(sources, options, progress=bar)
            else:
                result = engine.run(sources, options)
            with result:
                if result.stats.documents == 0:
                    _no_documents(err, paths, result)
                clustered = {d for c in result.clusters for d in c.documents}
                _unclustered_preferred(err, options.prefer, clustered)
                mark = time.perf_counter()
                with outputs.open(outdir / "clusters.jsonl") as fh:
                    write_clusters_jsonl(fh, result.clusters)
                parquet = outputs.path(outdir / "clusters.parquet")
                write_clusters_parquet(parquet, result.documents(), result.clusters)
                with outputs.open(outdir / "clusters.csv") as fh:
                    write_clusters_csv(fh, result.documents(), result.clusters)
                dedup_counts = None
                if dedup_out is not None:
                    with outputs.open(dedup_out) as dfh, outputs.open(map_path(dedup_out)) as mfh:
                        kept, dropped = write_dedup(
                            dfh, mfh, result.documents(), result.clusters, read.fields
                        )
                    dedup_counts = (kept, dropped, map_path(dedup_out))
                result.stats.timings["write"] = time.perf_counter() - mark
                mark = time.perf_counter()
                site_note = "not written (--no-report)"
                if report:
                    # Into the staging folder: the new report/ replaces the old one together
                    # with the new clusters, never before them or without them.
                    site_note = _site(outputs.stage, result)
                    result.stats.timings["report"] = time.perf_counter() - mark
                site_note = _place_report(outputs, outdir) or site_note
                written = outputs.commit()
                committed = True
                if summary is not None:
                    _summary(summary, result, written, site_note, dedup_counts)
        except KeyboardInterrupt:
            what = "interrupted" if stop.signal is None else f"stopped by {stop.signal}"
            if committed:
                err.print(f"{what}: the output files were already written in {outdir}")
            else:
                outputs.discard()
                err.print(f"{what}: no output files were written or changed")
            sys.exit(stop.exit_code)
        except BaseException:
            if not committed:
                outputs.discard()
            raise


def _unclustered_preferred(err: Console, prefer: tuple[str, ...], clustered: Set[str]) -> None:
    """Say which --canonical ids the engine found in no cluster (they had no effect)."""
    for doc_id in prefer:
        if doc_id not in clustered:
            err.print(
                f"--canonical {doc_id}: not in any cluster (no such id, or no other version"
                " of it was found)",
                highlight=False,
                markup=False,
            )


def _refuse_under_spark(
    *, jobs: int | None, dedup_out: Path | None, paths: tuple[str, ...]
) -> None:
    """Options the spark engine cannot honour: a usage error naming the option (exit 2)."""
    if jobs is not None:
        raise click.UsageError(
            "--jobs is for the local engine; with --engine spark pass --master local[N]"
            " or spark-submit's settings"
        )
    if dedup_out is not None:
        raise click.UsageError(
            "--dedup-out is not available with --engine spark yet; run it with the"
            " local engine, or join clusters.parquet (column is_canonical) to the input"
        )
    if "-" in paths:
        raise click.UsageError(
            "PATH '-' (standard input) is not available with --engine spark: its executors"
            " read files; pass a path"
        )


def _run_writer(
    engine: Writer,
    paths: list[str],
    outdir: str,
    options: FindOptions,
    read: ReadOptions,
    *,
    report: bool,
    summary: Console | None,
    err: Console,
) -> None:
    """Run an engine that writes its own outputs (Spark), then the report from the largest."""
    result = engine.write(paths, outdir, options, read)
    if result.stats.documents == 0:
        _no_documents(err, paths, result)
    _unclustered_preferred(err, options.prefer, result.preferred)
    here = _local_folder(outdir)
    if here is not None:
        site_note = _report_beside(here, result, report=report)
    elif report:
        site_note = f"not written: {outdir} is not on this machine (pass a local -o for one)"
    else:
        site_note = "not written (--no-report)"
    if summary is not None:
        _summary(summary, result, result.outputs, site_note, None)


def _report_beside(outdir: Path, result: WrittenResult, *, report: bool) -> str:
    """Write report/ beside the clusters the engine wrote, or remove an earlier run's."""
    from redline.engines.output import OutputSet  # noqa: PLC0415

    outputs = OutputSet(outdir)
    try:
        site_note = "not written (--no-report)"
        if report:
            mark = time.perf_counter()
            site_note = _site(outputs.stage, result)
            result.stats.timings["report"] = time.perf_counter() - mark
        site_note = _place_report(outputs, outdir) or site_note
        outputs.commit()
    except BaseException:
        outputs.discard()
        raise
    if report and result.stats.clusters > len(result.clusters):
        site_note += (
            f" (pages for the {len(result.clusters):,} largest of"
            f" {result.stats.clusters:,} clusters; all are in clusters.jsonl)"
        )
    return site_note


def _place_report(outputs: OutputSet, outdir: Path) -> str | None:
    """Have the staged report/ placed on commit (its index, returned), or an earlier one removed."""
    if (outputs.stage / "report").is_dir():
        outputs.path(outdir / "report")
        # Absolute: terminals make it clickable, and it works after a `cd`.
        return str((outdir / "report" / "index.html").resolve())
    # An earlier run's report/ would describe other clusters than these.
    outputs.remove(outdir / "report")
    return None


def _local_folder(outdir: str) -> Path | None:
    """The folder on this machine an output location names, or None (hdfs://, s3a://)."""
    if outdir.startswith("file:"):
        return Path(outdir.removeprefix("file:").removeprefix("//"))
    if "://" in outdir:
        return None
    return Path(outdir)


def _no_documents(err: Console, paths: list[str], result: FindResult | WrittenResult) -> None:
    """Stop with exit 1: a run that read no document has nothing to report."""
    stats = result.stats
    for reason, count in stats.skipped.most_common():
        err.print(f"  skipped {count:,} {reason}:", highlight=False)
        for skip in stats.examples.get(reason, [])[:3]:
            where = f"{skip.source}:{skip.position}" if skip.position else skip.source
            err.print(f"    {where}: {skip.message}", highlight=False, markup=False, soft_wrap=True)
    where = ", ".join(paths)
    if stats.read == 0:
        raise click.ClickException(
            f"no documents found in {where}: no .txt, .md, .html, JSONL, CSV, Parquet or"
            " WARC files there; nothing written"
        )
    raise click.ClickException(
        f"no documents in {where}: all {stats.read:,} items were skipped (reasons above);"
        " nothing written"
    )


def _site(outdir: Path, result: FindResult | WrittenResult) -> str:
    try:
        from redline.report.site import write_site  # noqa: PLC0415
    except ImportError:
        return "not written: this build has no HTML site writer (redline.report.site)"
    totals = (result.stats.clusters, result.stats.clustered)
    index = write_site(outdir, result.clusters, result.load, totals=totals)
    return str(index)


def _summary(
    console: Console,
    result: FindResult | WrittenResult,
    written: list[Path] | list[str],
    site_note: str,
    dedup: tuple[int, int, Path] | None,
) -> None:
    from redline.ingest.records import FOLDER_NOTE, NOT_A_DOCUMENT  # noqa: PLC0415

    stats = result.stats
    others = stats.skipped[NOT_A_DOCUMENT]
    notes = stats.skipped[FOLDER_NOTE]
    skipped = sum(stats.skipped.values()) - others - notes
    workers = f"{stats.jobs} worker{'s' if stats.jobs != 1 else ''}"
    # Records that hold no document (scripts, images, error pages of a crawl) are not bad
    # input, so they are counted apart from the skips.
    passed = f", {others:,} not documents (scripts, images, error pages)" if others else ""
    if notes:
        passed += (
            f", {notes:,} passed over as describing a folder (README, LICENSE ...;"
            " --include-readme reads them)"
        )
    lines = [
        f"read [bold]{stats.read:,}[/] items: {stats.documents:,} documents, {skipped:,} skipped"
        + passed,
        f"found [bold]{stats.clusters:,}[/] cluster{'' if stats.clusters == 1 else 's'} of "
        f"versions holding {stats.clustered:,} "
        f"documents ({stats.exact_copies:,} exact copies)",
        f"verified {stats.verified:,} of {stats.candidates:,} candidate pairs "
        f"({stats.candidates - stats.anchor_candidates - stats.sentence_candidates:,} from LSH"
        f" bands, {stats.anchor_candidates:,} more from anchors"
        + (
            f", {stats.sentence_candidates:,} more from sentence anchors"
            if stats.sentence_candidates
            else ""
        )
        + "; exact copies need no check)",
        f"took {sum(stats.timings.values()):.1f} s on {workers}: "
        + ", ".join(f"{name} {sec:.1f} s" for name, sec in stats.timings.items()),
    ]
    for line in lines:
        console.print(line, highlight=False, soft_wrap=True)
    for reason, count in stats.skipped.most_common():
        if reason in (NOT_A_DOCUMENT, FOLDER_NOTE):
            continue
        console.print(f"  skipped {count:,} {reason}:", highlight=False)
        for skip in stats.examples.get(reason, [])[:3]:
            where = f"{skip.source}:{skip.position}" if skip.position else skip.source
            console.print(
                f"    {where}: {skip.message}", highlight=False, markup=False, soft_wrap=True
            )
    for c in result.clusters[:_LARGEST]:
        console.print(
            f"  {c.id}  {len(c.documents):>4} versions  canonical {c.canonical}",
            highlight=False,
            markup=False,
            soft_wrap=True,
        )
    if stats.clusters > _LARGEST:
        console.print(f"  … and {stats.clusters - _LARGEST:,} more clusters", highlight=False)
    for path in written:
        where = str(path.resolve()) if isinstance(path, Path) else path
        console.print(f"wrote {where}", highlight=False, markup=False, soft_wrap=True)
    if dedup is not None:
        console.print(
            f"dedup: kept {dedup[0]:,} documents, dropped {dedup[1]:,}; what replaced each"
            f" dropped one: {dedup[2].resolve()}",
            highlight=False,
            markup=False,
            soft_wrap=True,
        )
    console.print(f"report: {site_note}", highlight=False, markup=False, soft_wrap=True)
