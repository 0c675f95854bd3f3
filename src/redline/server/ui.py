"""The web UI: server-rendered pages, no JavaScript, every text escaped by Jinja2.

Pages: paste or upload a text and see its known versions with the redline against the best
one; clusters by size or date; a cluster's collation table; any pair's side-by-side redline.
"""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import dataclass
from importlib.resources import files
from itertools import combinations, islice
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.concurrency import run_in_threadpool

from redline.diff.redline import compare
from redline.ingest.files import document_from_bytes
from redline.models import Document, Redline, Segment
from redline.report.html import to_html
from redline.report.pieces import (
    Fold,
    Paragraphs,
    Piece,
    boilerplate,
    content,
    fold,
    moved_from,
    percent,
    side,
)
from redline.report.site import collation_rows
from redline.server.app import (
    MAX_COLLATED,
    Format,
    HTTPError,
    best_other,
    check_size,
    collation_of,
    make_document,
)
from redline.server.limits import Limits
from redline.store.base import Store, oldest_first

PAGE_SIZE = 50
# A cluster page lists at most this many pairs; any other pair is a /ui/diff?a=&b= away.
MAX_PAIRS = 500
# No script runs on these pages; the policy makes an escaping slip harmless as well.
CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self';"
    " base-uri 'none'; frame-ancestors 'none'"
)

_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}

