"""`redline serve`: the HTTP API and web UI over an index, on uvicorn."""

from __future__ import annotations

import click

from redline.cli.common import guard
from redline.cli.index import DEFAULT_DB


@click.command(name="serve")
@click.option(
    "--db",
    default=DEFAULT_DB,
    show_default=True,
    envvar="REDLINE_DB",
    type=click.Path(dir_okay=False),
    help="The index file (created if missing). Also REDLINE_DB.",
)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="TCP port."
)
@click.option(
    "--token",
    envvar="REDLINE_TOKEN",
    default=None,
    help="Writes need 'Authorization: Bearer TOKEN'. Also REDLINE_TOKEN. Without it, a server"
    " on a non-loopback address refuses writes.",
)
@click.option("--max-body", default=8.0, show_default=True, help="Largest request body, in MiB.")
@click.option(
    "--max-document", default=2.0, show_default=True, help="Largest document text, in MiB."
)
def serve(
    *, db: str, host: str, port: int, token: str | None, max_body: float, max_document: float
) -> None:
    """Serve the index: JSON API (docs at /docs) and web UI at http://HOST:PORT/."""
    # Imported here: FastAPI and uvicorn take a third of a second, which every other
    # subcommand (and `redline --help`) would pay.
    import uvicorn  # noqa: PLC0415

    from redline.server.app import create_app  # noqa: PLC0415
    from redline.server.limits import (  # noqa: PLC0415
        Limits,
        MiB,
        allowed_hosts,
        is_loopback,
        writes_allowed,
    )
    from redline.store import Index  # noqa: PLC0415

    with guard():
        limits = Limits(int(max_body * MiB), int(max_document * MiB))
        store = Index(db)
        writes = writes_allowed(host, token or None)
        app = create_app(
            store,
            token=token or None,
            writes=writes,
            limits=limits,
            allowed_hosts=allowed_hosts(host),
        )
        policy = "need the token" if token else "open (loopback only)" if writes else "disabled"
        if not is_loopback(host):
            click.echo(f"warning: listening on {host}, reachable from other machines", err=True)
        click.echo(f"serving {db} at http://{host}:{port}/ (writes {policy})", err=True)
        try:
            uvicorn.run(app, host=host, port=port, log_level="warning", server_header=False)
        finally:
            store.close()
