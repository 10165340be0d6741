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
    sock = config.bind_socket()
    gc.freeze()

    def serve(listening: socket.socket) -> None:
        uvicorn.Server(config).run(sockets=[listening])

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