_env = Environment(
    loader=PackageLoader("redline.server", "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)
_env.filters["percent"] = percent

router = APIRouter(include_in_schema=False)


def page(template: str, status: int = 200, **context: Any) -> HTMLResponse:
    """Render a template as an HTML response with the security headers every page gets."""
    html = _env.get_template(template).render(**context)
    return HTMLResponse(html, status_code=status, headers=_HEADERS)


def error_page(status: int, title: str, detail: str) -> HTMLResponse:
    """The HTML face of an HTTP problem."""
    return page("error.html", status=status, title=title, detail=detail, code=status)


@dataclass(frozen=True, slots=True)
class _SideRow:
    kind: str
    a: list[Piece] | None
    b: list[Piece] | None
    folded: str | None = None
    role: str | None = None
    # Where a moved sentence stood in the old version ("moved from ¶3, sentence 7").
    note: str | None = None


def _side_row(seg: Segment, old: Paragraphs, role: str | None = None) -> _SideRow:
    a = side(seg, "a") if seg.a is not None else None
    b = side(seg, "b") if seg.b is not None else None
    note = moved_from(seg, old) if seg.kind == "moved" else None
    return _SideRow(seg.kind, a, b, role=role, note=note)


def side_by_side(redline: Redline) -> dict[str, Any]:
    """What the redline template draws: folded content rows and boilerplate rows."""
    old = Paragraphs(redline.a, redline, "a")
    rows = [
        _SideRow("fold", None, None, folded=item.label)
        if isinstance(item, Fold)
        else _side_row(item, old)
        for item in fold(content(redline), context=2)
    ]
    furniture = [_side_row(seg, old, role) for role, segs in boilerplate(redline) for seg in segs]
    return {
        "redline": redline,
        "rows": rows,
        "boilerplate": furniture,
        "counts": redline.counts(),
    }


def _store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


@router.get("/", response_class=HTMLResponse)
def home(request: Request) -> Response:
    """The paste/upload form and the index at a glance."""
    store = _store(request)
    return page("home.html", stats=store.stats(), recent=store.clusters(order="date", limit=10))


@router.post("/ui/query", response_class=HTMLResponse)
async def query_page(
    request: Request,
    text: Annotated[str, Form()] = "",
    fmt: Annotated[Format, Form(alias="format")] = "text",
    against: Annotated[str, Form()] = "",
    file: Annotated[UploadFile | None, File()] = None,
) -> Response:
    """Versions of a pasted or uploaded text, and its redline against the best (or chosen) one."""
    limits: Limits = request.app.state.limits
    if file is not None and file.filename:
        data = await file.read(limits.max_document_bytes + 1)
        # Only limit+1 bytes were read; the upload knows its full size.
        check_size(file.filename, max(len(data), file.size or 0), limits)
        # HTML extraction is CPU work: off the event loop, like the query below.
        doc = await run_in_threadpool(
            document_from_bytes, file.filename, data, max_bytes=limits.max_document_bytes
        )
    elif text.strip():
        doc = await run_in_threadpool(
            make_document, text, doc_id="pasted text", fmt=fmt, limits=limits
        )
    else:
        raise HTTPError(422, "Nothing to look up", "paste a text or choose a file, then submit")
    result: Response = await run_in_threadpool(_results, _store(request), doc, against)
    return result


def _results(store: Store, doc: Document, against: str) -> Response:
    # Querying and comparing are CPU work on blocking SQLite calls: run in the thread pool.
    matches = store.query(doc, limit=20)
    chosen = None
    if against:
        chosen = store.get(against).document
    elif matches:
        chosen = best_other(store, [m.id for m in matches], doc)
    view = side_by_side(compare(chosen, doc)) if chosen is not None else None
    return page(
        "results.html",
        name=doc.id,
        text=doc.text,
        matches=matches,
        against=chosen.id if chosen is not None else None,
        view=view,
    )


@router.get("/ui/clusters", response_class=HTMLResponse)
def clusters_page(
    request: Request,
    order: Literal["size", "date", "similarity"] = "size",
    page_no: Annotated[int, Query(alias="page", ge=1)] = 1,
    q: Annotated[str, Query(max_length=500)] = "",
    hide_exact: bool = False,
) -> Response:
    """Clusters by size, date or similarity, searched and filtered, a page at a time."""
    listing = _store(request).clusters(
        order=order,
        limit=PAGE_SIZE,
        offset=(page_no - 1) * PAGE_SIZE,
        search=q or None,
        hide_exact=hide_exact,
    )
    pages = max(1, -(-listing.total // PAGE_SIZE))
    state: dict[str, Any] = {"order": order, "q": q, "hide_exact": hide_exact}

    def link(**change: Any) -> str:
        args = {**state, "page": page_no, **change}
        kept = {k: v for k, v in args.items() if v and (k != "page" or v != 1)}
        return "/ui/clusters?" + urlencode({k: int(v) if v is True else v for k, v in kept.items()})

    return page(
        "clusters.html",
        listing=listing,
        page=page_no,
        pages=pages,
        link=link,
        orders=("size", "date", "similarity"),
        **state,
    )


@router.get("/ui/clusters/{cluster_id}", response_class=HTMLResponse)
def cluster_page(request: Request, cluster_id: str) -> Response:
    """One cluster: its versions, the collation table and links to every pair's redline."""
    store = _store(request)
    live = store.resolve_cluster(cluster_id)
    if live != cluster_id:
        return RedirectResponse(f"/ui/clusters/{live}", status_code=303)
    cluster = store.cluster(cluster_id)
    docs = [store.get(d) for d in cluster.documents]
    collation = collation_of(request.app, docs, cluster.canonical)
    scores = {(p.a, p.b): p for p in cluster.pairs}
    n = len(cluster.documents)
    # Each pair reads from the older version to the newer (by date, else as added), whatever
    # the canonical version is: a sentence only the newer one has must show as added.
    stored = {d.document.id: d for d in docs}
    ordered = (
        oldest_first(stored[a], stored[b])
        for a, b in islice(combinations(cluster.documents, 2), MAX_PAIRS)
    )
    pairs = [
        (
            old.document.id,
            new.document.id,
            scores.get((old.document.id, new.document.id))
            or scores.get((new.document.id, old.document.id)),
        )
        for old, new in ordered
    ]
    return page(
        "cluster.html",
        cluster=cluster,
        docs=docs,
        collation=collation,
        rows=collation_rows(collation) if collation else [],
        furniture=collation_rows(collation, boilerplate=True) if collation else [],
        summary=collation.summary() if collation else (),
        pairs=pairs,
        more_pairs=max(0, n * (n - 1) // 2 - MAX_PAIRS),
        max_collated=MAX_COLLATED,
        merged=store.merges(into=cluster.id),
    )


@router.get("/ui/diff", response_class=HTMLResponse)
def diff_page(
    request: Request,
    a: Annotated[str, Query(min_length=1)],
    b: Annotated[str, Query(min_length=1)],
) -> Response:
    """The side-by-side redline of two indexed documents."""
    store = _store(request)
    old, new = store.get(a), store.get(b)
    return page(
        "diff.html", old=old, new=new, view=side_by_side(compare(old.document, new.document))
    )


@router.get("/ui/report", response_class=HTMLResponse)
def report_page(
    request: Request,
    a: Annotated[str, Query(min_length=1)],
    b: Annotated[str, Query(min_length=1)],
) -> Response:
    """The full redline report of two indexed documents (the page `redline diff` writes)."""
    store = _store(request)
    html = to_html(compare(store.get(a).document, store.get(b).document))
    # Only the report's own scripts may run: their hashes come from the template file, never
    # from the rendered page, so text that slipped past escaping still could not execute.
    policy = CSP.replace(
        "default-src 'none';", f"default-src 'none'; script-src {_REPORT_SCRIPTS};"
    )
    return HTMLResponse(html, headers={**_HEADERS, "Content-Security-Policy": policy})


def _script_hashes(template: str) -> str:
    source = (files("redline.report") / "templates" / template).read_text(encoding="utf-8")
    hashes = [
        "'sha256-" + base64.b64encode(hashlib.sha256(m.encode()).digest()).decode() + "'"
        for m in re.findall(r"<script>(.*?)</script>", source, flags=re.DOTALL)
    ]
    return " ".join(hashes) or "'none'"


_REPORT_SCRIPTS = _script_hashes("diff.html")


@router.get("/ui/documents/{doc_id:path}", response_class=HTMLResponse)
def document_page(request: Request, doc_id: str) -> Response:
    """One stored document and the versions the index knows of it."""
    store = _store(request)
    stored = store.get(doc_id)
    versions = []
    for m in store.query(stored.document, limit=20, evidence=0):
        # The page lists versions; sources and related texts are the lookup page's answer.
        if m.id != doc_id and m.verdict == "version":
            old, new = oldest_first(store.get(m.id), stored)
            versions.append((m, old.document.id, new.document.id))
    return page("document.html", stored=stored, versions=versions)
