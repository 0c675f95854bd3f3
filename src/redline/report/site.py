"""The static report site of `redline find`: clusters, collation tables and pairwise redlines.

Layout under `outdir/report/`::

    index.html              clusters by size, with their best and worst pair scores; search,
                            sort (size, date, similarity), hide exact copies, 100 a page
    clusters/<name>.html    one cluster: collation table, evidence pairs, links to redlines
    pairs/<name>.html       one pairwise redline (rendered by `redline.report.html`)

Every page is self-contained (inline CSS; no scripts but the redline page's and the index's own
inline ones, allowed by their hashes; no external assets) and links only to relative paths, so
the folder works from file:// and can be copied anywhere. File names are hashes of the ids
(with a readable slug), never the ids themselves: ids can be paths or URLs.
"""

from __future__ import annotations

import base64
import hashlib
import multiprocessing as mp
import re
import shutil
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path

import jinja2
from rapidfuzz.distance import Indel

from redline.diff.collate import Collation, collate_redlines
from redline.diff.redline import compare
from redline.errors import ConfigError, RedlineError
from redline.models import Cluster, Document, Kind, Pair, Redline
from redline.report.html import to_html
from redline.text.normalize import keys, word_spans

DEFAULT_MAX_PAIRS = 40
DEFAULT_MAX_VERSIONS = 25
DEFAULT_MAX_CLUSTERS = 500
# Evidence rows listed on a cluster page; a cluster of n copies can carry ~n²/2 verified pairs.
MAX_EVIDENCE_ROWS = 300
# Collation cells per page (rows × columns): keeps a page of long texts openable in a browser.
MAX_CELLS = 40_000

Progress = Callable[[int, int], None]


def write_site(
    outdir: Path,
    clusters: Sequence[Cluster],
    load: Callable[[str], Document],
    *,
    max_pairs_per_cluster: int = DEFAULT_MAX_PAIRS,
    max_versions: int = DEFAULT_MAX_VERSIONS,
    max_clusters: int = DEFAULT_MAX_CLUSTERS,
    progress: Progress | None = None,
    jobs: int = 1,
    totals: tuple[int, int] | None = None,
) -> Path:
    """Write the browsable report of `clusters` to `outdir/report/`.

    The site appears complete or not at all: pages are written to a temporary folder that
    replaces `outdir/report` only at the end.

    Args:
        outdir: the output folder of the run (created if missing).
        clusters: the clusters to show, in any order (the index sorts them by size).
        load: returns a document's text and metadata from its id; a RedlineError, OSError or
            KeyError it raises is shown on the cluster page and the version left out.
        max_pairs_per_cluster: pairwise redline pages per cluster, canonical against each version
            first, then the evidence pairs by score.
        max_versions: columns of a collation table (the canonical version and the first others).
        max_clusters: clusters given pages, the largest first; the rest are counted on the index.
        progress: called as progress(done, total) after each cluster page.
        jobs: worker processes for the cluster pages (forked, so `load` need not be picklable;
            1 where fork is unavailable). The pages are the same whatever the number.
        totals: (clusters, documents in them) of the whole run, when `clusters` holds only the
            largest (a Spark run brings back no more); the index counts the rest from it.

    Returns:
        The path of `outdir/report/index.html`.

    Raises:
        ConfigError: a limit or `jobs` below 1.
        OSError: the output folder cannot be written.
    """
    for name, value in (
        ("max_pairs_per_cluster", max_pairs_per_cluster),
        ("max_versions", max_versions),
        ("max_clusters", max_clusters),
        ("jobs", jobs),
    ):
        if value < 1:
            raise ConfigError(f"{name} must be at least 1, got {value}")

    outdir.mkdir(parents=True, exist_ok=True)
    final = outdir / "report"
    tmp = outdir / f".report-{uuid.uuid4().hex[:12]}.tmp"
    try:
        (tmp / "clusters").mkdir(parents=True)
        (tmp / "pairs").mkdir()
        _Builder(tmp, load, max_pairs_per_cluster, max_versions).build(
            clusters, max_clusters, progress, jobs, totals
        )
        _replace(tmp, final)
    except BaseException:
        # Ctrl-C included: never leave a half-written site behind.
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return final / "index.html"


