"""`redline serve`: the HTTP API and web UI over an index, on uvicorn."""

from __future__ import annotations

import errno
import socket
from pathlib import Path

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
    help="The index file (see --create). Also REDLINE_DB.",
)
@click.option(
    "--create",
    is_flag=True,
    help="Serve a new, empty index when --db does not exist (documents added over the API).",
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
@click.option(
    "--threads",
    default=4,
    show_default=True,
    type=click.IntRange(min=1),
    help="Requests handled at once; the others wait their turn.",
)
def serve(
    *,
    db: str,
    create: bool,
    host: str,
    port: int,
    token: str | None,
    max_body: float,
    max_document: float,
    threads: int,
) -> None:
    """Serve an index: JSON API (docs at /docs) and web UI at http://HOST:PORT/.

    \b
    Examples:
      redline serve --db news.db                  # http://127.0.0.1:8000/
      redline serve --db news.db --port 0         # any free port (it says which)
      redline serve --db new.db --create --token SECRET
    """
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

    if not create and not Path(db).exists():
        # A mistyped --db would otherwise serve an empty index that looks like lost data.
        raise click.ClickException(
            f"no index at {db}: build one with `redline index add PATH --db {db}`, or pass"
            " --create to serve a new, empty one"
        )
    # Bound before anything is said, so a port in use fails before "serving at".
    sock = _bind(host, port)
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
            threads=threads,
        )
        policy = "need the token" if token else "open (loopback only)" if writes else "disabled"
        if not is_loopback(host):
            click.echo(f"warning: listening on {host}, reachable from other machines", err=True)
        bound = sock.getsockname()[1]
        where = f"[{host}]" if ":" in host else host
        click.echo(f"serving {db} at http://{where}:{bound}/ (writes {policy})", err=True)
        config = uvicorn.Config(app, log_level="warning", server_header=False)
        try:
            uvicorn.Server(config).run(sockets=[sock])
        finally:
            store.close()
            sock.close()


def _bind(host: str, port: int) -> socket.socket:
    """A listening socket on host:port, or a one-line error saying what to do."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
    except socket.gaierror as exc:
        raise click.ClickException(f"cannot listen on {host}: {exc.strerror}") from exc
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(2048)
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise click.ClickException(
                f"port {port} on {host} is already in use; stop the other server or pass"
                " --port N (0 picks a free port)"
            ) from exc
        raise click.ClickException(f"cannot listen on {host}:{port}: {exc.strerror}") from exc
    sock.set_inheritable(True)
    return sock
