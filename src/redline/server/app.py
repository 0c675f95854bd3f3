"""The HTTP service: a JSON API and a server-rendered web UI over one index.

Handlers only call the library (`Store`, `compare`, `collate`) and translate its errors into
HTTP problems (RFC 9457 `application/problem+json`): NotFoundError -> 404, TooLargeError -> 413,
other input errors -> 422, bad settings -> 400, a busy or unreadable index -> 503.
"""

from __future__ import annotations

import hmac
import threading
from collections import OrderedDict
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, Any, Literal

import anyio.to_thread
from fastapi import Depends, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.trustedhost import TrustedHostMiddleware

from redline.diff.collate import Collation, collate
from redline.diff.redline import compare
from redline.errors import (
    ConfigError,
    InputError,
    NotFoundError,
    RedlineError,
    StoreError,
    TooLargeError,
)
from redline.ingest.files import document_from_bytes
from redline.models import Document
from redline.server.limits import BodyLimit, Limits, NoSniff, human_bytes
from redline.server.schemas import (
    AddOut,
    ClusterOut,
    ClusterPageOut,
    DocumentOut,
    HealthOut,
    QueryOut,
    RemovedOut,
)
from redline.store.base import Store, StoredDocument, oldest_first
from redline.store.sqlite import content_hash

# Collating compares every version with the reference; past this many versions the table is
# left out of GET /clusters/{id} to keep the answer fast (the pairs are still there).
MAX_COLLATED = 40
COLLATION_CACHE = 32
# Handlers (they run in worker threads) running at once; the others wait their turn in order.
# Their work holds the GIL between SQL statements, so more threads than cores only contend:
# at concurrency 32, 40 threads (anyio's default) gave /query a p99 of 75-180 ms, 4 threads
# 78-100 ms, on invented articles (bench/bench_serve_load.py, 2 shared cores; docs/reliability.md).
DEFAULT_THREADS = 4
Format = Literal["text", "markdown", "html"]


class HTTPError(Exception):
    """An HTTP problem raised by a handler; rendered as application/problem+json."""

    def __init__(
        self, status: int, title: str, detail: str, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(detail)
        self.status, self.title, self.detail, self.headers = status, title, detail, headers


class DocumentIn(BaseModel):
    """A document to add."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, description="The text (or HTML/Markdown, see format).")
    id: str | None = Field(
        None,
        min_length=1,
        max_length=1024,
        description="Defaults to one from the content hash. The same id with the same text is"
        " present already; a new id with a text already indexed is a new document (an exact"
        " duplicate, in the same cluster).",
    )
    title: str | None = None
    url: str | None = None
    date: str | None = Field(None, description="ISO 8601 date; decides the canonical version.")
    byline: str | None = None
    format: Format = "text"


class QueryIn(BaseModel):
    """A text to look up."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1)
    format: Format = "text"
    limit: int = Field(10, ge=1, le=200)
    diff: bool = Field(False, description="Include the redline against the best match.")


def problem(
    status: int, title: str, detail: str, headers: dict[str, str] | None = None
) -> Response:
    """An RFC 9457 problem response."""
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail}
    return JSONResponse(
        body, status_code=status, media_type="application/problem+json", headers=headers
    )


def _problem_of(exc: RedlineError) -> HTTPError:
    if isinstance(exc, NotFoundError):
        return HTTPError(404, "Not found", str(exc))
    if isinstance(exc, TooLargeError):
        return HTTPError(413, "Document too large", str(exc))
    if isinstance(exc, InputError):
        return HTTPError(422, "Unreadable document", str(exc))
    if isinstance(exc, ConfigError):
        return HTTPError(400, "Bad parameter", str(exc))
    if isinstance(exc, StoreError):
        return HTTPError(503, "Index unavailable", str(exc))
    return HTTPError(400, "Request failed", str(exc))


def _field(loc: Sequence[Any]) -> str:
    return ".".join(str(p) for p in loc)


