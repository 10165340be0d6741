"""``redlist serve``: run the API with uvicorn, the settings handed to every worker as an object."""

from __future__ import annotations

from functools import partial

from redlist.api.app import create_app
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
    )
    server = uvicorn.Server(config)
    if config.workers > 1:
        Multiprocess(config, sockets=[config.bind_socket()]).run()
    else:
        server.run()