def _replace(new: Path, final: Path) -> None:
    """Swap the finished site in; the old one (from an earlier run) is removed after."""
    old = None
    if final.exists():
        old = final.with_name(f".report-{uuid.uuid4().hex[:12]}.old")
        final.rename(old)
    new.rename(final)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


_ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("redline.report", "templates"),
    autoescape=True,  # every piece of document text goes through here
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def _render(template: str, **context: object) -> str:
    return _ENV.get_template(template).render(**context)


_SLUG = re.compile(r"[^A-Za-z0-9]+")


def slug(text: str, digest_of: str | None = None) -> str:
    """A file-name-safe name: a readable ASCII part plus a hash of the full text."""
    digest = hashlib.sha256((digest_of or text).encode("utf-8", "surrogatepass")).hexdigest()
    readable = _SLUG.sub("-", text.rsplit("/", 1)[-1] or text).strip("-").lower()[:40]
    return f"{readable}-{digest[:12]}" if readable else digest[:16]


def cluster_page(cluster_id: str) -> str:
    """Path of a cluster's page, relative to the report folder."""
    return f"clusters/{slug(cluster_id)}.html"


def pair_page(cluster_id: str, a: str, b: str) -> str:
    """Path of a pairwise redline page, relative to the report folder."""
    key = "\0".join((cluster_id, a, b))
    return f"pairs/{hashlib.sha256(key.encode('utf-8', 'surrogatepass')).hexdigest()[:20]}.html"


@dataclass(slots=True)
class _IndexEntry:
    size: int
    id: str
    canonical: str
    title: str | None
    page: str | None
    best: Pair | None
    worst: Pair | None
    best_containment: float | None
    # The canonical version's date ("" when unknown), for sorting by date.
    date: str = ""
    # Lower-cased words the index page's search box matches: title, ids, the lead's words.
    search: str = ""

    @property
    def exact(self) -> bool:
        """Every version is an exact copy of the others (every verified pair has Jaccard 1)."""
        return self.worst is not None and self.worst.jaccard >= 1.0


@dataclass(frozen=True, slots=True)
class _Step:
    """One version on a cluster's timeline and what it changed against the version before."""

    id: str
    date: str | None
    title: str | None
    counts: dict[Kind, int] | None  # None for the first version
    page: str | None
    added: tuple[str, ...]
    removed: tuple[str, ...]


@dataclass(slots=True)
class _ClusterDocs:
    """The documents of one cluster loaded so far, and the ones that could not be."""

    load: Callable[[str], Document]
    docs: dict[str, Document] = field(default_factory=dict)
    failed: dict[str, str] = field(default_factory=dict)

    def get(self, doc_id: str) -> Document | None:
        if doc_id in self.docs:
            return self.docs[doc_id]
        if doc_id in self.failed:
            return None
        try:
            doc = self.load(doc_id)
        except (RedlineError, OSError, KeyError) as exc:
            self.failed[doc_id] = str(exc) or type(exc).__name__
            return None
        self.docs[doc_id] = doc
        return doc


