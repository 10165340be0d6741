"""The HTTP API: a FastAPI shell over the facade (:class:`redlist.service.Redlist`).

:func:`create_app` builds the app and includes each router explicitly, so a router that fails to
import fails the start-up (and the tests) instead of becoming a silent 404:

- :mod:`redlist.api.routes`: screen, batch, check, entities, timeline, changes, sources, health;
- :mod:`redlist.api.yente`: yente-compatible match, search and catalog;
- :mod:`redlist.api.reconcile`: the W3C reconciliation service for OpenRefine;
- :mod:`redlist.api.web`: the server-rendered web UI under ``/ui``;
- :mod:`redlist.api.docs`: Swagger UI (``/docs``) and ReDoc (``/redoc``) with their assets served
  from redlist itself, so they work offline.

Every error is JSON (``{"error": {"status", "message"}}``) and no stack trace reaches a client.
API keys are required when the settings say so (by default on any non-loopback host).
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from redlist import __version__
from redlist.api import docs, reconcile, routes, watch, web, yente
from redlist.api.guard import RequestGuard, SecurityHeaders, install_redaction
from redlist.api.middleware import UiKeyCookie, add_error_handlers
from redlist.service import Redlist, Settings


def create_app(
    settings: Settings | None = None, *, redlist: Redlist | None = None, **overrides: Any
) -> FastAPI:
    """The API app over ``redlist`` (default: a facade over ``settings``, or settings with ``overrides``)."""
    if redlist is None:
        settings = settings or Settings.load(**overrides)
        redlist = Redlist(settings, background=True, freeze=True)
    settings = redlist.settings

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        # load the lists in the background; /readyz answers 503 until they are in
        threading.Thread(target=_warm, args=(redlist,), daemon=True).start()
        yield
        redlist.close()

    app = FastAPI(
        lifespan=lifespan,
        title="redlist",
        version=__version__,
        description="US restriction lists: screening, status on a date, history, with citations.",
        docs_url=None,  # redlist.api.docs serves /docs and /redoc with local assets (offline)
        redoc_url=None,
    )
    app.state.redlist = redlist
    app.state.auth = settings.auth_required()
    if settings.api_cors:
        app.add_middleware(
            CORSMiddleware, allow_origins=settings.api_cors, allow_methods=["*"], allow_headers=["*"]
        )
    app.add_middleware(
        RequestGuard,
        max_body=settings.max_body,
        body_timeout=settings.body_timeout,
        max_json_depth=settings.max_json_depth,
    )
    app.add_middleware(UiKeyCookie)
    app.add_middleware(SecurityHeaders)  # added last: outermost, so every answer carries them
    install_redaction()
    add_error_handlers(app)
    app.include_router(routes.router)
    app.include_router(watch.router)
    app.include_router(yente.router)
    app.include_router(reconcile.router)
    app.include_router(web.router)
    app.include_router(docs.router)
    return app


def _warm(redlist: Redlist) -> None:
    with contextlib.suppress(Exception):  # reported by /readyz (redlist.error)
        redlist.warm()