def validation_detail(errors: Sequence[Any]) -> str:
    """One sentence naming every bad field, e.g. "body.text: Field required"."""
    parts = []
    for err in errors:
        if err.get("type") == "json_invalid":
            # The decoder's reason reads "Unterminated string starting at"; the position is
            # the last part of the location.
            reason = str(err.get("ctx", {}).get("error", "malformed JSON")).strip()
            reason = reason[:1].lower() + reason[1:].removesuffix(" at")
            at = err.get("loc", ())[-1:]
            where = f" at character {at[0]}" if at and isinstance(at[0], int) else ""
            parts.append(f"request body is not valid JSON: {reason}{where}")
        else:
            parts.append(f"{_field(err.get('loc', ()))}: {err.get('msg', 'invalid')}")
    return "; ".join(parts)


def check_size(name: str, size: int, limits: Limits) -> None:
    """TooLargeError (HTTP 413) for a document over the server's limit."""
    if size > limits.max_document_bytes:
        raise TooLargeError(
            name,
            f"the document is {human_bytes(size)}, over the limit of"
            f" {human_bytes(limits.max_document_bytes)}; split it or start the server with a"
            " larger --max-document",
        )


def make_document(
    text: str,
    *,
    doc_id: str | None,
    fmt: Format,
    limits: Limits,
    title: str | None = None,
    url: str | None = None,
    date: str | None = None,
    byline: str | None = None,
) -> Document:
    """A Document from submitted text, within the size limit; HTML and Markdown extracted."""
    data = text.encode("utf-8", "surrogatepass")
    name = doc_id or f"doc-{content_hash(text)[:16]}"
    check_size(name, len(data), limits)
    if fmt == "text":
        doc = Document(id=name, text=text)
    else:
        doc = document_from_bytes(name, data, fmt=fmt, max_bytes=limits.max_document_bytes)
    return Document(
        id=name,
        text=doc.text,
        title=title or doc.title,
        url=url or doc.url,
        date=date or doc.date,
        byline=byline or doc.byline,
    )


def _offline_docs(app: FastAPI) -> None:
    """Serve the OpenAPI docs at /docs with Swagger UI's files from an installed package."""
    # fastapi-offline ships Swagger UI 5, which reads the OpenAPI 3.1 that FastAPI writes
    # (Swagger UI 4 cannot); only its static files are used.
    import fastapi_offline  # noqa: PLC0415  (only the docs page needs it)

    app.mount(
        "/docs-static",
        StaticFiles(directory=Path(fastapi_offline.__file__).parent / "static"),
        name="docs-static",
    )

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title="redline API",
            swagger_js_url="/docs-static/swagger-ui-bundle.js",
            swagger_css_url="/docs-static/swagger-ui.css",
            swagger_favicon_url="/docs-static/favicon.png",
        )