class _Builder:
    """Writes the pages of one site; holds the limits and the output folder."""

    def __init__(
        self, root: Path, load: Callable[[str], Document], max_pairs: int, max_versions: int
    ) -> None:
        self.root = root
        self.load = load
        self.max_pairs = max_pairs
        self.max_versions = max_versions

    def build(
        self,
        clusters: Sequence[Cluster],
        max_clusters: int,
        progress: Progress | None,
        jobs: int,
        totals: tuple[int, int] | None = None,
    ) -> None:
        ordered = sorted(clusters, key=lambda c: (-len(c.documents), c.id))
        shown = ordered[:max_clusters]
        entries = []
        for n, entry in enumerate(self._cluster_pages(shown, jobs), start=1):
            entries.append(entry)
            if progress is not None:
                progress(n, len(shown))
        count, documents = totals or (len(clusters), sum(len(c.documents) for c in clusters))
        on_pages = sum(len(c.documents) for c in shown)
        html = _render(
            "site_index.html",
            script_hash=_script_hash("site_index.html"),
            entries=entries,
            clusters=count,
            documents=documents,
            hidden=count - len(shown),
            hidden_documents=documents - on_pages,
        )
        _write(self.root / "index.html", html)

    def _cluster_pages(self, clusters: list[Cluster], jobs: int) -> Iterator[_IndexEntry]:
        """Write each cluster's pages, in worker processes where asked; entries in order."""
        if jobs == 1 or len(clusters) < 2 or "fork" not in mp.get_all_start_methods():
            yield from map(self.cluster, clusters)
            return
        global _WORKER  # noqa: PLW0603  (forked workers inherit the builder and its `load`)
        _WORKER = self
        try:
            with mp.get_context("fork").Pool(min(jobs, len(clusters))) as pool:
                yield from pool.imap(_cluster_in_worker, clusters)
        finally:
            _WORKER = None

    def cluster(self, cluster: Cluster) -> _IndexEntry:
        docs = _ClusterDocs(self.load)
        order = list(dict.fromkeys((cluster.canonical, *cluster.documents)))
        page = cluster_page(cluster.id)
        redlines: list[tuple[Document, Redline]] = []
        pages: dict[tuple[str, str], str] = {}
        collation: Collation | None = None
        # The first version that loads is the reference: the canonical one unless it failed.
        candidates = iter(order)
        reference = next((d for d in map(docs.get, candidates) if d is not None), None)
        if reference is not None:
            columns = self.max_versions
            for other in filter(None, map(docs.get, candidates)):
                if 1 + len(redlines) >= columns:
                    break
                redline = compare(reference, other)
                # A long text gets fewer columns, so that no page grows past MAX_CELLS cells.
                columns = min(columns, max(2, MAX_CELLS // max(1, redline.a.sentences)))
                redlines.append((other, redline))
                if len(pages) < self.max_pairs:
                    pages[reference.id, other.id] = self.pair(cluster, redline, page)
            if redlines:
                collation = collate_redlines(reference, redlines)
        # Timeline pages before the evidence pairs': they share one budget of pair pages.
        known = {(reference.id, o.id): r for o, r in redlines} if reference is not None else {}
        timeline = self._timeline(
            cluster, docs=docs, order=order, pages=pages, back=page, known=known
        )
        if reference is not None:
            for pair in _by_score(cluster.pairs):
                if len(pages) >= self.max_pairs:
                    break
                if (pair.a, pair.b) in pages or (pair.b, pair.a) in pages:
                    continue
                a, b = docs.get(pair.a), docs.get(pair.b)
                if a is not None and b is not None:
                    # Read as old -> new where the dates say which came first.
                    if a.date and b.date and b.date < a.date:
                        a, b = b, a
                    pages[a.id, b.id] = self.pair(cluster, compare(a, b), page)

        canonical = docs.docs.get(cluster.canonical)
        evidence = [
            (p, pages.get((p.a, p.b)) or pages.get((p.b, p.a)))
            for p in _by_score(cluster.pairs)[:MAX_EVIDENCE_ROWS]
        ]
        html = _render(
            "site_cluster.html",
            cluster=cluster,
            canonical=canonical,
            title=_headline(canonical) or cluster.canonical,
            columns=_columns(collation, docs, pages) if collation else [],
            rows=collation_rows(collation) if collation else [],
            boilerplate=collation_rows(collation, boilerplate=True) if collation else [],
            evidence=evidence,
            timeline=timeline,
            more_evidence=max(0, len(cluster.pairs) - MAX_EVIDENCE_ROWS),
            more_versions=len(order) - len(docs.failed) - (1 + len(redlines) if reference else 0),
            failed=sorted(docs.failed.items()),
            lone=reference if reference is not None and not redlines else None,
            versions=[
                (
                    doc_id,
                    docs.docs.get(doc_id),
                    pages.get((reference.id, doc_id)) if reference else None,
                    doc_id in docs.failed,
                )
                for doc_id in order
            ],
        )
        _write(self.root / page, html)
        best = max(cluster.pairs, key=lambda p: (p.jaccard, p.a, p.b), default=None)
        worst = min(cluster.pairs, key=lambda p: (p.jaccard, p.a, p.b), default=None)
        return _IndexEntry(
            size=len(cluster.documents),
            id=cluster.id,
            canonical=cluster.canonical,
            title=_headline(canonical),
            page=page,
            best=best,
            worst=worst,
            best_containment=max((max(p.a_in_b, p.b_in_a) for p in cluster.pairs), default=None),
            date=(canonical.date or "") if canonical is not None else "",
            search=_search_text(cluster, canonical),
        )

    def _timeline(
        self,
        cluster: Cluster,
        *,
        docs: _ClusterDocs,
        order: list[str],
        pages: dict[tuple[str, str], str],
        back: str,
        known: dict[tuple[str, str], Redline],
    ) -> list[_Step]:
        """The versions in time order, each with what changed against the one before.

        Dated versions come first, oldest first (ISO 8601 dates sort in time order); undated
        ones follow in the collation's order, since nothing says when they were written.
        """
        loaded = [d for d in map(docs.get, order[: self.max_versions]) if d is not None]
        ranked = sorted(enumerate(loaded), key=lambda x: (x[1].date is None, x[1].date or "", x[0]))
        steps: list[_Step] = []
        previous: Document | None = None
        for _, doc in ranked:
            if previous is None:
                steps.append(_Step(doc.id, doc.date, _headline(doc), None, None, (), ()))
            else:
                redline = known.get((previous.id, doc.id)) or compare(previous, doc)
                link = pages.get((previous.id, doc.id))
                if link is None and len(pages) < self.max_pairs:
                    link = pages[previous.id, doc.id] = self.pair(cluster, redline, back)
                steps.append(
                    _Step(
                        doc.id,
                        doc.date,
                        _headline(doc),
                        redline.counts(),
                        link,
                        redline.facts.added,
                        redline.facts.removed,
                    )
                )
            previous = doc
        return steps

    def pair(self, cluster: Cluster, redline: Redline, back: str) -> str:
        """Write one pairwise redline page; returns its path relative to the report folder."""
        path = pair_page(cluster.id, redline.a.source, redline.b.source)
        nav = _render("site_nav.html", back="../" + back, cluster=cluster)
        _write(self.root / path, _with_nav(to_html(redline), nav))
        return path


def _write(path: Path, html: str) -> None:
    # Ids from JSON can hold lone surrogates; one such id must not stop the whole site.
    path.write_text(html, encoding="utf-8", errors="replace")


_WORKER: _Builder | None = None


def _cluster_in_worker(cluster: Cluster) -> _IndexEntry:
    assert _WORKER is not None, "set by _Builder._cluster_pages before the fork"
    return _WORKER.cluster(cluster)


_BODY = re.compile(r"<body\b[^>]*>", re.IGNORECASE)


def _with_nav(page: str, nav: str) -> str:
    """The redline page with a link back to its cluster at the top of its body."""
    match = _BODY.search(page)
    if match is None:
        return nav + page
    return page[: match.end()] + nav + page[match.end() :]


def _headline(doc: Document | None, limit: int = 90) -> str | None:
    """The document's title, else its first line, cut at a word near `limit` characters."""
    if doc is None:
        return None
    if doc.title and doc.title.strip():
        return doc.title.strip()
    line = next((ln.strip() for ln in doc.text.splitlines() if ln.strip()), "")
    if len(line) <= limit:
        return line or None
    return line[:limit].rsplit(" ", 1)[0] + "…"


def _search_text(cluster: Cluster, canonical: Document | None, lead: int = 400) -> str:
    """What the index page's search box looks in: titles, ids and the start of the text."""
    parts = [*cluster.documents, cluster.id]
    if canonical is not None:
        parts += [canonical.title or "", canonical.text[:lead]]
    return " ".join(" ".join(parts).lower().split())


def _script_hash(template: str) -> str:
    """The CSP hash of the one inline script in a site template (read from the file itself,
    never from a rendered page, so text that slipped past escaping still could not run)."""
    source = (files("redline.report") / "templates" / template).read_text(encoding="utf-8")
    found = re.findall(r"<script>(.*?)</script>", source, flags=re.DOTALL)
    return " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(m.encode()).digest()).decode() + "'"
        for m in found
    )


def _by_score(pairs: Sequence[Pair]) -> list[Pair]:
    """Evidence pairs, most similar first (ties by ids, so pages are reproducible)."""
    return sorted(pairs, key=lambda p: (-p.jaccard, -max(p.a_in_b, p.b_in_a), p.a, p.b))


@dataclass(frozen=True, slots=True)
class _Column:
    id: str
    title: str | None
    date: str | None
    url: str | None
    summary: dict[str, int]
    page: str | None


def _columns(
    collation: Collation, docs: _ClusterDocs, pages: dict[tuple[str, str], str]
) -> list[_Column]:
    out = []
    for col, (doc_id, summary) in enumerate(
        zip(collation.versions, collation.summary(), strict=True)
    ):
        doc = docs.docs[doc_id]
        url = doc.url if doc.url and doc.url.lower().startswith(("http://", "https://")) else None
        out.append(
            _Column(
                id=doc_id,
                title=collation.titles[col] if collation.titles else doc.title,
                date=doc.date,
                url=url,
                summary=summary.to_dict(),
                page=pages.get((collation.reference, doc_id)) if col else None,
            )
        )
    return out


@dataclass(frozen=True, slots=True)
class ViewCell:
    """One version's cell of a collation row, ready to draw."""

    css: str  # ref | same | reworded | missing | merged
    parts: tuple[tuple[str, bool], ...]  # (text, changed) fragments
    note: str | None


@dataclass(frozen=True, slots=True)
class ViewRow:
    """One collation row, ready to draw."""

    number: int
    role: str | None
    extra: bool
    cells: tuple[ViewCell, ...]

    @property
    def changed(self) -> bool:
        """False when every version has this sentence with the same words."""
        return self.extra or any(c.css not in {"ref", "same"} for c in self.cells)


def collation_rows(collation: Collation, *, boilerplate: bool = False) -> list[ViewRow]:
    """The story rows (or the boilerplate rows) of a collation as a page draws them.

    Cells are cut into changed and unchanged fragments against the row's reference; rows are
    numbered 1, 2, 3 ... within their table. The static site and the web UI both draw these.
    """
    # A cell holding several merged sentences is compared with all of them, not the first only.
    merged: dict[tuple[int, int], list[int]] = {}
    for n, row in enumerate(collation.rows):
        for col, cell in enumerate(row.cells):
            if cell is not None and cell.merged_into is not None:
                merged.setdefault((cell.merged_into, col), []).append(n)
    # Rows are numbered 1, 2, 3 ... within the table shown (story or boilerplate), so numbers
    # neither skip where the other table's rows were nor repeat between the two.
    shown = [n for n, row in enumerate(collation.rows) if (row.role is not None) == boilerplate]
    number = {n: k for k, n in enumerate(shown, start=1)}
    out = []
    for n in shown:
        row = collation.rows[n]
        cells = []
        for col, cell in enumerate(row.cells):
            if cell is None:
                cells.append(ViewCell("missing", (), None))
            elif cell.text is None:
                target = number.get(cell.merged_into or 0)
                where = f"merged into row {target}" if target else "merged into another row"
                cells.append(ViewCell("merged", (), where))
            elif cell.status == "reworded":
                rows = [n, *merged.get((n, col), ())]
                reference = " ".join(_reference_text(collation, r) for r in rows)
                note = "moved" if cell.moved else None
                cells.append(ViewCell("reworded", _marked(reference, cell.text), note))
            else:
                css = "ref" if cell.status is None else "same"
                cells.append(ViewCell(css, ((cell.text, False),), "moved" if cell.moved else None))
        out.append(ViewRow(number[n], row.role, row.extra, tuple(cells)))
    return out


def _reference_text(collation: Collation, n: int) -> str:
    row = collation.rows[n]
    cell = row.cells[row.reference]
    return cell.text if cell is not None and cell.text else ""


def _marked(reference: str, text: str) -> tuple[tuple[str, bool], ...]:
    """`text` cut into fragments, the words not in `reference` flagged as changed."""
    spans = word_spans(text)
    ops = Indel.opcodes(keys(reference), keys(text))
    changed = [False] * len(spans)
    for op in ops:
        if op.tag != "equal":
            for j in range(op.dest_start, op.dest_end):
                changed[j] = True
    parts: list[tuple[str, bool]] = []
    pos = 0
    for (_, start, end), flag in zip(spans, changed, strict=True):
        # Text between words (spaces, punctuation) joins the run it sits in.
        if parts and parts[-1][1] == flag:
            parts[-1] = (parts[-1][0] + text[pos:end], flag)
        else:
            if start > pos:
                _append(parts, text[pos:start])
            parts.append((text[start:end], flag))
        pos = end
    if pos < len(text):
        _append(parts, text[pos:])
    return tuple(parts)


def _append(parts: list[tuple[str, bool]], gap: str) -> None:
    """Add unchanged in-between text, merging it into a preceding unchanged fragment."""
    if parts and not parts[-1][1]:
        parts[-1] = (parts[-1][0] + gap, False)
    else:
        parts.append((gap, False))
