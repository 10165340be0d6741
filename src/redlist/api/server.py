"""``redlist serve``: run the API with uvicorn.

:mod:`redlist.api.prefork` loads everything once in a parent process and forks the workers
(``settings.workers``, one or more) from it, so that they share the loaded data: each extra
worker costs what it writes itself, not another copy of the index and the tables, and a worker
that dies is replaced. Without ``os.fork`` (Windows) the server is one process that loads the
data in the background and answers meanwhile (``/readyz`` says when the lists are in).
"""

from __future__ import annotations

import gc
import os
import socket
import sys
from typing import Any

from redlist.api.app import create_app
from redlist.api.guard import GuardedH11
from redlist.api.prefork import Prefork, limit_thread_pools
from redlist.service import Redlist, Settings


def config_for(settings: Settings, app: Any) -> Any:
    """The uvicorn config of the server (the app is built by the caller)."""
    import uvicorn

    config = uvicorn.Config(
        app,
        host=settings.host,
        port=settings.port,
        log_level=settings.log_level,
        access_log=settings.access_log,
        http=GuardedH11,
        h11_max_incomplete_event_size=settings.max_header,
        timeout_keep_alive=settings.keep_alive,
        # X-Forwarded-* are trusted from the configured proxies only, never from any client
        proxy_headers=settings.forwarded_allow_ips is not None,
        forwarded_allow_ips=settings.forwarded_allow_ips,
        server_header=False,
    )
    config.redlist_header_timeout = settings.header_timeout  # type: ignore[attr-defined]
    return config


def run(settings: Settings) -> None:
    """Serve until interrupted, from ``settings.workers`` forked worker processes."""
    import uvicorn

    limit_thread_pools()
    if not hasattr(os, "fork"):  # Windows: one process, loading in the background
        uvicorn.Server(config_for(settings, create_app(settings))).run()
        return
    run_prefork(settings, settings.workers)


def run_prefork(settings: Settings, workers: int) -> None:
    """Load the data and the app here, then serve from ``workers`` forked processes."""
    import uvicorn

    # the cyclic GC stays off while the parent loads (a pass over the loaded objects would only
    # cost time: they hold no cycles) and until the fork, when everything made so far is frozen
    gc.disable()
    redlist = Redlist(settings, background=True, freeze=True)
    redlist.preload()
    config = config_for(settings, create_app(redlist=redlist))
    config.load()  # the protocol classes and the wrapped app: made once, shared by the workers
    own = workers > 1 and _can_reuse_port(config)
    sock = _reserve_port(config) if own else config.bind_socket()
    gc.freeze()

    def serve(listening: socket.socket) -> None:
        if own:
            listening = _own_socket(listening)
        try:
            uvicorn.Server(config).run(sockets=[listening])
        finally:
            redlist.close()  # the audit rows this worker still holds are written before it exits

    def reload() -> bool:
        if not redlist.reload_now():
            return False
        redlist.preload()
        return True

    try:
        Prefork(
            serve,
            sock,
            workers,
            after_fork=redlist.after_fork,
            reload=reload,
            reload_interval=max(settings.reload_interval, 1.0),
        ).run()
    finally:
        sock.close()
        redlist.close()


# --- one listening socket per worker --------------------------------------------------------------
# Workers accepting from one shared socket do not share the connections: each worker's event loop
# accepts every connection waiting when it wakes, so a client opening its keep-alive connections at
# once (a proxy's pool, a load generator) has them all served by whichever worker woke first while
# the others idle (measured: 8 wrk connections, one worker at 0.99 CPU s per 1,000 requests, the
# other at 0.00). With SO_REUSEPORT (Linux) each worker listens on a socket of its own bound to the
# same port, and the kernel spreads new connections over them; the parent holds the port bound
# without listening (it accepts nothing), so that it stays reserved while workers come and go.


def _can_reuse_port(config: Any) -> bool:
    return (
        sys.platform == "linux"
        and hasattr(socket, "SO_REUSEPORT")
        and config.uds is None
        and config.fd is None
    )


def _reserve_port(config: Any) -> socket.socket:
    """The parent's socket: bound to the server's address with SO_REUSEPORT, never listening."""
    import logging

    from uvicorn.config import STARTUP_FAILURE

    family = socket.AF_INET6 if config.host and ":" in config.host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    try:
        sock.bind((config.host, config.port))
    except OSError as exc:
        sock.close()
        logging.getLogger("uvicorn.error").error(exc)
        sys.exit(STARTUP_FAILURE)
    host = f"[{config.host}]" if family == socket.AF_INET6 else config.host
    logging.getLogger("uvicorn.error").info(
        "Uvicorn running on http://%s:%d (Press CTRL+C to quit; one listening socket per worker)",
        host,
        sock.getsockname()[1],
    )
    return sock


def _own_socket(reserved: socket.socket) -> socket.socket:
    """A worker's listening socket: a new one on the parent's address (same port, SO_REUSEPORT);
    the worker's copy of the parent's socket is closed."""
    sock = socket.socket(reserved.family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind(reserved.getsockname())
    reserved.close()
    return sock
