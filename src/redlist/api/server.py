"""``redlist serve``: run the API with uvicorn, the settings handed to every worker as an object."""

from __future__ import annotations

from functools import partial

from redlist.api.app import create_app
from redlist.api.guard import GuardedH11
from redlist.service import Settings


def run(settings: Settings) -> None:
    """Serve until interrupted; with ``settings.workers > 1``, in that many worker processes."""
    import uvicorn
    from uvicorn.supervisors import Multiprocess

    # a factory, not an import string: each worker builds its app from these settings (pickled to
    # it), so nothing travels through environment variables
    config = uvicorn.Config(
        partial(create_app, settings),
        factory=True,
        host=settings.host,
        port=settings.port,
        workers=settings.workers,
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
    server = uvicorn.Server(config)
    if config.workers > 1:
        Multiprocess(config, sockets=[config.bind_socket()]).run()
    else:
        server.run()