def create_app(
    store: Store,
    *,
    token: str | None = None,
    writes: bool = True,
    limits: Limits | None = None,
    allowed_hosts: Sequence[str] | None = None,
    threads: int = DEFAULT_THREADS,
) -> FastAPI:
    """The FastAPI application over `store`.

    Args:
        store: the index to serve (the caller keeps ownership and closes it).
        token: when set, write endpoints need `Authorization: Bearer <token>`.
        writes: False refuses every write (a public address without a token).
        limits: request body and document size limits.
        allowed_hosts: Host header values to answer (None: any). A server on loopback should
            name only loopback hosts: a web page can then not reach it through a DNS name
            that its attacker re-points at 127.0.0.1 (DNS rebinding).
        threads: request handlers running at once (in worker threads); the others wait.
    """
    limits = limits or Limits()
    if threads < 1:
        raise ConfigError(f"threads must be >= 1, got {threads}")

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        # The limiter belongs to the server's event loop, which exists only from here on.
        anyio.to_thread.current_default_thread_limiter().total_tokens = threads
        yield

    app = FastAPI(
        lifespan=lifespan,
        title="redline",
        summary="Find every version of a text and show, sentence by sentence, what changed.",
        version="1",
        # The default /docs page loads Swagger UI from a CDN; users run this offline.
        docs_url=None,
        redoc_url=None,
    )
    _offline_docs(app)
    app.state.store = store
    app.state.limits = limits
    app.state.token = token
    app.state.writes = writes
    app.state.collations = OrderedDict()
    app.state.collations_lock = threading.Lock()
    app.add_middleware(BodyLimit, max_bytes=limits.max_body_bytes, timeout=limits.body_timeout)
    if allowed_hosts is not None:
        app.add_middleware(TrustedHostMiddleware, allowed_hosts=list(allowed_hosts))
    app.add_middleware(NoSniff)  # outermost: on every answer, the refusals above included

    def wants_html(request: Request) -> bool:
        return request.url.path == "/" or request.url.path.startswith("/ui")

    @app.exception_handler(HTTPError)
    async def on_problem(request: Request, exc: HTTPError) -> Response:
        if wants_html(request):
            from redline.server.ui import error_page  # noqa: PLC0415  (ui imports this module)

            return error_page(exc.status, exc.title, exc.detail)
        return problem(exc.status, exc.title, exc.detail, exc.headers)

    @app.exception_handler(RedlineError)
    async def on_redline_error(request: Request, exc: RedlineError) -> Response:
        return await on_problem(request, _problem_of(exc))

    @app.exception_handler(RequestValidationError)
    async def on_invalid(request: Request, exc: RequestValidationError) -> Response:
        return await on_problem(
            request, HTTPError(422, "Invalid request", validation_detail(exc.errors()))
        )

    @app.exception_handler(StarletteHTTPException)
    async def on_http(request: Request, exc: StarletteHTTPException) -> Response:
        return await on_problem(
            request, HTTPError(exc.status_code, str(exc.detail), str(exc.detail))
        )

    def authorize(request: Request) -> None:
        """Dependency of every write endpoint."""
        if not app.state.writes:
            raise HTTPError(
                403,
                "Writes disabled",
                "this server listens beyond loopback without a token, so it refuses writes;"
                " restart it with --token (or REDLINE_TOKEN) and send"
                " 'Authorization: Bearer <token>'",
            )
        expected: str | None = app.state.token
        if expected is None:
            return
        header = request.headers.get("authorization", "")
        given = header[7:] if header.lower().startswith("bearer ") else ""
        if not hmac.compare_digest(given.encode(), expected.encode()):
            raise HTTPError(
                401,
                "Token required",
                "this endpoint writes to the index: send 'Authorization: Bearer <token>' with"
                " the token the server was started with",
                headers={"WWW-Authenticate": 'Bearer realm="redline"'},
            )

    write = [Depends(authorize)]

    @app.get("/health", tags=["service"], response_model=HealthOut)
    def health() -> dict[str, Any]:
        """Liveness and the size of the index."""
        stats = store.stats()
        return {
            "status": "ok",
            "documents": stats.documents,
            "clusters": stats.clusters,
            "writes": "token" if app.state.writes and token else app.state.writes,
        }

    @app.post(
        "/documents",
        tags=["documents"],
        dependencies=write,
        status_code=201,
        response_model=AddOut,
    )
    def add_document(body: DocumentIn, response: Response) -> dict[str, Any]:
        """Add a document; 200 with status "present" when this id already holds this text."""
        doc = make_document(
            body.text,
            doc_id=body.id,
            fmt=body.format,
            limits=limits,
            title=body.title,
            url=body.url,
            date=body.date,
            byline=body.byline,
        )
        result = store.add(doc)
        if result.status == "skipped":
            raise HTTPError(422, "Document not indexed", f"{doc.id}: {result.reason}")
        if result.status == "present":
            response.status_code = 200
        return result.to_dict()

    @app.get("/documents/{doc_id:path}", tags=["documents"], response_model=DocumentOut)
    def get_document(doc_id: str) -> dict[str, Any]:
        """One stored document with its text and cluster."""
        return store.get(doc_id).to_dict()

    @app.delete(
        "/documents/{doc_id:path}",
        tags=["documents"],
        dependencies=write,
        response_model=RemovedOut,
    )
    def delete_document(doc_id: str) -> dict[str, Any]:
        """Remove a document; its cluster may split (surviving ids never change)."""
        return {"removed": doc_id, "cluster": store.remove(doc_id)}

    @app.post("/query", tags=["versions"], response_model=QueryOut)
    def query(body: QueryIn) -> dict[str, Any]:
        """The indexed documents this text is a version of, best first (nothing is added)."""
        doc = make_document(body.text, doc_id="query", fmt=body.format, limits=limits)
        matches = store.query(doc, limit=body.limit)
        out: dict[str, Any] = {
            "indexed_as": [m.id for m in matches if m.same_text],
            "matches": [m.to_dict() for m in matches],
            "diff": None,
        }
        if body.diff:
            best = best_other(store, [m.id for m in matches], doc)
            out["diff"] = None if best is None else compare(best, doc).to_dict()
        return out

    @app.get("/clusters", tags=["versions"], response_model=ClusterPageOut)
    def list_clusters(
        order: Annotated[
            Literal["size", "date", "similarity"],
            Query(
                description="size: largest first; date: latest first; similarity: least"
                " similar (most changed) first."
            ),
        ] = "size",
        limit: Annotated[int, Query(ge=1, le=500)] = 50,
        offset: Annotated[int, Query(ge=0)] = 0,
        q: Annotated[
            str | None,
            Query(max_length=500, description="Words that a title or text must all hold."),
        ] = None,
        hide_exact: Annotated[
            bool, Query(description="Leave out clusters whose versions are one text.")
        ] = False,
    ) -> dict[str, Any]:
        """Clusters of two or more versions, a page at a time (at most 500 a page)."""
        return store.clusters(
            order=order, limit=limit, offset=offset, search=q, hide_exact=hide_exact
        ).to_dict()

    @app.get("/clusters/{cluster_id}", tags=["versions"], response_model=ClusterOut)
    def get_cluster(cluster_id: str) -> dict[str, Any] | Response:
        """A cluster: documents (canonical first), verified pairs and the collation table.

        An id that was merged into another cluster redirects (308) to the survivor.
        """
        live = store.resolve_cluster(cluster_id)
        if live != cluster_id:
            return RedirectResponse(f"/clusters/{live}", status_code=308)
        cluster = store.cluster(cluster_id)
        out = cluster.to_dict()
        docs = [store.get(d) for d in cluster.documents]
        out["members"] = [d.to_dict(text=False) for d in docs]
        out["merged"] = [m.to_dict() for m in store.merges(into=cluster.id)]
        collation = collation_of(app, docs, cluster.canonical)
        out["collation"] = collation.to_dict() if collation is not None else None
        return out

    @app.get("/diff", tags=["versions"])
    def diff(
        a: Annotated[str, Query(min_length=1, description="Id of the old side.")],
        b: Annotated[str, Query(min_length=1, description="Id of the new side.")],
        order: Annotated[
            Literal["given", "age"],
            Query(
                description="given: a is the old side, as asked. age: the older version is,"
                " by date when both carry one, else by the order added (as the web UI does)."
            ),
        ] = "given",
    ) -> dict[str, Any]:
        """The redline of two indexed documents (`redline.diff/1`)."""
        old, new = store.get(a), store.get(b)
        if order == "age":
            old, new = oldest_first(old, new)
        return compare(old.document, new.document).to_dict()

    from redline.server.ui import router  # noqa: PLC0415  (ui imports this module)

    app.include_router(router)
    return app


def collation_of(app: FastAPI, docs: Sequence[StoredDocument], canonical: str) -> Collation | None:
    """The collation table of a cluster's documents, None past MAX_COLLATED versions.

    Collating compares every version with the reference, so tables are kept (a few dozen)
    keyed by the members' content: a cluster that gained or lost a version is collated anew.
    """
    if len(docs) > MAX_COLLATED:
        return None
    cache: OrderedDict[tuple[str, ...], Collation] = app.state.collations
    key = (canonical, *(f"{d.document.id}\0{d.content_hash}" for d in docs))
    with app.state.collations_lock:
        hit = cache.get(key)
        if hit is not None:
            cache.move_to_end(key)
            return hit
    collation = collate([d.document for d in docs], reference=canonical)
    with app.state.collations_lock:
        cache[key] = collation
        while len(cache) > COLLATION_CACHE:
            cache.popitem(last=False)
    return collation


def best_other(store: Store, ids: Sequence[str], doc: Document) -> Document | None:
    """The best match whose text differs from `doc` (else the best); None without matches."""
    own = content_hash(doc.text)
    stored = [store.get(i) for i in ids[:5]]
    for s in stored:
        if s.content_hash != own:
            return s.document
    return stored[0].document if stored else None
